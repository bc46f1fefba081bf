"""People credited on pages: authors and medical reviewers, with their public pages."""

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from .. import markdown


class PersonQuerySet(models.QuerySet):
    def published(self):
        """People a published page credits (author or medical reviewer): only they have a
        public page."""
        credited = Q()
        for model_name in ("article", "treatment"):
            pages = apps.get_model("articles", model_name).objects.published()
            credited |= Exists(pages.filter(author=OuterRef("pk"))) | Exists(
                pages.filter(reviewer=OuterRef("pk"))
            )
        return self.filter(credited)


class Person(models.Model):
    """Someone credited on a page: an author or a medical reviewer."""

    name = models.CharField(max_length=200, help_text="As shown to readers, e.g. “Dr A. Example”.")
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The last part of their page’s address (/people/this-slug/), public once a "
        "published page credits them. Left empty, made from the name.",
    )
    credentials = models.CharField(
        max_length=200,
        blank=True,
        help_text="Profession and qualifications, e.g. “consultant psychiatrist”.",
    )
    role = models.CharField(
        max_length=200,
        blank=True,
        help_text="Their job or their part in the series, e.g. “Series editor”. Shown on their "
        "page.",
    )
    bio = MarkdownxField(
        blank=True,
        validators=[markdown.validate_markdown],
        help_text="Markdown. A few sentences about them, shown on their page. Only what they "
        "have confirmed.",
    )
    bio_html = models.TextField(editable=False, blank=True)
    conflicts_of_interest = models.TextField(
        "declared conflicts of interest",
        blank=True,
        help_text="As they declared them. Left empty, their page says “No declaration recorded”.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        help_text="The admin account of this person, if they have one.",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.free_slug()
        self.bio_html = markdown.plain_html(self.bio) if self.bio else ""
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:person_detail", kwargs={"slug": self.slug})

    def free_slug(self):
        """A slug from the name that no one else has (people added by an import have none)."""
        base = slugify(self.name)[:190] or "person"
        taken = set(
            Person.objects.filter(slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug
