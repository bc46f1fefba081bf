"""The series' content: series, articles, treatments, and what an article lists and shows."""

import posixpath
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from markdownx.models import MarkdownxField

from .. import markdown, term_marks, uploads
from .addresses import slug_path
from .publishing import Publishable, publishable_constraints, publishable_indexes

MARKER_HELP = (
    "Markdown. Put [[treatments]] on a line of its own where the treatment list goes (it is built "
    "from the Treatment entries chosen below), and [[figure 1]], [[figure 2]]… where each figure "
    "goes; without markers, they follow the text. Cite a source by typing [[cite 12]], 12 being "
    "its own number: Sources shows it as “Cite as: [[cite 12]]”. Link to another page with "
    "[text](article:3) or [text](treatment:5), which keeps working if its address changes."
)


class SeriesQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: series with a published article (its page and its place
        on the home page and in the sitemap)."""
        return self.filter(Exists(Article.objects.published().filter(series=OuterRef("pk"))))


class Series(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = MarkdownxField(
        blank=True,
        validators=[markdown.validate_markdown],
        help_text="Markdown. Shown on the series page.",
    )
    description_html = models.TextField(editable=False, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.render_markdown()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_path("articles:series_detail", self.slug)

    def render_markdown(self):
        self.description_html = markdown.render(self.description)


class Treatment(Publishable):
    class Category(models.TextChoices):
        # Order here is the order of the groups on the treatments page.
        MEDICATION = "medication", "Medication"
        PSYCHOTHERAPY = "psychotherapy", "Psychotherapy"
        BRAIN_STIMULATION = "brain-stimulation", "Brain stimulation"
        COMBINATION = "combination", "Combination and augmentation"
        RAPID_ACTING = "rapid-acting", "Rapid-acting treatments"

    name = models.CharField(max_length=200)
    # Unique among pages (a constraint): a draft of a live page shares its slug.
    slug = models.SlugField(max_length=200)
    category = models.CharField(max_length=32, choices=Category.choices)
    summary = MarkdownxField(
        validators=[markdown.validate_markdown],
        help_text="Markdown. Shown on the treatment's page and in every article that lists it.",
    )
    summary_html = models.TextField(editable=False, blank=True)
    body = MarkdownxField(
        blank=True,
        validators=[markdown.validate_markdown],
        help_text="Markdown. Optional longer text, shown on the treatment's page only.",
    )
    body_html = models.TextField(editable=False, blank=True)
    ordering = models.PositiveIntegerField(
        default=0, help_text="Lower numbers come first within a category."
    )

    markdown_fields = ("summary", "body")
    html_fields = ("summary_html", "body_html")
    # The lists edited with the page (inlines): part of its drafts and its history.
    page_lists = ("source_links",)

    class Meta:
        ordering = ["ordering", "name"]
        verbose_name_plural = "treatments"
        constraints = publishable_constraints("treatment")
        indexes = publishable_indexes("treatment")
        permissions = [("publish_treatment", "Can publish, unpublish and schedule treatments")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.path_for_slug(self.slug)

    @staticmethod
    def path_for_slug(slug):
        return slug_path("articles:treatment_detail", slug)

    def render_markdown(self, terms=None):
        summary, body = markdown.render(self.summary), markdown.render(self.body)
        self.set_text(summary, body)
        # Marked as one page: a term used in the summary is not marked again in the body.
        # An article's treatment list shows the summary unmarked (term_marks.unmarked).
        entries = self.glossary_entries(terms)
        self.summary_html, used = term_marks.mark(summary, entries)
        self.body_html, _ = term_marks.mark(body, entries, already=used)

    def explained_by_treatment(self):
        return self.live_page_id or self.pk


class Article(Publishable):
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="articles")
    number = models.PositiveIntegerField(help_text="Position in the series: 1 is shown as “#1”.")
    title = models.CharField(max_length=200)
    # Unique among pages (a constraint): a draft of a live page shares its slug.
    slug = models.SlugField(max_length=200)
    summary = models.CharField(
        max_length=300,
        help_text="One or two plain sentences. Shown under the title and used as the page's "
        "description in search results.",
    )
    body = MarkdownxField(validators=[markdown.validate_markdown], help_text=MARKER_HELP)
    body_html = models.TextField(editable=False, blank=True)
    treatments = models.ManyToManyField(
        Treatment, through="ArticleTreatment", related_name="articles", blank=True
    )

    toc = models.JSONField(editable=False, default=list)

    markdown_fields = ("body",)
    html_fields = ("body_html",)
    page_lists = ("treatment_links", "figures", "source_links")

    class Meta:
        ordering = ["series__title", "number"]
        verbose_name_plural = "articles"
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"],
                condition=Q(live_page__isnull=True),
                name="article_unique_number_in_series",
                violation_error_message="Another article in this series has this number.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="article_number_at_least_1",
                violation_error_message="Numbers in a series start at 1.",
            ),
            *publishable_constraints("article"),
        ]
        indexes = [
            *publishable_indexes("article"),
            # The admin list's dates: its date hierarchy reads their first and last and its
            # years, and its count of pages, from this index alone (not 10,000 rows of text).
            models.Index(
                fields=["publish_at"],
                condition=Q(live_page__isnull=True),
                name="article_page_publish_time",
            ),
            # The pages that mark a glossary term, for the glossary page: found without reading
            # every article's HTML.
            models.Index(
                fields=["series", "number"],
                condition=Q(body_html__contains=term_marks.MARKED),
                name="article_marks_terms",
            ),
        ]
        permissions = [("publish_article", "Can publish, unpublish and schedule articles")]

    def __str__(self):
        return f"#{self.number} {self.title}"

    def get_absolute_url(self):
        return self.path_for_slug(self.slug)

    @staticmethod
    def path_for_slug(slug):
        return slug_path("articles:article_detail", slug)

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if markdown.count_treatment_markers(self.body) > 1:
            message = "[[treatments]] appears more than once; the list can go in one place only."
            errors.setdefault("body", []).append(message)
        number_taken = self.other_pages().filter(series_id=self.series_id, number=self.number)
        if self.series_id and self.number and number_taken.exists():
            errors.setdefault("number", []).append(
                "Another article in this series has this number."
            )
        if errors:
            raise ValidationError(errors)

    def render_markdown(self, terms=None):
        html = markdown.render(self.body)
        self.toc = markdown.table_of_contents(html)
        self.set_text(html)
        self.body_html, _ = term_marks.mark(html, self.glossary_entries(terms))

    def body_parts(self, treatments, figures):
        """The body as a list of BodyPart with every slot filled. What the body has no marker
        for (the treatment list, a figure) follows the text, so nothing is dropped."""
        figures_by_number = {figure.number: figure for figure in figures}
        parts = []
        for slot in markdown.split_slots(self.body_html):
            if slot.kind == "html":
                parts.append(BodyPart("html", html=slot.html))
            elif slot.kind == "treatments" and treatments and not placed_treatments(parts):
                parts.append(BodyPart("treatments"))
            elif slot.kind == "figure" and slot.figure_number in figures_by_number:
                parts.append(BodyPart("figure", figure=figures_by_number.pop(slot.figure_number)))
        if treatments and not placed_treatments(parts):
            parts.append(BodyPart("treatments"))
        parts.extend(BodyPart("figure", figure=figure) for figure in figures_by_number.values())
        return parts


def placed_treatments(parts):
    return any(part.kind == "treatments" for part in parts)


@dataclass(frozen=True)
class BodyPart:
    kind: str  # "html", "treatments" or "figure"
    html: str = ""
    figure: "Figure | None" = None


class ArticleTreatment(models.Model):
    """A treatment listed in an article, in the order the editor chose."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="treatment_links")
    treatment = models.ForeignKey(
        Treatment,
        on_delete=models.PROTECT,
        related_name="article_links",
        # A treatment's page, never its draft.
        limit_choices_to={"live_page__isnull": True},
    )
    position = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "treatment in article"
        verbose_name_plural = "treatments in article"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "treatment"],
                name="articletreatment_once_per_article",
                violation_error_message="This treatment is already listed in the article.",
            )
        ]

    def __str__(self):
        return f"{self.treatment} in {self.article}"


def figure_upload_to(instance, filename):
    # The field only stores a CleanImage, named after the format sniffed from its content;
    # the rest of the name is new, so nothing an uploader chose reaches storage.
    extension = posixpath.splitext(filename)[1].lower().lstrip(".")
    if extension not in uploads.EXTENSIONS:
        raise ValueError(
            f"Figure images are stored as {sorted(uploads.EXTENSIONS)}, not {filename!r}."
        )
    return f"figures/{uuid.uuid4().hex}.{extension}"


class Figure(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="figures")
    number = models.PositiveSmallIntegerField(
        help_text="Place it in the body with [[figure N]] on a line of its own."
    )
    image = uploads.CleanImageField(
        upload_to=figure_upload_to,
        width_field="width",
        height_field="height",
        help_text="A PNG, JPEG, GIF or WebP picture. It is saved as a new copy under a new name, "
        "without its location, camera details or other hidden data.",
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    alt_text = models.CharField(
        max_length=300,
        help_text="What the image shows, for readers who can't see it. Required.",
    )
    caption = models.CharField(max_length=300, blank=True, help_text="Optional, shown under it.")

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "figures"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"],
                name="figure_unique_number_in_article",
                violation_error_message="Another figure in this article has this number.",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="figure_number_at_least_1"),
            models.CheckConstraint(
                condition=~Q(alt_text=""),
                name="figure_alt_text_required",
                violation_error_message="Every figure needs alt text.",
            ),
        ]

    def __str__(self):
        return f"Figure {self.number}: {self.alt_text}"
