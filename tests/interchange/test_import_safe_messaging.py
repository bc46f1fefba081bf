"""An import that publishes (--publish) a page with safe-messaging flags is refused, listing
them, unless the operator says who read them (--safe-messaging-read NAME), which the history
keeps; an import that publishes nothing is not checked."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from reversion.models import Version

from articles.models import Article, Status
from tests.support.markdown_exports import SEED_SLUG, edit, export, run_import

pytestmark = pytest.mark.django_db

SEED_FILE = f"articles/curing-depression/001-{SEED_SLUG}.md"
FLAGGED = "Example: some people commit suicide.\n"


def public_html(article):
    return Client().get(article.get_absolute_url()).content.decode()


def flag_the_seed(tmp_path):
    export(tmp_path)
    path = tmp_path / SEED_FILE
    edit(path, body=FLAGGED + path.read_text().split("---\n", 2)[2])


def test_publishing_a_page_with_flags_is_refused_with_the_list(tmp_path, seeded):
    flag_the_seed(tmp_path)

    with pytest.raises(CommandError) as refused:
        run_import(tmp_path, "--publish")

    message = str(refused.value)
    assert f"{SEED_FILE}:\n  - Don't use language that presents suicide" in message
    assert "(Body: “Example: some people commit suicide. What is" in message
    assert "Do give information about where to get help" in message
    assert "--safe-messaging-read" in message
    assert message.endswith("Nothing was imported.")
    assert "commit suicide" not in public_html(seeded)


def test_the_operators_name_publishes_it_and_is_kept_in_the_history(tmp_path, seeded):
    flag_the_seed(tmp_path)
    err = StringIO()

    call_command(
        "import_markdown",
        str(tmp_path),
        "--publish",
        "--safe-messaging-read",
        "Example Operator",
        stdout=StringIO(),
        stderr=err,
    )

    assert "commit suicide" in public_html(seeded)
    assert "Safe-messaging notes read by Example Operator:" in err.getvalue()
    assert "commit suicide" in err.getvalue()
    comment = Version.objects.get_for_object(seeded).first().revision.comment
    assert comment == (
        f"Imported from Markdown files ({tmp_path.name}). Safe-messaging notes read by "
        "Example Operator (2 flags)."
    )


def test_without_publish_nothing_is_checked_and_the_page_awaits_sign_off(tmp_path, seeded):
    flag_the_seed(tmp_path)

    run_import(tmp_path)

    draft = Article.objects.get(live_page=seeded)
    assert draft.status == Status.REVIEW
    assert "commit suicide" in draft.body
    assert "commit suicide" not in public_html(seeded)


def test_a_page_without_flags_needs_nothing(tmp_path, seeded):
    export(tmp_path)
    edit(tmp_path / SEED_FILE, lambda data: data.update(title="Example calm title"))

    run_import(tmp_path, "--publish")

    assert "Example calm title" in public_html(seeded)
    comment = Version.objects.get_for_object(seeded).first().revision.comment
    assert "Safe-messaging" not in comment
