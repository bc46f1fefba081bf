"""Sign-off in the admin: live pages are read-only and change through drafts (articles.drafts);
publishers see what would change for readers and publish, schedule or send it back."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from reversion import add_to_revision, create_revision, set_comment, set_user
from reversion.models import Version

from .. import drafts
from ..changes import compared_fields, page_changes
from ..models import Person, Status
from ..safe_messaging_checks import page_flags
from . import figure_files, safe_messaging_notes
from .review_links import outside_review


class SignOffForm(forms.Form):
    ACTIONS = {"publish": "Publish now", "schedule": "Schedule", "send_back": "Send back"}

    # Which button was pressed (admin/articles/signoff.html: one per decision).
    action = forms.ChoiceField(
        choices=list(ACTIONS.items()),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Nothing was decided: press “Publish now”, “Schedule” or “Send back”."
        },
    )
    go_live_at = forms.SplitDateTimeField(
        label="Go live at",
        required=False,
        # Each box named for screen readers: the field's one label can point at one of them.
        widget=forms.SplitDateTimeWidget(
            date_attrs={"type": "date", "aria-label": "Go live on (date)"},
            time_attrs={"type": "time", "aria-label": "Go live at (time)"},
        ),
        help_text="Readers keep the live version until then. Times are "
        f"{timezone.get_default_timezone_name()}.",
    )
    note = forms.CharField(
        label="Note for the editors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What needs changing. Shown on the page's form and in the review queue.",
    )
    token = forms.CharField(widget=forms.HiddenInput)
    safe_messaging_read = safe_messaging_notes.read_field()

    def __init__(self, *args, flags=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The safe-messaging flags of the page to sign off: publishing or scheduling it needs
        # the box ticked; without flags there is no box.
        self.flags = flags
        if not flags:
            del self.fields["safe_messaging_read"]

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action != "schedule":
            # A time half typed in for "Schedule" never stops another decision.
            self._errors.pop("go_live_at", None)
        publishing = action in ("publish", "schedule")
        if publishing and self.flags and not cleaned.get("safe_messaging_read"):
            self.add_error(
                "safe_messaging_read",
                "This page has safe-messaging notes (above): read them, then tick this to "
                f"{self.ACTIONS[action].lower()}.",
            )
        if action == "schedule":
            moment = cleaned.get("go_live_at")
            if moment is None:
                self.add_error("go_live_at", "Say when it should go live.")
            elif moment <= timezone.now():
                self.add_error("go_live_at", "Choose a time in the future, or publish now.")
        if action == "send_back" and not cleaned.get("note", "").strip():
            self.add_error("note", "Say what needs changing.")
        return cleaned


def people_shown(page):
    """The people the page credits, with all that their public page shows: signing the page
    off signs them off too. `new` when no published page credits them yet."""
    credited = Person.objects.published().values_list("pk", flat=True)
    people = []
    for role, person in (("Author", page.author), ("Medical reviewer", page.reviewer)):
        if person is not None:
            people.append({"role": role, "person": person, "new": person.pk not in credited})
    return people


class SignOffMixin:
    """For PublishingAdmin. Published pages (live or scheduled) are never edited in place, by
    anyone: "Edit as a draft" makes (or opens) their draft. A publisher signs off a draft, or a
    page never published, on its sign-off page."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/draft/", wrap(self.start_draft_view), name=f"{name}_draft"),
            path("<path:object_id>/signoff/", wrap(self.signoff_view), name=f"{name}_signoff"),
            path(
                "<path:object_id>/unpublish/", wrap(self.unpublish_view), name=f"{name}_unpublish"
            ),
            *super().get_urls(),
        ]

    def admin_url(self, view, page):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}", args=[page.pk])

    def gone_redirect(self, live_pk):
        """Where a sign-off of a draft that went live meanwhile lands: its live page."""
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        if live_pk is None:
            return redirect(reverse(f"{name}_changelist"))
        return redirect(reverse(f"{name}_change", args=[live_pk]) + "?live=1")

    # Permissions

    def may_edit_content(self, request, page):
        """May change what the page says, in a draft when it is published."""
        return super().has_change_permission(request, page)

    def has_change_permission(self, request, obj=None):
        # Judged by the stored status: a form being saved has already set the new one.
        if obj is not None and obj.loaded.get("status", obj.status) == Status.PUBLISHED:
            return False  # through its draft
        return super().has_change_permission(request, obj)

    @admin.display(description="Pending changes")
    def pending_changes(self, obj):
        status = getattr(obj, "draft_status", None)
        if status is None:
            return "—"
        if obj.draft_go_live_at:
            return f"Scheduled: goes live {date_format(obj.draft_go_live_at, 'j M Y, H:i')}"
        if status == Status.REVIEW:
            return "Awaiting sign-off"
        return "Changes requested" if obj.draft_review_note else "Draft"

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if not self.can_publish(request):
            # Editable columns (a treatment's order) change live pages at once: publishers only.
            changelist.list_editable = ()
        return changelist

    def get_search_results(self, request, queryset, search_term):
        # Lists and autocompletes name pages; a draft is reached from its page.
        queryset = queryset.pages()
        return super().get_search_results(request, queryset, search_term)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.live_page_id and "status" in form.base_fields:
            # A draft of a live page is signed off on its sign-off page, never by its status.
            form.base_fields["status"].choices = [
                (value, label)
                for value, label in Status.choices
                if value in (Status.DRAFT, Status.REVIEW)
            ]
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.live_page_id and "publish_at" not in fields:
            fields.append("publish_at")
        return fields

    # The change form: live page or draft

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and request.method == "GET" and "live" not in request.GET:
            draft = drafts.draft_of(obj) if obj.live_page_id is None else None
            if draft is not None:
                return redirect(self.admin_url("change", draft))
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["signoff"] = self.signoff_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def signoff_context(self, request, obj):
        live = obj.live_page if obj.live_page_id else obj
        draft = obj if obj.live_page_id else drafts.draft_of(obj)
        # As stored: a refused form holds the status it asked for.
        published = live.loaded.get("status", live.status) == Status.PUBLISHED
        return {
            "page": obj,
            "live": live if published else None,
            "draft": draft,
            "is_draft": bool(obj.live_page_id),
            "can_publish": self.can_publish(request),
            "can_edit": self.may_edit_content(request, obj),
            "public_url": live.get_absolute_url() if live.is_public else "",
            "draft_url": self.admin_url("draft", live),
            "signoff_url": self.admin_url("signoff", obj),
            "unpublish_url": self.admin_url("unpublish", live),
            "live_admin_url": self.admin_url("change", live) + "?live=1",
            "preview_url": self.admin_url("change", obj) + "preview/",
        }

    def view_on_site(self, obj):
        # A draft is seen in its preview; its page's address shows the live version.
        if obj.live_page_id:
            return self.admin_url("change", obj) + "preview/"
        return obj.get_absolute_url()

    def save_model(self, request, obj, form, change):
        if obj.status == Status.REVIEW and obj.loaded.get("status") != Status.REVIEW:
            messages.info(
                request,
                "Submitted for review: a publisher sees it in the review queue and signs it off.",
            )
        if obj.live_page_id and obj.go_live_at:
            # What was signed off is not what goes live any more.
            drafts.cancel_schedule(obj)
            messages.warning(
                request,
                "The scheduled publication was cancelled: the changed draft needs a new sign-off.",
            )
        super().save_model(request, obj, form, change)

    # Views

    def start_draft_view(self, request, object_id):
        page = self.get_object(request, unquote(object_id))
        if page is None or page.live_page_id:
            raise Http404
        if request.method != "POST":
            return redirect(self.admin_url("change", page))
        if not self.may_edit_content(request, page):
            raise PermissionDenied
        with create_revision():
            set_user(request.user)
            set_comment("Draft started from the live page.")
            draft = drafts.start_draft(page)
            add_to_revision(draft)
        return redirect(self.admin_url("change", draft))

    def unpublish_view(self, request, object_id):
        page = self.get_object(request, unquote(object_id))
        if page is None or page.live_page_id:
            raise Http404
        if request.method != "POST" or page.status != Status.PUBLISHED:
            return redirect(self.admin_url("change", page))
        if not self.can_publish(request):
            raise PermissionDenied
        with create_revision():
            set_user(request.user)
            set_comment("Unpublished.")
            page.status = Status.UNPUBLISHED
            page.save()
            draft = drafts.draft_of(page)
            if draft is not None and draft.go_live_at:
                drafts.cancel_schedule(draft)
                draft.save()
                messages.warning(request, "Its draft's scheduled publication was cancelled.")
        messages.success(request, f"“{page}” is no longer public.")
        return redirect(self.admin_url("change", page))

    def signoff_view(self, request, object_id):
        page = self.get_object(request, unquote(object_id))
        if page is None and request.method == "POST" and self.can_publish(request):
            # A second Publish now arriving after the first one removed the draft.
            messages.warning(request, drafts.GONE_MESSAGE)
            return self.gone_redirect(None)
        if page is None or page.status == Status.PUBLISHED:
            raise Http404
        if not self.has_view_or_change_permission(request, page):
            raise PermissionDenied
        live = page.live_page
        # As stored, which is what a sign-off publishes (the token says it is what was shown).
        flags = page_flags(page)
        form = SignOffForm(
            request.POST or None, initial={"token": drafts.fingerprint(page)}, flags=flags
        )
        if request.method == "POST":
            if not self.can_publish(request):
                raise PermissionDenied
            if form.is_valid():
                if form.cleaned_data["token"] != drafts.fingerprint(page):
                    form.add_error(None, drafts.CHANGED_MESSAGE)
                    form.data = form.data.copy()
                    form.data["token"] = drafts.fingerprint(page)
                else:
                    done = self.sign_off(request, page, form)
                    if done is not None:
                        return done
                    # Refused, perhaps because it changed meanwhile: shown again as stored
                    # now, and that is what the next press signs off.
                    page = self.get_object(request, unquote(object_id)) or page
                    form.data = form.data.copy()
                    form.data["token"] = drafts.fingerprint(page)
        if hasattr(page, "figures"):
            # Signing off doesn't need the files, but the publisher should know readers lack one.
            figure_files.warn(request, page)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Sign off “{page}”",
            "page": page,
            "live": live,
            "changes": page_changes(live, page, compared_fields(self)),
            "people": people_shown(page),
            # What outside reviewers said, seen before signing off.
            "outside_review": outside_review(page)
            if request.user.has_perm("articles.view_reviewlink")
            else None,
            "form": form,
            "safe_messaging": safe_messaging_notes.notes_html(flags, publishing=True),
            "can_publish": self.can_publish(request),
            "change_url": self.admin_url("change", page),
            "preview_url": self.admin_url("change", page) + "preview/",
        }
        return TemplateResponse(request, "admin/articles/signoff.html", context)

    def sign_off(self, request, page, form):
        """Carry out the publisher's decision; None (with the form's errors) when refused."""
        action = form.cleaned_data["action"]
        who = request.user.get_full_name() or request.user.get_username()
        if action == "send_back":
            try:
                with create_revision():
                    set_user(request.user)
                    set_comment(f"Sent back by {who}: {form.cleaned_data['note']}")
                    drafts.send_back(page, form.cleaned_data["note"])
            except drafts.DraftGone as error:
                messages.warning(request, " ".join(error.messages))
                return self.gone_redirect(page.live_page_id)
            messages.success(request, "Sent back to its editors with your note.")
            return redirect(self.admin_url("change", page))
        at = form.cleaned_data["go_live_at"] if action == "schedule" else None
        own = self.is_own_work(request, page)
        authors = drafts.written_by(page) if page.live_page_id else ""
        try:
            with create_revision():
                set_user(request.user)
                # The token is what the publisher saw: only that goes live, checked under lock.
                result = drafts.publish(
                    page, request.user, at=at, signed=form.cleaned_data["token"]
                )
                when = f"to go live {date_format(timezone.localtime(at), 'j F Y, H:i')}"
                verb = f"Scheduled {when}" if at else "Published"
                set_comment(
                    f"{verb}, signed off by {who}"
                    + (" (their own changes)" if own else "")
                    + ("." if page.live_page_id is None else ": the update of the live page.")
                    + (f" {authors}" if authors else "")
                    + (
                        " " + safe_messaging_notes.read_note(request.user, form.flags)
                        if form.flags
                        else ""
                    )
                )
                # A schedule is recorded on the draft; a publication on the live page.
                add_to_revision(page if at else result)
        except drafts.DraftGone as error:
            # A second Publish now (another publisher's, or a double click) found it live.
            messages.warning(request, " ".join(error.messages))
            return self.gone_redirect(page.live_page_id)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return None
        if at:
            messages.success(request, f"Scheduled {when}. Readers see the live version until then.")
            return redirect(self.admin_url("change", page))
        messages.success(request, f"“{result}” is live.")
        return redirect(self.admin_url("change", result) + "?live=1")

    @staticmethod
    def is_own_work(request, page):
        """Whether the publisher wrote any of it (not just started, sent back or scheduled)."""
        revisions = Version.objects.get_for_object(page).filter(revision__user=request.user)
        comments = revisions.values_list("revision__comment", flat=True)
        return any(not comment.startswith(drafts.SIGN_OFF_COMMENTS) for comment in comments)
