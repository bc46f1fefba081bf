import re
from io import StringIO
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from articles.models import Article, Figure, Treatment

pytestmark = pytest.mark.django_db

SEED = Path(settings.BASE_DIR) / "fixtures" / "000_1720db77b9b5987f.txt"
TITLE_LINE = re.compile(r"^\[(?P<series>.+) #(?P<number>\d+)\] (?P<title>.+?) ?\?$")


def clean(text):
    return " ".join(text.replace("\xa0", " ").split())


def seed_lines():
    return [clean(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def heading_text(element):
    """A heading as the seed writes it: numbered list items carry their number."""
    text = clean(element.get_text())
    item = element.parent
    if item.name == "li" and item.parent.name == "ol":
        number = item.parent.find_all("li", recursive=False).index(item) + 1
        text = f"{number}. {text}"
    return text


def page_lines(html):
    """Every heading, paragraph, list item and image (as its alt text) of the article body, in
    page order. A glossary term's definition, opened under a paragraph that marks the term, is
    the glossary's text, not the body's (tests/articles/test_glossary_seed.py checks it)."""
    body = BeautifulSoup(html, "html.parser").select_one(".article-body")
    lines = []
    for element in body.find_all(["h2", "h3", "h4", "p", "img"]):
        if element.find_parent(class_="term-definition"):
            continue
        if element.name == "img":
            lines.append(clean(element["alt"]))
        elif element.name.startswith("h"):
            lines.append(heading_text(element))
        else:
            lines.append(clean(element.get_text()))
    return lines


def test_seed_is_shown_faithfully_line_by_line(client, seeded):
    seed = seed_lines()
    title = TITLE_LINE.match(seed[0])
    html = client.get(seeded.get_absolute_url()).content.decode()
    soup = BeautifulSoup(html, "html.parser")

    assert soup.h1.get_text() == f"{title['title']}?"
    assert clean(soup.select_one(".kicker").get_text()) == f"{title['series']} #{title['number']}"
    rendered = page_lines(html)
    # The only edit: "2. Psychotherapy:" is the treatment entry named "Psychotherapy".
    expected = [
        line.removesuffix(":") if line == "2. Psychotherapy:" else line for line in seed[1:]
    ]
    assert rendered == expected


def test_the_eight_treatments_link_to_pages_with_their_seed_text(client, seeded):
    soup = BeautifulSoup(client.get(seeded.get_absolute_url()).content, "html.parser")
    links = soup.select(".treatment-section h3 a")
    assert len(links) == 8
    seed = seed_lines()
    for link in links:
        treatment = Treatment.objects.get(name=link.get_text())
        page = BeautifulSoup(client.get(link["href"]).content, "html.parser")
        assert page.h1.get_text() == treatment.name
        heading_index = next(
            i
            for i, line in enumerate(seed)
            if line.endswith(treatment.name) or line.endswith(f"{treatment.name}:")
        )
        assert seed[heading_index + 1] in clean(page.select_one(".article-body").get_text())
        discussed = [a["href"] for a in page.select(".discussed-in a")]
        assert discussed == [seeded.get_absolute_url()]


def test_seed_content_has_no_invented_people_or_reviews(seeded):
    assert seeded.author is None and seeded.reviewer is None and seeded.last_reviewed is None
    assert not seeded.source_links.exists()
    assert Figure.objects.filter(article=seeded).count() == 3
    assert set(Figure.objects.values_list("alt_text", flat=True)) == {
        "Treatment Resistant Depression"
    }
    assert all(Path(figure.image.path).is_file() for figure in Figure.objects.all())


def test_seeding_twice_keeps_an_editors_change(seeded):
    seeded.title = "Example title changed by an editor"
    seeded.save()
    out = StringIO()

    call_command("seed", stdout=out)

    assert "nothing was seeded" in out.getvalue()
    assert Article.objects.get().title == "Example title changed by an editor"
    assert Treatment.objects.count() == 8


def test_local_editor_is_refused_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="local development only"):
        call_command("seed", "--local-editor")
    assert not get_user_model().objects.exists()


def test_local_editor_is_created_once_with_a_printed_password(client, db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed", "--local-editor", stdout=out)

    password = re.search(r"password: (\S+)", out.getvalue())[1]
    user = get_user_model().objects.get(username="editor")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    # Signing in through the admin's own form, as the editor will.
    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": password, "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"

    again = StringIO()
    call_command("seed", "--local-editor", stdout=again)
    assert "password:" not in again.getvalue()
    assert get_user_model().objects.count() == 1
