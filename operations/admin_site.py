"""The admin site: Django's, with every registered admin made safe against values no editor can
have typed (a crafted request, a NUL pasted into an address).

Django's admin answers 500 for some of them, in its own code:
- a date hierarchy turns a year into a date, and catches ValueError (`?year=99999` goes back
  to the list, `?e=1`) but not the OverflowError of a 40-digit year;
- an autocomplete widget shown again with the form's errors looks the typed value up in the
  database, as given: text in a number column is a ValueError;
- a multiple choice (a group's permissions) checks each value with a lookup that tolerates a
  number too big for the column, then all of them with one (`__in`) that doesn't: on SQLite,
  an OverflowError;
- a list's address may name any lookup on the model's own fields, with any transform, though
  no page links to it (`created__year=0`, `number__in=<20 digits>`, `title__regex=(`): the
  list refuses regular expressions and shows the whole list, ?e=1, for a lookup it can't run
  (tests/articles/test_admin_unlinked_lookups.py).
The fixes are classes (`CheckedChangeList`, `CheckedAutocompleteSelect`) given to every admin as
it is registered, ours and other apps' (django-axes, auth) alike, and their inlines, so an admin
added later is covered without remembering to. `tests/articles/test_admin_hostile_input.py`
sends such values to every registered admin.
"""

import contextlib

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db.models import Field, Lookup
from django.db.models.constants import LOOKUP_SEP
from django.db.models.sql.where import WhereNode

# Regular expressions an editor types into a list's address: an invalid one is a database error,
# and a catastrophic one (`^(a+)+$`) runs for days; on SQLite Python's `re` runs it row by row,
# holding a worker. No page links to one, so the admin refuses them (400), as any lookup it
# doesn't allow.
REFUSED_LOOKUPS = frozenset({"regex", "iregex"})


class CheckedChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            # As Django does for a year it can't make a date of: the whole list, marked ?e=1.
            raise IncorrectLookupParameters(error) from error

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if self.get_filters_params():
            # Django's admin allows any lookup on the model's own fields, with any transform,
            # and only finds out when the list's query runs that it can't be: `created__year=0`
            # is a ValueError as SQL is made, `number__in=99999999999999999999` an
            # OverflowError (SQLite) or DataError (PostgreSQL) as it runs. Both are found here,
            # in Python, with no query: the list is then shown whole, marked ?e=1, as for a
            # lookup Django itself knows to be wrong. (`number__range=1`, one value where the
            # SQL takes two, is an IndexError.)
            try:
                check_runnable(queryset)
            except (ValueError, TypeError, LookupError, OverflowError, ValidationError) as error:
                raise IncorrectLookupParameters(error) from error
        return queryset


def check_runnable(queryset):
    """Raises what the database would (as ValueError or ValidationError) for a query the list
    can't run: SQL that can't be made, or a value its column can't hold."""
    # A lookup naming no row, or every row, is no error: the database is then never asked.
    with contextlib.suppress(EmptyResultSet, FullResultSet):
        queryset.query.get_compiler(queryset.db).as_sql()
    check_values(queryset.query.where)


def check_values(node):
    """Each value a lookup compares a column with, checked against the column (its type, and a
    number's range: the database's, as IntegerField's validators give it)."""
    for child in node.children:
        if isinstance(child, WhereNode):
            check_values(child)
            continue
        field = getattr(getattr(child, "lhs", None), "output_field", None)
        if not isinstance(child, Lookup) or not isinstance(field, Field):
            continue
        if field.is_relation:
            field = field.target_field
        if isinstance(child.rhs, (list, tuple, set, frozenset)):
            values = child.rhs
        elif child.lookup_name in ("exact", "gt", "gte", "lt", "lte"):
            values = [child.rhs]
        else:
            continue
        for value in values:
            if value is None or hasattr(value, "resolve_expression"):
                continue
            field.run_validators(field.to_python(value))


def holdable(field, values):
    """The values `field` can hold; anything else names no row, and looking it up fails."""
    kept = []
    for value in values:
        try:
            field.run_validators(field.to_python(value))
        except (ValidationError, ValueError, TypeError):
            continue
        kept.append(value)
    return kept


class CheckedAutocompleteMixin:
    """Shows again only a choice that could exist: the form field already refuses the rest with
    a message ("Select a valid choice.", "Null characters are not allowed.")."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(
            getattr(remote, "field_name", None) or remote.model._meta.pk.name
        )
        return super().optgroups(name, holdable(target, value), attr)


class CheckedAutocompleteSelect(CheckedAutocompleteMixin, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(CheckedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError as error:
            # A number no row can have: no such choice, as for any other missing row.
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": max(map(str, value), key=len)},
            ) from error


class CheckedInputMixin:
    """What every registered admin and inline gets (see the module's docstring)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CheckedModelAdminMixin(CheckedInputMixin):
    def lookup_allowed(self, lookup, value, request=None):
        if lookup.rsplit(LOOKUP_SEP, 1)[-1] in REFUSED_LOOKUPS:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if issubclass(changelist, CheckedChangeList):
            return changelist
        return type(changelist.__name__, (CheckedChangeList, changelist), {})


def checked(admin_class, mixin):
    if issubclass(admin_class, mixin):
        return admin_class
    # The same name and module, so messages, templates and checks read as before.
    return type(admin_class.__name__, (mixin, admin_class), {"__module__": admin_class.__module__})


class CheckedAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = checked(admin_class or admin.ModelAdmin, CheckedModelAdminMixin)
        admin_class.inlines = [checked(inline, CheckedInputMixin) for inline in admin_class.inlines]
        super().register(model_or_iterable, admin_class, **options)


class CheckedAdminConfig(AdminConfig):
    """Replaces django.contrib.admin in INSTALLED_APPS: `admin.site` is then a CheckedAdminSite,
    for `@admin.register` and `admin.site.register` in every app."""

    default_site = "operations.admin_site.CheckedAdminSite"
