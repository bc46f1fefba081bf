"""FileCache (operations.cache_backend) reads what Django's FileBasedCache writes, and the other
way round: the same files, expiry and misses, whatever the value's size."""

import os
import random
import time

import pytest
import time_machine
from django.core.cache.backends.filebased import FileBasedCache

from operations.cache_backend import FileCache


@pytest.fixture
def caches(tmp_path):
    params = {"KEY_PREFIX": "example", "TIMEOUT": 300}
    return FileCache(str(tmp_path), params), FileBasedCache(str(tmp_path), params)


@pytest.mark.parametrize(
    "value",
    [
        ("0f" * 16, None),
        {"example": ["nested", 1, 2.5, None]},
        random.Random(1).randbytes(200_000),  # files of several reads: random bytes don't compress
        "".join(chr(0x4E00 + n % 5000) for n in range(200_000)),
    ],
    ids=["generation", "dict", "many-reads", "large-text"],
)
def test_reads_what_django_writes_and_django_reads_what_it_writes(caches, value):
    fast, django = caches
    django.set("example-key", value)
    assert fast.get("example-key") == value
    fast.set("other-key", value)
    assert django.get("other-key") == value


def test_a_file_of_exactly_one_read_is_read_whole(caches):
    fast, django = caches
    size = FileCache.READ_SIZE - 100
    while True:  # a value whose file is exactly READ_SIZE bytes
        value = random.Random(2).randbytes(size)
        django.set("example-key", value)
        written = os.path.getsize(fast._key_to_file("example-key"))
        if written == FileCache.READ_SIZE:
            break
        size += FileCache.READ_SIZE - written
    assert fast.get("example-key") == value


def test_misses_and_expiry_are_djangos(caches, tmp_path):
    fast, django = caches
    assert fast.get("missing") is None
    assert fast.get("missing", "fallback") == "fallback"
    with time_machine.travel(time.time(), tick=False) as clock:
        django.set("short", "example", timeout=10)
        django.set("forever", "example", timeout=None)
        assert fast.get("short") == "example"
        clock.shift(11)
        assert fast.get("short", "expired") == "expired"
        assert not fast.has_key("short")
        assert fast.get("forever") == "example"
    # The expired file was removed, as Django's own read removes it.
    assert len(list(tmp_path.glob("*.djcache"))) == 1


def test_an_empty_file_is_expired_as_for_django(caches):
    fast, django = caches
    django.set("example-key", "example")
    open(fast._key_to_file("example-key"), "wb").close()  # noqa: SIM115
    assert fast.get("example-key") is None
    assert django.get("example-key") is None


def test_a_new_value_is_read_at_once(caches):
    """Nothing is kept but the file's name: a value set by another process is read next time."""
    fast, django = caches
    for n in range(3):
        django.set("generation", (f"generation-{n}", None))
        assert fast.get("generation") == (f"generation-{n}", None)
    django.delete("generation")
    assert fast.get("generation") is None


def test_a_held_value_is_read_again_after_every_write(caches):
    """get_held() keeps the value while its file is the one it read: every write by another
    process (Django's own writer here), however quick the succession (many within one tick of
    the file system's clock: the same mtime, the same size), is seen on the next read."""
    fast, django = caches
    assert fast.get_held("generation") is None
    for n in range(200):
        django.set("generation", (f"{n % 2:032x}", None))
        assert fast.get_held("generation") == (f"{n % 2:032x}", None)
    django.delete("generation")
    assert fast.get_held("generation", "gone") == "gone"
    django.set("generation", ("example", None))
    assert fast.get_held("generation") == ("example", None)
    django.clear()
    assert fast.get_held("generation") is None


def test_a_held_value_unchanged_costs_no_read(caches, monkeypatch):
    fast, django = caches
    django.set("generation", ("example", None))
    assert fast.get_held("generation") == ("example", None)
    monkeypatch.setattr(os, "open", lambda *args, **kwargs: pytest.fail("read again"))
    assert fast.get_held("generation") == ("example", None)


def test_a_held_value_expires_as_for_django(caches, tmp_path):
    fast, django = caches
    with time_machine.travel(time.time(), tick=False) as clock:
        django.set("short", "example", timeout=10)
        assert fast.get_held("short") == "example"
        clock.shift(5)
        django.touch("short", timeout=20)  # rewritten in place, a later expiry
        clock.shift(10)
        assert fast.get_held("short") == "example"
        clock.shift(11)
        assert fast.get_held("short", "expired") == "expired"
        assert not list(tmp_path.glob("*.djcache"))  # removed, as Django's read removes it
