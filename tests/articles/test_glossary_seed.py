"""The glossary the seed ships: only terms the original post spells out and defines, in its own
words (health information: nothing the post doesn't say), each linked to the treatment the
post lists for it, and marked in article #1 without changing a word of it."""

import re

import pytest
from bs4 import BeautifulSoup

from articles.models import Status, Term
from tests.articles.test_seed import SEED, clean

pytestmark = pytest.mark.django_db

# The post's "X is ..." (or "X, a ...") sentences: what it defines, and nothing else. It names
# CBT, combination and augmentation therapy too, but says only what they may help, not what
# they are.
SHIPPED = {
    "TRD": (["Treatment Resistant Depression"], None),
    "ECT": (["Electroconvulsive therapy"], "electroconvulsive-therapy"),
    "TMS": (["Transcranial Magnetic Stimulation"], "transcranial-magnetic-stimulation"),
    "DBS": (["Deep Brain Stimulation"], "deep-brain-stimulation"),
    "Ketamine": ([], "ketamine"),
}


def seed_sentences():
    text = SEED.read_text(encoding="utf-8")
    return {
        clean(sentence)
        for line in text.splitlines()
        for sentence in re.split(r"(?<=\.) (?=[A-Z])", clean(line))
    }


def test_the_seed_ships_only_the_terms_the_post_defines_in_its_own_words(seeded):
    text = clean(SEED.read_text(encoding="utf-8"))
    sentences = seed_sentences()
    terms = {term.term: term for term in Term.objects.select_related("treatment")}

    assert set(terms) == set(SHIPPED)
    for name, (other_names, treatment) in SHIPPED.items():
        term = terms[name]
        assert term.status == Status.PUBLISHED and term.mark_in_pages
        assert term.names == [name, *other_names]
        for spelling in term.names:
            assert re.search(rf"\b{re.escape(spelling)}\b", text), spelling
        # A whole sentence of the post, word for word, that says what the term is.
        assert term.definition in sentences, term.definition
        names = "|".join(map(re.escape, term.names))
        assert re.match(rf"({names})( \(({names})\))?( is|,) ", term.definition)
        assert (term.treatment.slug if term.treatment else None) == treatment
        if term.treatment:
            # The post's own heading for the treatment names the term.
            assert all(spelling in term.treatment.name for spelling in term.names)


def test_article_1_marks_trd_once_and_its_words_stay_the_posts(client, seeded):
    soup = BeautifulSoup(client.get(seeded.get_absolute_url()).content, "html.parser")
    body = soup.select_one(".article-body")

    (mark,) = body.select("a.term")
    assert (mark.get_text(), mark["href"]) == ("Treatment Resistant Depression", "/glossary/#trd")
    paragraph = mark.find_parent("p")
    assert paragraph.get_text().startswith("Treatment Resistant Depression (TRD) is a term")
    details = paragraph.find_next_sibling()
    assert details.name == "details" and "term-definition" in details["class"]
    assert clean(details.select_one(".term-definition-text").get_text()) == (
        Term.objects.get(term="TRD").definition
    )
    # The treatment list (the post's numbered treatments) is never marked.
    assert not soup.select(".treatment-section a.term, .treatment-section details")


def test_treatment_pages_mark_trd_and_never_the_term_they_explain(client, seeded):
    marked = {}
    for term in Term.objects.exclude(treatment=None).select_related("treatment"):
        page = BeautifulSoup(client.get(term.treatment.get_absolute_url()).content, "html.parser")
        marked[term.term] = [a.get_text() for a in page.select(".article-body a.term")]
    assert marked == {"ECT": ["TRD"], "TMS": ["TRD"], "DBS": [], "Ketamine": ["TRD"]}


def test_the_glossary_lists_the_seeds_terms_and_where_they_are_used(client, seeded):
    soup = BeautifulSoup(client.get("/glossary/").content, "html.parser")
    assert [dt.get_text() for dt in soup.select("dl.glossary dt")] == [
        "DBS",
        "ECT",
        "Ketamine",
        "TMS",
        "TRD",
    ]
    trd = soup.select_one("#trd").find_next_sibling("dd")
    used = [a["href"] for a in trd.select(".glossary-pages a")]
    assert used[0] == seeded.get_absolute_url()
    assert "/treatments/deep-brain-stimulation/" not in used
