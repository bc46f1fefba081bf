"""The admin site: Django's, with every registered admin made safe against values no editor can
have typed (a crafted request, a NUL pasted into an address).

Django's admin answers 500 for some of them, in its own code:
- a date hierarchy turns a year into a date, and catches ValueError (`?year=99999` goes back
  to the list, `?e=1`) but not the OverflowError of a 40-digit year;
- an autocomplete widget shown again with the form's errors looks the typed value up in the
  database, as given: text in a number column is a ValueError;
- a multiple choice (a group's permissions) checks each value with a lookup that tolerates a
  number too big for the column, then all of them with one (`__in`) that doesn't: on SQLite,
  an OverflowError.
The fixes are classes (`CheckedChangeList`, `CheckedAutocompleteSelect`) given to every admin as
it is registered, ours and other apps' (django-axes, auth) alike, and their inlines, so an admin
added later is covered without remembering to. `tests/articles/test_admin_hostile_input.py`
sends such values to every registered admin.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class CheckedChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            # As Django does for a year it can't make a date of: the whole list, marked ?e=1.
            raise IncorrectLookupParameters(error) from error


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
