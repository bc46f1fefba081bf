"""How the admin shows the safe-messaging flags (articles.safe_messaging_checks) and records
that a publisher read them: a page with flags is published or scheduled only with the box
“I have read the safe-messaging notes” ticked, and the history names who ticked it."""

import copy

from django import forms
from django.template.loader import render_to_string
from django.utils.html import format_html

from .. import safe_messaging
from ..safe_messaging_checks import PLAIN_FIELDS, page_flags

READ_LABEL = "I have read the safe-messaging notes"


def read_field():
    return forms.BooleanField(
        label=READ_LABEL,
        required=False,
        help_text="Needed to publish or schedule a page that has safe-messaging notes. Your "
        "name is kept in the history.",
    )


def notes_html(flags, publishing=False):
    return render_to_string(
        "admin/articles/includes/safe_messaging_notes.html",
        {"flags": flags, "publishing": publishing, "sources": safe_messaging.SOURCES},
    )


def submitted_flags(form, cleaned):
    """The flags of the page as the form would save it (the instance still holds the stored
    values while the form is cleaned)."""
    page = copy.copy(form.instance)
    for name in (*PLAIN_FIELDS, *page.markdown_fields):
        if name in cleaned:
            setattr(page, name, cleaned[name])
    return page_flags(page)


def refusal(flags, what="page"):
    """Why publishing was refused: said above the form, with the notes, which stays as typed."""
    return format_html(
        "This {} has safe-messaging notes. Read them, then tick “{}” to publish it (or change "
        "the text). Nothing you entered has been lost.{}",
        what,
        READ_LABEL,
        notes_html(flags, publishing=True),
    )


def read_note(user, flags):
    """For the revision comment of the publication."""
    who = user.get_full_name() or user.get_username()
    count = len(flags)
    return f"Safe-messaging notes read by {who} ({count} flag{'' if count == 1 else 's'})."
