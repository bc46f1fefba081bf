"""The editorial policy page ("How we make this content"): one row, written by publishers."""

from django.core.cache import cache
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from .. import markdown
from .cached import forget

CACHE_KEY = "editorial-policy:v1"
CACHE_TIMEOUT = 5 * 60


class EditorialPolicy(models.Model):
    """Readers see it, and links to it, only once it is written and published: never a
    placeholder."""

    title = models.CharField(max_length=200, default="How we make this content")
    text = MarkdownxField(
        validators=[markdown.validate_markdown],
        help_text="Markdown. How pages are written, reviewed, sourced and kept up to date.",
    )
    text_html = models.TextField(editable=False, blank=True)
    published = models.BooleanField(
        "shown to readers",
        default=False,
        help_text="Shows the page and the links to it (footer, review dates).",
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "editorial policy"
        verbose_name_plural = "editorial policy"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="editorialpolicy_single_row")
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.pk = 1
        self.text_html = markdown.plain_html(self.text)
        super().save(*args, **kwargs)
        forget(CACHE_KEY)

    def get_absolute_url(self):
        return reverse("articles:editorial_policy")

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        forget(CACHE_KEY)
        return result

    @classmethod
    def is_public(cls):
        """Whether readers see the page (and links to it); cached until it is edited."""
        shown = cache.get(CACHE_KEY)
        if shown is None:
            shown = cls.objects.filter(pk=1, published=True).exclude(text="").exists()
            cache.set(CACHE_KEY, shown, CACHE_TIMEOUT)
        return shown
