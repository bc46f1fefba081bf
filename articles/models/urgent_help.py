"""Urgent help, edited in one place by publishers: the card at the top of every page (the numbers
marked "shown on every page") and the Get help now page, `/help/` (every helpline and emergency
number, by country)."""

import calendar
import re
from datetime import date
from typing import NamedTuple
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField
from markdownx.models import MarkdownxField

from .. import countries, markdown
from ..countries import HelpCountries
from .cached import forget

# v2: (callout, helplines, emergency numbers); v1 held two, and may still sit in a shared cache.
CACHE_KEY = "urgent-help:v2"
# Edits delete the key at once; the expiry only bounds how long an edit made while a shared
# cache was unreachable could go unseen. Crisis numbers must never stay wrong for long.
CACHE_TIMEOUT = 5 * 60
# A helpline or emergency number not checked for longer is listed for a publisher to check.
CHECK_EVERY_MONTHS = 6


def months_before(day, months):
    """The same day of the month `months` earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# One number, as people write it: digits, spaces, hyphens, dots, brackets, a leading +.
NUMBER_RE = re.compile(r"\+?[\d\s().\-]*\d[\d\s().\-]*")
validate_number = RegexValidator(
    rf"\A{NUMBER_RE.pattern}\Z",
    "One number only, as it is dialled: digits, spaces, hyphens and brackets, and + for an "
    "international one (e.g. “116 123”, “+44 20 7946 0000”). Put words in the description.",
)


def validate_not_future(day):
    if day and day > date.today():
        raise ValidationError("This date is in the future: say when you last checked it.")


def dialable(number):
    """The number as a tel: or sms: address when it is one, else "". An international number's
    trunk prefix in brackets, “+44 (0)20…”, is not dialled."""
    if not number or not NUMBER_RE.fullmatch(number.strip()):
        return ""
    if number.strip().startswith("+"):
        number = re.sub(r"\(\s*0\s*\)", "", number)
    return "".join(ch for ch in number if ch.isdigit() or ch == "+")


class CheckedQuerySet(models.QuerySet):
    def needing_check(self, today):
        """Never checked, or not for over CHECK_EVERY_MONTHS months."""
        checked_since = months_before(today, CHECK_EVERY_MONTHS)
        return self.filter(Q(last_checked__isnull=True) | Q(last_checked__lt=checked_since))


class UrgentHelp(models.Model):
    """One row: the card every public page shows, and the text of the Get help now page. It can
    be edited, never removed."""

    title = models.CharField(
        max_length=100, default="Need help now?", help_text="The heading of the card on every page."
    )
    text = MarkdownxField(
        validators=[markdown.validate_markdown],
        help_text="Markdown. What to do now if someone is in danger: shown at the top of the "
        "Get help now page (/help/), above the helplines.",
    )
    text_html = models.TextField(editable=False, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "urgent help callout"
        verbose_name_plural = "urgent help callout"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="urgenthelp_single_row")
        ]

    last_seen = None

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.pk = 1
        self.text_html = markdown.plain_html(self.text)
        super().save(*args, **kwargs)
        forget(CACHE_KEY)

    @classmethod
    def for_pages(cls):
        """The callout with every helpline and emergency number (`HelpContacts`); cached until
        any of them is edited, so that pages cost no query for them."""
        cached = cache.get(CACHE_KEY)
        if cached is None:
            callout = cls.objects.filter(pk=1).first()
            cached = HelpContacts(
                callout,
                list(Helpline.objects.all()) if callout else [],
                list(EmergencyNumber.objects.all()) if callout else [],
            )
            cache.set(CACHE_KEY, cached, CACHE_TIMEOUT)
        # Kept by this process for the page it shows while the database is down
        # (operations/health.py).
        UrgentHelp.last_seen = cached
        return cached


class Contact(models.Model):
    """What helplines and emergency numbers share: whether the card on every page shows them,
    when a publisher last checked them, their order."""

    shown_on_pages = models.BooleanField(
        "shown on every page",
        default=False,
        help_text="Its number is shown in the urgent-help card at the top of every page. Keep "
        "that to the few most urgent numbers: the card links to the Get help now page, which "
        "lists everything.",
    )
    last_checked = models.DateField(
        null=True,
        blank=True,
        validators=[validate_not_future],
        help_text=f"When you last checked it with the service itself. Anything not checked for "
        f"over {CHECK_EVERY_MONTHS} months (or never) is listed on the admin home and in the "
        "review queue.",
    )
    position = models.PositiveIntegerField(default=0)

    objects = CheckedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        forget(CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        forget(CACHE_KEY)
        return result

    @property
    def country_name(self):
        return countries.name(self.country.code)

    @property
    def kind(self):
        return self._meta.verbose_name.capitalize()


class EmergencyNumber(Contact):
    callout = models.ForeignKey(
        UrgentHelp, on_delete=models.CASCADE, related_name="emergency_numbers"
    )
    country = CountryField(
        countries=HelpCountries,
        help_text="Where dialling it reaches the emergency services (European Union: 112).",
    )
    number = models.CharField(
        max_length=20, validators=[validate_number], help_text="What to dial, e.g. “999”."
    )

    class Meta(Contact.Meta):
        verbose_name_plural = "emergency numbers"
        constraints = [
            models.UniqueConstraint(
                fields=["callout", "country", "number"], name="emergencynumber_once_per_country"
            )
        ]

    def __str__(self):
        return f"{self.number} ({self.country_name})"

    @property
    def tel(self):
        return dialable(self.number)


class Helpline(Contact):
    callout = models.ForeignKey(UrgentHelp, on_delete=models.CASCADE, related_name="helplines")
    country = CountryField(
        countries=HelpCountries,
        blank=True,
        blank_label="International",
        help_text="Where it answers. Leave it empty for a service that helps people anywhere: "
        "it is listed as International.",
    )
    name = models.CharField(max_length=100, help_text="e.g. “Samaritans”.")
    phone = models.CharField(
        max_length=100,
        blank=True,
        validators=[validate_number],
        help_text="What to call, e.g. “116 123”. A number becomes a link that dials it.",
    )
    text_number = models.CharField(
        "text",
        max_length=100,
        blank=True,
        validators=[validate_number],
        help_text="Where to send a text message, if it takes them, e.g. “988”.",
    )
    url = models.URLField("website", blank=True)
    hours = models.CharField(
        max_length=100,
        blank=True,
        help_text="When it answers, e.g. “24 hours a day”. Leave it empty if you don't know: "
        "nothing is shown then.",
    )
    description = models.CharField(
        max_length=200, blank=True, help_text="One line about it, e.g. “Free”."
    )

    class Meta(Contact.Meta):
        verbose_name_plural = "helplines"
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(text_number="") | ~Q(url=""),
                name="helpline_can_be_reached",
                violation_error_message="Give a phone number, a text number or a website.",
            )
        ]

    def __str__(self):
        return f"{self.name}: {self.phone or self.text_number or self.url}"

    @property
    def tel(self):
        """The phone number as a tel: number when it is one (digits, spaces, +, -)."""
        return dialable(self.phone)

    @property
    def sms(self):
        return dialable(self.text_number)

    @property
    def url_label(self):
        """The website as readers would type it: no scheme, no trailing slash."""
        parts = urlsplit(self.url)
        return (parts.netloc + parts.path).rstrip("/") or self.url


def contacts_to_check(today):
    """Emergency numbers, then helplines, never checked or not for over CHECK_EVERY_MONTHS
    months: what the admin home and the review queue list for publishers."""
    return [
        *EmergencyNumber.objects.needing_check(today),
        *Helpline.objects.needing_check(today),
    ]


class CardNumber(NamedTuple):
    """One link on the urgent-help card: a number, and the countries and services it serves."""

    number: str
    href: str
    places: str  # short country names, e.g. "UK, Ireland"
    services: str  # helplines' names; empty for emergency numbers

    @classmethod
    def merged(cls, contacts):
        """One link per number, in the publishers' order: rows of the same number (Samaritans
        in the UK and in Ireland) become one, labelled with all their countries."""
        found = {}
        for contact in contacts:
            if isinstance(contact, EmergencyNumber):
                if not contact.tel:
                    continue  # no link that dials nothing (numbers are validated; old rows)
                number, href, service = contact.number, f"tel:{contact.tel}", ""
            elif contact.tel:
                number, href, service = contact.phone, f"tel:{contact.tel}", contact.name
            elif contact.sms:
                number, href, service = (
                    f"Text {contact.text_number}",
                    f"sms:{contact.sms}",
                    (contact.name),
                )
            elif contact.url:
                number, href, service = contact.url_label, contact.url, contact.name
            else:
                continue  # nothing to tap: the Get help now page lists it
            places, services = found.setdefault((number, href), ([], []))
            place = countries.short_name(contact.country.code)
            if place not in places:
                places.append(place)
            if service and service not in services:
                services.append(service)
        return [
            cls(number, href, ", ".join(places), " / ".join(services))
            for (number, href), (places, services) in found.items()
        ]


class CountryHelp(NamedTuple):
    """A country's (or, with code "", International) emergency numbers and helplines."""

    code: str
    name: str
    emergency_numbers: list
    helplines: list


class HelpContacts(NamedTuple):
    """The callout, every helpline and every emergency number: what `UrgentHelp.for_pages()`
    caches for the card on every page and for the Get help now page."""

    callout: UrgentHelp | None
    helplines: list
    emergency_numbers: list

    def page_context(self):
        """What the card on every page needs (templates/includes/urgent_help.html)."""
        return {
            "urgent_help": self.callout,
            "urgent_help_emergency": CardNumber.merged(
                n for n in self.emergency_numbers if n.shown_on_pages
            ),
            "urgent_help_lines": CardNumber.merged(
                line for line in self.helplines if line.shown_on_pages
            ),
        }

    def by_country(self):
        """Every country listed, by name, then International (helplines for anywhere). A
        member state of the European Union without an emergency number of its own is given the
        Union's (112)."""
        groups = {}
        for number in self.emergency_numbers:
            groups.setdefault(number.country.code, ([], []))[0].append(number)
        for line in self.helplines:
            groups.setdefault(line.country.code, ([], []))[1].append(line)
        listed = [
            CountryHelp(code, countries.name(code), numbers or self.union_numbers(code), lines)
            for code, (numbers, lines) in groups.items()
        ]
        return sorted(listed, key=lambda group: (not group.code, group.name))

    def union_numbers(self, code):
        """The European Union's emergency numbers, for one of its member states."""
        if code not in countries.EU_MEMBERS:
            return []
        return [n for n in self.emergency_numbers if n.country.code == countries.EUROPEAN_UNION]

    def for_country(self, code):
        """The CountryHelp of a country chosen by a reader: listed, or a member state of the
        European Union with the Union's number; None for a country with nothing listed (or
        no country: "" is International, listed on its own)."""
        if not code:
            return None
        for group in self.by_country():
            if group.code == code:
                return group
        if numbers := self.union_numbers(code):
            return CountryHelp(code, countries.name(code), numbers, [])
        return None
