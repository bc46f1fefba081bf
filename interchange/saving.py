"""How an import saves rows: every problem reported against its file (and ending the whole
import), checks before saving, restored times, ids that later rows may not take."""

from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.color import no_style
from django.db import IntegrityError, connection

from .file_format import TIMESTAMP_KEYS, ImportRefused, Problem


@contextmanager
def reporting(path):
    """Any problem below is reported against this file, and ends the whole import."""
    try:
        yield
    except Problem as problem:
        raise ImportRefused(f"{path}: {problem}\nNothing was imported.") from None
    except ValidationError as error:
        raise ImportRefused(f"{path}: {describe(error)}\nNothing was imported.") from None
    except IntegrityError as error:
        # A rule the checks above missed, or a row saved meanwhile by someone else.
        raise ImportRefused(
            f"{path}: the database refused it ({error}).\nNothing was imported."
        ) from error


def describe(error):
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return "; ".join(
        " ".join(messages) if field == NON_FIELD_ERRORS else f"{field}: {' '.join(messages)}"
        for field, messages in error.message_dict.items()
    )


def reset_sequences(*models):
    """Move the tables' id sequences past their highest id (PostgreSQL; SQLite needs none)."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def assign(obj, values):
    """Set the values; True if any differs from what the object had."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def save_checked(page):
    """Save a page after every check but clean(), which judges links to pages that may not be
    imported yet (validate() runs it once they are)."""
    errors = {}
    for check in (page.clean_fields, page.validate_unique, page.validate_constraints):
        try:
            check()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    page.save()


def restore_timestamps(obj, data, keys=TIMESTAMP_KEYS):
    # auto_now and auto_now_add ignore given values on save(), so a restored page gets its
    # original times back with an update(); a page changed by the import keeps its new time.
    stamps = {key: data[key] for key in keys if data.get(key)}
    if stamps:
        type(obj).objects.filter(pk=obj.pk).update(**stamps)
        for key, value in stamps.items():
            setattr(obj, key, value)
