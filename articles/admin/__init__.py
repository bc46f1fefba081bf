"""The editors' admin: content admins in `content`, shared behaviour in `base`, the preview and
the review queue in `review`, the urgent-help callout in `site`."""

from . import content, site  # noqa: F401 - registers the admins
