"""Whether a row is shown on a published page: then changing it changes what readers see, and
only a publisher may (a series' title, a person's credentials, a source's details)."""

from django.db.models import Q

from .models import (
    Article,
    ArticleReference,
    Person,
    Series,
    Source,
    Status,
    Treatment,
    TreatmentReference,
)


def shown_publicly(obj):
    """On a published page (public now or scheduled); drafts don't count."""
    published = {"status": Status.PUBLISHED}
    if isinstance(obj, Series):
        return Article.objects.filter(series=obj, **published).exists()
    if isinstance(obj, Person):
        credited = Q(author=obj) | Q(reviewer=obj)
        return any(
            model.objects.filter(credited, **published).exists() for model in (Article, Treatment)
        )
    if isinstance(obj, Source):
        return (
            ArticleReference.objects.filter(
                reference=obj, article__status=Status.PUBLISHED
            ).exists()
            or TreatmentReference.objects.filter(
                reference=obj, treatment__status=Status.PUBLISHED
            ).exists()
        )
    raise TypeError(f"No rule for {type(obj).__name__}")
