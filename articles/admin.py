from django import forms
from django.contrib import admin
from django.db.models import Count
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from . import markdown
from .models import Article, ArticleTreatment, Figure, Series, Treatment


class MarkdownAdmin(admin.ModelAdmin):
    """Markdown fields get the markdownx editor with its live preview."""

    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
    readonly_fields = ("created", "updated")

    class Media:
        js = ["admin/js/markdownx_errors.js"]
        css = {"all": ["admin/css/markdownx_editor.css"]}


class PublishableAdmin(MarkdownAdmin):
    list_filter = ("status",)
    date_hierarchy = "publish_at"

    @admin.display(boolean=True, description="Public now")
    def is_public(self, obj):
        return obj.is_public


@admin.register(Series)
class SeriesAdmin(MarkdownAdmin):
    list_display = ("title", "slug", "article_count", "updated")
    search_fields = ("title", "description")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("title", "slug", "description", "created", "updated")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


class ArticleTreatmentInline(admin.TabularInline):
    model = ArticleTreatment
    autocomplete_fields = ("treatment",)
    fields = ("position", "treatment")
    extra = 1
    verbose_name = "treatment listed in this article"
    verbose_name_plural = (
        "Treatments listed in this article (shown where the body says [[treatments]], "
        "in the order of the position numbers)"
    )


class FigureInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = {
            form.cleaned_data["number"]
            for form in self.forms
            if form.cleaned_data.get("number") and not form.cleaned_data.get("DELETE")
        }
        # self.instance already carries the body from the article form being saved.
        missing = sorted(markdown.marker_figure_numbers(self.instance.body) - kept)
        if missing:
            names = ", ".join(f"[[figure {number}]]" for number in missing)
            raise forms.ValidationError(
                f"The body places {names}, but there is no figure with that number. Add the "
                "figure here or remove the marker from the body."
            )


class FigureInline(admin.StackedInline):
    model = Figure
    formset = FigureInlineFormSet
    fields = ("number", "image", "alt_text", "caption")
    extra = 0


@admin.register(Article)
class ArticleAdmin(PublishableAdmin):
    list_display = ("__str__", "series", "status", "publish_at", "is_public", "updated")
    list_display_links = ("__str__",)
    list_filter = ("series", "status")
    list_select_related = ("series",)
    search_fields = ("title", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("series",)
    inlines = (ArticleTreatmentInline, FigureInline)
    fieldsets = (
        (None, {"fields": ("series", "number", "title", "slug", "summary", "author")}),
        ("Text", {"fields": ("body",)}),
        ("Publishing", {"fields": ("status", "publish_at", "created", "updated")}),
    )


@admin.register(Treatment)
class TreatmentAdmin(PublishableAdmin):
    list_display = ("name", "category", "ordering", "status", "is_public", "updated")
    list_editable = ("ordering",)
    list_filter = ("category", "status")
    search_fields = ("name", "summary", "body")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "category", "ordering")}),
        ("Text", {"fields": ("summary", "body")}),
        ("Publishing", {"fields": ("status", "publish_at", "created", "updated")}),
    )
