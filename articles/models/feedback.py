"""Readers' feedback on a page: helpful or not, and an optional comment. Nothing about the
reader is kept (no address, no browser, no cookie)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .. import safe_messaging
from .content import Article, Treatment

COMMENT_MAX_LENGTH = 1000


class PageFeedback(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="feedback"
    )
    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, null=True, blank=True, related_name="feedback"
    )
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH)
    flagged = models.BooleanField(
        "mentions self-harm or suicide",
        default=False,
        editable=False,
        help_text="Flagged by a word list (articles/safe_messaging.py) for a person to read first.",
    )
    handled = models.BooleanField(default=False, help_text="Someone has read it and acted.")
    created = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "reader feedback"
        verbose_name_plural = "reader feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, treatment__isnull=True)
                | Q(article__isnull=True, treatment__isnull=False),
                name="pagefeedback_one_page",
            )
        ]

    def __str__(self):
        answer = "Helpful" if self.helpful else "Not helpful"
        return f"{answer}: {self.page}"

    def save(self, *args, **kwargs):
        self.flagged = safe_messaging.mentions_self_harm(self.comment)
        super().save(*args, **kwargs)

    @property
    def page(self):
        return self.article or self.treatment
