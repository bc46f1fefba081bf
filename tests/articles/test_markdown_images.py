"""Images written in Markdown: one without alt text is refused on save, naming it (the form
keeps the text, the live preview shows the same note); `![decorative](...)` reaches readers
with alt=""; an image on a line of its own is a block of its own; the editor's help says how
to add one."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import markdown
from articles.admin.insert_image import IMAGE_HELP
from articles.markdown_images import STANDALONE_CLASS
from articles.models import Article, Status
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import make_article

IMAGE = "/media/uploads/example-chart.png"
OTHER = "/media/uploads/example-photo.png"


@pytest.mark.parametrize(
    "text",
    [
        f"Example text.[[cite 1]].![]({IMAGE})",
        f"Example text.\n\n![   ]({IMAGE})\n",
        f'Example text.\n\n<img src="{IMAGE}">\n',
        f'Example text.\n\n<img src="{IMAGE}" alt="">\n',
    ],
)
def test_an_image_without_alt_text_is_refused_naming_it(text):
    with pytest.raises(ValidationError) as refused:
        markdown.validate_markdown(text)

    message = refused.value.messages[0]
    assert f"The image “{IMAGE}” has no description (alt text)" in message
    assert f"![decorative]({IMAGE})" in message


def test_every_image_without_alt_text_is_named_once():
    text = f"![]({IMAGE})\n\n![Example described image]({IMAGE}x)\n\n![]({OTHER})\n\n![]({IMAGE})"

    message = markdown.problem(text)

    assert message.startswith(f"The images “{IMAGE}”, “{OTHER}” have no description")
    assert message.count(f"“{IMAGE}”") == 1


@pytest.mark.parametrize("written", ["decorative", "Decorative", " decorative "])
def test_a_decorative_image_is_allowed_and_readers_get_empty_alt_text(written):
    text = f"Example text.\n\n![{written}]({IMAGE})\n\nMore example text."

    assert markdown.problem(text) is None
    html = markdown.render(text)
    assert f'<img alt="" src="{IMAGE}">' in html
    assert "ecorative" not in html


def test_a_described_image_on_its_own_line_is_a_block_of_its_own():
    html = markdown.render(f"Example text.\n\n![An example chart]({IMAGE})\n\nMore text.")

    assert f'<p class="{STANDALONE_CLASS}"><img alt="An example chart" src="{IMAGE}"></p>' in html
    assert "<p>Example text.</p>" in html


def test_an_image_inside_a_sentence_is_left_in_it():
    html = markdown.render(f"Example text ![An example icon]({IMAGE}) in a sentence.")

    assert STANDALONE_CLASS not in html
    assert f'<p>Example text <img alt="An example icon" src="{IMAGE}"> in a sentence.</p>' in html


def test_an_editor_cannot_write_the_block_class_or_a_decorative_image_by_hand():
    html = markdown.render(
        '<p class="image-block">Example text</p>\n\n'
        '<span alt="decorative">Example</span>\n\n'
        f"![An example chart of decorative things]({IMAGE})"
    )

    assert '<p class="image-block">Example' not in html
    assert 'alt="An example chart of decorative things"' in html


def test_the_preview_shows_the_same_note(editor_client):
    response = editor_client.post(
        reverse("markdownx_markdownify"), {"content": f"Example text.\n\n![]({IMAGE})"}
    )

    html = response.content.decode()
    assert f"The image “{IMAGE}” has no description (alt text)" in html
    assert f'<img alt="" src="{IMAGE}">' in html  # still shown, so the editor sees which


@pytest.mark.django_db
def test_the_admin_refuses_the_save_naming_the_image_and_keeps_the_text(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(url))
    data["body"] = f"Example text.\n\n![]({IMAGE})\n\nExample text after."

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert any(f"The image “{IMAGE}” has no description" in e for e in form_errors(response))
    assert form_data(response)["body"] == data["body"]
    assert Article.objects.get(pk=article.pk).body == article.body

    data["body"] = data["body"].replace("![]", "![An example chart]")
    response = editor_client.post(url, data)
    assert response.status_code == 302, form_errors(response)
    assert 'alt="An example chart"' in Article.objects.get(pk=article.pk).body_html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("admin_name", "field"),
    [
        ("article_add", "body"),
        ("treatment_add", "body"),
        ("treatment_add", "summary"),
        ("person_add", "bio"),
    ],
)
def test_the_editor_help_says_how_to_add_an_image(publisher_client, admin_name, field):
    response = publisher_client.get(reverse(f"admin:articles_{admin_name}"))

    html = response.content.decode()
    assert f'id="id_{field}_helptext"' in html
    assert "press “Insert image” above the editor (or drag a picture onto it)" in html
    assert "![decorative](address)" in IMAGE_HELP
    assert "admin/js/insert_image.js" in html
    assert "admin/css/insert_image.css" in html


@pytest.mark.django_db
def test_the_seed_article_has_no_markdown_images_and_still_saves(seeded):
    # Its illustration is a Figure, with its own required alt text, placed by [[figure 1]].
    assert "![" not in seeded.body and "<img" not in seeded.body
    assert seeded.figures.exclude(alt_text="").exists()
    seeded.full_clean()
    seeded.save()
    assert markdown.problem(seeded.body) is None
