"""A submitted admin form's values read and written the way its widgets do, and stored values
made comparable: what merging two editors' saves (save_merge, row_merge) works with."""

from datetime import datetime, time

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile


def comparable(value):
    """A stored value as two saves can be compared by: text without Windows line ends (the
    browser's), times to the second (what the forms and the history keep), files by name."""
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, datetime | time):
        return value.replace(microsecond=0)
    if value is None:
        return ""
    return value


def submitted(field, data, files, key):
    """What the browser sent for a form field, as its widget reads it."""
    return field.widget.value_from_datadict(data, files, key)


def differs(field, stored, data, files, key):
    """Whether what was sent for `key` differs from the stored value, as Django's forms judge
    a change."""
    sent = submitted(field, data, files, key)
    if isinstance(sent, str):
        sent = sent.replace("\r\n", "\n")
    return field.has_changed(None if stored is None else comparable(stored), sent)


def put(data, key, field, value):
    """Write a stored value into submitted data as the field's widget would have sent it.
    Files are never written: a row keeps the picture it has."""
    widget = field.widget
    if isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    value = field.prepare_value(value)
    if isinstance(widget, forms.FileInput):
        return
    if isinstance(widget, forms.MultiWidget):
        for suffix, part_widget, part in zip(
            widget.widgets_names, widget.widgets, widget.decompress(value), strict=False
        ):
            data[key + suffix] = _text(part_widget.format_value(part))
    elif isinstance(widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    else:
        formatted = widget.format_value(value)
        if isinstance(formatted, list | tuple):  # a select's chosen values
            data.setlist(key, [str(item) for item in formatted])
        else:
            data[key] = _text(formatted)


def _text(value):
    return "" if value is None else str(value)


def shown(field, value):
    """A value as an editor reads it: the name of a chosen page, person or source, a choice's
    label, Yes or No."""
    if value in (None, "", [], ()):
        return "(empty)"
    if isinstance(field, forms.ModelChoiceField):
        chosen = value if hasattr(value, "pk") else field.queryset.filter(pk=value).first()
        return str(chosen if chosen is not None else value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, FieldFile):
        return value.name.rsplit("/", 1)[-1]
    choices = dict(getattr(field, "choices", None) or ())
    return str(choices.get(value, value))


def shown_submitted(field, data, files, key):
    raw = submitted(field, data, files, key)
    if hasattr(raw, "name") and hasattr(raw, "read"):
        return raw.name  # an uploaded file
    try:
        value = field.to_python(raw)
    except ValidationError:
        value = raw
    return shown(field, value)
