from datetime import date, timedelta

from django import template

from ..models import Article, Status, Treatment
from ..review_schedule import DUE_SOON_DAYS

register = template.Library()


@register.simple_tag(takes_context=True)
def editorial_summary(context):
    """Counts for the admin index: what awaits sign-off and which reviews are due."""
    user = context["request"].user
    if not (user.has_perm("articles.view_article") and user.has_perm("articles.view_treatment")):
        return None
    today = date.today()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    counts = {"awaiting": 0, "overdue": 0, "due_soon": 0}
    for model in (Article, Treatment):
        objects = model.objects
        counts["awaiting"] += objects.filter(status=Status.REVIEW).count()
        counts["overdue"] += objects.filter(next_review_due__lt=today).count()
        counts["due_soon"] += objects.filter(
            next_review_due__gte=today, next_review_due__lte=soon
        ).count()
    return counts
