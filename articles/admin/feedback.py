"""Readers' feedback in the admin: the list (flagged comments first), marking it handled and
exporting it as CSV; and the counts shown on a page's form and in the review queue."""

import csv
from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import ngettext

from ..models import PageFeedback

RECENT_DAYS = 90
NEWEST_COMMENTS = 3
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def recent_since():
    return timezone.now() - timedelta(days=RECENT_DAYS)


def page_kind(page):
    return type(page)._meta.model_name


def changelist_url(kind, page_id):
    return reverse("admin:articles_pagefeedback_changelist") + f"?{kind}__id__exact={page_id}"


def page_summary(page):
    """The change form's box: yes and no over the last 90 days, flagged comments nobody has
    handled, and the newest comments. A draft of a live page shows its live page's."""
    kind, page_id = page_kind(page), page.live_page_id or page.pk
    feedback = PageFeedback.objects.filter(**{f"{kind}_id": page_id})
    since = recent_since()
    counts = feedback.aggregate(
        yes=Count("pk", filter=Q(helpful=True, created__gte=since)),
        no=Count("pk", filter=Q(helpful=False, created__gte=since)),
        flagged=Count("pk", filter=Q(flagged=True, handled=False)),
    )
    return {
        **counts,
        "days": RECENT_DAYS,
        "comments": list(
            feedback.filter(created__gte=since)
            .exclude(comment="")
            .order_by("-created")[:NEWEST_COMMENTS]
        ),
        "url": changelist_url(kind, page_id),
        "of_live_page": bool(page.live_page_id),
    }


def add_feedback_counts(rows, request):
    """Give each review-queue row ("page": an article or treatment) its readers' yes and no
    over the last 90 days, in one query for all rows; a draft counts its live page's."""
    counts = {}
    shown = {"article": [], "treatment": []}
    for row in rows:
        shown[page_kind(row["page"])].append(row["page"].live_page_id or row["page"].pk)
    recent = (
        PageFeedback.objects.filter(created__gte=recent_since())
        .filter(Q(article__in=shown["article"]) | Q(treatment__in=shown["treatment"]))
        .values("article", "treatment")
        .annotate(yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False)))
        .order_by()
    )
    for row in recent:
        kind = "article" if row["article"] else "treatment"
        counts[kind, row[kind]] = (row["yes"], row["no"])
    linked = request.user.has_perm("articles.view_pagefeedback")
    for row in rows:
        page = row["page"]
        kind, page_id = page_kind(page), page.live_page_id or page.pk
        yes, no = counts.get((kind, page_id), (0, 0))
        row["feedback"] = {
            "yes": yes,
            "no": no,
            "url": changelist_url(kind, page_id) if linked and (yes or no) else "",
        }


class PageFeedbackSummaryMixin:
    """For the article and treatment admins: the box of readers' feedback on the change form."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and request.user.has_perm("articles.view_pagefeedback"):
            context["reader_feedback"] = page_summary(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


class PageKindFilter(admin.SimpleListFilter):
    title = "page kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("article", "Articles"), ("treatment", "Treatments")]

    def queryset(self, request, queryset):
        if self.value() in ("article", "treatment"):
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


def safe_cell(value):
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def feedback_csv(queryset, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte order mark, so that spreadsheets (Excel) read the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        ["Sent", "Page kind", "Page", "Page address", "Helpful", "Comment", "Flagged", "Handled"]
    )
    for feedback in queryset.select_related("article", "treatment"):
        page = feedback.page
        row = [
            feedback.created.isoformat(timespec="seconds"),
            page_kind(page),
            page,
            page.get_absolute_url(),
            "Yes" if feedback.helpful else "No",
            feedback.comment,
            "Yes" if feedback.flagged else "No",
            "Yes" if feedback.handled else "No",
        ]
        writer.writerow([safe_cell(value) for value in row])
    return response


def export_filename():
    return f"reader-feedback-{timezone.localdate():%Y-%m-%d}.csv"


@admin.register(PageFeedback)
class PageFeedbackAdmin(admin.ModelAdmin):
    """What readers sent. Nobody adds feedback here; only "handled" is ever changed."""

    list_display = ("page_name", "helpful", "comment_excerpt", "flag", "handled", "created")
    list_filter = ("flagged", "handled", "helpful", PageKindFilter)
    list_select_related = ("article", "treatment")
    search_fields = ("comment",)
    # What nobody has handled yet first, and of that, what mentions self-harm or suicide.
    ordering = ("handled", "-flagged", "-created", "-id")
    actions = ("mark_handled", "export_csv")
    fields = ("page_links", "helpful", "comment", "flagged", "handled", "created")
    readonly_fields = ("page_links", "helpful", "comment", "flagged", "created")

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="articles_pagefeedback_export",
            ),
            *super().get_urls(),
        ]

    def has_add_permission(self, request):
        return False

    def changelist_view(self, request, extra_context=None):
        waiting = PageFeedback.objects.filter(flagged=True, handled=False).count()
        if waiting and request.method == "GET":
            self.message_user(
                request,
                ngettext(
                    "%(count)d comment from readers mentions self-harm or suicide and nobody "
                    "has marked it handled yet: it is listed first. Read it before anything "
                    "else.",
                    "%(count)d comments from readers mention self-harm or suicide and nobody "
                    "has marked them handled yet: they are listed first. Read them before "
                    "anything else.",
                    waiting,
                )
                % {"count": waiting},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        """Everything the list shows with its current filters and search, as CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return redirect("admin:articles_pagefeedback_changelist")
        return feedback_csv(changelist.get_queryset(request), export_filename())

    @admin.display(description="Page")
    def page_name(self, obj):
        return f"{page_kind(obj.page).capitalize()}: {obj.page}"

    @admin.display(description="Page")
    def page_links(self, obj):
        page = obj.page
        return format_html(
            '{} · <a href="{}">on the site</a> · <a href="{}">in the admin</a>',
            page,
            page.get_absolute_url(),
            reverse(f"admin:articles_{page_kind(page)}_change", args=[page.pk]),
        )

    @admin.display(description="Comment")
    def comment_excerpt(self, obj):
        excerpt = Truncator(obj.comment).chars(100) or "—"
        if obj.flagged and not obj.handled:
            return format_html("<strong>Read first:</strong> {}", excerpt)
        return excerpt

    @admin.display(description="Flagged", boolean=True, ordering="flagged")
    def flag(self, obj):
        """Short for the list: mentions self-harm or suicide."""
        return obj.flagged

    @admin.action(description="Mark as handled", permissions=["change"])
    def mark_handled(self, request, queryset):
        count = queryset.filter(handled=False).update(handled=True)
        self.message_user(request, f"Marked {count} as handled.", messages.SUCCESS)

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return feedback_csv(queryset, export_filename())
