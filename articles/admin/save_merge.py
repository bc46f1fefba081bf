"""Two editors saving the same page: the later save is merged with the earlier one instead of
replacing it.

The form carries the `updated` time of what it showed (the edit token). When someone saved
since, the version the editor opened is found in the history (django-reversion: the version
whose `updated` is the token) and each field the form edits is merged three ways: the opened
version, theirs (stored now) and yours (submitted). A field only one side changed takes that
side's value; text both changed is merged line by line (text_merge); the rows of each inline
are merged row by row (row_merge). Derived fields (HTML, plain text, word counts, search
vectors) are not in the form, so they are never merged: the save renders them again.

Whatever merged cleanly is saved at once. What both changed differently comes back on the form,
side by side, with a choice for each (keep mine, keep theirs, or edit both into one), and is
saved as chosen; until then, the form's text holds your side. The version the editor opened is
carried on (`merge_base`), so the next save merges again against it: if theirs changed again
meanwhile, the editor is asked again. A version that can't be found (the history has none for
that time) leaves every difference to the editor: nothing is dropped without being shown.
"""

from datetime import UTC

import reversion
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from reversion.models import Version

from . import text_merge
from .edit_tokens import edit_token, last_change
from .posted import comparable, differs, put, shown, shown_submitted, submitted
from .row_merge import PENDING, InlineRows

BASE = "merge_base"


def opened_version(obj, token):
    """The version of obj saved at `token` (its `updated` then), or None. The history keeps
    times to the millisecond; two saves within one are told apart by nothing, so the latest
    is taken."""
    try:
        # A token that looks like a time may still be none (month 13, offset +99:00, year 1
        # in a zone east of UTC): then no version was opened.
        moment = parse_datetime(token or "")
        if moment is None or moment.tzinfo is None or not reversion.is_registered(type(obj)):
            return None
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    stamp = DjangoJSONEncoder().default(moment)
    wanted = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    candidates = Version.objects.get_for_object(obj).filter(serialized_data__contains=stamp)
    for version in candidates[:10]:
        if version.field_dict.get("updated") == wanted:
            return version
    return None


def rows_in(version, model, fk, parent_pk):
    """{id: field_dict} of the rows of `model` saved with `version`, in the same revision."""
    if version is None:
        return None
    rows = {}
    for other in version.revision.version_set.all():
        if other._model is model and str(other.field_dict.get(fk.attname)) == str(parent_pk):
            rows[str(other.object_id)] = other.field_dict
    return rows


class FieldConflict:
    """A field both editors changed differently: its conflicting blocks, and the choices made
    for them on the form."""

    def __init__(self, name, label, blocks, data, text=True):
        self.name, self.label, self.blocks, self.text = name, label, blocks, text
        self.choices = {}
        for block in text_merge.conflicts(blocks):
            choice = data.get(self.input_name(block))
            if choice in (text_merge.CHOICES if text else (text_merge.MINE, text_merge.THEIRS)):
                self.choices[block.key] = (choice, data.get(self.input_name(block) + "-text", ""))

    def input_name(self, block):
        return f"merge-{self.name}-{block.key}"

    @property
    def conflicts(self):
        return text_merge.conflicts(self.blocks)

    @property
    def undecided(self):
        return [block for block in self.conflicts if block.key not in self.choices]

    def shown_blocks(self):
        """For the template: each conflict with its highlighted sides and its inputs."""
        count = len(self.conflicts)
        for number, block in enumerate(self.conflicts, 1):
            theirs, yours = text_merge.highlighted(block.theirs, block.yours)
            choice, edited = self.choices.get(block.key, ("", ""))
            where = f"part {number} of {count}" if count > 1 else ""
            yield {
                "title": " – ".join(filter(None, [self.label, where])),
                "theirs": theirs,
                "yours": yours,
                "theirs_empty": not block.theirs.strip(),
                "yours_empty": not block.yours.strip(),
                "name": self.input_name(block),
                "choice": choice,
                "editable": self.text,
                "edit_text": edited if choice == text_merge.EDIT else text_merge.combined(block),
            }

    def describe(self):
        count = len(self.conflicts)
        if not self.text or count == 1 and len(text_merge.lines(self.blocks_text())) <= 1:
            return self.label
        noun = "paragraph" if count == 1 else "paragraphs"
        return f"{'one' if count == 1 else count} {noun} of {self.label}"

    def blocks_text(self):
        return "".join(block.text or block.yours for block in self.blocks)


class SaveMerge:
    """One POST of a change form merged with the saves made since its form was opened: the
    merged data (`data`, `files`) replace what was submitted."""

    missing = object()  # a field the opened version doesn't have

    def __init__(self, admin, request, obj, opened=None):
        self.admin, self.request, self.obj = admin, request, obj
        # The page whose form was opened, when the save moved to a draft of it because it was
        # signed off meanwhile (signed_off_meanwhile): its history holds the version opened.
        self.opened = opened if opened is not None else obj
        self.data, self.files = request.POST.copy(), request.FILES.copy()
        self.token = self.data.get("edit_token", "")
        self.base_token = self.data.get(BASE) or self.token
        self.stale = self.token != edit_token(obj) or opened is not None
        self.fields, self.rows, self.their_changes = [], [], []
        self.came_in = self.paragraphs_came_in = False
        self.base_found = True
        self.resolved = False

    @staticmethod
    def needed(post, obj):
        token = post.get("edit_token")
        return token is not None and bool(
            token != edit_token(obj) or post.get(BASE) or post.getlist(PENDING)
        )

    def run(self):
        form_class = self.admin.get_form(self.request, self.obj, change=True)
        base = opened_version(self.opened, self.base_token)
        self.base_found = base is not None
        rows_base = (
            base if self.base_token == self.token else opened_version(self.opened, self.token)
        )
        merges = [self.merge_field(name, field, base) for name, field in self.editable(form_class)]
        self.fields = [merge for merge in merges if merge is not None and merge.conflicts]
        self.merge_inlines(rows_base)
        conflicts = self.fields or self.rows
        undecided = any(merge.undecided for merge in self.fields) or any(
            not row.choice for row in self.rows
        )
        self.resolved = not conflicts or (not self.stale and not undecided)
        for merge in merges:
            if merge is not None:
                self.write_field(merge)
        for key in (BASE, PENDING, "edit_token"):
            self.data.pop(key, None)
        # Refused by the form until settled (EditorialForm.clean compares the token).
        self.data["edit_token"] = edit_token(self.obj) if self.resolved else "merge"

    def editable(self, form_class):
        names = {field.name for field in self.obj._meta.concrete_fields if field.editable}
        return [(name, field) for name, field in form_class.base_fields.items() if name in names]

    def merge_field(self, name, form_field, base):
        model_field = self.obj._meta.get_field(name)
        theirs = model_field.value_from_object(self.obj)
        start = base.field_dict.get(model_field.attname, self.missing) if base else self.missing
        label = str(form_field.label or capfirst(model_field.verbose_name))
        if start is not self.missing and comparable(start) == comparable(theirs):
            return None  # theirs is what you started from: yours stands
        if start is not self.missing:
            self.their_changes.append(label)
        if not differs(form_field, theirs, self.data, self.files, name):
            return None  # the same as theirs
        if start is not self.missing and not differs(
            form_field, start, self.data, self.files, name
        ):
            put(self.data, name, form_field, theirs)  # only they changed it
            self.came_in = True
            return None
        is_text = isinstance(model_field, models.CharField | models.TextField) and not (
            model_field.choices
        )
        if is_text:
            yours = submitted(form_field, self.data, self.files, name) or ""
            blocks = text_merge.merge(
                None if start is self.missing else start or "", theirs or "", yours, name
            )
            if any(block.theirs_only for block in blocks):
                self.came_in = self.paragraphs_came_in = True
        else:
            # One value, one choice: theirs or yours.
            theirs_text = shown(form_field, theirs)
            yours_text = shown_submitted(form_field, self.data, self.files, name)
            blocks = text_merge.keyed(
                [text_merge.Block(conflict=True, theirs=theirs_text, yours=yours_text)], name
            )
        merge = FieldConflict(name, label, blocks, self.data, text=is_text)
        merge.form_field, merge.theirs = form_field, theirs
        merge.crlf = is_text and "\r\n" in yours
        return merge

    def write_field(self, merge):
        if merge.text:
            choose = merge.choices.get if self.resolved else (lambda block: None)
            text, _ = text_merge.resolve(merge.blocks, lambda block: choose(block.key))
            self.data[merge.name] = text.replace("\n", "\r\n") if merge.crlf else text
        elif self.resolved and any(c == text_merge.THEIRS for c, _ in merge.choices.values()):
            put(self.data, merge.name, merge.form_field, merge.theirs)

    def merge_inlines(self, version):
        counts = {}
        for formset_class, inline in self.admin.get_formsets_with_inlines(self.request, self.obj):
            prefix = formset_class.get_default_prefix()
            counts[prefix] = counts.get(prefix, 0) + 1
            if counts[prefix] != 1 or not prefix:
                prefix = f"{prefix}-{counts[prefix]}"
            rows = InlineRows(formset_class, prefix, self.obj, self.data, self.files)
            if not rows.valid:
                continue
            queryset = inline.get_queryset(self.request)
            current = list(formset_class(instance=self.obj, queryset=queryset).get_queryset())
            base = rows_in(version, rows.model, rows.fk, self.opened.pk)
            base = None if base is None else {pk: rows.values_in(v) for pk, v in base.items()}
            if self.opened is not self.obj and base is not None:
                base = rows.carry_ids(base, current)
            elif self.opened is not self.obj:
                # No version to merge against: the rows the opened page still has (a page
                # published meanwhile) at least tell its rows from the draft's copies of them.
                still = rows.model.objects.filter(**{rows.fk.attname: self.opened.pk})
                rows.carry_ids({str(row.pk): rows.values_of(row) for row in still}, current)
            now = {str(row.pk): rows.values_of(row) for row in current}
            undecided = rows.apply_choices(base if self.stale and base is not None else now)
            if self.stale:
                conflicts, came_in = rows.merge(base, current, undecided)
                self.came_in = self.came_in or came_in
                if base is not None and _changed_rows(base, now):
                    self.their_changes.append(str(rows.model._meta.verbose_name_plural))
            else:
                conflicts = [rows.asked(index, now) for index in undecided]
            self.rows.extend(conflicts)

    # What the editor reads

    def when(self):
        who, moment = last_change(self.obj)
        return who, date_format(timezone.localtime(moment), "j F Y, H:i")

    def what_they_changed(self):
        if not self.base_found or not self.their_changes:
            return f"this {self.obj._meta.verbose_name}"
        names = list(dict.fromkeys(self.their_changes))
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def message(self):
        """Why the form came back, in the words of the issue editors filed."""
        who, when = self.when()
        said = [f"{who} changed {self.what_they_changed()} on {when}, after you opened it."]
        if not self.base_found:
            said.append(
                "The version you opened is not in the history, so your save can't be merged "
                "with theirs: wherever the two differ, both are shown below. Choose which to "
                "keep each time."
            )
            return " ".join(said)
        places = [merge.describe() for merge in self.fields] + self.rows_described()
        total = sum(len(merge.conflicts) for merge in self.fields) + len(self.rows)
        joined = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]
        verb = "was" if total == 1 else "were"
        asked = f"{joined} {verb} changed by both of you: choose which to keep."
        if self.came_in:
            other = "to other paragraphs" if self.paragraphs_came_in else "elsewhere"
            said.append(f"Their changes {other} are merged into yours below; {asked}")
        else:
            said.append(capfirst(asked))
        if not self.stale:
            said.append("Make a choice for each place highlighted below, then save again.")
        return " ".join(said)

    def rows_described(self):
        counts = {}
        for row in self.rows:
            counts[row.noun] = counts.get(row.noun, 0) + 1
        return [
            f"one {noun}" if count == 1 else f"{count} rows of “{noun}”"
            for noun, count in counts.items()
        ]

    def saved_message(self):
        who, when = self.when()
        return (
            f"{who} changed {self.what_they_changed()} on {when}, after you opened it. Their "
            "changes and yours were merged: both are saved."
        )

    def pending_rows(self):
        return [f"{row.prefix}:{row.index}" for row in self.rows]


def _changed_rows(base, now):
    def plain(rows):
        return {pk: {k: comparable(v) for k, v in values.items()} for pk, values in rows.items()}

    return plain(base) != plain(now)


class MergeOnConflictMixin:
    """For a versioned ModelAdmin whose form is an EditorialForm: a save crossed with someone
    else's is merged with it (SaveMerge) before the form and its inlines read the data."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or object_id is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        # The row stays locked from the token's check (here and in the form) to the save's
        # commit: two saves at once are one after the other, the second merged with the first.
        with transaction.atomic(using=router.db_for_write(self.model)):
            try:
                pk = self.model._meta.pk.to_python(unquote(object_id))
                list(self.model._base_manager.select_for_update().filter(pk=pk).values_list("pk"))
            except (ValidationError, ValueError):
                pass  # no such object: Django says so
            return self.merged_changeform_view(request, object_id, form_url, extra_context)

    def merged_changeform_view(self, request, object_id, form_url, extra_context):
        merge = None
        obj = self.get_object(request, unquote(object_id))
        if (
            obj is not None
            and self.has_change_permission(request, obj)
            and SaveMerge.needed(request.POST, obj)
        ):
            merge = SaveMerge(self, request, obj, getattr(request, "_moved_from", None))
            merge.run()
            request.POST, request._files = merge.data, merge.files
            request._save_merge = merge
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if merge is not None and merge.resolved and merge.came_in and response.status_code == 302:
            messages.info(request, merge.saved_message())
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        merge = getattr(request, "_save_merge", None)
        if merge is not None and not merge.resolved:
            form = type(form.__name__, (form,), {"conflict_message": lambda _: merge.message()})
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        merge = getattr(request, "_save_merge", None)
        if merge is not None and (not merge.resolved or merge.came_in):
            context["save_merge"] = merge
        return super().render_change_form(request, context, add, change, form_url, obj)

    @property
    def media(self):
        return super().media + forms.Media(
            js=["admin/js/merge_conflicts.js"], css={"all": ["admin/css/merge_conflicts.css"]}
        )
