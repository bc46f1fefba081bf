"""An ordered list's order (an article's treatments and sources, as dragged or moved in the
admin) is what the Markdown files carry: written in that order, and read back as it."""

import pytest

from articles.models import ArticleReference, Source, Status
from interchange.front_matter import split
from tests.support.factories import add_treatments, make_article, make_treatment
from tests.support.markdown_exports import edit, export, run_import

pytestmark = pytest.mark.django_db


def test_a_reordered_list_is_written_and_read_back_in_its_order(tmp_path, series):
    first, second = (Source.objects.create(title=f"Example Source {n}") for n in (1, 2))
    # Not yet public, so an import changes it directly (a live page's changes come in as a draft).
    article = make_article(series, body=f"Claim.[[cite {first.pk}]]", status=Status.DRAFT)
    add_treatments(article, [make_treatment("example-a"), make_treatment("example-b")])
    # As the admin leaves them after the second row was moved up.
    ArticleReference.objects.create(article=article, reference=second, position=1)
    ArticleReference.objects.create(article=article, reference=first, position=2)
    article.treatment_links.filter(treatment__slug="example-a").update(position=2)

    files = export(tmp_path)
    name = next(path for path in files if path.endswith(f"{article.slug}.md"))
    front_matter, _ = split(files[name].decode())
    assert [source["id"] for source in front_matter["sources"]] == [second.pk, first.pk]
    assert front_matter["treatments"] == ["example-b", "example-a"]

    # The file's order wins over what the database has since.
    edit(tmp_path / name, lambda data: data.update(sources=list(reversed(data["sources"]))))
    run_import(tmp_path)
    assert [(r.reference_id, r.position) for r in article.source_links.all()] == [
        (first.pk, 1),
        (second.pk, 2),
    ]
