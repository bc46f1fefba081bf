"""No lost updates: a form carries the `updated` time of what it showed (its edit token), and a
save based on an older one is someone else's save crossed with this one. Who made that save,
and when, is read from the history."""

import reversion
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from reversion.models import Version


def edit_token(obj):
    return obj.updated.isoformat() if obj is not None and obj.pk and obj.updated else ""


def last_change(obj):
    """Who saved this object last, and when, from its history (the admin's log for an object
    without versions, such as the urgent-help callout)."""
    if not reversion.is_registered(type(obj)):
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
            )
            .select_related("user")
            .first()
        )
        if entry is None:
            return "Someone", obj.updated
        return entry.user.get_full_name() or entry.user.get_username(), entry.action_time
    version = Version.objects.get_for_object(obj).select_related("revision__user").first()
    if version is None:
        return "Someone", obj.updated
    user = version.revision.user
    name = (user.get_full_name() or user.get_username()) if user else "Someone"
    return name, version.revision.date_created
