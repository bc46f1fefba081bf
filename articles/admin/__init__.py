"""The editors' admin: content admins in `content`, shared behaviour in `base`, the preview and
the review queue in `review`."""

from . import content  # noqa: F401 - registers the admins
