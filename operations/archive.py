"""The backup archive: what `manage.py backup` writes (operations/backups.py) and how an archive
is read and checked before anything is restored.

An archive is a gzipped tar of

- `data.json`: the models backed up, as `dumpdata --natural-foreign` writes them (but with
  whole microseconds). Content types, permissions, users and groups are named by natural key
  (ids differ between databases); every other row keeps its id, which revisions, `article:3`
  links and citations rely on.
- `media/...`: every file in the default storage (figures, editor uploads).
- `manifest.json`, written last (a backup cut short has none): format version, Django version,
  time, row counts, applied migrations, and the size and SHA-256 of every other member.
"""

import hashlib
import json
import shutil
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FORMAT = "trdsite-backup"
FORMAT_VERSION = 1
DATA_NAME = "data.json"
MANIFEST_NAME = "manifest.json"
MEDIA_DIR = "media"
NOTHING_RESTORED = "Nothing was restored."


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why and what to do."""


@dataclass
class Backup:
    """The archive at `path`, unpacked into `root` and checked against its manifest."""

    path: Path
    root: Path
    manifest: dict

    @property
    def data_path(self):
        return self.root / DATA_NAME

    @property
    def media_names(self):
        prefix = f"{MEDIA_DIR}/"
        return sorted(name[len(prefix) :] for name in self.manifest["files"] if name != DATA_NAME)

    def media_digest(self, name):
        return self.manifest["files"][f"{MEDIA_DIR}/{name}"]["sha256"]


def read_backup(path, root):
    """Unpack the archive at `path` into the folder `root` and check it; return a Backup."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}. {NOTHING_RESTORED}")
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            for member in archive:
                target = Path(root, *member_parts(member))
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, target.open("xb") as copy:
                    shutil.copyfileobj(source, copy)
            # To the end of the gzip stream, whose checksum is only tested there.
            while archive.fileobj.read(1 << 20):
                pass
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            f"{path} is not a readable trdsite backup: it may be truncated or damaged "
            f"({error}). {NOTHING_RESTORED}"
        ) from error
    manifest = read_manifest(path, Path(root))
    return Backup(path=path, root=Path(root), manifest=manifest)


def member_parts(member):
    """The parts of a member's path, if it is one this format writes; nothing else is unpacked."""
    parts = PurePosixPath(member.name).parts
    expected = parts in ((DATA_NAME,), (MANIFEST_NAME,)) or (
        len(parts) > 1 and parts[0] == MEDIA_DIR
    )
    if not member.isfile() or not expected or "\\" in member.name or ".." in parts:
        raise tarfile.TarError(f"unexpected member {member.name!r}")
    return parts


def read_manifest(path, root):
    incomplete = f"{path} is incomplete or damaged"
    try:
        manifest = json.loads((root / MANIFEST_NAME).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{incomplete}: it has no {MANIFEST_NAME}, which a backup writes last. "
            f"{NOTHING_RESTORED}"
        ) from None
    except ValueError as error:
        raise BackupError(
            f"{incomplete}: {MANIFEST_NAME} is unreadable. {NOTHING_RESTORED}"
        ) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a trdsite backup. {NOTHING_RESTORED}")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is in backup format {manifest.get('version')}; this code reads format "
            f"{FORMAT_VERSION}. Restore it with the version of trdsite that made it. "
            f"{NOTHING_RESTORED}"
        )
    listed = set(manifest["files"])
    present = {file.relative_to(root).as_posix() for file in root.rglob("*") if file.is_file()} - {
        MANIFEST_NAME
    }
    unexpected = sorted((listed ^ present) | ({DATA_NAME} - listed))
    if unexpected:
        raise BackupError(
            f"{incomplete}: its files do not match its manifest ({', '.join(unexpected[:5])}). "
            f"{NOTHING_RESTORED}"
        )
    for name, expected in manifest["files"].items():
        digest = hashlib.sha256((root / name).read_bytes()).hexdigest()
        if digest != expected["sha256"]:
            raise BackupError(
                f"{incomplete}: {name} does not match its checksum. {NOTHING_RESTORED}"
            )
    return manifest
