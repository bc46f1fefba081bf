"""What the content models keep in the shared cache (the urgent-help contacts, whether the
editorial policy is public), and how a change forgets it."""

from django.core.cache import cache
from django.db import transaction


def forget(key):
    """Delete `key` now, and again once the change's transaction commits. A reader's request
    in between still reads the rows committed before the change, and would cache them again:
    the pages of the next page-cache generation would be built from that (old helpline numbers
    for CACHE_TIMEOUT), as operations.page_cache starts a generation twice for the same reason."""
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
