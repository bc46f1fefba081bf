"""Glossary terms in the admin: signed off like pages. Editors add terms and change those not
published, and submit them for review; publishers publish, and change, unpublish or delete a
published term. Publishing or changing a published term renders the pages that use it again
(articles.signals)."""

from django.contrib import admin
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from .. import safe_messaging, safe_messaging_checks
from ..models import Status, Term
from . import safe_messaging_notes
from .base import is_publisher
from .forms import EditorialForm


class TermForm(EditorialForm):
    """No lost updates: a save based on a term someone changed since is refused, with this
    editor's text kept in the form. A published term's words go into every page that marks it,
    so publishing one (or changing a published one) passes the pages' safe-messaging checks:
    with notes, only with "I have read the safe-messaging notes" ticked."""

    revision_note = None  # terms have no versioned history to note it in
    safe_messaging_read = safe_messaging_notes.read_field()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.PUBLISHED and not cleaned.get("safe_messaging_read"):
            texts = [
                safe_messaging.Text("Term", cleaned.get("term") or ""),
                safe_messaging.Text("Other names", cleaned.get("other_names") or ""),
                safe_messaging_checks.markdown_text("Definition", cleaned.get("definition") or ""),
            ]
            if flags := safe_messaging_checks.check_texts(texts):
                self.add_error(None, safe_messaging_notes.refusal(flags, what="term"))
                self.add_error("safe_messaging_read", "Tick this to publish it with its notes.")
        return cleaned


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    form = TermForm
    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
    list_display = ("term", "other_names_shown", "status", "mark_in_pages", "treatment", "updated")
    list_filter = ("status", "mark_in_pages")
    list_select_related = ("treatment",)
    search_fields = ("term", "other_names", "definition")
    prepopulated_fields = {"slug": ("term",)}
    autocomplete_fields = ("treatment",)
    readonly_fields = ("on_the_site", "created", "updated")
    fieldsets = (
        (None, {"fields": ("term", "slug", "other_names", "definition", "treatment")}),
        ("In pages", {"fields": ("mark_in_pages",)}),
        (
            "Publishing",
            {
                "fields": (
                    "status",
                    "safe_messaging_read",
                    "on_the_site",
                    "created",
                    "updated",
                    "edit_token",
                )
            },
        ),
    )

    class Media:
        js = ["admin/js/markdownx_errors.js", "admin/js/unsaved_changes.js"]
        css = {"all": ["admin/css/markdownx_editor.css"]}

    def get_fieldsets(self, request, obj=None):
        hidden = set()
        if obj is not None and not self.has_change_permission(request, obj):
            hidden.add("edit_token")  # read only: no form to guard
        if not is_publisher(request):
            hidden.add("safe_messaging_read")  # only publishers publish
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in self.fieldsets
        ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == Status.PUBLISHED and not is_publisher(request):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == Status.PUBLISHED and not is_publisher(request):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # As for pages (PublishingAdmin): editors save drafts and submit them for review.
        if db_field.name == "status" and not is_publisher(request):
            kwargs["choices"] = [
                (value, label)
                for value, label in Status.choices
                if value in (Status.DRAFT, Status.REVIEW)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(description="Other names")
    def other_names_shown(self, obj):
        return ", ".join(obj.names[1:])

    @admin.display(description="On the site")
    def on_the_site(self, obj):
        if obj is None or not obj.pk or obj.status != Status.PUBLISHED:
            return "Not shown to readers until a publisher publishes it."
        url = obj.get_absolute_url()
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)
