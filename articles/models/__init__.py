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
from .feedback import PageFeedback
from .glossary import Term, TermQuerySet
from .people import Person, PersonQuerySet
from .policy import EditorialPolicy
from .publishing import (
    Publishable,
    PublishableQuerySet,
    Status,
    public_now,
    review_due_after,
)
from .reviewing import ReviewComment, ReviewLink, Verdict
from .sources import ArticleReference, Source, TreatmentReference
from .urgent_help import EmergencyNumber, HelpContacts, Helpline, UrgentHelp

__all__ = [
    "MARKER_HELP",
    "Article",
    "ArticleReference",
    "ArticleTreatment",
    "BodyPart",
    "EditorialPolicy",
    "EmergencyNumber",
    "HelpContacts",
    "Helpline",
    "Figure",
    "PageFeedback",
    "Person",
    "PersonQuerySet",
    "Publishable",
    "PublishableQuerySet",
    "ReviewComment",
    "ReviewLink",
    "Source",
    "Series",
    "Status",
    "Term",
    "TermQuerySet",
    "Treatment",
    "TreatmentReference",
    "UrgentHelp",
    "Verdict",
    "figure_upload_to",
    "public_now",
    "review_due_after",
]
