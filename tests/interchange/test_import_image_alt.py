"""import_markdown applies the editor's rule for images in Markdown: an image without alt text
stops the import, naming the file and the image; a decorative one is imported as written."""

import pytest
from django.core.management import CommandError

from articles.models import Article, Treatment
from interchange.front_matter import split
from tests.support.markdown_exports import DRAFT, edit, export, run_import

pytestmark = pytest.mark.django_db

IMAGE = "/media/uploads/example-chart.png"
TREATMENT = "treatments/example-treatment.md"


def add_to_body(path, text):
    body = split(path.read_bytes().decode())[1]
    edit(path, body=f"{body.rstrip()}\n\n{text}\n")


@pytest.mark.parametrize("name", [DRAFT, TREATMENT])
def test_an_image_without_alt_text_stops_the_import_naming_it(tmp_path, content, name):
    export(tmp_path)
    add_to_body(tmp_path / name, f"![]({IMAGE})")

    with pytest.raises(CommandError) as raised:
        run_import(tmp_path)

    refusal = str(raised.value)
    assert f"{name}: " in refusal
    assert f"The image “{IMAGE}” has no description (alt text)" in refusal
    assert "Nothing was imported." in refusal
    assert IMAGE not in Article.objects.get(slug="example-draft").body
    assert not Treatment.objects.filter(body__contains=IMAGE).exists()


def test_described_and_decorative_images_are_imported(tmp_path, content):
    export(tmp_path)
    add_to_body(tmp_path / DRAFT, f"![An example chart]({IMAGE})\n\n![decorative]({IMAGE}?2)")

    run_import(tmp_path)

    html = Article.objects.get(slug="example-draft").body_html
    assert f'<img alt="An example chart" src="{IMAGE}">' in html
    assert f'<img alt="" src="{IMAGE}?2">' in html
