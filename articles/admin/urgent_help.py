from django.contrib import admin
from django.db import models
from django.shortcuts import redirect
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from ..models import EmergencyNumber, Helpline, UrgentHelp
from .base import PublishersOnlyMixin
from .forms import EditorialForm


class CalloutForm(EditorialForm):
    """No lost updates: a save based on a callout someone changed since (its text, or any of its
    numbers: saving them saves the callout) is refused, with this publisher's form kept."""

    revision_note = None  # the callout has no versioned history to note it in


class EmergencyNumberInline(PublishersOnlyMixin, admin.TabularInline):
    model = EmergencyNumber
    fields = ("position", "country", "number", "shown_on_pages", "last_checked")
    extra = 0


class HelplineInline(PublishersOnlyMixin, admin.StackedInline):
    model = Helpline
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = (
        ("position", "country", "name"),
        ("phone", "text_number", "url"),
        ("hours", "description"),
        ("shown_on_pages", "last_checked"),
    )
    extra = 0


@admin.register(UrgentHelp)
class UrgentHelpAdmin(PublishersOnlyMixin, admin.ModelAdmin):
    """One callout: the card on every public page and the Get help now page. It can be edited,
    never added twice or removed."""

    form = CalloutForm
    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
    fields = ("title", "text", "edit_token")
    inlines = (EmergencyNumberInline, HelplineInline)

    class Media:
        js = ["admin/js/unsaved_changes.js"]

    def has_add_permission(self, request):
        return not UrgentHelp.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        callout = UrgentHelp.objects.first()
        if callout is not None:
            return redirect("admin:articles_urgenthelp_change", callout.pk)
        return super().changelist_view(request, extra_context)
