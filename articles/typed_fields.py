"""Every text field of the content models stores its text normalised (`typed_text.normalise`).

The field's attribute normalises what is assigned to it, so every way text reaches a model goes
through it: admin forms (`construct_instance` assigns), imports and restores (they build or
update instances), fixtures, revisions brought back, and the shell. Text read from the database
is normalised too, as the instance is built from it, so text stored before (or by an `update()`)
can't break a feed either; the next save stores it normalised.

Installed on every model of the app by `ArticlesConfig.ready()`, so a new field or model is
covered without remembering to; `tests/articles/test_stored_text.py` checks that every one is.
"""

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from .typed_text import normalise


class NormalisedText(DeferredAttribute):
    """A text field's attribute that normalises the text assigned to it."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = (
            normalise(value) if isinstance(value, str) else value
        )


def is_typed(field):
    """Text an editor types: derived text (stored HTML, hashes) is left as its code makes it."""
    return (
        isinstance(field, models.CharField | models.TextField)
        and field.editable
        and field.concrete
        # Fields with an attribute of their own (a country, say) keep it: they hold codes.
        and field.descriptor_class is DeferredAttribute
    )


def install(model_classes):
    for model in model_classes:
        for field in model._meta.concrete_fields:
            if is_typed(field):
                setattr(model, field.attname, NormalisedText(field))
