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


def shown(prefix=""):
    """Pages readers see now or at a set time: published ones, and drafts scheduled to go live
    (what a draft names is checked again when it goes live: drafts.fingerprint)."""
    return Q(**{f"{prefix}status": Status.PUBLISHED}) | Q(**{f"{prefix}go_live_at__isnull": False})


def shown_publicly(obj):
    """On such a page; other drafts don't count (their sign-off shows what they name)."""
    if isinstance(obj, Series):
        return Article.objects.filter(shown(), series=obj).exists()
    if isinstance(obj, Person):
        credited = Q(author=obj) | Q(reviewer=obj)
        return any(
            model.objects.filter(shown(), credited).exists() for model in (Article, Treatment)
        )
    if isinstance(obj, Source):
        return ArticleReference.objects.filter(shown("article__"), reference=obj).exists() or (
            TreatmentReference.objects.filter(shown("treatment__"), reference=obj).exists()
        )
    raise TypeError(f"No rule for {type(obj).__name__}")
