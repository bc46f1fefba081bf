"""Readers' questions against the seed (`manage.py seed`: article #1 and its eight treatments),
each with what should come first, decided by reading the seed's text. Run on SQLite and on
PostgreSQL alike: both must answer every question the same way."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

ARTICLE = "#1 What is Treatment Resistant Depression (TRD)?"
MEDICATION = "Medication"
PSYCHOTHERAPY = "Psychotherapy"
ECT = "Electroconvulsive therapy (ECT)"
TMS = "Transcranial Magnetic Stimulation (TMS)"
COMBINATION = "Combination therapy"
AUGMENTATION = "Augmentation therapy"
KETAMINE = "Ketamine"
DBS = "Deep Brain Stimulation (DBS)"

# (question, what comes first: several titles where the seed ranks them alike, in any order;
# none for "nothing found", then the "Did you mean" the seed's words give, if any).
QUESTIONS = [
    # Named in the treatment's title; the article lists the treatment.
    ("ECT", [ECT], None),
    # A possessive: its "s" is a stop word on both databases.
    ("ECT's", [ECT], None),
    ("TMS", [TMS], None),
    ("ketamine", [KETAMINE], None),
    ("magnetic", [TMS], None),
    ("electroconvulsive therapy", [ECT], None),
    ("deep brain stimulation", [DBS], None),
    ("psychotherapy", [PSYCHOTHERAPY], None),
    ("medication", [MEDICATION], None),
    # Both words in DBS's title; ECT's and TMS's summaries say "a form of brain stimulation".
    ("brain stimulation", [DBS], None),
    # Three treatments are named "… therapy"; Psychotherapy is one word.
    ("therapy", [ECT, COMBINATION, AUGMENTATION], None),
    # Stemming: the word as typed, without its ending.
    ("ketamin", [KETAMINE], None),
    ("antidepressants", [MEDICATION, AUGMENTATION, KETAMINE], None),
    # The article's title.
    ("treatment resistant", [ARTICLE], None),
    ("depression", [ARTICLE], None),
    ("what is TRD", [ARTICLE], None),
    ("quality of life", [ARTICLE], None),
    ("stigma", [ARTICLE], None),
    # Only in a treatment's summary.
    ("lithium", [AUGMENTATION], None),
    ("CBT", [PSYCHOTHERAPY], None),
    ("electrodes", [DBS], None),
    ("NMDA", [KETAMINE], None),
    # The seed never mentions side effects ("effects" alone, yes; "side", never), pregnancy or
    # children.
    ("side effects", [], None),
    ("pregnancy", [], None),
    ("children", [], None),
    # Misspelled: nothing, and the word the seed uses instead.
    ("psychotheraphy", [], "psychotherapy"),
    ("depresion", [], "depression"),
    ("ketmine", [], "ketamine"),
    ("lithum", [], "lithium"),
]


@pytest.mark.parametrize(("question", "first", "suggested"), QUESTIONS)
def test_readers_questions_on_the_seed(client, seeded, question, first, suggested):
    response = client.get(reverse("articles:search"), {"q": question})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    found = [li.a.get_text(" ", strip=True) for li in soup.select(".search-results li")]
    link = soup.select_one("a.search-suggestion")
    if first:
        assert sorted(found[: len(first)]) == sorted(first), found
        assert not link
    else:
        assert found == []
        assert f"Nothing found for “{question}”" in soup.get_text()
        assert (link.get_text() if link else None) == suggested


def test_ect_is_a_whole_word(client, seeded):
    # Not "effective", nor "electrodes": the treatment, and the article that lists it.
    response = client.get(reverse("articles:search"), {"q": "ECT"})
    soup = BeautifulSoup(response.content, "html.parser")
    assert [li.a.get_text(" ", strip=True) for li in soup.select(".search-results li")] == [
        ECT,
        ARTICLE,
    ]


@pytest.mark.parametrize("treatment", [KETAMINE, TMS, DBS, MEDICATION])
def test_the_article_is_found_by_the_treatments_it_lists(client, seeded, treatment):
    response = client.get(reverse("articles:search"), {"q": treatment})
    soup = BeautifulSoup(response.content, "html.parser")
    found = [li.a.get_text(" ", strip=True) for li in soup.select(".search-results li")]
    assert found[0] == treatment
    assert ARTICLE in found
