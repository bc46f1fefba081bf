"""The compare page of a page's history, as editors read it: only what they write on the form
(never the HTML, plain text, counts and search data made from it on save, nor the save times),
under the labels the form gives it, with the page's lists; and which of the two versions is the
live one or the current draft.

django-reversion-compare's own comparison is replaced (`compare`): it diffs every column,
reports a relation as added when anything else in the version changed, and warns that
relations it does not follow may be wrong.
"""

from django.contrib.admin.utils import quote, unquote
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from reversion_compare.helpers import html_diff

from ..changes import CONTEXT_LINES, LIST_LABELS, changed_passages
from .history import latest_version_label


def shown_value(field, value, related_names):
    """A field's stored value (from a version) as the form shows it, as text."""
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return related_names(field.related_model, value)
    if field.get_internal_type() == "BooleanField":
        return "Yes" if value else "No"
    if field.get_internal_type() == "DateTimeField":
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if field.get_internal_type() == "DateField":
        return date_format(value, "j F Y")
    # Browsers send line breaks as CR LF: a text saved again unchanged is not a changed one.
    return str(value).replace("\r\n", "\n")


def text_diff(before, after):
    """Escaped HTML: a long text as its changed passages, a short one in full."""
    if before.count("\n") > 2 * CONTEXT_LINES:
        return changed_passages(before, after)
    return html_diff(before, after)


class RelatedNames:
    """The names of related rows by id, looked up once each; a row deleted since is named by
    its kind and number."""

    def __init__(self):
        self.names = {}

    def __call__(self, model, pk):
        key = (model, str(pk))
        if key not in self.names:
            row = model._default_manager.filter(pk=pk).first()
            self.names[key] = str(row) if row else f"(deleted {model._meta.verbose_name} #{pk})"
        return self.names[key]


def list_rows(version, name):
    """(row model, [field values of each row]) of the page's list `name`, as saved in the
    version's revision."""
    relation = getattr(version._model, name)
    model, fk = relation.rel.related_model, relation.field.attname
    rows = [
        other.field_dict
        for other in version.revision.version_set.all()
        if other._model is model and str(other.field_dict.get(fk)) == str(version.object_id)
    ]
    return model, rows


def list_text(version, name, related_names):
    """A page list in one version, a row a line, in the page's order."""
    model, rows = list_rows(version, name)
    if name == "figures":
        rows.sort(key=lambda row: row.get("number") or 0)
        return "\n".join(
            f"Figure {row['number']}: {row['alt_text']}"
            + (f" — {row['caption']}" if row.get("caption") else "")
            for row in rows
        )
    rows.sort(key=lambda row: (row.get("position") or 0, row.get("id") or 0))
    # A treatment listed, or a source cited: named as the form's list names them.
    relation = model._meta.get_field("treatment" if name == "treatment_links" else "reference")
    lines = []
    for row in rows:
        shown = related_names(relation.related_model, row[relation.attname])
        if name == "source_links":
            shown = f"[cite {row[relation.attname]}] {shown}"
        lines.append(f"{row.get('position', 0)}. {shown}")
    return "\n".join(lines)


class VersionCompareMixin:
    """For a versioned ModelAdmin (with GuardedHistoryMixin): the compare page above."""

    compare_template = "admin/articles/compare.html"

    def compared_fields(self):
        """The model fields on the admin's form that editors write, in the form's order."""
        names = [name for _, options in self.fieldsets for name in options["fields"]]
        fields = {field.name: field for field in self.model._meta.concrete_fields}
        return [fields[name] for name in names if name in fields and fields[name].editable]

    def compare(self, obj, version1, version2):
        """([{label, diff}] of what changed from version1 to version2, False): reversion-compare's
        list, without its note on relations it does not follow (there are none here)."""
        related_names = RelatedNames()
        compared = [
            (
                capfirst(field.verbose_name),
                shown_value(field, version1.field_dict.get(field.attname), related_names),
                shown_value(field, version2.field_dict.get(field.attname), related_names),
            )
            for field in self.compared_fields()
        ]
        compared += [
            (
                LIST_LABELS[name],
                list_text(version1, name, related_names),
                list_text(version2, name, related_names),
            )
            for name in getattr(self.model, "page_lists", ())
        ]
        changes = [
            {"label": label, "diff": text_diff(before, after)}
            for label, before, after in compared
            if before != after
        ]
        return changes, False

    def compare_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {})}
        if obj is not None:
            opts = self.model._meta
            latest = self.own_versions(unquote(object_id)).order_by("-pk").first()
            context.update(
                {
                    "title": f"Compare two versions of “{obj}”",
                    "change_url": reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
                    ),
                    "labelled_version": latest.pk if latest else None,
                    "version_label": latest_version_label(obj),
                }
            )
        return super().compare_view(request, object_id, context)
