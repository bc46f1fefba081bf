from .content import (
    MARKER_HELP,
    Article,
    ArticleTreatment,
    BodyPart,
    Figure,
    Series,
    Treatment,
    figure_upload_to,
)
from .publishing import Person, Publishable, PublishableQuerySet, Status, review_due_after
from .site import Helpline, UrgentHelp
from .sources import ArticleReference, Reference, TreatmentReference

__all__ = [
    "MARKER_HELP",
    "Article",
    "ArticleReference",
    "ArticleTreatment",
    "BodyPart",
    "Helpline",
    "Figure",
    "Person",
    "Publishable",
    "PublishableQuerySet",
    "Reference",
    "Series",
    "Status",
    "Treatment",
    "TreatmentReference",
    "UrgentHelp",
    "figure_upload_to",
    "review_due_after",
]
