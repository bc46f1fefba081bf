"""The change forms' text boxes, sized for what editors write in them (the layout itself is
static/admin/css/editor_layout.css)."""

import re

from django import forms
from django.db import models

LINE_BREAKS_RE = re.compile(r"[ \t]*[\r\n]+[ \t]*")


class OneParagraphField(forms.CharField):
    """Text shown as one paragraph (an article's summary: under its title and as the page's
    description in search results), typed in a box of a few lines: line breaks become spaces,
    so none is stored and the length counted is the length shown."""

    def to_python(self, value):
        value = super().to_python(value)
        return LINE_BREAKS_RE.sub(" ", value) if value else value


class TextBoxesMixin:
    """For a ModelAdmin: a plain-text summary gets a box of a few lines in which the whole of
    it shows, instead of a one-line input that cuts it off."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "summary" and type(db_field) is models.CharField:
            kwargs["form_class"] = OneParagraphField
            # The admin's own widget for a CharField would otherwise win over the field's.
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "class": "plain-summary"})
        return super().formfield_for_dbfield(db_field, request, **kwargs)
