from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.models import PageFeedback, ReviewLink


class Command(BaseCommand):
    help = (
        "Delete what the privacy page says the site keeps only for a while: readers' feedback "
        "comments older than FEEDBACK_RETENTION_DAYS (the yes/no answer stays), and the email "
        "addresses of outside reviewers whose review link has ended. Run it daily; running it "
        "again changes nothing."
    )

    def handle(self, **options):
        days = settings.FEEDBACK_RETENTION_DAYS
        cutoff = timezone.now() - timedelta(days=days)
        # update(), not save(): nothing readers see changes, so the page cache stays.
        comments = (
            PageFeedback.objects.filter(created__lt=cutoff).exclude(comment="").update(comment="")
        )
        emails = ReviewLink.objects.ended().exclude(email="").update(email="")
        self.stdout.write(
            f"Deleted {comments} feedback comment{'s' * (comments != 1)} older than {days} "
            f"days and {emails} email address{'es' * (emails != 1)} of reviewers whose link "
            "has ended."
        )
