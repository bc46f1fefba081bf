from datetime import date

from django import template
from django.db.models import Count, Q
from django.urls import reverse

from ..models import Article, Status, Treatment
from ..models.urgent_help import CHECK_EVERY_MONTHS, contacts_to_check
from ..review_schedule import REVIEW_STATES, state_filter

register = template.Library()
# Pages awaiting sign-off named on the admin's home page; the review queue lists them all.
AWAITING_SHOWN = 5


@register.simple_tag(takes_context=True)
def editorial_summary(context):
    """Counts for the admin index: what awaits sign-off (and the latest pages awaiting it) and
    which reviews are due."""
    user = context["request"].user
    if not (user.has_perm("articles.view_article") and user.has_perm("articles.view_treatment")):
        return None
    today = date.today()
    counts = {
        "awaiting": 0,
        "sent_back": 0,
        "overdue": 0,
        "due_soon": 0,
        "due_soon_label": REVIEW_STATES["due-soon"],
    }
    # One pass over each table, every count at once (four queries each read 10,000 rows).
    pages = Q(live_page__isnull=True)
    awaiting_rule = Q(status=Status.REVIEW, go_live_at=None)
    wanted = {
        "awaiting": awaiting_rule,
        "sent_back": Q(status=Status.DRAFT) & ~Q(review_note=""),
        "overdue": pages & state_filter("overdue", today),
        "due_soon": pages & state_filter("due-soon", today),
    }
    awaiting = []
    for model in (Article, Treatment):
        found = model.objects.aggregate(
            **{name: Count("pk", filter=rule) for name, rule in wanted.items()}
        )
        for name, count in found.items():
            counts[name] += count
        named = ("number", "title") if model is Article else ("name",)
        latest = model.objects.filter(awaiting_rule).order_by("-updated")
        awaiting += latest.only("pk", "updated", "live_page", *named)[:AWAITING_SHOWN]
    # The latest few, each a link to its sign-off page: a publisher starts there from home.
    awaiting.sort(key=lambda page: page.updated, reverse=True)
    counts["awaiting_pages"] = [
        {
            "page": page,
            "url": reverse(f"admin:articles_{page._meta.model_name}_signoff", args=[page.pk]),
            "kind": page._meta.verbose_name,
        }
        for page in awaiting[:AWAITING_SHOWN]
    ]
    return counts


@register.simple_tag(takes_context=True)
def urgent_help_to_check(context):
    """For the admin index: helplines and emergency numbers not checked for over
    CHECK_EVERY_MONTHS months (or never), for whoever may see them."""
    user = context["request"].user
    if not user.has_perm("articles.view_helpline"):
        return None
    return {"contacts": contacts_to_check(date.today()), "months": CHECK_EVERY_MONTHS}
