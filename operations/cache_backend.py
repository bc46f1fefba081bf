"""The site's cache backends: Django's, made to fail safe (Redis) and to read fast (files).

FailSafeRedisCache: a Redis that is down or unreachable costs readers speed (every page is built
from the database), never a 500. FileCache: one machine's shared cache, read on every request
(the page cache's generation) at about half what Django's own reads cost, or with one os.stat()
while the value is unchanged (get_held).
"""

import functools
import io
import logging
import os
import pickle
import threading
import time
import zlib

from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class CacheUnreachable(DatabaseError):
    """A write that must reach the shared cache (a new page-cache generation) didn't, even
    retried. A DatabaseError, so that whatever handles a failed write handles it too: the
    change's transaction is rolled back, a scheduled go-live is tried on the next request."""


# How long a write that must reach Redis is retried: past a failover or a blip of a second or
# two, not long enough to hold a worker near gunicorn's timeout.
SURELY_SECONDS = 3
SURELY_PAUSE = 0.25


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

    def set_surely(self, key, value, timeout):
        """set(), retried for up to SURELY_SECONDS whatever the back-off says; CacheUnreachable
        if it never got through. For what readers must not miss: skipped, a withdrawn page
        would be served from the cache until its generation expired."""
        deadline = time.monotonic() + SURELY_SECONDS
        while True:
            try:
                RedisCache.set(self, key, value, timeout)
            except RedisError as error:
                if time.monotonic() + SURELY_PAUSE >= deadline:
                    raise CacheUnreachable(f"Redis took no write for {SURELY_SECONDS} s") from error
                time.sleep(SURELY_PAUSE)
            else:
                self.down_until = 0.0  # it answers again: no need to wait out the back-off
                return


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
        # get_held(): by file name, (the file's identity, its descriptor, expiry, value).
        self._held = {}
        self._holding = threading.Lock()

    def _key_to_file(self, key, version=None):
        fname = self._files.get((key, version))
        if fname is None:
            if len(self._files) >= self.REMEMBERED_FILES:
                self._files = {}
            fname = self._files[key, version] = super()._key_to_file(key, version)
        return fname

    def _read(self, descriptor):
        """(expiry, the rest of the file) of an open cache file, read whole."""
        chunks = [os.read(descriptor, self.READ_SIZE)]
        while len(chunks[-1]) == self.READ_SIZE:  # a short read of a file is its end
            chunks.append(os.read(descriptor, self.READ_SIZE))
        content = io.BytesIO(b"".join(chunks))
        # As FileBasedCache._is_expired(): the expiry first, an empty file expired.
        try:
            expiry = pickle.load(content)  # noqa: S301 - our own cache files, as Django reads them
        except EOFError:
            expiry = 0
        return expiry, content

    def get(self, key, default=None, version=None):
        fname = self._key_to_file(key, version)
        try:
            descriptor = os.open(fname, os.O_RDONLY)
        except FileNotFoundError:
            return default
        try:
            expiry, content = self._read(descriptor)
        finally:
            os.close(descriptor)
        if expiry is not None and expiry < time.time():
            self._delete(fname)
            return default
        return pickle.loads(zlib.decompress(content.read()))  # noqa: S301

    def get_held(self, key, default=None, version=None):
        """get() of a value read on every request, in one os.stat() while it is unchanged (the
        page cache's generation). The value is the same object each time: never change it.

        The file last read stays open, so its inode can't be given to another file: while the
        key's name still leads to that inode (and its mtime and size are the same), no set()
        has happened since, by any process (set() writes a new file and renames it over the
        old one), and the value read then is the value. A write is seen on the next call."""
        fname = self._key_to_file(key, version)
        try:
            found = identity(os.stat(fname))
        except FileNotFoundError:
            self._release(fname)
            return default
        held = self._held.get(fname)
        if held is None or held[0] != found:
            held = self._hold(fname)
            if held is None:
                return self.get(key, default, version)  # gone or expired, as get() answers
        if held[2] is not None and held[2] < time.time():
            self._release(fname)
            return self.get(key, default, version)  # removes the expired file, as get() does
        return held[3]

    def _hold(self, fname):
        with self._holding:  # threads share a backend here: one of them closes a descriptor
            self._release(fname)
            try:
                descriptor = os.open(fname, os.O_RDONLY)
            except FileNotFoundError:
                return None
            try:
                expiry, content = self._read(descriptor)
                if expiry is not None and expiry < time.time():
                    os.close(descriptor)
                    return None
                value = pickle.loads(zlib.decompress(content.read()))  # noqa: S301
                # The identity of the file read, which a rename may have replaced since the stat.
                held = self._held[fname] = (
                    identity(os.fstat(descriptor)),
                    descriptor,
                    expiry,
                    value,
                )
            except BaseException:
                os.close(descriptor)
                raise
            return held

    def _release(self, fname):
        held = self._held.pop(fname, None)
        if held is not None:
            os.close(held[1])


def identity(status):
    """What tells one cache file from another, or from itself rewritten in place (touch())."""
    return (status.st_dev, status.st_ino, status.st_mtime_ns, status.st_ctime_ns, status.st_size)
