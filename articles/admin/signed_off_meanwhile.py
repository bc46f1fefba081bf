"""A save whose page a publisher signed off while the editor typed: the draft they had open went
live (now, or as scheduled) and is gone, or the never-published page they had open was
published and is now read-only. Either way the editor's text is never lost and never goes
live: the save is made on a draft of the now-live page (its existing draft, or a new copy of
it), merged three ways (save_merge) against the version the editor opened, which is still in
the history of the page they had open. What merges cleanly is saved in that draft; what needs a
choice comes back on the draft's form. A publisher signs the draft off as any other.

The check and the save are one transaction that holds the page's rows from the check on (the
live row, then its draft: drafts.locked's order), so a sign-off can't commit between them: one
that came first is seen here, one that comes later waits for this save and then finds the draft
changed since it was signed (drafts.ChangedSinceSignOff).
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from reversion import add_to_revision, create_revision, set_comment, set_user

from .. import drafts
from ..models import Status
from .edit_tokens import edit_token, last_change

# Sent by a draft's form (admin/articles/change_form.html): the live page it drafts, which
# is all that is left to find once the draft went live and was removed.
DRAFT_OF = "draft_of"


class SignedOffMeanwhileMixin:
    """For PublishingAdmin (with SignOffMixin and MergeOnConflictMixin after it)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or object_id is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        # Django's save runs in a transaction of its own, nested in this one: the rows stay
        # locked from the checks below (and SaveMerge's) to the save's commit.
        with transaction.atomic(using=router.db_for_write(self.model)):
            self.lock_page(request, unquote(object_id))
            return self.save_or_move(request, object_id, form_url, extra_context)

    def lock_page(self, request, object_id):
        """Lock the rows a sign-off of this page locks, in its order: the live page, then its
        draft. (On SQLite, which has no row locks, a write locks the whole database.)"""
        manager = self.model._base_manager
        try:
            pk = self.model._meta.pk.to_python(object_id)
            found = list(manager.filter(pk=pk).values_list("live_page_id", flat=True))
            if found:
                live_id = found[0] or pk
            else:  # a draft gone live and removed: the live page its form names
                live_id = self.model._meta.pk.to_python(request.POST.get(DRAFT_OF) or None)
        except (ValidationError, ValueError):
            return  # no such page: Django says so
        if live_id is None:
            return
        list(manager.select_for_update().filter(pk=live_id).values_list("pk"))
        list(manager.select_for_update().filter(live_page_id=live_id).values_list("pk"))

    def save_or_move(self, request, object_id, form_url, extra_context):
        moved = self.signed_off_meanwhile(request, unquote(object_id))
        if moved is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        draft, opened, what = moved
        request._moved_from = opened
        # The form (and "Save and continue editing") now stand for the draft, not the page gone
        # or read-only.
        draft_url = self.admin_url("change", draft)
        request.path = request.path_info = draft_url
        response = super().changeform_view(request, str(draft.pk), draft_url, extra_context)
        saved = response.status_code == 302
        if not saved and response.status_code != 200:
            return response  # refused (a 403, say): neither saved nor shown back
        messages.warning(
            request,
            f"{what} while you were editing, so your changes could not go on it: readers see "
            "nothing of them until a publisher signs them off. "
            + (
                "They are saved in a draft of the live page."
                if saved
                else "They are in the form below, which now saves as a draft of the live page."
            ),
        )
        return response

    def signed_off_meanwhile(self, request, object_id):
        """(the draft to save into, the page whose history holds the version the form showed,
        what happened) for a save that crossed a sign-off; else None."""
        token = request.POST.get("edit_token")
        if not token:
            return None
        page = self.get_object(request, object_id)
        if page is None:
            # The draft went live and was removed: its live page, if the form named one.
            live = self.live_page_named(request)
            if live is None:
                return None
            opened = self.model(pk=object_id)  # only its history is left
            if self.changed_since(live, token):
                what = f"This draft went live ({self.signed_off(live)})"
            else:  # a publisher removed it: the editor's text still becomes a draft
                what = "This draft was removed"
        elif (
            page.live_page_id is None
            and page.loaded.get("status", page.status) == Status.PUBLISHED
            and token != edit_token(page)
        ):
            live, opened = page, page
            what = f"This {page._meta.verbose_name} was published ({self.signed_off(page)})"
        else:
            return None
        if not self.may_edit_content(request, live):
            return None
        draft = drafts.draft_of(live)
        if draft is None:
            with create_revision():
                set_user(request.user)
                set_comment("Draft started from the live page.")
                draft = drafts.start_draft(live)
                add_to_revision(draft)
        return draft, opened, what

    def live_page_named(self, request):
        pk = request.POST.get(DRAFT_OF, "")
        if not pk.isdigit():
            return None
        live = self.model.objects.filter(pk=pk, live_page=None).first()
        if live is None or live.status != Status.PUBLISHED:
            return None
        return live

    @staticmethod
    def changed_since(page, token):
        try:
            moment = parse_datetime(token)
            return moment is not None and page.updated >= moment
        except (ValueError, TypeError):  # not a time, or one without its zone
            return False

    @staticmethod
    def signed_off(page):
        who, when = last_change(page)
        return f"{who}, {date_format(timezone.localtime(when), 'j F Y, H:i')}"
