"""The rows of one inline (treatments listed, figures, sources) saved by two editors, merged row
by row against the rows of the version both started from.

Rows are told apart by their id, and compared by the fields the inline shows:

- a row added by either side is kept (theirs are in the database, yours are new forms); the same
  item added by both (a treatment or source the list may hold once) is kept once, theirs, and
  is asked about only if the two differ in more than their place in the list;
- a row changed or removed by one side only takes that side's change;
- a row changed by both sides in the same way is simply kept;
- a row changed by both in different ways, or removed by one and changed by the other, is a
  conflict: the form comes back with your side of it in the list (your values; a row you
  removed is shown ticked to delete, with their values; a row they removed that you changed
  comes back as a new row) and asks which to keep. Without the version both started from,
  every row whose two sides differ is a conflict.

The merged rows are written back into the submitted data as Django's formset reads it: one
form per row now stored, in the order the inline lists them, then the new rows; so what is
saved, or shown again, lines up with the database.
"""

import re
from dataclasses import dataclass

from django import forms

from .posted import comparable, differs, put, shown, shown_submitted
from .text_merge import MINE, THEIRS

PENDING = "merge-pending-row"


@dataclass(frozen=True)
class RowConflict:
    prefix: str
    index: int
    noun: str
    theirs: str
    yours: str
    choice: str = ""

    @property
    def name(self):
        return f"mergerow-{self.prefix}-{self.index}"


@dataclass(frozen=True)
class Spec:
    """A form of the merged formset: from your submitted form `mine`, or from `values`."""

    pk: object = None
    mine: int | None = None
    values: dict | None = None
    delete: bool = False


class InlineRows:
    """One inline's forms in submitted data (changed in place by `write`)."""

    def __init__(self, formset_class, prefix, parent, data, files):
        self.prefix, self.parent, self.data, self.files = prefix, parent, data, files
        self.model = formset_class.model
        # Django's own bound on a formset's forms, which its save path enforces: a tampered
        # TOTAL_FORMS above it is left for the formset to refuse, never looped over here.
        self.most = formset_class.absolute_max
        self.pk_name = self.model._meta.pk.name
        self.fk = formset_class.fk
        skip = {self.pk_name, self.fk.name, "DELETE", "ORDER"}
        self.fields = {
            name: field
            for name, field in formset_class.form.base_fields.items()
            if name not in skip
        }
        try:
            self.total = int(data[f"{prefix}-TOTAL_FORMS"])
            self.initial = int(data[f"{prefix}-INITIAL_FORMS"])
        except (KeyError, ValueError):
            self.total = self.initial = None  # not this formset's data: Django says so

    @property
    def valid(self):
        return self.total is not None and 0 <= self.initial <= self.total <= self.most

    def key(self, index, name):
        return f"{self.prefix}-{index}-{name}"

    def pk(self, index):
        return self.data.get(self.key(index, self.pk_name)) or None

    def deleted(self, index):
        return forms.CheckboxInput().value_from_datadict(
            self.data, self.files, self.key(index, "DELETE")
        )

    def changed(self, index, values):
        return any(
            differs(field, values.get(name), self.data, self.files, self.key(index, name))
            for name, field in self.fields.items()
        )

    def values_of(self, row):
        return {
            name: self.model._meta.get_field(name).value_from_object(row) for name in self.fields
        }

    def values_in(self, field_dict):
        return {
            name: field_dict.get(self.model._meta.get_field(name).attname) for name in self.fields
        }

    def described(self, values):
        return "; ".join(
            f"{field.label}: {shown(field, values.get(name))}"
            for name, field in self.fields.items()
        )

    def described_form(self, index):
        if self.deleted(index):
            return "(removed)"
        return "; ".join(
            f"{field.label}: {shown_submitted(field, self.data, self.files, self.key(index, name))}"
            for name, field in self.fields.items()
        )

    def pending(self):
        marks = [mark.rpartition(":") for mark in self.data.getlist(PENDING)]
        return [
            int(index) for prefix, _, index in marks if prefix == self.prefix and index.isdigit()
        ]

    def choice(self, index):
        """What the editor chose for the form at `index` when it was asked about (else "")."""
        choice = self.data.get(f"mergerow-{self.prefix}-{index}", "")
        return choice if choice in (MINE, THEIRS) and index in self.pending() else ""

    def apply_choices(self, reference):
        """Carry out the choices made on a form that asked (mine: as the form holds it; theirs:
        the row as `reference` holds it, or removed). Returns the indexes still undecided."""
        undecided = []
        for index in self.pending():
            choice = self.data.get(f"mergerow-{self.prefix}-{index}")
            if choice == THEIRS:
                values = reference.get(self.pk(index)) if self.pk(index) else None
                if values is None:
                    self.data[self.key(index, "DELETE")] = "on"
                else:
                    self.data.pop(self.key(index, "DELETE"), None)
                    for name, field in self.fields.items():
                        put(self.data, self.key(index, name), field, values[name])
            elif choice != MINE and index < (self.total or 0):
                undecided.append(index)
        return undecided

    def asked(self, index, reference):
        """The conflict a form asked about, asked again."""
        values = reference.get(self.pk(index)) if self.pk(index) else None
        theirs = "(removed)" if values is None else self.described(values)
        return RowConflict(self.prefix, index, self.noun(), theirs, self.described_form(index))

    def noun(self):
        return str(self.model._meta.verbose_name)

    def merge(self, base, current, undecided=()):
        """Merge your forms with the rows stored now (`current`, in the inline's order) against
        `base` ({id: values}, None when unknown); write the result. Returns the conflicts and
        whether anything of theirs came in."""
        yours = {self.pk(index): index for index in range(self.initial) if self.pk(index)}
        initial, extra, asked, came_in = [], [], [], False
        for row in current:
            pk = str(row.pk)
            theirs = self.values_of(row)
            index = yours.pop(pk, None)
            start = None if base is None else base.get(pk)
            if index is None:
                initial.append(Spec(pk, values=theirs))  # theirs, or one this form never showed
                came_in = True
                continue
            deleted = self.deleted(index)
            theirs_changed = start is None or _values(theirs) != _values(start)
            mine_changed = start is None or deleted or self.changed(index, start)
            if index in undecided:
                theirs_changed = mine_changed = True
            if not theirs_changed:
                initial.append(Spec(pk, mine=index, delete=deleted))
            elif not mine_changed:
                initial.append(Spec(pk, values=theirs))
                came_in = True
            elif not deleted and not self.changed(index, theirs):
                initial.append(Spec(pk, mine=index))
            else:
                asked.append(
                    (len(initial), self.described(theirs), self.described_form(index), index)
                )
                if deleted:
                    initial.append(Spec(pk, values=theirs, delete=True))
                else:
                    initial.append(Spec(pk, mine=index))
        for pk, index in yours.items():  # gone from the database: they removed it
            start = None if base is None else base.get(pk)
            untouched = start is not None and not self.changed(index, start)
            if self.deleted(index) or (untouched and index not in undecided):
                came_in = came_in or not self.deleted(index)
                continue
            where = len(initial) + len(extra)
            asked.append((where, "(removed)", self.described_form(index), index))
            extra.append(Spec(mine=index))
        arrived = {
            key: spec
            for spec in initial
            if spec.mine is None and (key := self.unique_key(spec.values)) is not None
        }
        for index in range(self.initial, self.total):
            same = None if self.deleted(index) else arrived.get(self.submitted_key(index))
            if same is not None and index not in undecided:
                # Both added the same item (a treatment, a source): one row, kept once, as
                # theirs already is; the list can't hold it twice.
                if self.differs_beyond_order(index, same.values):
                    at = initial.index(same)
                    initial[at] = Spec(same.pk, mine=index)
                    asked.append(
                        (at, self.described(same.values), self.described_form(index), index)
                    )
                came_in = True
                continue
            if index in undecided:
                where = len(initial) + len(extra)
                asked.append((where, "(removed)", self.described_form(index), index))
            extra.append(Spec(mine=index, delete=self.deleted(index)))
        self.write([*initial, *extra])
        # Asked again (they saved again meanwhile): the choice made for it stays ticked, at the
        # row's new place in the list.
        conflicts = [
            RowConflict(self.prefix, at, self.noun(), t, y, self.choice(index))
            for at, t, y, index in asked
        ]
        return conflicts, came_in

    def carry_ids(self, base, current):
        """For a save moved onto a draft of the page it was opened on (whose rows are copies,
        with new ids): each row of `base` ({id: values}, the version opened) that the draft
        holds unchanged takes that copy's id, in `base` and in your forms. Returns the new
        `base`; a row not found keeps its old id and merges as one they removed."""
        copies = [(str(row.pk), _values(self.values_of(row))) for row in current]
        moved = {}
        for pk, values in base.items():
            for index, (copy, copy_values) in enumerate(copies):
                if copy_values == _values(values):
                    moved[pk] = copy
                    del copies[index]
                    break
        for index in range(self.initial):
            if self.pk(index) in moved:
                self.data[self.key(index, self.pk_name)] = moved[self.pk(index)]
        return {moved.get(pk, pk): values for pk, values in base.items()}

    def key_fields(self):
        """The fields (besides the page) a row is unique by, or () when rows may repeat."""
        for constraint in self.model._meta.total_unique_constraints:
            names = [name for name in constraint.fields if name != self.fk.name]
            if self.fk.name in constraint.fields and names and set(names) <= set(self.fields):
                return names
        return ()

    def unique_key(self, values):
        names = self.key_fields()
        if not names:
            return None
        return tuple(comparable(values.get(name)) for name in names)

    def submitted_key(self, index):
        names = self.key_fields()
        if not names:
            return None
        values = {}
        for name in names:
            field = self.fields[name]
            raw = field.widget.value_from_datadict(self.data, self.files, self.key(index, name))
            try:
                values[name] = field.clean(raw)
            except forms.ValidationError:
                return None  # left for the formset to refuse
            values[name] = getattr(values[name], "pk", values[name])
        return self.unique_key(values)

    def differs_beyond_order(self, index, values):
        """Whether your form at `index` differs from `values` in more than where the row sits
        in the list (the model's ordering fields): a place in the list is no conflict."""
        order = {name.lstrip("-") for name in self.model._meta.ordering}
        return any(
            differs(field, values.get(name), self.data, self.files, self.key(index, name))
            for name, field in self.fields.items()
            if name not in order
        )

    def write(self, specs):
        """Replace this inline's forms in the data (and files) with `specs`."""
        own = re.compile(rf"^{re.escape(self.prefix)}-(\d+)-(.+)$")
        old_data = {key: self.data.getlist(key) for key in self.data if own.match(key)}
        old_files = {key: self.files.getlist(key) for key in self.files if own.match(key)}
        for key in old_data:
            del self.data[key]
        for key in old_files:
            del self.files[key]
        for index, spec in enumerate(specs):
            if spec.mine is not None:
                for source, target in ((old_data, self.data), (old_files, self.files)):
                    for key, values in source.items():
                        number, name = own.match(key).groups()
                        if int(number) == spec.mine and name not in (self.pk_name, "DELETE"):
                            target.setlist(self.key(index, name), values)
            else:
                for name, field in self.fields.items():
                    put(self.data, self.key(index, name), field, spec.values[name])
            self.data[self.key(index, self.pk_name)] = spec.pk or ""
            self.data[self.key(index, self.fk.name)] = str(self.parent.pk)
            if spec.delete:
                self.data[self.key(index, "DELETE")] = "on"
        self.data[f"{self.prefix}-TOTAL_FORMS"] = str(len(specs))
        self.data[f"{self.prefix}-INITIAL_FORMS"] = str(sum(1 for spec in specs if spec.pk))
        self.total, self.initial = len(specs), sum(1 for spec in specs if spec.pk)


def _values(values):
    return {name: comparable(value) for name, value in values.items()}
