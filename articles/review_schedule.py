"""When a page's clinical review is due: the states the review queue and the admin home show."""

from datetime import timedelta

from django.db.models import Q

DUE_SOON_DAYS = 90


def state_filter(state, today):
    """The pages in a review state, as a query: the same rule as `review_state()`."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    reviewed = Q(last_reviewed__isnull=False)
    return {
        "unreviewed": Q(last_reviewed__isnull=True),
        "overdue": reviewed & Q(next_review_due__lt=today),
        "due-soon": reviewed & Q(next_review_due__gte=today, next_review_due__lte=soon),
        "current": reviewed & (Q(next_review_due__isnull=True) | Q(next_review_due__gt=soon)),
    }[state]


def review_state(page, today):
    if not page.last_reviewed:
        return "unreviewed"
    if page.next_review_due and page.next_review_due < today:
        return "overdue"
    if page.next_review_due and page.next_review_due <= today + timedelta(days=DUE_SOON_DAYS):
        return "due-soon"
    return "current"


REVIEW_STATES = {
    "unreviewed": "Not yet clinically reviewed",
    "overdue": "Review overdue",
    "due-soon": f"Review due within {DUE_SOON_DAYS} days",
    "current": "Reviewed, not due yet",
}
