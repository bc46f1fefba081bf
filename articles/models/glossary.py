"""The glossary: words readers stumble on, explained in plain language. A term's other names
and abbreviations also teach search what readers mean (articles.search)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from markdownx.models import MarkdownxField

from .. import markdown, term_marks
from .content import Treatment
from .publishing import Status

# "At most ~60 words": a definition a reader takes in at a glance, beside the text.
DEFINITION_MAX_WORDS = 60


def validate_definition_length(text):
    words = len(markdown.plain_text(markdown.plain_html(text)).split())
    if words > DEFINITION_MAX_WORDS:
        raise ValidationError(
            f"A definition is at most {DEFINITION_MAX_WORDS} words, so that readers take it in "
            f"beside the text; this one has {words}."
        )


def validate_definition_text(text):
    """A definition is read in a sentence's place: words only, no images (which would also need
    alt text no one reviews there)."""
    if "<img" in markdown.plain_html(text):
        raise ValidationError(
            "A definition is words only: remove the image (put it in the article or treatment "
            "page instead)."
        )


# Ids the glossary page already uses (the site's own start with "site-"): a term's entry can't
# take them, or its address would lead elsewhere on the page.
RESERVED_SLUGS = {"main"}
SITE_IDS = "site-"


def validate_term_slug(slug):
    if slug in RESERVED_SLUGS or slug.startswith(SITE_IDS):
        raise ValidationError(
            f"“{slug}” is already an address on the glossary page: choose another slug (for "
            "example the term's own letters)."
        )


class TermQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: the glossary page, marks in pages, search synonyms."""
        return self.filter(status=Status.PUBLISHED)

    def entries_to_mark(self):
        """What pages mark: [(treatment id or None, term_marks.Entry)] of the published terms
        marked in pages. A treatment's page never marks the terms it explains."""
        terms = self.published().filter(mark_in_pages=True).order_by("pk")
        return [(term.treatment_id, term.entry()) for term in terms]


class Term(models.Model):
    term = models.CharField(
        max_length=100,
        unique=True,
        help_text="As readers meet it in the text, e.g. “ECT”.",
    )
    slug = models.SlugField(
        max_length=100,
        unique=True,
        validators=[validate_term_slug],
        help_text="Its place on the glossary page (/glossary/#this-slug).",
    )
    other_names = models.TextField(
        blank=True,
        help_text="Other names and abbreviations the text or readers use, one per line, e.g. "
        "“Electroconvulsive therapy”. Marked in pages like the term, and found by search.",
    )
    definition = MarkdownxField(
        validators=[
            markdown.validate_markdown,
            validate_definition_length,
            validate_definition_text,
        ],
        help_text=f"Markdown. Plain language, at most {DEFINITION_MAX_WORDS} words.",
    )
    definition_html = models.TextField(editable=False, blank=True)
    treatment = models.ForeignKey(
        Treatment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="terms",
        limit_choices_to={"live_page__isnull": True},
        help_text="Optional: the treatment page that explains it further.",
    )
    mark_in_pages = models.BooleanField(
        default=True,
        help_text="Mark its first use on each page with a link to its definition. Untick for a "
        "word too common to mark.",
    )
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="Only “Published” is shown to readers (and used by search); a publisher "
        "publishes.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        verbose_name_plural = "glossary terms"
        verbose_name = "glossary term"

    def __str__(self):
        return self.term

    def save(self, *args, **kwargs):
        self.definition_html = markdown.plain_html(self.definition)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:glossary") + f"#{self.slug}"

    def entry(self):
        return term_marks.Entry(
            self.slug, tuple(self.names), self.get_absolute_url(), self.definition_html
        )

    def marking(self):
        """What pages' marks of this term depend on, or None when pages don't mark it."""
        if self.status != Status.PUBLISHED or not self.mark_in_pages:
            return None
        return (self.entry(), self.treatment_id)

    @property
    def names(self):
        """The term and its other names, as written."""
        others = [line.strip() for line in self.other_names.splitlines() if line.strip()]
        return [self.term, *others]
