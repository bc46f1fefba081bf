"""The clinical review queue: articles and treatments by review due date, the most urgent first,
a page of rows at a time. Filtered, ordered and cut into pages by the database, across both
kinds at once (a UNION of the two tables' keys), so a request reads only the rows it shows,
without their text (`for_lists()`), whatever the number of pages."""

from datetime import date

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property

from ..models import Article, Status, Treatment
from ..models.urgent_help import CHECK_EVERY_MONTHS, contacts_to_check
from ..review_schedule import REVIEW_STATES, review_state, state_filter
from .feedback import add_feedback_counts
from .review_links import summaries_by_page

QUEUE_PAGE_SIZE = 50
# What a row of the queue is named by, as `str()` names the page: the order within a due date.
LABELS = {
    Article: Concat(Value("#"), Cast("number", CharField()), Value(" "), "title"),
    Treatment: F("name"),
}


def queue_filter(*, awaiting, sent_back, state, today):
    """The pages a filter of the queue shows, as a query on either kind."""
    if awaiting:
        query = Q(status=Status.REVIEW, go_live_at__isnull=True)
    elif sent_back:
        query = Q(status=Status.DRAFT) & ~Q(review_note="")
    else:
        query = Q(live_page__isnull=True)  # a draft's review dates are its page's until signed off
    if state:
        query &= state_filter(state, today)
    return query


class QueuePaginator(Paginator):
    """Counts the rows without computing their order (the labels): half the count's time."""

    def __init__(self, keys, per_page, counted):
        super().__init__(keys, per_page)
        self.counted = counted

    @cached_property
    def count(self):
        return self.counted.count()


def queue_count(models, query):
    counted = [model.objects.filter(query).values_list("pk").order_by() for model in models]
    return counted[0].union(*counted[1:], all=True) if len(counted) > 1 else counted[0]


def queue_keys(models, query):
    """(kind, pk, due, label) of the pages of `models` matching `query`, most urgent first
    (never reviewed, then by due date), as one query to paginate."""
    keyed = [
        model.objects.filter(query)
        .annotate(kind=Value(model._meta.model_name), label=LABELS[model])
        .values_list("kind", "pk", "next_review_due", "label")
        .order_by()
        for model in models
    ]
    combined = keyed[0].union(*keyed[1:], all=True) if len(keyed) > 1 else keyed[0]
    return combined.order_by(F("next_review_due").asc(nulls_first=True), "label", "kind", "pk")


def queue_rows(keys):
    """The rows of one page of the queue, from its keys: one query per kind shown."""
    wanted = {}
    for kind, pk, *_ in keys:
        wanted.setdefault(kind, []).append(pk)
    loaded = {}
    for model in (Article, Treatment):
        name = model._meta.model_name
        if name not in wanted:
            continue
        pages = model.objects.for_lists().select_related("reviewer").filter(pk__in=wanted[name])
        outside = summaries_by_page(model, [page.live_page_id or page.pk for page in pages])
        for page in pages:
            loaded[name, page.pk] = (page, outside.get(page.live_page_id or page.pk, ""))
    return [row_for(*loaded[kind, pk]) for kind, pk, *_ in keys if (kind, pk) in loaded]


def row_for(page, outside_review):
    model = type(page)
    view = "signoff" if page.status == Status.REVIEW else "change"
    if page.go_live_at:
        status = f"Scheduled: goes live {date_format(page.go_live_at, 'j M Y, H:i')}"
    elif page.status == Status.DRAFT and page.review_note:
        status = "Changes requested"
    else:
        status = page.get_status_display()
    state = review_state(page, date.today())
    return {
        "page": page,
        "kind": (
            f"update of a live {model._meta.verbose_name}"
            if page.live_page_id
            else model._meta.verbose_name
        ),
        "status": status,
        "state": state,
        "state_label": REVIEW_STATES[state],
        "url": reverse(f"admin:articles_{model._meta.model_name}_{view}", args=[page.pk]),
        "outside_review": outside_review,
    }


def review_queue_view(request):
    """Articles and treatments by review due date, the most urgent first; filterable by kind,
    review state, and what awaits sign-off (new pages and updates of live pages) or was sent
    back with changes requested."""
    if not (
        request.user.has_perm("articles.view_article")
        and request.user.has_perm("articles.view_treatment")
    ):
        raise PermissionDenied
    today = date.today()
    kind = request.GET.get("kind", "")
    state = request.GET.get("state", "")
    awaiting = request.GET.get("status") == Status.REVIEW
    sent_back = request.GET.get("status") == "changes-requested"
    models = [model for model in (Article, Treatment) if kind in ("", model._meta.model_name)]
    if models and state in ("", *REVIEW_STATES):
        query = queue_filter(awaiting=awaiting, sent_back=sent_back, state=state, today=today)
        keys, counted = queue_keys(models, query), queue_count(models, query)
    else:
        keys = counted = Article.objects.none().values_list("pk")  # a made-up kind or state
    page_obj = QueuePaginator(keys, QUEUE_PAGE_SIZE, counted).get_page(request.GET.get("page"))
    rows = queue_rows(page_obj.object_list)
    add_feedback_counts(rows, request)
    to_check = None
    if request.user.has_perm("articles.view_helpline"):
        to_check = {"contacts": contacts_to_check(today), "months": CHECK_EVERY_MONTHS}
    context = {
        **admin.site.each_context(request),
        "title": "Clinical review queue",
        "rows": rows,
        "page_obj": page_obj,
        "to_check": to_check,
        "states": REVIEW_STATES,
        "kind": kind,
        "state": state,
        "awaiting": awaiting,
        "sent_back": sent_back,
        "opts": Article._meta,
    }
    return TemplateResponse(request, "admin/articles/review_queue.html", context)
