"""The page cache follows the content: any save or delete of a content row starts a new
page-cache generation. Wired here, so the content app knows nothing of the cache."""

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

from .page_cache import content_changed

# What reviewers and readers send in: never on a public page, so saving it leaves cached pages
# alone (a reader's feedback must not empty the cache for everyone).
NOT_ON_PAGES = {"reviewlink", "reviewcomment", "pagefeedback"}


def connect():
    for model in apps.get_app_config("articles").get_models():
        if model._meta.model_name in NOT_ON_PAGES:
            continue
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pages-{model}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pages-d-{model}")
        # Content's own many-to-many lists only: not, say, a group's permissions.
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(content_changed, sender=through, dispatch_uid=f"pages-m-{through}")
