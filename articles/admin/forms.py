"""The content admins' forms: a change note kept in the history, no lost updates (the edit
token), and publishing from a form signed off as it was shown."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join

from .. import drafts
from ..models import Status
from . import safe_messaging_notes
from .edit_tokens import edit_token, last_change


class EditorialForm(forms.ModelForm):
    """Adds the optional change note kept in the history, and refuses a save based on a version
    someone else has since changed, keeping the editor's text in the form. (MarkdownAdmin first
    merges such a save with theirs: save_merge; only what is left to choose is refused.)"""

    revision_note = forms.CharField(
        label="Change note",
        required=False,
        max_length=200,
        help_text="Optional: what you changed and why, kept in the history.",
    )
    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    check_edit_token = True
    # The form's own workings, not the page: never named in the history ("Changed Body and
    # shown." after a merge rewrote the sign-off check).
    WORKINGS = frozenset(
        {"edit_token", "shown", "revision_note", "safe_messaging_read", "merge_base"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edit_token"].initial = edit_token(self.instance)

    @cached_property
    def changed_data(self):
        return [name for name in super().changed_data if name not in self.WORKINGS]

    def clean(self):
        cleaned = super().clean()
        current = edit_token(self.instance)
        if self.check_edit_token and current and cleaned.get("edit_token") != current:
            # From now on this editor has seen the other version: saving again overwrites it.
            self.data = self.data.copy()
            self.data[self.add_prefix("edit_token")] = current
            raise forms.ValidationError(self.conflict_message())
        return cleaned

    def conflict_message(self):
        who, when = last_change(self.instance)
        when = date_format(timezone.localtime(when), "j F Y, H:i")
        theirs = format_html_join(
            "",
            '<details class="their-version"><summary>Their version of “{}”</summary>'
            "<pre>{}</pre></details>",
            (
                (self.fields[name].label or name, self.initial.get(name) or "")
                for name in self.changed_data
                if isinstance(self.initial.get(name), str) and name != "edit_token"
            ),
        )
        return format_html(
            "{} changed this {} on {}, after you opened it. Nothing you typed has been saved "
            "or lost: your version is still in the form below. Compare it with theirs, merge "
            "what you need, and save again (saving again will replace their version).{}",
            who,
            self.instance._meta.verbose_name,
            when,
            theirs,
        )


class PublishingForm(EditorialForm):
    """A page published from its form (one never published before) is signed off as it was
    shown: refused if it, or a person, series or source it shows, changed since; and, if it has
    safe-messaging notes, only with "I have read the safe-messaging notes" ticked."""

    shown = forms.CharField(widget=forms.HiddenInput, required=False)
    safe_messaging_read = safe_messaging_notes.read_field()
    # The flags of the page being published, once clean() found some.
    safe_messaging_flags = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["shown"].initial = drafts.fingerprint(self.instance)

    def clean(self):
        cleaned = super().clean()
        # The instance is still as stored: the form's values are applied after clean().
        publishing = (
            cleaned.get("status") == Status.PUBLISHED
            and self.instance.pk
            and self.instance.status != Status.PUBLISHED
        )
        if self.check_edit_token and publishing:
            current = drafts.fingerprint(self.instance)
            if cleaned.get("shown") != current:
                self.data = self.data.copy()
                self.data[self.add_prefix("shown")] = current
                raise forms.ValidationError(
                    "The page, or a person, series or source it shows, changed after you "
                    "opened it. Look at it again (Preview), then publish."
                )
        # Scheduling (a future publish time) is publishing; so is adding a page as Published.
        # A preview (check_edit_token off) publishes nothing.
        if (
            self.check_edit_token
            and cleaned.get("status") == Status.PUBLISHED
            and self.instance.status != Status.PUBLISHED
        ):
            self.safe_messaging_flags = safe_messaging_notes.submitted_flags(self, cleaned)
            # For the figures' formset, checked after this form: their text is published too.
            self.instance._publishing_unread = not cleaned.get("safe_messaging_read")
            if self.safe_messaging_flags and not cleaned.get("safe_messaging_read"):
                self.add_error(None, safe_messaging_notes.refusal(self.safe_messaging_flags))
                self.add_error("safe_messaging_read", "Tick this to publish it with its notes.")
        return cleaned
