"""Django's Redis cache backend, made to fail safe: a Redis that is down or unreachable costs
readers speed (every page is built from the database), never a 500."""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _fail_safe(name, fallback):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if time.monotonic() < self.down_until:
            return fallback(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except RedisError:
            # Stop asking for a while: a Redis that is down would otherwise cost every cache
            # call of every request a connection attempt.
            self.down_until = time.monotonic() + self.retry_after
            logger.warning(
                "Cache unavailable; serving from the database for %ss",
                self.retry_after,
                exc_info=True,
            )
            return fallback(*args, **kwargs)

    return wrapper


def _default(key, default=None, version=None):
    return default


class FailSafeRedisCache(RedisCache):
    """Reads miss and writes are skipped while Redis can't be reached; retried after
    `retry_after` seconds (OPTIONS: RETRY_AFTER). Connection and socket timeouts belong in
    OPTIONS too, so a Redis that doesn't answer fails fast rather than hanging a worker."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = options.pop("RETRY_AFTER", 5)
        super().__init__(server, {**params, "OPTIONS": options})
        self.down_until = 0.0

    get = _fail_safe("get", _default)
    get_many = _fail_safe("get_many", lambda *args, **kwargs: {})
    has_key = _fail_safe("has_key", lambda *args, **kwargs: False)
    add = _fail_safe("add", lambda *args, **kwargs: False)
    set = _fail_safe("set", lambda *args, **kwargs: None)
    set_many = _fail_safe("set_many", lambda *args, **kwargs: [])
    touch = _fail_safe("touch", lambda *args, **kwargs: False)
    delete = _fail_safe("delete", lambda *args, **kwargs: False)
    delete_many = _fail_safe("delete_many", lambda *args, **kwargs: None)
    clear = _fail_safe("clear", lambda *args, **kwargs: None)
