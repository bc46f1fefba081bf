"""The safe-messaging rules (articles/safe_messaging.py), case by case: what each guideline point
flags, what it must leave alone, and what counts as a route to help."""

import pytest

from articles import safe_messaging
from articles.models import Article, Treatment
from articles.safe_messaging import (
    EMOTIVE,
    HELP,
    LANGUAGE,
    METHODS,
    SOLUTION,
    Text,
    check,
    mentions_self_harm,
    routes_to_help,
)
from articles.safe_messaging_checks import page_flags

HELP_LINK = '<a href="/help/">where to get help now</a>'


def flags_of(text, html=HELP_LINK, **options):
    """Flags of a body whose HTML links to help unless told otherwise."""
    return check([Text("Body", text, html)], **options)


def points(text, **options):
    return [flag.point for flag in flags_of(text, **options)]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("He committed suicide in 2019.", "committed suicide"),
        ("People who commit suicide often ...", "commit suicide"),
        ("a Successful  Suicide", "Successful  Suicide"),
        ("after a failed suicide attempt", "failed suicide attempt"),
        ("an unsuccessful suicide", "unsuccessful suicide"),
        ("It was her second failed attempt at suicide.", "failed attempt"),
    ],
)
def test_crime_and_achievement_language_is_flagged(text, words):
    [flag] = flags_of(text)
    assert flag.point == LANGUAGE
    assert flag.words == words
    assert "died by suicide" in flag.reason


@pytest.mark.parametrize(
    "text",
    [
        "He died by suicide in 2019.",
        "She took her own life.",
        "He attempted suicide twice, and survived.",
        "Suicidal thoughts are a symptom; help is available at our help page.",
        "The committee suicide-prevention plan",  # "commit" inside another word
        "A failed attempt to treat depression is not the end.",  # no mention in the sentence
        "Suicide is not inevitable, and it is often preventable.",
        "Side effects are inevitable; relapse can be tragic; there is no other option.",
        "Treatment has begun. Hanging on, day by day. The gunnery of the drug trials.",
        "Around 700,000 people die by suicide every year, due to many causes.",
        "The risk of suicide after starting an antidepressant is watched for.",
        "Ketamine is a rapidly acting treatment; ECT is often a last resort.",
    ],
)
def test_what_must_not_be_flagged(text):
    assert flags_of(text) == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Tricyclic antidepressants are dangerous in overdose.", "overdose"),
        ("He overdosed on pills.", "overdosed"),
        ("a lethal dose of", "lethal dose"),
        ("she hanged herself", "hanged herself"),
        ("a noose", "noose"),
        ("He used a shotgun.", "shotgun"),
        ("access to firearms", "firearms"),
        ("she cut her wrists", "cut her wrists"),
        ("carbon monoxide from exhaust", "carbon monoxide"),
        ("methods of suicide", "methods of suicide"),
        ("He jumped from the bridge.", "jumped from the bridge"),
        ("a suicide hotspot", "suicide hotspot"),
        ("threw himself under a train", "threw himself under"),
        ("self-poisoning with paracetamol", "self-poisoning"),
    ],
)
def test_methods_and_locations_are_flagged(text, words):
    flags = flags_of(text)
    assert [flag.point for flag in flags] == [METHODS]
    assert flags[0].words == words


@pytest.mark.parametrize("text", ["Overdosage tables", "begun", "ropeway", "hanging on", "nooses?"])
def test_method_words_are_whole_words(text):
    flagged = points(text)
    assert flagged == ([METHODS] if text == "nooses?" else [])


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("For him, suicide seemed the only way out.", "only way out"),
        ("She saw suicide as an escape from the pain.", "escape from the pain"),
        ("His suicide was inevitable.", "inevitable"),
        ("Nothing could have been done to stop her suicide.", "Nothing could have been done"),
        ("His suicide was caused by debt.", "suicide was caused by"),
        ("Bullying drove him to suicide.", "drove him to suicide"),
        ("Suicidal, he felt there was no way out.", "no way out"),
    ],
)
def test_solution_inevitable_or_single_cause_is_flagged(text, words):
    flags = flags_of(text)
    assert [flag.point for flag in flags] == [SOLUTION]
    assert flags[0].words == words


def test_solution_words_count_only_in_a_sentence_about_suicide():
    # The same words with the mention in the next sentence.
    assert points("Relief from the pain is inevitable. Suicide is a risk.") == []
    assert points("Relief from the pain is inevitable; suicide is a risk.") == []
    assert points("Relief from the pain, suicide is a risk.") == [SOLUTION]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a tragic suicide", "tragic"),
        ("a suicide bid", "suicide bid"),
        ("an epidemic of suicides", "epidemic of suicides"),
        ("suicide victims", "suicide victims"),
        ("Suicide is selfish.", "selfish"),
    ],
)
def test_emotive_or_sensational_wording_is_flagged(text, words):
    flags = flags_of(text)
    assert [flag.point for flag in flags] == [EMOTIVE]
    assert flags[0].words == words


def test_a_flag_quotes_the_words_with_a_little_context():
    text = (
        "This long opening sentence talks about treatment and nothing else at all. "
        "Then, sadly, he committed suicide at home after many years of trying treatments "
        "that did not help him."
    )
    [flag] = flags_of(text)
    assert flag.words == "committed suicide"
    assert flag.before.startswith("…") and flag.after.endswith("…")
    assert flag.quote == f"{flag.before}committed suicide{flag.after}"
    assert len(flag.quote) < 100
    assert "Then, sadly, he committed suicide at home" in flag.quote
    assert str(flag).startswith(f"{LANGUAGE} (Body: “…")


def test_every_rule_names_a_guideline_point():
    assert {rule.point for rule in safe_messaging.RULES} <= set(safe_messaging.GUIDELINES)
    assert all(rule.reason for rule in safe_messaging.RULES)


def test_flags_come_in_reading_order_within_a_text():
    flags = flags_of("A noose. He committed suicide. An overdose.")
    assert [flag.words for flag in flags] == ["noose", "committed suicide", "overdose"]


# Routes to help


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("", '<a href="/help/">get help</a>'),
        ("", '<a href="/help">get help</a>'),
        ("", '<a href="/help/#uk">get help</a>'),
        ("", '<a href="tel:116123">116 123</a>'),
        ("", '<a href="https://www.samaritans.org/">Samaritans</a>'),
        ("", '<a href="https://988lifeline.org/chat">988</a>'),
        ("", '<a href="mailto:jo@samaritans.org">email</a>'),
        ("Call Samaritans free on 116 123, day or night.", ""),
        ("Text SHOUT to 85258.", ""),
        ("In the US, call or text 988.", ""),
        ("In an emergency, dial 999.", ""),
        # The urgent-help callout's own words, shown beside the numbers on /help/.
        (
            "If you are thinking about suicide, call your local emergency number or a crisis line.",
            "",
        ),
        ("Go to A&E, or contact your crisis team.", ""),
    ],
)
def test_routes_to_help(text, html):
    assert routes_to_help(text, html)


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("", '<a href="https://example.com/help/">help elsewhere</a>'),
        ("", '<a href="https://www.nhs.uk/conditions/depression/">the NHS</a>'),
        ("", '<a href="https://notsamaritans.org/">look-alike</a>'),
        ("", '<a href="/helpers/">helpers</a>'),
        ("Samaritans can help.", ""),  # a name without a number or link
        ("In a study of 988 patients, 999 got better.", ""),  # short numbers need "call"
        ("Trial 1161234 enrolled people.", ""),  # a number inside a longer one
        ("There is no helpline for this.", ""),  # naming one is not telling whom to contact
        ("Call it what you like. The emergency number changed.", ""),  # not one sentence
    ],
)
def test_what_is_not_a_route_to_help(text, html):
    assert not routes_to_help(text, html)


def test_the_callouts_helplines_count_as_routes_to_help():
    helplines = [("0800 123 4567", ""), ("", "https://www.example-helpline.org/")]
    assert routes_to_help("Ring 0800 123 4567.", "", helplines=helplines)
    assert routes_to_help(
        "", '<a href="https://example-helpline.org/x">it</a>', helplines=helplines
    )
    assert not routes_to_help("Ring 0800 123 4567.", "")


def test_a_mention_without_a_route_to_help_in_the_body_is_flagged_once():
    texts = [
        Text("Title", "Suicide and depression"),
        Text("Summary", "About suicide.", None),
        Text("Body", "Suicidal thoughts are common. Suicide is preventable.", "<p>…</p>"),
    ]
    [flag] = check(texts)
    assert flag.point == HELP
    assert (flag.where, flag.words) == ("Title", "Suicide")
    assert "/help/" in flag.reason


def test_help_in_the_title_or_a_plain_summary_does_not_count():
    texts = [
        Text("Summary", "Call Samaritans on 116 123 if you feel suicidal."),
        Text("Body", "More about it.", "<p>More about it.</p>"),
    ]
    assert [flag.point for flag in check(texts)] == [HELP]


def test_help_anywhere_in_the_pages_markdown_counts():
    texts = [
        Text("Summary", "Suicidal thoughts are a symptom.", "<p>Suicidal thoughts…</p>"),
        Text("Body", "Get help.", HELP_LINK),
    ]
    assert check(texts) == []


def test_no_mention_needs_no_route_to_help():
    assert check([Text("Body", "Depression is treatable.", "<p>Depression…</p>")]) == []


def test_the_site_help_path_is_configurable():
    html = '<a href="/get-help/">help</a>'
    assert points("I felt suicidal.", html=html) == [HELP]
    assert points("I felt suicidal.", html=html, help_paths=("/get-help/",)) == []


# Readers' feedback keeps its word list


@pytest.mark.parametrize(
    ("comment", "flagged"),
    [
        ("I have been feeling suicidal", True),
        ("I want to die", True),
        ("thinking about SELF-HARM again", True),
        ("my brother killed himself last year", True),
        ("Great article, thank you", False),
        ("Parasuicide research", False),  # whole words only
    ],
)
def test_feedback_word_list(comment, flagged):
    assert mentions_self_harm(comment) is flagged


# The seed content


@pytest.mark.django_db
def test_the_seed_raises_no_flags(seeded):
    pages = [*Article.objects.pages(), *Treatment.objects.pages()]
    assert len(pages) == 9
    assert {page.slug: page_flags(page) for page in pages} == {page.slug: [] for page in pages}


@pytest.mark.django_db
def test_a_page_is_checked_as_it_is_in_memory(seeded):
    seeded.summary = "Why people commit suicide."
    seeded.body += "\n\nSee [where to get help now](/help/)."
    flags = page_flags(seeded)
    assert [(flag.point, flag.where) for flag in flags] == [(LANGUAGE, "Summary")]
    seeded.refresh_from_db()
    assert page_flags(seeded) == []


@pytest.mark.parametrize(
    "text",
    [
        "He tried to kill himself last year.",
        "She ended her life in 2019.",
        "She took her life.",
        "He wanted to die.",
        "She wants to die.",
        "Some people self-injure.",
        "Example: sui\u00adcide is discussed here.",  # a soft hyphen hides no word
        "Example: sui\u200bcide is discussed here.",  # nor a zero-width space
    ],
)
def test_more_ways_of_saying_it_need_a_route_to_help(text):
    flags = safe_messaging.check([safe_messaging.Text("Body", text, "<p>x</p>")])
    assert [flag.point for flag in flags] == [safe_messaging.HELP]


def test_a_hidden_character_does_not_hide_a_phrase():
    flags = safe_messaging.check(
        [safe_messaging.Text("Body", "They com\u00admit suicide.", '<a href="/help/">help</a>')]
    )
    assert any(flag.point == safe_messaging.LANGUAGE for flag in flags)


def test_a_tel_link_needs_a_number_and_the_help_page_counts_by_its_full_address():
    assert not routes_to_help("", '<a href="tel:0">x</a>')
    full = ("/help/", "https://example.org/help/")
    assert routes_to_help("", '<a href="https://example.org/help/#gb">help</a>', help_paths=full)
    assert not routes_to_help(
        "", '<a href="https://elsewhere.example/help/">x</a>', help_paths=full
    )
