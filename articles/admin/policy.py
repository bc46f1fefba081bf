from django.contrib import admin
from django.shortcuts import redirect
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from ..models import EditorialPolicy
from .base import PublishersOnlyMixin
from .insert_image import InsertImageMixin


@admin.register(EditorialPolicy)
class EditorialPolicyAdmin(InsertImageMixin, PublishersOnlyMixin, admin.ModelAdmin):
    """One page, written by publishers: readers see it, and the links to it, only once it is
    written and shown. Editors can read it."""

    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
    fields = ("title", "text", "published", "on_the_site", "updated")
    readonly_fields = ("on_the_site", "updated")

    class Media:
        js = ["admin/js/markdownx_errors.js", "admin/js/unsaved_changes.js"]
        css = {"all": ["admin/css/markdownx_editor.css"]}

    def has_add_permission(self, request):
        # Permissions first: the admin asks on every page (its sidebar), and editors never add.
        return super().has_add_permission(request) and not EditorialPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        policy = EditorialPolicy.objects.first()
        if policy is not None:
            return redirect("admin:articles_editorialpolicy_change", policy.pk)
        return super().changelist_view(request, extra_context)

    @admin.display(description="On the site")
    def on_the_site(self, obj):
        if obj is None or not obj.pk or not (obj.published and obj.text):
            return "Not shown to readers: no page, and no links to it."
        url = obj.get_absolute_url()
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a> (linked from the footer and '
            "from each page's review dates)",
            url,
            url,
        )
