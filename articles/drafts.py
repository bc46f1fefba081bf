"""Live pages change only through signed-off drafts.

A published page (article or treatment) is never edited in place. Its changes are made on a
draft: a second row of the same model whose `live_page` points at it, with its own copies of
the page's lists (treatments, figures, sources). Readers never see a draft (`published()`
excludes it: its status is draft or review). A publisher's sign-off copies the draft onto the
live row, in one transaction and after every publishing rule has passed, keeping the live row's
id (which `article:3` links and the history use); or schedules that for later, which happens on
the first request after the time (no job runs). Pages never published have no draft: they are
edited directly, as nothing of them is public.
"""

import contextlib
import hashlib
import json

import reversion
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from reversion.models import Version

from . import markdown
from .models import Article, Status, Treatment

# Fields of a page that say where it stands, not what it says: a draft's are its own.
STANDING_FIELDS = {
    "id",
    "live_page",
    "status",
    "publish_at",
    "go_live_at",
    "signed_off_by",
    "signed_off_content",
    "review_note",
    "created",
    "updated",
    "search_vector",
    "marks_stale",
}
# Stored HTML, made from the page's Markdown (which a sign-off approves) and the published glossary
# (which publishers publish): rendered again when a term changes (articles.signals), which must
# not undo a sign-off.
RENDERED_FIELDS = {"body_html", "summary_html"}
NEXT_GO_LIVE_KEY = "drafts:next-go-live:v1"
NEXT_GO_LIVE_TIMEOUT = 5 * 60
NOTHING_SCHEDULED = "none"


def copy_content(source, target):
    """What the page says, from source onto target (both saved or not): fields only."""
    for field in source._meta.concrete_fields:
        if field.name not in STANDING_FIELDS:
            setattr(target, field.attname, getattr(source, field.attname))


def copy_lists(source, target):
    """Replace target's lists (treatments, figures, sources) with copies of source's."""
    for name in type(source).page_lists:
        rows = list(getattr(source, name).all())
        manager = getattr(target, name)
        manager.all().delete()
        for row in rows:
            row.pk = None
            row._state.adding = True
            setattr(row, manager.field.name, target)
            # A figure's image is shared, not copied: stored files are never rewritten.
            row.save()


def fingerprint(page):
    """What a sign-off approves, as a hash: the page's content and lists, and what readers see
    of the rows they name (the series, people, sources and treatments). A page whose
    fingerprint changed since is not what was signed off."""

    def values(row, skip=()):
        return {
            field.attname: getattr(row, field.attname)
            for field in row._meta.concrete_fields
            if field.name not in skip
        }

    seen = {"page": values(page, STANDING_FIELDS | RENDERED_FIELDS)}
    for name in ("series", "author", "reviewer"):
        related = getattr(page, name, None)
        seen[name] = values(related) if related is not None else None
    for name in page.page_lists:
        rows = []
        for row in getattr(page, name).all():
            listed = {"row": values(row, {"id", page._meta.model_name})}
            for target in ("treatment", "reference"):
                if hasattr(row, target):
                    listed[target] = values(
                        getattr(row, target), {"search_vector", *RENDERED_FIELDS}
                    )
            rows.append(listed)
        seen[name] = rows
    text = json.dumps(seen, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


# Revisions that record a sign-off step, not writing.
SIGN_OFF_COMMENTS = ("Draft started", "Sent back by", "Scheduled", "Published")


def written_by(draft):
    """Who wrote the draft and their change notes, for the live page's history: the draft's
    own history goes when it goes live."""
    names, notes = [], []
    versions = Version.objects.get_for_object(draft).select_related("revision__user")
    for version in reversed(versions):
        revision = version.revision
        if revision.comment.startswith(SIGN_OFF_COMMENTS):
            continue
        user = revision.user
        name = (user.get_full_name() or user.get_username()) if user else None
        if name and name not in names:
            names.append(name)
        if revision.comment and not revision.comment.startswith(("Changed", "Added")):
            notes.append(f"“{revision.comment}”")
    if not names:
        return ""
    return f"Written by {', '.join(names)}" + (f": {'; '.join(notes)}" if notes else "") + "."


def draft_of(page):
    return page.drafts.first()


def start_draft(live):
    """The live page's draft: its existing one, or a new copy of the live page."""
    with transaction.atomic():
        live = type(live).objects.select_for_update().get(pk=live.pk)
        draft = draft_of(live)
        if draft is None:
            draft = type(live)(live_page=live, status=Status.DRAFT)
            copy_content(live, draft)
            draft.save()
            copy_lists(live, draft)
        return draft


def publishing_errors(page, lists_from=None):
    """Every publishing rule the page breaks, as for a page being published now: {field:
    [messages]}. `lists_from` is the row whose lists the page will have (its draft)."""
    lists_from = lists_from or page
    errors = {}
    try:
        page.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    overdue = page.overdue_error(previous_status=None)
    if overdue and overdue not in errors.get("status", []):
        errors.setdefault("status", []).append(overdue)
    listed = {link.reference_id for link in lists_from.source_links.all()}
    if message := markdown.missing_citations_message(page.markdown_text(), listed):
        errors.setdefault("__all__", []).append(message)
    if isinstance(page, Article):
        numbers = {figure.number for figure in lists_from.figures.all()}
        if names := markdown.missing_figures(page.body, numbers):
            errors.setdefault("__all__", []).append(
                f"The body places {names}, but there is no figure with that number."
            )
    return errors


class DraftGone(ValidationError):
    """The draft is no longer there: it went live (or was withdrawn) in another request."""


class ChangedSinceSignOff(ValidationError):
    """The page as stored is not the one signed off: someone saved it since."""


GONE_MESSAGE = "This draft is no longer waiting: it went live or was withdrawn meanwhile."
CHANGED_MESSAGE = (
    "The page changed after you opened this page: look at the changes again below before "
    "signing it off."
)


def locked(page):
    """`page` read again under a row lock, with its lists, and its live page locked first, or
    (live, None) when the page is gone. Always live row, then draft (as `start_draft`), so two
    requests never wait for each other's second lock. What is checked (the fingerprint) and what
    is copied are then the same rows: the lists come from this one read (prefetched), not from
    a second query an editor's save could land between."""
    model = type(page)
    live = None
    if page.live_page_id is not None:
        live = model.objects.select_for_update().filter(pk=page.live_page_id).first()
    fresh = (
        model.objects.select_for_update()
        .prefetch_related(*model.page_lists)
        .filter(pk=page.pk)
        .first()
    )
    return live, fresh


def keep_standing(fresh, held, names):
    """The caller's copy of a page learns where it now stands, as it did when this changed the
    caller's copy itself (a later save of it must not undo the sign-off)."""
    for name in names:
        setattr(held, name, getattr(fresh, name))


def check_signed(fresh, signed):
    """Refuse unless `fresh` (read under lock) is still what was signed off."""
    if fresh is None:
        raise DraftGone(GONE_MESSAGE, code="gone")
    if not signed or fingerprint(fresh) != signed:
        raise ChangedSinceSignOff(CHANGED_MESSAGE, code="changed")


def publish(page, user, at=None, signed=None):
    """Sign off `page`: a draft of a live page replaces it (now, or at `at`); a page never
    published is published (at `at`, or now). `signed` is the fingerprint of what the publisher
    approved (the sign-off form's token); by default the page as the caller holds it. Raises
    ValidationError, changing nothing, when a publishing rule is broken, and its subclasses
    DraftGone or ChangedSinceSignOff when the stored page is no longer that. Returns the page
    readers will see."""
    now = timezone.now()
    signed = signed or fingerprint(page)
    if page.live_page_id is None:
        with transaction.atomic():
            _, fresh = locked(page)
            check_signed(fresh, signed)
            fresh.status = Status.PUBLISHED
            fresh.publish_at = at or now
            fresh.review_note = ""
            if errors := publishing_errors(fresh):
                raise ValidationError(errors)
            fresh.save()
        keep_standing(fresh, page, ("status", "publish_at", "review_note"))
        return fresh
    if at is not None and at > now:
        return schedule(page, user, at, signed=signed)
    # What the publisher approved travels with the draft: go_live checks it under the lock.
    page.signed_off_content = signed
    return go_live(page)


def schedule(draft, user, at, signed=None):
    """Sign off `draft` to go live at `at`: checked now, so a publisher learns at once; checked
    again when it goes live."""
    signed = signed or fingerprint(draft)
    with transaction.atomic():
        live, fresh = locked(draft)
        check_signed(fresh, signed)
        copy_content(fresh, live)
        if errors := publishing_errors(live, lists_from=fresh):
            raise ValidationError(errors)
        fresh.status = Status.REVIEW
        fresh.go_live_at = at
        fresh.signed_off_by = user
        fresh.signed_off_content = signed
        fresh.review_note = ""
        fresh.save()
    keep_standing(
        fresh, draft, ("status", "go_live_at", "signed_off_by", "signed_off_content", "review_note")
    )
    cache.delete(NEXT_GO_LIVE_KEY)
    return live


def go_live(draft):
    """Copy the draft onto its live page and remove the draft, in one transaction, if the
    stored draft is still what `draft.signed_off_content` approved (or, unset, the draft as the
    caller holds it). Two requests putting the same draft live at once: the second finds it
    gone (DraftGone) and changes nothing."""
    signed = draft.signed_off_content or fingerprint(draft)
    with transaction.atomic():
        live, fresh = locked(draft)
        check_signed(fresh, signed)
        live = put_live(live, fresh)
    cache.delete(NEXT_GO_LIVE_KEY)
    return live


def put_live(live, draft):
    """Copy `draft` (read under lock by `locked`) onto `live` (locked too). The caller holds
    the transaction."""
    copy_content(draft, live)
    if errors := publishing_errors(live, lists_from=draft):
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            live.save()
            # The lists as read with the draft under the lock (prefetched).
            copy_lists(draft, live)
            # Under the lock no other request can have removed it; this says so, and undoes
            # the copy if one did (the draft's lists, read before, were then already copied).
            _, deleted = draft.delete()
            if not deleted.get(draft._meta.label):
                raise DraftGone(GONE_MESSAGE, code="gone")
    except IntegrityError as error:
        raise ValidationError(f"The database refused it: {error}") from error
    return live


def cancel_schedule(draft):
    """Changes after sign-off need a new one: the draft keeps its status, unscheduled. The
    caller saves it."""
    draft.go_live_at = None
    draft.signed_off_by = None
    draft.signed_off_content = ""
    cache.delete(NEXT_GO_LIVE_KEY)


def send_back(page, note):
    """Back to its editors with the publisher's note; a schedule is cancelled. Saved on the
    page as stored (under its lock), so an editor's save just before is kept; DraftGone when it
    went live meanwhile: a removed draft is never saved again (it would come back)."""
    with transaction.atomic():
        _, fresh = locked(page)
        if fresh is None:
            raise DraftGone(GONE_MESSAGE, code="gone")
        fresh.status = Status.DRAFT
        fresh.review_note = note
        fresh.go_live_at = None
        fresh.signed_off_by = None
        fresh.signed_off_content = ""
        fresh.save()
    keep_standing(
        fresh, page, ("status", "review_note", "go_live_at", "signed_off_by", "signed_off_content")
    )
    cache.delete(NEXT_GO_LIVE_KEY)


def next_go_live_from_db():
    """When the next scheduled draft goes live, or None."""
    moments = [
        model.objects.aggregate(soonest=Min("go_live_at"))["soonest"]
        for model in (Article, Treatment)
    ]
    moments = [moment for moment in moments if moment is not None]
    return min(moments) if moments else None


def next_go_live():
    """`next_go_live_from_db()`, kept in the shared cache: every request that reaches the site
    asks it."""
    cached = cache.get(NEXT_GO_LIVE_KEY)
    if cached is None:
        cached = next_go_live_from_db() or NOTHING_SCHEDULED
        cache.set(NEXT_GO_LIVE_KEY, cached, NEXT_GO_LIVE_TIMEOUT)
    return None if cached == NOTHING_SCHEDULED else cached


def apply_due(now=None):
    """Put every draft whose time has come live. One that now breaks a rule (a review that
    fell overdue meanwhile) goes back to its editors with the reason instead. Every worker runs
    this on the first request after the time: each draft is decided under its row locks, on
    the draft as stored then, so a draft another worker already put live is left alone."""
    now = now or timezone.now()
    for model in (Article, Treatment):
        due = list(model.objects.filter(go_live_at__lte=now).only("pk", "live_page_id"))
        for draft in due:
            # Gone under the lock only when this worker's own caller removed it meanwhile.
            with contextlib.suppress(DraftGone):
                apply_one(draft, now)
    cache.delete(NEXT_GO_LIVE_KEY)


def apply_one(draft, now):
    with transaction.atomic():
        live, fresh = locked(draft)
        if fresh is None or fresh.go_live_at is None or fresh.go_live_at > now:
            return  # gone live, sent back or rescheduled since the list was read
        if live is None or live.status != Status.PUBLISHED:
            send_back(fresh, "Not published as scheduled: the page was unpublished meanwhile.")
            return
        signer = fresh.signed_off_by
        signed = f"signed off by {signer.get_full_name() or signer}" if signer else "signed off"
        try:
            check_signed(fresh, fresh.signed_off_content)
            with reversion.create_revision():
                reversion.set_user(signer)
                reversion.set_comment(
                    f"Scheduled update went live ({signed}). {written_by(fresh)}".strip()
                )
                reversion.add_to_revision(put_live(live, fresh))
        except DraftGone:
            return  # another worker put it live: nothing to do
        except ChangedSinceSignOff:
            # Changed after sign-off, by whatever way: only what was approved goes live.
            send_back(
                fresh,
                "Not published as scheduled: it changed after it was signed off (the page, "
                "its lists, or a person, series or source it shows). Sign it off again.",
            )
        except ValidationError as error:
            send_back(fresh, f"Could not go live as scheduled: {' '.join(error.messages)}")
