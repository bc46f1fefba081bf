"""Urgent help by country: emergency numbers of their own, helplines with a country (blank:
International), phone, text and website, hours, a one-line description, "shown on every page"
and the date a publisher last checked them.

The rows shipped in 0004 are regrouped by the countries their wording named ("UK and Ireland"
becomes a row for each); nothing is added to them, and none counts as checked (`last_checked`
stays empty, so each is listed for a publisher to check). Wording a publisher wrote instead is
kept in the description of an International row, to be checked too."""

import django.db.models.deletion
import django_countries.fields
import markdownx.models
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import articles.countries
import articles.markdown

# The seed's `where` (0004), as the countries it meant; "" is International.
WHERE = {
    "UK": ["GB"],
    "European Union": ["EU"],
    "US and Canada": ["US", "CA"],
    "UK and Ireland": ["GB", "IE"],
    "US": ["US"],
    "Canada": ["CA"],
    "other countries": [""],
}
# The seed's `details`: (hours, description, whether it takes texts at its phone number).
DETAILS = {
    "free, 24 hours a day": ("24 hours a day", "Free", False),
    "call or text, 24 hours a day": ("24 hours a day", "", True),
    "helplines worldwide": ("", "Helplines worldwide", False),
}
EMERGENCY = "Emergency services"
GRANTS = {
    "Editors": ["view_emergencynumber"],
    "Publishers": [
        "view_emergencynumber",
        "add_emergencynumber",
        "change_emergencynumber",
        "delete_emergencynumber",
    ],
}


def dialable(number):
    return bool(number) and not any(ch.isalpha() for ch in number)


def countries_named(where):
    """The codes `where` names: the seed's wording, or one country's name (as 0014 reversed
    writes it), else None."""
    where = where.strip()
    if where in WHERE:
        return WHERE[where]
    codes = [code for code, name in articles.countries.choices() if name == where]
    return codes or None


def regrouped(old):
    """A helpline as it was before this migration (a dict of name, contact, where, details, url
    and position) as (emergency numbers, helplines): dicts of their fields now, but the callout.
    Also used to restore backups made before it (operations/backups.py)."""
    places = countries_named(old["where"])
    if old["name"] == EMERGENCY and places and all(places):
        return [
            {
                "country": code,
                "number": old["contact"],
                "shown_on_pages": True,
                "last_checked": None,
                "position": old["position"],
            }
            for code in places
        ], []
    hours, description, texts = DETAILS.get(
        old["details"].strip().lower(), ("", old["details"], False)
    )
    if places is None:
        places = [""]
        description = ", ".join(filter(None, [old["where"], description]))[:200]
    # A web address shown as the contact: the website says it.
    phone = "" if not dialable(old["contact"]) and old["url"] else old["contact"]
    line = {
        "name": old["name"],
        "phone": phone,
        "text_number": old["contact"] if texts else "",
        "url": old["url"],
        "hours": hours,
        "description": description,
        "shown_on_pages": dialable(phone),
        "last_checked": None,
        "position": old["position"],
    }
    # The same service in each country it named.
    return [], [{**line, "country": code} for code in places]


def by_country(apps, schema_editor):
    Helpline = apps.get_model("articles", "Helpline")
    EmergencyNumber = apps.get_model("articles", "EmergencyNumber")
    for line in Helpline.objects.order_by("position", "id"):
        # Renamed already: contact is phone, details description.
        old = {"contact": line.phone, "details": line.description}
        for key in ("name", "where", "url", "position"):
            old[key] = getattr(line, key)
        numbers, lines = regrouped(old)
        for number in numbers:
            EmergencyNumber.objects.get_or_create(
                callout_id=line.callout_id,
                country=number.pop("country"),
                number=number.pop("number"),
                defaults=number,
            )
        if not lines:
            line.delete()
        for index, fields in enumerate(lines):
            if index:
                line.pk = None
            for name, value in fields.items():
                setattr(line, name, value)
            line.save()
    check_constraints_now(schema_editor)


def check_constraints_now(schema_editor):
    """Check the rows' foreign keys now: PostgreSQL refuses to alter a table with checks still
    pending, and the operations after the data's (before it, going back) do."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def back_to_one_list(apps, schema_editor):
    Helpline = apps.get_model("articles", "Helpline")
    EmergencyNumber = apps.get_model("articles", "EmergencyNumber")
    for line in Helpline.objects.all():
        code = line.country.code
        line.where = articles.countries.name(code) if code else "other countries"
        texts = ""
        if line.text_number:
            same = line.text_number == line.phone
            texts = "call or text" if same else f"text {line.text_number}"
        line.description = ", ".join(filter(None, [texts, line.description, line.hours]))[:200]
        line.phone = line.phone or line.text_number or line.url
        line.save()
    for number in EmergencyNumber.objects.all():
        Helpline.objects.create(
            callout_id=number.callout_id,
            name=EMERGENCY,
            phone=number.number,
            where=articles.countries.name(number.country.code),
            position=number.position,
        )
    check_constraints_now(schema_editor)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("articles")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


SHOWN_ON_PAGES = models.BooleanField(
    default=False,
    help_text="Its number is shown in the urgent-help card at the top of every page. Keep that to the few most urgent numbers: the card links to the Get help now page, which lists everything.",
    verbose_name="shown on every page",
)
LAST_CHECKED = models.DateField(
    blank=True,
    help_text="When you last checked it with the service itself. Anything not checked for over 6 months (or never) is listed on the admin home and in the review queue.",
    null=True,
)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_deleting_feedback_and_review_links"),
    ]

    operations = [
        migrations.CreateModel(
            name="EmergencyNumber",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("shown_on_pages", SHOWN_ON_PAGES.clone()),
                ("last_checked", LAST_CHECKED.clone()),
                ("position", models.PositiveIntegerField(default=0)),
                (
                    "country",
                    django_countries.fields.CountryField(
                        countries=articles.countries.HelpCountries,
                        help_text="Where dialling it reaches the emergency services (European Union: 112).",
                        max_length=2,
                    ),
                ),
                ("number", models.CharField(help_text="What to dial, e.g. “999”.", max_length=20)),
                (
                    "callout",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="emergency_numbers",
                        to="articles.urgenthelp",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "emergency numbers",
                "ordering": ["position", "id"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(
                        fields=("callout", "country", "number"),
                        name="emergencynumber_once_per_country",
                    )
                ],
            },
        ),
        migrations.RenameField(model_name="helpline", old_name="contact", new_name="phone"),
        migrations.AlterField(
            model_name="helpline",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text="What to call, e.g. “116 123”. A number becomes a link that dials it.",
                max_length=100,
            ),
        ),
        migrations.RenameField(model_name="helpline", old_name="details", new_name="description"),
        migrations.AlterField(
            model_name="helpline",
            name="description",
            field=models.CharField(
                blank=True, help_text="One line about it, e.g. “Free”.", max_length=200
            ),
        ),
        migrations.AddField(
            model_name="helpline",
            name="country",
            field=django_countries.fields.CountryField(
                blank=True,
                countries=articles.countries.HelpCountries,
                help_text="Where it answers. Leave it empty for a service that helps people anywhere: it is listed as International.",
                max_length=2,
            ),
        ),
        migrations.AddField(
            model_name="helpline",
            name="hours",
            field=models.CharField(
                blank=True,
                help_text="When it answers, e.g. “24 hours a day”. Leave it empty if you don't know: nothing is shown then.",
                max_length=100,
            ),
        ),
        migrations.AddField(
            model_name="helpline",
            name="last_checked",
            field=LAST_CHECKED.clone(),
        ),
        migrations.AddField(
            model_name="helpline",
            name="shown_on_pages",
            field=SHOWN_ON_PAGES.clone(),
        ),
        migrations.AddField(
            model_name="helpline",
            name="text_number",
            field=models.CharField(
                blank=True,
                help_text="Where to send a text message, if it takes them, e.g. “988”.",
                max_length=100,
                verbose_name="text",
            ),
        ),
        migrations.AlterField(
            model_name="helpline",
            name="url",
            field=models.URLField(blank=True, verbose_name="website"),
        ),
        migrations.AlterField(
            model_name="urgenthelp",
            name="text",
            field=markdownx.models.MarkdownxField(
                help_text="Markdown. What to do now if someone is in danger: shown at the top of the Get help now page (/help/), above the helplines.",
                validators=[articles.markdown.validate_markdown],
            ),
        ),
        migrations.AlterField(
            model_name="urgenthelp",
            name="title",
            field=models.CharField(
                default="Need help now?",
                help_text="The heading of the card on every page.",
                max_length=100,
            ),
        ),
        migrations.RunPython(by_country, back_to_one_list),
        migrations.RemoveField(model_name="helpline", name="where"),
        migrations.AddConstraint(
            model_name="helpline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("phone", ""), _negated=True),
                    models.Q(("text_number", ""), _negated=True),
                    models.Q(("url", ""), _negated=True),
                    _connector="OR",
                ),
                name="helpline_can_be_reached",
                violation_error_message="Give a phone number, a text number or a website.",
            ),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
