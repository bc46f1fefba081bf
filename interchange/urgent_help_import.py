"""Importing the urgent-help callout: its title and text, its emergency numbers and its
helplines, each list replaced as a whole when the file lists it differently."""

from django.core.exceptions import ValidationError

from articles.models import EmergencyNumber, Helpline, UrgentHelp

from .file_format import EMERGENCY_NUMBER_KEYS, HELPLINE_KEYS, Problem
from .saving import assign, describe, restore_timestamps


class UrgentHelpImport:
    """For the Importer: `self.count()` and `self.needs_sign_off()` come from it."""

    def import_contacts(self, callout, created, model, keys, rows, label):
        """The callout's emergency numbers or helplines become the file's, in its order, if
        they differ: readers see them, so only with `publish` (or into a new callout)."""
        wanted = [tuple(row[key] for key in keys) for row in rows]
        current = list(model.objects.filter(callout=callout))
        as_saved = [
            tuple(c.country.code if key == "country" else getattr(c, key) for key in keys)
            for c in current
        ]
        if as_saved == wanted:
            return False
        if not created:
            self.needs_sign_off(f"the urgent-help {label}s")
        for contact in current:
            contact.delete()  # one by one: delete() clears the callout's cache
        for position, row in enumerate(wanted, 1):
            contact = model(callout=callout, position=position, **dict(zip(keys, row, strict=True)))
            try:
                contact.full_clean()
            except ValidationError as error:
                raise Problem(f"{label} {position}: {describe(error)}") from None
            contact.save()
        return True

    def import_urgent_help(self, doc):
        data = doc.data
        callout = UrgentHelp.objects.filter(pk=1).first()
        created = callout is None
        callout = callout or UrgentHelp(pk=1)
        changed = assign(callout, {"title": data["title"], "text": data["text"]}) or created
        if changed and not created:
            self.needs_sign_off("the urgent-help callout")
        if changed:
            callout.full_clean()
            callout.save()
        lists = (
            (EmergencyNumber, EMERGENCY_NUMBER_KEYS, data["emergency_numbers"], "emergency number"),
            (Helpline, HELPLINE_KEYS, data["helplines"], "helpline"),
        )
        for model, keys, rows, label in lists:
            changed = self.import_contacts(callout, created, model, keys, rows, label) or changed
        if created:
            restore_timestamps(callout, data, keys=("updated",))
        self.count(created, changed)
