"""History views that restore one page and nothing else, for those allowed to publish.

django-reversion's revision and recover views look a version up by its id alone, restore the
whole revision it belongs to (which may hold other pages: the seed, an import, a list-editable
save), and keep the result whenever the change form answers with a redirect, as it does for an
object that isn't there. Here every history view accepts only versions of its own model and
object, a restore touches only that page and its inline rows, and restoring needs the right to
publish.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.functional import cached_property
from reversion.errors import RevertError
from reversion.models import Version


class _PageRevision:
    """A revision cut down to one page and its inline rows. Reverting deletes the page's
    current inline rows that the version doesn't have, then restores the version's rows."""

    def __init__(self, revision, page_versions, inline_keys, page_id):
        self._revision = revision
        self._versions = page_versions
        self._inline_keys = inline_keys
        self._page_id = page_id

    def __getattr__(self, name):
        return getattr(self._revision, name)

    def revert(self, delete=False):
        try:
            with transaction.atomic(using=self._versions[0].db):
                if delete:
                    for model, key in self._inline_keys:
                        kept = [v.object_id for v in self._versions if v._model is model]
                        model._default_manager.filter(**{key: self._page_id}).exclude(
                            pk__in=kept
                        ).delete()
                # The page first: its inline rows point at it.
                inline_models = dict(self._inline_keys)
                for version in sorted(self._versions, key=lambda v: v._model in inline_models):
                    version.revert()
        except IntegrityError as error:
            raise RevertError(
                f"This version can't be restored as it stands ({error}): another page may now "
                "use its address or number."
            ) from error


class _PageVersion:
    """The version as reversion's revision form view sees it, with its revision cut down to the
    page (the view calls `version.revision.revert()`)."""

    def __init__(self, version, revision):
        self._version = version
        self.revision = revision

    def __getattr__(self, name):
        return getattr(self._version, name)


class GuardedHistoryMixin:
    """For a versioned ModelAdmin with a `can_publish(request)`: history, compare, revert and
    recover confined to the page named in the URL, and restoring only for those who may
    publish it."""

    def own_versions(self, object_id):
        return Version.objects.get_for_object_reference(self.model, object_id)

    @cached_property
    def inline_keys(self):
        """(model, foreign key attname) of each inline's rows that belong to a page."""
        keys = []
        for inline in self.inlines:
            for field in inline.model._meta.concrete_fields:
                if field.is_relation and field.remote_field.model is self.model:
                    keys.append((inline.model, field.attname))
        return keys

    def page_version(self, version):
        """The version with its revision limited to this page and its inline rows."""
        page_id = version.object_id
        own = [version]
        inline_models = dict(self.inline_keys)
        for other in version.revision.version_set.exclude(pk=version.pk):
            key = inline_models.get(other._model)
            if key and str(other.field_dict.get(key)) == str(page_id):
                own.append(other)
        revision = _PageRevision(version.revision, own, self.inline_keys, page_id)
        return _PageVersion(version, revision)

    def restore_allowed(self, request):
        if not self.can_publish(request):
            raise PermissionDenied("Restoring an earlier version needs the right to publish.")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        self.restore_allowed(request)
        version = self.own_versions(unquote(object_id)).filter(pk=version_id).first()
        obj = self.get_object(request, unquote(object_id))
        if version is None or obj is None or not self.has_change_permission(request, obj):
            raise PermissionDenied
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        self.restore_allowed(request)
        # Only the last version of a page that is deleted now: the ones the recover list shows.
        if not Version.objects.get_deleted(self.model).filter(pk=version_id).exists():
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def compare_view(self, request, object_id, extra_context=None):
        own = self.own_versions(unquote(object_id))
        for name in ("version_id1", "version_id2"):
            value = request.GET.get(name, "")
            if value.isdigit() and not own.filter(pk=value).exists():
                raise PermissionDenied
        return super().compare_view(request, object_id, extra_context)

    def _reversion_revisionform_view(self, request, version, template_name, extra_context=None):
        return super()._reversion_revisionform_view(
            request, self.page_version(version), template_name, extra_context
        )
