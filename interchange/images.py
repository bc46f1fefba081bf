"""Figure images an import needs and the site's storage lacks: taken from the directory's
media/ folder, cleaned as every upload is, and stored only once the import has committed."""

import posixpath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.images import get_image_dimensions
from django.core.files.storage import default_storage

from articles import uploads

from .file_format import MEDIA_DIR, Problem


def clean_exported_image(root, name):
    """The image from the directory, re-encoded as every upload is (articles/uploads.py):
    files in an export may have been edited since the site wrote them."""
    source = root / MEDIA_DIR / name
    if not source.is_file():
        raise Problem(
            f"figure image {name} is neither in the site's media nor in "
            f"{MEDIA_DIR}/{name} of the directory"
        )
    with source.open("rb") as upload:
        try:
            image = uploads.clean_image(File(upload))
        except ValidationError as error:
            raise Problem(f"{MEDIA_DIR}/{name}: {' '.join(error.messages)}") from None
    extension = posixpath.splitext(name)[1].lower().lstrip(".")
    if {"jpeg": "jpg"}.get(extension, extension) != image.extension:
        raise Problem(
            f"{MEDIA_DIR}/{name} is a {image.extension.upper()} image: its name "
            f"must end in .{image.extension}"
        )
    return image


def image_size(name, pending):
    """(width, height) of the image `name`: one of `pending` (name: cleaned image, not stored
    yet) or one in storage."""
    if name in pending:
        return get_image_dimensions(pending[name])
    with default_storage.open(name) as image:
        size = get_image_dimensions(image)
    if None in size:
        raise Problem(f"figure image {name} on this site is not an image")
    return size


def store(pending):
    # Kept under the names the pages use; nothing else in storage is overwritten.
    for name, image in pending.items():
        if not default_storage.exists(name):
            default_storage.save(name, image)
