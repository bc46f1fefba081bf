"""Helplines' and emergency numbers' numbers are one number as dialled; a last-checked date
is never in the future."""

import articles.models.urgent_help
import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_glossary"),
    ]

    operations = [
        migrations.AlterField(
            model_name="emergencynumber",
            name="last_checked",
            field=models.DateField(
                blank=True,
                help_text="When you last checked it with the service itself. Anything not checked for over 6 months (or never) is listed on the admin home and in the review queue.",
                null=True,
                validators=[articles.models.urgent_help.validate_not_future],
            ),
        ),
        migrations.AlterField(
            model_name="emergencynumber",
            name="number",
            field=models.CharField(
                help_text="What to dial, e.g. “999”.",
                max_length=20,
                validators=[
                    django.core.validators.RegexValidator(
                        "\\A\\+?[\\d\\s().\\-]*\\d[\\d\\s().\\-]*\\Z",
                        "One number only, as it is dialled: digits, spaces, hyphens and brackets, and + for an international one (e.g. “116 123”, “+44 20 7946 0000”). Put words in the description.",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="helpline",
            name="last_checked",
            field=models.DateField(
                blank=True,
                help_text="When you last checked it with the service itself. Anything not checked for over 6 months (or never) is listed on the admin home and in the review queue.",
                null=True,
                validators=[articles.models.urgent_help.validate_not_future],
            ),
        ),
        migrations.AlterField(
            model_name="helpline",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text="What to call, e.g. “116 123”. A number becomes a link that dials it.",
                max_length=100,
                validators=[
                    django.core.validators.RegexValidator(
                        "\\A\\+?[\\d\\s().\\-]*\\d[\\d\\s().\\-]*\\Z",
                        "One number only, as it is dialled: digits, spaces, hyphens and brackets, and + for an international one (e.g. “116 123”, “+44 20 7946 0000”). Put words in the description.",
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="helpline",
            name="text_number",
            field=models.CharField(
                blank=True,
                help_text="Where to send a text message, if it takes them, e.g. “988”.",
                max_length=100,
                validators=[
                    django.core.validators.RegexValidator(
                        "\\A\\+?[\\d\\s().\\-]*\\d[\\d\\s().\\-]*\\Z",
                        "One number only, as it is dialled: digits, spaces, hyphens and brackets, and + for an international one (e.g. “116 123”, “+44 20 7946 0000”). Put words in the description.",
                    )
                ],
                verbose_name="text",
            ),
        ),
    ]
