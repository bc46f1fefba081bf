"""Sources in the admin: the Sources list (which shows what to type to cite each one), the
Sources lists of articles and treatments, and citing from the Markdown.

An editor cites a source by its own number, the same in every page: `[[cite 12]]`. A cited
source missing from the page's Sources list is added at its end on save; a number with no
source is refused, saying where to find or add it. The page numbers citations in order of first
use (articles.markdown.citation_order), so the list's order only places the uncited sources.
"""

from adminsortable2.admin import CustomInlineFormSetMixin, SortableTabularInline
from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from .. import markdown
from ..models import ArticleReference, Source, TreatmentReference
from .base import ShownPubliclyMixin

CITE_HELP = (
    "Cite a source by typing [[cite 12]], 12 being its own number: Sources shows it as "
    "“Cite as: [[cite 12]]”."
)
# Source ids are 32-bit integers on PostgreSQL; a larger number names no source.
MAX_SOURCE_ID = 2**31 - 1
# The sortable inline's template with a line under the heading for the inline's `description`.
ORDERED_TABULAR = "admin/articles/edit_inline/ordered_tabular.html"


def cite_code(pk):
    return f"[[cite {pk}]]"


def existing_source_ids(ids):
    """The ids among `ids` that name a Source."""
    ids = [pk for pk in ids if pk <= MAX_SOURCE_ID]
    return set(Source.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


@admin.register(Source)
class SourceAdmin(ShownPubliclyMixin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("cite_as", "title", "authors", "year", "publication")
    list_filter = ("year",)
    search_fields = ("title", "authors", "publication", "doi", "pmid", "url")
    readonly_fields = ("cite_as",)

    class Media:
        js = ["admin/js/unsaved_changes.js"]

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "cite_as"]
        return ["cite_as", *fields] if obj is not None else fields

    def get_search_results(self, request, queryset, search_term):
        # Its number finds a source too: "12", or "[[cite 12]]" pasted from a page's text.
        results, duplicates = super().get_search_results(request, queryset, search_term)
        number = search_term.strip().removeprefix("[[cite").removesuffix("]]").strip()
        if number.isdigit() and len(number) <= 9:
            results |= queryset.filter(pk=int(number))
        return results, duplicates

    @admin.display(description="Cite as", ordering="pk")
    def cite_as(self, obj):
        return f"Cite as: {cite_code(obj.pk)}"


def _citations_problem(ids, message_one, message_many):
    names = markdown.citation_names(ids)
    return (message_one if len(ids) == 1 else message_many).format(names=names)


class CitedSourcesFormSet(CustomInlineFormSetMixin, forms.BaseInlineFormSet):
    """A page's Sources list and its text's `[[cite N]]`: a cited source not listed is added at
    the end on save (`added_sources`, also what the preview shows); a number with no source,
    or a cited source removed from the list, is refused with what to do."""

    added_sources = ()

    def clean(self):
        super().clean()
        listed, removed = set(), set()
        for form in self.forms:
            reference = getattr(form, "cleaned_data", {}).get("reference")
            if reference is not None:
                (removed if form.cleaned_data.get("DELETE") else listed).add(reference.pk)
        missing = [
            pk
            for pk in markdown.markdown_cited_ids(self.instance.markdown_text())
            if pk not in listed
        ]
        if dropped := [pk for pk in missing if pk in removed]:
            raise forms.ValidationError(
                _citations_problem(
                    dropped,
                    "The text still cites {names}: take the citation out of the text before "
                    "removing its source from the list.",
                    "The text still cites {names}: take the citations out of the text before "
                    "removing their sources from the list.",
                )
            )
        found = Source.objects.in_bulk([pk for pk in missing if pk <= MAX_SOURCE_ID])
        if unknown := [pk for pk in missing if pk not in found]:
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}" target="_blank" rel="noopener">Open Sources</a> (in a new '
                    'tab) or <a href="{}" target="_blank" rel="noopener">add a source</a> (in a '
                    "new tab), then change the number here and save again.",
                    markdown.unknown_citations_message(unknown),
                    reverse("admin:articles_source_changelist"),
                    reverse("admin:articles_source_add"),
                )
            )
        self.added_sources = [found[pk] for pk in missing]

    def save(self, commit=True):
        saved = super().save(commit)
        if commit:
            for source in self.added_sources:
                row = self.model.objects.create(
                    **{self.fk.name: self.instance},
                    reference=source,
                    position=self.get_max_order() + 1,
                )
                # Named in the history's change message like a row added by hand.
                self.new_objects.append(row)
                saved.append(row)
        return saved


class SourceInline(SortableTabularInline):
    template = ORDERED_TABULAR
    formset = CitedSourcesFormSet
    autocomplete_fields = ("reference",)
    fields = ("position", "reference")
    extra = 0
    verbose_name = "source"
    verbose_name_plural = "Sources"
    description = (
        f"{CITE_HELP} A cited source not listed here is added at the end when you save. The "
        "page numbers its sources in the order the text first cites them, [1], [2]…; sources "
        "listed but not cited follow, in this order (drag a row, or use its Move buttons). "
        "Choosing a source in a new row opens the next row (press Escape when done: a row "
        "left empty is not saved)."
    )


class ArticleSourceInline(SourceInline):
    model = ArticleReference


class TreatmentSourceInline(SourceInline):
    model = TreatmentReference


class CitingMixin:
    """For the article and treatment admins: a "Cite a source" search before each Markdown
    field of the page (admin/js/editor_pickers.js), citations numbered across the fields' live
    previews as on the page (admin/js/preview_citations.js), and Move buttons on the ordered
    lists' rows (admin/js/inline_order.js) for those who don't drag."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.model.markdown_fields:
            search = (
                reverse("admin:autocomplete")
                + "?"
                + urlencode(
                    {
                        "app_label": self.opts.app_label,
                        "model_name": self.model.source_links.rel.related_model._meta.model_name,
                        "field_name": "reference",
                    }
                )
            )
            field.widget.attrs.update(
                {
                    "data-cite-search": search,
                    "data-cite-sources": reverse("admin:articles_source_changelist"),
                    "data-cite-add": reverse("admin:articles_source_add"),
                }
            )
        return field

    @property
    def media(self):
        return super().media + forms.Media(
            js=[
                "admin/js/editor_pickers.js",
                "admin/js/editor_suggestions.js",
                "admin/js/preview_citations.js",
                "admin/js/inline_order.js",
            ],
            css={"all": ["admin/css/editor_pickers.css"]},
        )
