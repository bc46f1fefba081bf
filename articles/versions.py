"""A page's past version (django-reversion), with its lists, loaded into a page nothing of
which is public: a new page or a draft. Live pages change only through drafts
(articles.drafts)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .drafts import STANDING_FIELDS, cancel_schedule
from .models import Status


def load_version(version, target):
    """Load a django-reversion version (with its page's lists from the same revision) into
    `target`, an unsaved new page or a page nothing of which is public (a draft). Where the
    page stands (status, publish time, which page it drafts) stays the target's: a new page is
    a draft. Returns notes on list rows that could not come back."""
    data = version.field_dict
    model = type(target)
    for field in model._meta.concrete_fields:
        if field.name not in STANDING_FIELDS and field.attname in data:
            setattr(target, field.attname, data[field.attname])
    if target._state.adding and hasattr(target, "live_page_id"):
        target.status = Status.DRAFT
    if getattr(target, "go_live_at", None):
        cancel_schedule(target)  # what was signed off is not what it will say
    notes = []
    rows = {}
    for name in getattr(model, "page_lists", ()):
        relation = getattr(model, name)
        fk = relation.field.attname
        rows[name] = [
            other.field_dict
            for other in version.revision.version_set.exclude(pk=version.pk)
            if other._model is relation.rel.related_model
            and str(other.field_dict.get(fk)) == str(version.object_id)
        ]
    try:
        with transaction.atomic():
            target.full_clean()
            target.save()
            for name, saved in rows.items():
                manager = getattr(target, name)
                manager.all().delete()
                for values in saved:
                    row = manager.model(**{k: v for k, v in values.items() if k != "id"})
                    setattr(row, manager.field.attname, target.pk)
                    try:
                        with transaction.atomic():
                            # A figure's image is the stored file of that version, as it was.
                            row.full_clean(exclude=[manager.field.name, "image"])
                            row.save()
                    except (ValidationError, IntegrityError):
                        notes.append(f"Not restored from the list: {describe_row(values)}.")
    except IntegrityError as error:
        raise ValidationError(f"This version can't be loaded as it stands: {error}") from error
    return notes


def describe_row(values):
    shown = [str(value) for key, value in values.items() if key not in {"id"} and value]
    return ", ".join(shown[:4])
