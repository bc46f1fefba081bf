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
from .publishing import (
    Person,
    Publishable,
    PublishableQuerySet,
    Status,
    public_now,
    review_due_after,
)
from .sources import ArticleReference, Source, TreatmentReference
from .urgent_help import Helpline, UrgentHelp

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
    "Source",
    "Series",
    "Status",
    "Treatment",
    "TreatmentReference",
    "UrgentHelp",
    "figure_upload_to",
    "public_now",
    "review_due_after",
]
