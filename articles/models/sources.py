"""Sources (studies, guidelines, web pages) listed on articles and treatments, and cited from
the Markdown with [[cite N]], N being the source's own id. A page numbers the sources it cites
in order of first use (articles.markdown.citation_order); the list's positions place the rest."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

DOI_VALIDATOR = RegexValidator(
    r"^10\.\d{4,9}/\S+$", "Enter the DOI itself, e.g. 10.1000/example.123 (no https://doi.org/)."
)
PMID_VALIDATOR = RegexValidator(r"^\d{1,9}$", "A PubMed ID is a number, e.g. 12345678.")


class Source(models.Model):
    """A study, guideline or web page that pages cite; its number ([[cite N]]) is its id."""

    title = models.CharField(max_length=500)
    authors = models.CharField(
        max_length=500, blank=True, help_text="As cited, e.g. “Example A, Sample B”."
    )
    publication = models.CharField(
        "publication or organisation",
        max_length=300,
        blank=True,
        help_text="Journal, publisher or organisation.",
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2200)]
    )
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[DOI_VALIDATOR])
    pmid = models.CharField("PubMed ID", max_length=12, blank=True, validators=[PMID_VALIDATOR])
    url = models.URLField("URL", max_length=500, blank=True)
    accessed = models.DateField(
        "date accessed", null=True, blank=True, help_text="For web pages: when you read it."
    )

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "sources"
        constraints = [
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1800, year__lte=2200),
                name="source_year_plausible",
            )
        ]

    def __str__(self):
        year = f" ({self.year})" if self.year else ""
        return f"[{self.pk}] {self.title}{year}"

    @property
    def link(self):
        """Where the source can be read: its DOI, else PubMed, else its URL."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.url


class SourceLink(models.Model):
    reference = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="+", verbose_name="source"
    )
    position = models.PositiveIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self):
        return str(self.reference)


class ArticleReference(SourceLink):
    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="source_links")

    class Meta(SourceLink.Meta):
        verbose_name = "source of the article"
        verbose_name_plural = "sources of the article"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reference"],
                name="articlereference_once_per_article",
                violation_error_message="This source is already listed.",
            )
        ]


class TreatmentReference(SourceLink):
    treatment = models.ForeignKey(
        "Treatment", on_delete=models.CASCADE, related_name="source_links"
    )

    class Meta(SourceLink.Meta):
        verbose_name = "source of the treatment"
        verbose_name_plural = "sources of the treatment"
        constraints = [
            models.UniqueConstraint(
                fields=["treatment", "reference"],
                name="treatmentreference_once_per_treatment",
                violation_error_message="This source is already listed.",
            )
        ]
