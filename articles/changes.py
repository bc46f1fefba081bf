"""What signing off a page changes for readers: the draft against the live page, field by
field, its lists (treatments, figures, sources) included."""

import contextlib
from difflib import SequenceMatcher

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from reversion_compare.helpers import generate_dmp_diff, html_diff

# Where the page stands, not what it says: the sign-off itself decides these.
NOT_COMPARED = {"status", "publish_at", "created", "updated"}
LIST_LABELS = {
    "treatment_links": "Treatments listed",
    "figures": "Figures",
    "source_links": "Sources",
}


def field_text(page, field):
    if page is None:
        return ""
    value = getattr(page, field.name)
    if value is None:
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        # Named and numbered: two people or series of the same name are not the same.
        return f"{value} (#{value.pk})"
    # Browsers send Windows line ends: a re-saved text is not a changed one.
    return str(value).replace("\r\n", "\n")


def list_text(page, name, shown_treatments=None):
    """A list as lines; `shown_treatments`, when given, the ids of the treatments to name (the
    others are not public, and outside reviewers see what readers would)."""
    if page is None:
        return ""
    lines = []
    for row in getattr(page, name).all():
        filtered = name == "treatment_links" and shown_treatments is not None
        if filtered and row.treatment_id not in shown_treatments:
            continue
        if name == "treatment_links":
            lines.append(f"{row.position}. {row.treatment} (treatment #{row.treatment_id})")
        elif name == "figures":
            caption = f" — {row.caption}" if row.caption else ""
            lines.append(f"Figure {row.number}: {row.alt_text}{caption} ({row.image.name})")
        else:
            source = row.reference
            details = [source.title, source.authors, source.publication, source.year]
            details += [source.doi and f"DOI {source.doi}", source.pmid and f"PMID {source.pmid}"]
            details += [source.url, source.accessed and f"accessed {source.accessed}"]
            shown = ", ".join(str(detail) for detail in details if detail)
            lines.append(f"{row.position}. [cite {source.pk}] {shown}")
    return "\n".join(lines)


def compared_fields(model_admin):
    """The fields of an admin's form, in its order."""
    names = [
        name
        for _, options in model_admin.fieldsets
        for name in options["fields"]
        if name not in NOT_COMPARED
    ]
    model_fields = {field.name: field for field in model_admin.model._meta.concrete_fields}
    return [model_fields[name] for name in names if name in model_fields]


# Unchanged lines shown around each change in a long text.
CONTEXT_LINES = 2
# Steps the line matching may take on one pair of texts (a line compared with one place it
# occurs: some 15 million a second here). Blank lines make Markdown's count grow with the square
# of its length: a 96 KB body of 1,200 paragraphs takes 2 million. Lines repeated many times on
# both sides make it explode: a 24 KB body of two alternating lines held a worker past 30 s.
MATCHING_BUDGET = 5_000_000


class OverBudget(Exception):
    pass


class BudgetedMatcher(SequenceMatcher):
    """difflib's line matching, as exact as before, that gives up (OverBudget) once it has
    spent MATCHING_BUDGET steps."""

    def __init__(self, old, new):
        # autojunk would treat blank lines, common in Markdown, as noise.
        super().__init__(None, old, new, autojunk=False)
        self.budget = MATCHING_BUDGET

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        # What difflib's loops will visit: each line of `a` in range, and for each every place
        # the line occurs in `b`.
        self.budget -= ahi - alo
        for line in self.a[alo:ahi]:
            self.budget -= len(self.b2j.get(line, ()))
            if self.budget < 0:
                raise OverBudget
        return super().find_longest_match(alo, ahi, blo, bhi)


class GivenOpcodes(SequenceMatcher):
    """difflib's grouping of changes with context, over opcodes found elsewhere."""

    def __init__(self, opcodes):
        super().__init__(None, [], [], autojunk=False)
        self.given = opcodes

    def get_opcodes(self):
        return self.given


def line_opcodes(old, new):
    """difflib's opcodes for lines `old` into `new`, in bounded time: when matching all lines
    would take too long, the lines both texts start and end with are matched first, and the
    rest, if it is still too much, is shown as replaced whole."""
    with contextlib.suppress(OverBudget):
        return BudgetedMatcher(old, new).get_opcodes()
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    old_end, new_end = len(old) - end, len(new) - end
    try:
        middle = BudgetedMatcher(old[start:old_end], new[start:new_end]).get_opcodes()
    except OverBudget:
        middle = [("replace", 0, old_end - start, 0, new_end - start)]
    opcodes = [("equal", 0, start, 0, start)] if start else []
    opcodes += [
        (tag, i1 + start, i2 + start, j1 + start, j2 + start) for tag, i1, i2, j1, j2 in middle
    ]
    if end:
        opcodes.append(("equal", old_end, len(old), new_end, len(new)))
    return opcodes


def changed_passages(before, after):
    """Only the passages of a long text that changed, with a little context: changed lines
    word by word, unchanged stretches between them as "…". Escaped HTML."""
    old, new = before.split("\n"), after.split("\n")
    groups = list(GivenOpcodes(line_opcodes(old, new)).get_grouped_opcodes(CONTEXT_LINES))
    skipped = mark_safe('<div class="skipped">…</div>')
    shown = []
    for number, group in enumerate(groups):
        if number or group[0][1] > 0:
            shown.append(skipped)
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                shown.append(format_html("<div>{}</div>", "\n".join(old[i1:i2])))
            else:
                # Escaped by reversion-compare's diff, word by word.
                changed = generate_dmp_diff("\n".join(old[i1:i2]), "\n".join(new[j1:j2]))
                shown.append(mark_safe(f"<div>{changed}</div>"))  # noqa: S308
    if groups and groups[-1][-1][2] < len(old):
        shown.append(skipped)
    return format_html('<div class="passages">{}</div>', mark_safe("".join(shown)))  # noqa: S308


def content_fields(model):
    """What a page says, in the model's order: the fields editors write, not its standing."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in NOT_COMPARED
    ]


def page_changes(live, page, fields=None, shown_treatments=None):
    """[{label, changed, diff}] for each field (`fields`, else `content_fields`) and list,
    `live` (None for a new page) against `page`; `diff` is escaped HTML with <ins> and <del>.
    `shown_treatments`: see `list_text`."""
    rows = []
    compared = [
        (field.verbose_name, field_text(live, field), field_text(page, field))
        for field in fields or content_fields(type(page))
    ] + [
        (
            LIST_LABELS[name],
            list_text(live, name, shown_treatments),
            list_text(page, name, shown_treatments),
        )
        for name in type(page).page_lists
    ]
    for label, before, after in compared:
        rows.append(
            {
                "label": label[:1].upper() + label[1:],
                "changed": before != after,
                "diff": changed_passages(before, after)
                if before.count("\n") > 2 * CONTEXT_LINES
                else html_diff(before, after),
            }
        )
    return rows
