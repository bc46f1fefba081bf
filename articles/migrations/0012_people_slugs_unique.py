from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_reviewers_feedback_people"),
    ]

    operations = [
        migrations.AlterField(
            model_name="person",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="The address of their page (/people/<slug>/), public once a published "
                "page credits them. Left empty, made from the name.",
                max_length=200,
                unique=True,
            ),
        ),
    ]
