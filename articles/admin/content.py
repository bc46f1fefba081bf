from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.urls import path
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from .. import markdown, term_marks
from ..models import Article, ArticleTreatment, Figure, Person, Series, Treatment
from ..safe_messaging_checks import page_flags
from . import safe_messaging_notes
from .base import MarkdownAdmin, PublishingAdmin, ShownPubliclyMixin
from .feedback import PageFeedbackSummaryMixin
from .figure_files import MissingFigureFilesMixin
from .insert_image import InsertImageMixin
from .new_article import NewArticleDefaultsMixin
from .page_links import PageLinksMixin, link_search_view
from .review import PreviewMixin
from .review_queue import review_queue_view
from .sources import ORDERED_TABULAR, ArticleSourceInline, CitingMixin, TreatmentSourceInline


@admin.register(Series)
class SeriesAdmin(ShownPubliclyMixin, MarkdownAdmin):
    list_display = ("title", "slug", "article_count", "updated")
    # The annotation below drops Meta.ordering; autocomplete pages need a stable order.
    ordering = ("title",)
    search_fields = ("title", "description")
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = ((None, {"fields": ("title", "slug", "description", "created", "updated")}),)

    def get_queryset(self, request):
        pages = Count("articles", filter=Q(articles__live_page__isnull=True))
        return super().get_queryset(request).annotate(article_count=pages)

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Person)
class PersonAdmin(InsertImageMixin, ShownPubliclyMixin, admin.ModelAdmin):
    """Their public page shows name, credentials, role, bio and declared conflicts once a
    published page credits them: from then on only publishers change them (ShownPubliclyMixin),
    and a page's sign-off covers them (drafts.fingerprint)."""

    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
    list_display = ("name", "credentials", "role", "user")
    list_select_related = ("user",)
    search_fields = ("name", "credentials", "role")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("user",)
    readonly_fields = ("on_the_site",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "credentials", "role", "on_the_site")}),
        (
            "Their page",
            {
                "fields": ("bio", "conflicts_of_interest"),
                "description": "Shown on their public page once a published page credits "
                "them as author or medical reviewer. Only what they have confirmed.",
            },
        ),
        ("Admin account", {"fields": ("user",)}),
    )

    class Media:
        js = ["admin/js/markdownx_errors.js", "admin/js/unsaved_changes.js"]
        css = {"all": ["admin/css/markdownx_editor.css"]}

    def get_fieldsets(self, request, obj=None):
        # Linking an admin account needs user management, which editors don't have.
        if request.user.has_perm("auth.view_user"):
            return self.fieldsets
        return self.fieldsets[:-1]

    @admin.display(description="On the site")
    def on_the_site(self, obj):
        if obj is None or not obj.pk:
            return "Shown once saved."
        # As stored: a form sent back with errors holds what was typed (an empty slug, say).
        slug = Person.objects.published().filter(pk=obj.pk).values_list("slug", flat=True).first()
        if slug is None:
            return "No public page: no published page credits them yet."
        url = Person(slug=slug).get_absolute_url()
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, url)

    def get_autocomplete_fields(self, request):
        return self.autocomplete_fields if request.user.has_perm("auth.view_user") else ()


class ArticleTreatmentInline(SortableTabularInline):
    model = ArticleTreatment
    template = ORDERED_TABULAR
    autocomplete_fields = ("treatment",)
    fields = ("position", "treatment")
    extra = 0
    verbose_name = "treatment listed in this article"
    verbose_name_plural = "Treatments listed in this article"
    description = (
        "Shown where the body says [[treatments]], in this order: drag a row, or use its Move "
        "buttons. A new row goes at the end; choosing its treatment opens the next row, ready "
        "for another name (press Escape when done: a row left empty is not saved)."
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
        if getattr(self.instance, "_publishing_unread", False):
            rows = [
                form.cleaned_data
                for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            if flags := page_flags(self.instance, figures=rows):
                raise forms.ValidationError(safe_messaging_notes.refusal(flags))
        if names := markdown.missing_figures(self.instance.body, kept):
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
class ArticleAdmin(
    MissingFigureFilesMixin,
    NewArticleDefaultsMixin,
    SortableAdminBase,
    CitingMixin,
    PageLinksMixin,
    PageFeedbackSummaryMixin,
    PreviewMixin,
    PublishingAdmin,
):
    list_display = (
        "__str__",
        "series",
        "status",
        "pending_changes",
        "publish_at",
        "is_public",
        "review_due",
        "updated",
    )
    list_display_links = ("__str__",)
    # No second COUNT(*) over the whole table on every filtered page.
    show_full_result_count = False
    list_filter = ("series", "status")
    list_select_related = ("series",)
    list_deferred = ("series__description", "series__description_html")
    search_fields = ("title", "summary", "body")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("series", "author", "reviewer")
    inlines = (ArticleTreatmentInline, FigureInline, ArticleSourceInline)
    fieldsets = (
        (None, {"fields": ("series", "number", "title", "slug", "summary", "link_code")}),
        ("Text", {"fields": ("body", "mark_terms", "plain_language")}),
        ("Publishing", {"fields": ("status", "publish_at", "created", "updated")}),
        ("Byline and clinical review", {"fields": PublishingAdmin.review_fields}),
    )

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "link_code"]

    def get_urls(self):
        return [
            path(
                "review-queue/",
                self.admin_site.admin_view(review_queue_view),
                name="articles_review_queue",
            ),
            path(
                "link-search/",
                self.admin_site.admin_view(link_search_view),
                name="articles_link_search",
            ),
            *super().get_urls(),
        ]

    def readable_html(self, obj):
        return term_marks.unmarked(obj.body_html)

    @admin.display(description="Link to it from Markdown")
    def link_code(self, obj):
        # A draft's links are its live page's: the page it will be.
        page_id = obj.live_page_id or obj.pk if obj else None
        return f"[text](article:{page_id})" if page_id else "Shown once saved."


@admin.register(Treatment)
class TreatmentAdmin(
    SortableAdminBase,
    CitingMixin,
    PageLinksMixin,
    PageFeedbackSummaryMixin,
    PreviewMixin,
    PublishingAdmin,
):
    list_display = (
        "name",
        "category",
        "ordering",
        "status",
        "pending_changes",
        "is_public",
        "review_due",
        "updated",
    )
    list_editable = ("ordering",)
    show_full_result_count = False
    list_filter = ("category", "status")
    search_fields = ("name", "summary", "body")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (TreatmentSourceInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "category", "ordering", "link_code")}),
        ("Text", {"fields": ("summary", "body", "mark_terms", "plain_language")}),
        ("Publishing", {"fields": ("status", "publish_at", "created", "updated")}),
        ("Byline and clinical review", {"fields": PublishingAdmin.review_fields}),
    )

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "link_code"]

    def readable_html(self, obj):
        return term_marks.unmarked(obj.summary_html + obj.body_html)

    @admin.display(description="Link to it from Markdown")
    def link_code(self, obj):
        page_id = obj.live_page_id or obj.pk if obj else None
        return f"[text](treatment:{page_id})" if page_id else "Shown once saved."
