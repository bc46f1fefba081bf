from datetime import date

from django import template
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
    awaiting = []
    for model in (Article, Treatment):
        objects = model.objects
        counts["awaiting"] += objects.filter(status=Status.REVIEW, go_live_at=None).count()
        named = ("number", "title") if model is Article else ("name",)
        latest = objects.filter(status=Status.REVIEW, go_live_at=None).order_by("-updated")
        awaiting += latest.only("pk", "updated", "live_page", *named)[:AWAITING_SHOWN]
        counts["sent_back"] += objects.filter(status=Status.DRAFT).exclude(review_note="").count()
        counts["overdue"] += objects.pages().filter(state_filter("overdue", today)).count()
        counts["due_soon"] += objects.pages().filter(state_filter("due-soon", today)).count()
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
