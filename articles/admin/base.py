"""What the content admins share: the Markdown editor, history with diffs and a change note, no
lost updates, sign-off for publishing, and the plain-language figures."""

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.views.main import ChangeList
from django.db.models import F, FilteredRelation, Q
from django.utils.text import capfirst
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from reversion import set_comment
from reversion_compare.admin import CompareVersionAdmin

from .. import public_use, readability, search
from ..models import Status
from ..safe_messaging_checks import page_flags
from . import safe_messaging_notes
from .editor_layout import TextBoxesMixin
from .forms import EditorialForm, PublishingForm
from .history import GuardedHistoryMixin
from .insert_image import InsertImageMixin
from .review_links import ReviewLinksMixin
from .save_merge import MergeOnConflictMixin
from .signed_off_meanwhile import SignedOffMeanwhileMixin
from .signoff import SignOffMixin
from .version_compare import VersionCompareMixin


def is_publisher(request):
    """Publishers sign off what readers see; the publish permission on articles says who."""
    return request.user.has_perm("articles.publish_article")


class ShownPubliclyMixin:
    """Series, people and sources: anyone with change rights while no published page shows
    them, publishers only after that."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and not is_publisher(request) and public_use.shown_publicly(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not is_publisher(request) and public_use.shown_publicly(obj):
            return False
        return super().has_delete_permission(request, obj)


class PublishersOnlyMixin:
    """Site-wide text readers see on every page (the urgent-help callout and its helplines):
    changed by publishers only, seen by everyone with view rights."""

    def has_add_permission(self, request, *args):
        return is_publisher(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return is_publisher(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_publisher(request) and super().has_delete_permission(request, obj)


class PageChangeList(ChangeList):
    """The list of pages, with the draft of each page shown in the same query (the list says
    what awaits sign-off: SignOffMixin.pending_changes). A join, as a page has one draft at most
    (a constraint), not three subqueries per row, which the database ran for every row it
    skipped to reach a far page; its condition, implied by the join, lets it read only drafts
    for it; and on the page's rows only, so the count and the date hierarchy don't join.
    Rows are read without the text the list never shows (Markdown, HTML, search vector,
    contents): a tenth of the bytes at 10,000 pages. Saving the list's editable columns (a
    POST) reads whole rows, as any save does."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if request.method != "GET":
            return queryset
        return queryset.for_lists().defer(*self.model_admin.list_deferred)

    def get_results(self, request):
        super().get_results(request)
        self.result_list = self.result_list.annotate(
            draft=FilteredRelation("drafts", condition=Q(drafts__live_page__isnull=False)),
            draft_status=F("draft__status"),
            draft_review_note=F("draft__review_note"),
            draft_go_live_at=F("draft__go_live_at"),
        )


def with_safe_messaging(fields, read):
    """The notes after the plain-language figures; the box to tick (`read`) after the status."""
    for field in fields:
        yield field
        if field == "plain_language":
            yield "safe_messaging"
        if field == "status":
            yield from read


class MarkdownAdmin(
    InsertImageMixin,
    TextBoxesMixin,
    MergeOnConflictMixin,
    VersionCompareMixin,
    GuardedHistoryMixin,
    CompareVersionAdmin,
):
    """Markdown fields get the markdownx editor with its live preview; every save records a
    revision (django-reversion) that the history page can diff and, for those who may publish,
    restore."""

    # Series have no publish permission of their own: they go live with their articles.
    publish_permission = "articles.publish_article"

    form = EditorialForm
    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
    readonly_fields = ("created", "updated")
    history_latest_first = True

    class Media:
        js = ["admin/js/markdownx_errors.js", "admin/js/unsaved_changes.js"]
        css = {"all": ["admin/css/markdownx_editor.css"]}

    def get_fieldsets(self, request, obj=None):
        return [
            *super().get_fieldsets(request, obj),
            ("History", {"fields": ("revision_note", "edit_token")}),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # The admin's date and time boxes have visible "Date:" and "Time:" but no <label> of
        # their own: each gets its name for screen readers ("Publish at: date").
        if field is not None and isinstance(field.widget, widgets.AdminSplitDateTime):
            name = capfirst(db_field.verbose_name)
            for part, box in zip(("date", "time"), field.widget.widgets, strict=True):
                box.attrs["aria-label"] = f"{name}: {part}"
        return field

    def save_model(self, request, obj, form, change):
        request._revision_note = form.cleaned_data.get("revision_note", "")
        if change:
            # A change never adds a row: a page removed meanwhile (a draft gone live) is an
            # error, not brought back as it was read.
            obj.save(force_update=True)
        else:
            super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._note_revision(request)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._note_revision(request)
        return entry

    def can_publish(self, request):
        return request.user.has_perm(self.publish_permission)

    @staticmethod
    def _note_revision(request):
        note = getattr(request, "_revision_note", "")
        if note:
            set_comment(note)


class PublishingAdmin(ReviewLinksMixin, SignedOffMeanwhileMixin, SignOffMixin, MarkdownAdmin):
    """Sign-off: only holders of the publish permission publish, unpublish or schedule. Others
    save drafts and submit them for review. Published pages change through drafts
    (SignOffMixin)."""

    form = PublishingForm
    # 50 rows, as the review queue: each row of the admin's list costs about 0.5 ms to render.
    list_per_page = 50
    list_filter = ("status",)
    # Related text the list never shows (see PageChangeList).
    list_deferred = ()
    date_hierarchy = "publish_at"
    autocomplete_fields = ("author", "reviewer")
    publish_fields = ("status", "publish_at")
    review_fields = ("author", "reviewer", "last_reviewed", "next_review_due")

    def get_fieldsets(self, request, obj=None):
        *fieldsets, (name, history) = super().get_fieldsets(request, obj)
        # Publishable from this form: a new page, or one never published (not a draft of one).
        publishable = obj is None or (
            not obj.live_page_id and obj.loaded.get("status", obj.status) != Status.PUBLISHED
        )
        read = ("safe_messaging_read",) if publishable and self.can_publish(request) else ()
        fieldsets = [
            (title, {**options, "fields": tuple(with_safe_messaging(options["fields"], read))})
            for title, options in fieldsets
        ]
        return [*fieldsets, (name, {"fields": (*history["fields"], "shown")})]

    # "Save and submit for review": the status a draft goes to, and the save, in one press.
    SUBMIT_FOR_REVIEW = "_submit_for_review"

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and self.SUBMIT_FOR_REVIEW in request.POST:
            request.POST = request.POST.copy()
            request.POST["status"] = Status.REVIEW
            request.POST["_continue"] = "1"  # back to the form, which says it was submitted
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Offered on a form whose status the editor sets, while the page is a draft.
        form = context.get("adminform") and context["adminform"].form
        status = form and form.fields.get("status")
        stored = obj.loaded.get("status", obj.status) if obj is not None else Status.DRAFT
        context["submit_for_review"] = bool(
            status
            and not status.disabled
            and stored == Status.DRAFT
            and Status.REVIEW in dict(status.choices)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_search_fields(self, request):
        # On PostgreSQL the page text is searched through its full-text index below, not by a
        # scan of every body.
        fields = super().get_search_fields(request)
        if search.uses_postgres():
            return [field for field in fields if field != "body"]
        return fields

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term and search.uses_postgres():
            # ORed into the name match's WHERE, so that PostgreSQL answers the whole condition
            # from indexes when few pages match (the names' trigram indexes, migration 0023, and
            # the full-text index), and when most do, scans with a name match sparing the read
            # of that page's search vector (stored apart, a few storage pages each). As an id
            # subquery it read every matching vector: 245 ms of CPU at 10,000 pages for a word
            # in every title. Pages only, as the name search (SignOffMixin): a draft is reached
            # from its page.
            matching = queryset.pages().filter(search_vector=search.websearch(search_term))
            results = results | matching
        return results, may_have_duplicates

    def get_changelist(self, request, **kwargs):
        return PageChangeList

    def can_publish(self, request):
        opts = self.model._meta
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), "plain_language", "safe_messaging"]
        if not self.can_publish(request):
            fields.append("publish_at")
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.can_publish(request):
            kwargs["choices"] = [
                (value, label)
                for value, label in Status.choices
                if value in (Status.DRAFT, Status.REVIEW)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.display(boolean=True, description="Public now")
    def is_public(self, obj):
        return obj.is_public

    @admin.display(description="Review due", ordering="next_review_due")
    def review_due(self, obj):
        return obj.next_review_due or "Not reviewed"

    @admin.display(description="Plain language")
    def plain_language(self, obj):
        if obj is None or not obj.pk:
            return "Shown once saved."
        figures = readability.measure(self.readable_html(obj))
        low, high = readability.TARGET_READING_AGE
        if figures.grade is None:
            grade = "no text yet"
        else:
            verdict = "on target" if figures.on_target else "harder than the target"
            grade = (
                f"Flesch–Kincaid grade {figures.grade:.1f}, a reading age of about "
                f"{figures.reading_age} ({verdict})"
            )
        return (
            f"{figures.words} words · about {figures.minutes} min to read · {grade}. "
            f"Aim for a reading age of {low}–{high}: short sentences, everyday words."
        )

    @admin.display(description="Safe messaging")
    def safe_messaging(self, obj):
        if obj is None or not obj.pk:
            return "Shown once saved; the preview under the editor shows them as you type."
        return safe_messaging_notes.notes_html(page_flags(obj))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.safe_messaging_flags and form.cleaned_data.get("safe_messaging_read"):
            note = safe_messaging_notes.read_note(request.user, form.safe_messaging_flags)
            typed = request._revision_note.strip()
            if typed and typed[-1] not in ".!?":
                typed += "."  # the editor's note and this one, as two sentences
            request._revision_note = f"{typed} {note}".strip()

    def readable_html(self, obj):
        raise NotImplementedError
