"""Images in the Markdown editor: the "Insert image" button and the alt-text dialog
(admin/js/insert_image.js), and the editor's help text saying how to add one."""

from django import forms
from markdownx.models import MarkdownxField

from ..markdown_images import DECORATIVE

IMAGE_HELP = (
    "Images: press “Insert image” above the editor (or drag a picture onto it). You are asked "
    "to describe it for readers who can't see it, and it goes on a line of its own at the "
    "cursor, as ![what it shows](address). An image that only decorates is written "
    f"![{DECORATIVE}](address); an image without a description can't be saved."
)


class InsertImageMixin:
    """For the admins whose Markdown fields use the markdownx editor."""

    @property
    def media(self):
        return super().media + forms.Media(
            js=["admin/js/insert_image.js"], css={"all": ["admin/css/insert_image.css"]}
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, MarkdownxField) and formfield is not None:
            formfield.help_text = " ".join(filter(None, (str(formfield.help_text), IMAGE_HELP)))
        return formfield
