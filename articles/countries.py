"""Countries that helplines and emergency numbers answer in, and their names for readers.

The list and names are django-countries' (ISO 3166-1, kept up to date by that package, with
common names such as "United Kingdom"), plus the European Union, whose 112 answers in every
member state. A blank country means International: a service that helps anywhere."""

from django_countries import Countries

EUROPEAN_UNION = "EU"
# The member states of the European Union (2026): 112 reaches the emergency services in each.
EU_MEMBERS = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
INTERNATIONAL = "International"
# The urgent-help card is short of room on a phone: these few names are shortened there, as the
# site always wrote them. Everywhere else, and for every other country, the full name.
SHORT_NAMES = {"GB": "UK", "US": "US", EUROPEAN_UNION: "EU"}


class HelpCountries(Countries):
    """ISO 3166-1 countries and the European Union, with "United States" as readers say it."""

    override = {EUROPEAN_UNION: "European Union", "US": "United States"}


countries = HelpCountries()


# What readers may type for a country that ISO 3166 codes otherwise: "UK" is how the card
# labels the United Kingdom.
ALIASES = {"UK": "GB"}


def normalise(code):
    """A reader's choice as a known country code, else "" (an unknown or odd value)."""
    code = (code or "").strip().upper()
    code = ALIASES.get(code, code)
    return code if len(code) == 2 and code in countries else ""


def name(code):
    """The country's name, or "International" for a blank code."""
    return str(countries.name(code)) if code else INTERNATIONAL


def short_name(code):
    return SHORT_NAMES.get(code) or name(code)


def choices():
    """(code, name) of every country, by name, for the country list readers choose from."""
    return [(country.code, str(country.name)) for country in countries]
