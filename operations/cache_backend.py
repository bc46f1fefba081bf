"""The site's cache backends: Django's, made to fail safe (Redis) and to read fast (files).

FailSafeRedisCache: a Redis that is down or unreachable costs readers speed (every page is built
from the database), never a 500. FileCache: one machine's shared cache, read on every request
(the page cache's generation) at about half what Django's own reads cost.
"""

import functools
import io
import logging
import os
import pickle
import time
import zlib

from django.core.cache.backends.filebased import FileBasedCache
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


class FileCache(FileBasedCache):
    """Django's file cache, the same files in the same format, read faster.

    Every readers' request reads the page cache's generation from here (operations.page_cache),
    and Django's get() cost more than the rest of a warm page: a buffered file object, a pickle
    read from it, and the key checked and hashed again each time. Here a read is one os.read()
    of the file, and the file each key maps to is remembered.
    """

    READ_SIZE = 64 * 1024
    # Distinct keys remembered: the default cache holds a handful (generation, fragments, callout).
    REMEMBERED_FILES = 1000

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._files = {}

    def _key_to_file(self, key, version=None):
        fname = self._files.get((key, version))
        if fname is None:
            if len(self._files) >= self.REMEMBERED_FILES:
                self._files = {}
            fname = self._files[key, version] = super()._key_to_file(key, version)
        return fname

    def get(self, key, default=None, version=None):
        fname = self._key_to_file(key, version)
        try:
            descriptor = os.open(fname, os.O_RDONLY)
        except FileNotFoundError:
            return default
        try:
            chunks = [os.read(descriptor, self.READ_SIZE)]
            while len(chunks[-1]) == self.READ_SIZE:  # a short read of a file is its end
                chunks.append(os.read(descriptor, self.READ_SIZE))
        finally:
            os.close(descriptor)
        content = io.BytesIO(b"".join(chunks))
        # As FileBasedCache._is_expired(): the expiry first, an empty file expired.
        try:
            expiry = pickle.load(content)  # noqa: S301 - our own cache files, as Django reads them
        except EOFError:
            expiry = 0
        if expiry is not None and expiry < time.time():
            self._delete(fname)
            return default
        return pickle.loads(zlib.decompress(content.read()))  # noqa: S301
