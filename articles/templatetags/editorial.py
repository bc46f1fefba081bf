from datetime import date

from django import template
from django.db.models import Count, Q

from ..models import Article, Status, Treatment
from ..models.urgent_help import CHECK_EVERY_MONTHS, contacts_to_check
from ..review_schedule import REVIEW_STATES, state_filter

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_summary(context):
    """Counts for the admin index: what awaits sign-off and which reviews are due."""
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
    wanted = {
        "awaiting": Q(status=Status.REVIEW, go_live_at=None),
        "sent_back": Q(status=Status.DRAFT) & ~Q(review_note=""),
        "overdue": pages & state_filter("overdue", today),
        "due_soon": pages & state_filter("due-soon", today),
    }
    for model in (Article, Treatment):
        found = model.objects.aggregate(
            **{name: Count("pk", filter=rule) for name, rule in wanted.items()}
        )
        for name, count in found.items():
            counts[name] += count
    return counts


@register.simple_tag(takes_context=True)
def urgent_help_to_check(context):
    """For the admin index: helplines and emergency numbers not checked for over
    CHECK_EVERY_MONTHS months (or never), for whoever may see them."""
    user = context["request"].user
    if not user.has_perm("articles.view_helpline"):
        return None
    return {"contacts": contacts_to_check(date.today()), "months": CHECK_EVERY_MONTHS}
