"""Scheduled drafts go live on the first request after their time: no job runs. Images sent in
one request share one cleaning budget."""

from django.db import DatabaseError
from django.utils import timezone

from . import drafts, uploads


class ScheduledDraftsMiddleware:
    """After the page cache: a cached page is still served until the generation ends, which is
    at the same moment (operations.page_cache knows `drafts.next_go_live_from_db()`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            due = drafts.next_go_live()
            if due is not None and due <= timezone.now():
                drafts.apply_due()
        except DatabaseError:
            pass  # the page itself will say the database is down
        return self.get_response(request)


class ImageCleaningBudgetMiddleware:
    """One time budget for all the images a request carries (articles.uploads.request_budget):
    a form with many large figures can't add up past gunicorn's timeout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with uploads.request_budget():
            return self.get_response(request)
