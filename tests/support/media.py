"""Uploaded files in the browser tests: the live server runs with DEBUG off, so it doesn't
serve /media/ (in production the web server in front does)."""

from pathlib import Path

from django.conf import settings


def serve_media(route):
    """A Playwright route handler answering /media/ from MEDIA_ROOT, as the web server does."""
    media_root = Path(settings.MEDIA_ROOT).resolve()
    name = route.request.url.split(settings.MEDIA_URL, 1)[1].split("?")[0]
    file = (media_root / name).resolve()
    if file.is_relative_to(media_root) and file.is_file():
        route.fulfill(path=file)
    else:
        route.fulfill(status=404)


def stored_uploads():
    """The images the Markdown editor's upload has stored, by name."""
    folder = Path(settings.MEDIA_ROOT) / settings.MARKDOWNX_MEDIA_PATH
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []
