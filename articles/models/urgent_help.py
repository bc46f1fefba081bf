"""The urgent-help callout on every page, edited in one place."""

from django.core.cache import cache
from django.db import models
from markdownx.models import MarkdownxField

from .. import markdown

CACHE_KEY = "urgent-help:v1"
# Edits delete the key at once; the expiry only bounds how long an edit made while a shared
# cache was unreachable could go unseen. Crisis numbers must never stay wrong for long.
CACHE_TIMEOUT = 5 * 60


class UrgentHelp(models.Model):
    """One row: the callout every public page shows. It can be edited, never removed."""

    title = models.CharField(max_length=100, default="Need help now?")
    text = MarkdownxField(
        validators=[markdown.validate_markdown],
        help_text="Markdown. What to do now if someone is in danger.",
    )
    text_html = models.TextField(editable=False, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "urgent help callout"
        verbose_name_plural = "urgent help callout"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="urgenthelp_single_row")
        ]

    last_seen = None

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.pk = 1
        self.text_html = markdown.plain_html(self.text)
        super().save(*args, **kwargs)
        cache.delete(CACHE_KEY)

    @classmethod
    def for_pages(cls):
        """(callout, helplines) for templates; cached until either is edited."""
        cached = cache.get(CACHE_KEY)
        if cached is None:
            callout = cls.objects.filter(pk=1).first()
            helplines = list(Helpline.objects.all()) if callout else []
            cached = (callout, helplines)
            cache.set(CACHE_KEY, cached, CACHE_TIMEOUT)
        # Kept by this process for the page it shows while the database is down
        # (operations/health.py).
        UrgentHelp.last_seen = cached
        return cached


class Helpline(models.Model):
    callout = models.ForeignKey(UrgentHelp, on_delete=models.CASCADE, related_name="helplines")
    name = models.CharField(max_length=100, help_text="e.g. “Samaritans”.")
    contact = models.CharField(max_length=100, help_text="What to dial or text, e.g. “116 123”.")
    where = models.CharField(
        max_length=100, blank=True, help_text="Where it answers, e.g. “UK and Ireland”."
    )
    details = models.CharField(max_length=200, blank=True, help_text="e.g. “free, 24 hours”.")
    url = models.URLField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "helplines"

    def __str__(self):
        return f"{self.name}: {self.contact}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(CACHE_KEY)
        return result

    @property
    def tel(self):
        """The contact as a tel: number when it is one (digits, spaces, +, -)."""
        if any(ch.isalpha() for ch in self.contact):
            return ""
        return "".join(ch for ch in self.contact if ch.isdigit() or ch == "+")
