"""When a page's clinical review is due: the states the review queue and the admin home show."""

from datetime import timedelta

DUE_SOON_DAYS = 90


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
