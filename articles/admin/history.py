"""History that never changes what readers see by itself.

django-reversion's revision and recover views look a version up by its id alone, restore the
whole revision it belongs to (which may hold other pages: the seed, an import, a list-editable
save) in place, and keep the result whenever the change form answers with a redirect, as it
does for an object that isn't there. Here they are replaced: every history view accepts only
versions of its own model and object, and "Revert" or "Recover" loads that one version (with
its page's lists) into a draft for the normal sign-off: the draft of a published page, the page
itself when nothing of it is public, or a new draft page for a deleted one.
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion import add_to_revision, create_revision, set_comment, set_user
from reversion.models import Version

from .. import drafts, versions
from ..models import Publishable, Status


def described(version):
    when = date_format(timezone.localtime(version.revision.date_created), "j F Y, H:i")
    user = version.revision.user
    return f"the version of {when}" + (f" by {user.get_full_name() or user}" if user else "")


def latest_version_label(page):
    """What the latest version of `page` is (the history and the compare page say so), or
    None: the current draft of a live page, or the live (or scheduled) version."""
    if not isinstance(page, Publishable):
        return None
    if page.live_page_id:
        return "Current draft"
    if page.status == Status.PUBLISHED:
        return "Live version" if page.is_public else "Scheduled version"
    return None


class GuardedHistoryMixin:
    """For a versioned ModelAdmin: history, compare, revert and recover confined to the object
    named in the URL; reverting and recovering go through drafts where pages are public."""

    history_load_template = "admin/articles/load_version.html"
    # Not named object_history.html: Django would give it to every admin of the app, and the
    # plain ones (urgent help, people, sources) have no versions to list.
    object_history_template = "admin/articles/page_history.html"

    def own_versions(self, object_id):
        return Version.objects.get_for_object_reference(self.model, object_id)

    def _get_action_list(self, request, object_id, extra_context=None):
        # History says which version readers see.
        actions = super()._get_action_list(request, object_id, extra_context)
        page = self.get_object(request, unquote(object_id))
        if actions and (label := latest_version_label(page)):
            latest = actions[0] if self.history_latest_first else actions[-1]
            latest["label"] = label
        return actions

    def history_view(self, request, object_id, extra_context=None):
        page = self.get_object(request, unquote(object_id))
        if page is None:
            # As Django's own history does, before the versions are looked up by that id: text
            # no page has (a NUL, on PostgreSQL) would fail the query.
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        context = {**(extra_context or {})}
        if isinstance(page, Publishable):
            other = page.live_page if page.live_page_id else drafts.draft_of(page)
            if other is not None:
                opts = self.model._meta
                context["other_history"] = {
                    "label": "the live page" if page.live_page_id else "its current draft",
                    "url": reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_history", args=[other.pk]
                    ),
                }
        return super().history_view(request, object_id, context)

    def compare_view(self, request, object_id, extra_context=None):
        # django-reversion-compare's view checks no permission beyond being staff.
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        own = self.own_versions(unquote(object_id))
        for name in ("version_id1", "version_id2"):
            try:
                version_id = int(request.GET.get(name, ""))
            except ValueError:
                continue  # the view answers 404 for what isn't a number
            if not own.filter(pk=version_id).exists():
                raise PermissionDenied
        return super().compare_view(request, object_id, extra_context)

    def load_target(self, request, page):
        """Where a version of `page` is loaded, and whether this user may put it there."""
        if isinstance(page, Publishable) and page.status == Status.PUBLISHED:
            # Its draft, made if need be: allowed to whoever may edit the page's content.
            return drafts.draft_of(page), self.may_edit_content(request, page)
        return page, self.has_change_permission(request, page)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        page = self.get_object(request, unquote(object_id))
        if page is None:  # before the versions are looked up by an id no page has
            raise PermissionDenied
        version = self.own_versions(unquote(object_id)).filter(pk=version_id).first()
        if version is None:
            raise PermissionDenied
        target, allowed = self.load_target(request, page)
        if not allowed:
            raise PermissionDenied
        if request.method != "POST":
            return self.load_form(request, page, version, target, extra_context)
        return self.load(request, version, target, page, f"Loaded {described(version)}.")

    def load(self, request, version, target, page, comment):
        """Load the version into target (a new draft of `page` if None), then open it; on a
        refusal, say why on the same page. Nothing is changed unless all of it is."""
        try:
            with transaction.atomic(), create_revision():
                set_user(request.user)
                set_comment(comment)
                if target is None:
                    target = drafts.start_draft(page)
                warnings = versions.load_version(version, target)
                add_to_revision(target)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.path)
        self.loaded_message(request, version, target, warnings)
        return redirect(self.object_url(target))

    def deleted_versions(self):
        """The last version of each deleted object, drafts of live pages left out: a draft is
        removed when it goes live, and its page holds what it said."""
        deleted = Version.objects.get_deleted(self.model).select_related("revision")
        return [version for version in deleted if not version.field_dict.get("live_page_id")]

    def recoverlist_view(self, request, extra_context=None):
        # django-reversion's view, with the list above.
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "app_label": opts.app_label,
            "module_name": opts.verbose_name,
            "title": f"Recover deleted {opts.verbose_name_plural}",
            "deleted": self.deleted_versions(),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "reversion/recover_list.html", context)

    def recover_view(self, request, version_id, extra_context=None):
        # Only the versions the recover list shows.
        version = next((v for v in self.deleted_versions() if str(v.pk) == str(version_id)), None)
        if version is None or not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return self.load_form(request, None, version, None, extra_context)
        target = self.model(pk=version.object_id)
        return self.load(request, version, target, None, f"Recovered {described(version)}.")

    def loaded_message(self, request, version, target, warnings):
        where = "the draft" if getattr(target, "live_page_id", None) else f"“{target}”"
        text = f"Loaded {described(version)} into {where}."
        if isinstance(target, Publishable):
            text += " Readers see no change until a publisher signs it off."
        messages.success(request, " ".join([text, *warnings]))

    def object_url(self, obj):
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def load_form(self, request, page, version, target, extra_context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Load {described(version)}",
            "page": page,
            "version": version,
            "described": described(version),
            "into_draft": page is None
            or (isinstance(page, Publishable) and page.status == Status.PUBLISHED),
            "existing_draft": target if page is not None and target is not page else None,
            "publishable": issubclass(self.model, Publishable),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.history_load_template, context)
