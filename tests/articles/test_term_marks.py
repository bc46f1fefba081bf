"""Marking glossary terms in stored HTML (articles/term_marks.py), with made-up terms: the
first use only, never in headings, links, code or struck-through text, whole words, abbreviations
as written and full names in any case, escaped, and undone exactly."""

from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from articles import markdown, term_marks

EXAMPLE = term_marks.Entry(
    slug="example-term",
    names=("EXT", "Example term", "Exampleword"),
    url="/glossary/#example-term",
    definition_html="<p>An example definition.</p>",
)
OTHER = term_marks.Entry(
    slug="other-example",
    names=("Other example",),
    url="/glossary/#other-example",
    definition_html="<p>Another example definition.</p>",
)


def marked(text, entries=(EXAMPLE,), already=()):
    """(HTML, marked slugs) of Markdown `text` rendered and marked."""
    return term_marks.mark(markdown.render(text), entries, already)


def marks(html):
    """The text of each mark, in order."""
    return [a.get_text() for a in BeautifulSoup(html, "html.parser").select("a.term")]


def test_the_first_use_is_marked_with_a_link_and_its_definition_after_the_paragraph():
    html, slugs = marked("An Exampleword here.\n\nAnother Exampleword, then EXT.")

    assert slugs == ["example-term"]
    soup = BeautifulSoup(html, "html.parser")
    link = soup.select_one("a.term")
    assert (link.get_text(), link["href"]) == ("Exampleword", "/glossary/#example-term")
    assert link["aria-details"] == "site-term-example-term"
    assert len(soup.select("a.term")) == 1
    first, details, second = soup.find_all(["p", "details"], recursive=False)
    assert first.find("a", class_="term") and second.find("a") is None
    assert (details["class"], details["id"]) == (["term-definition"], "site-term-example-term")
    assert details.summary.get_text() == "What “Exampleword” means"
    assert details.select_one(".term-definition-text").get_text() == "An example definition."


def test_any_name_counts_as_the_first_use_of_the_term():
    assert marks(marked("Example term first, EXT later, Exampleword last.")[0]) == ["Example term"]
    assert marks(marked("EXT first, then Example term.")[0]) == ["EXT"]


def test_never_in_headings_links_code_or_struck_text():
    text = (
        "## Exampleword heading\n\n"
        "[Exampleword link](https://example.org/) and [EXT](treatment:3) and `EXT` "
        "and ~~x~~ <del>EXT</del> <abbr>EXT</abbr> <sup>EXT</sup>\n\n"
        "```\nExampleword in code\n```\n\n"
        "    EXT indented code\n\n"
        "| EXT header |\n|---|\n| cell |\n\n"
        "Finally Exampleword."
    )
    html, slugs = marked(text)

    assert slugs == ["example-term"]
    soup = BeautifulSoup(html, "html.parser")
    (link,) = soup.select("a.term")
    assert link.find_parent("p").get_text().startswith("Finally")


def test_whole_words_only():
    html, slugs = marked("EXTRA, TEXT, Examplewords and pre-Exampleword-post.")
    assert marks(html) == ["Exampleword"]
    assert "pre-<a" in html  # a hyphen is a word boundary
    assert marks(marked("EXTRA and Examplewords only.")[0]) == []


def test_abbreviations_are_matched_as_written_and_full_names_in_any_case():
    assert marks(marked("ext and Ext are not EXT.")[0]) == ["EXT"]
    assert marks(marked("An EXAMPLE TERM, spread\nover lines.")[0]) == ["EXAMPLE TERM"]
    assert marks(marked("An example\n  term here.")[0]) == ["example\n  term"]
    assert term_marks.is_abbreviation("ECT") and term_marks.is_abbreviation("mRNA")
    assert not term_marks.is_abbreviation("Ketamine")
    assert not term_marks.is_abbreviation("Treatment Resistant Depression")


def test_the_longest_name_wins_and_a_marked_term_is_not_marked_again_inside_another():
    depression = term_marks.Entry("depression", ("Depression",), "/glossary/#depression", "")
    long_name = term_marks.Entry("trd", ("Example Resistant Depression",), "/glossary/#trd", "")
    html, slugs = marked(
        "Example Resistant Depression is here. Example Resistant Depression again, then "
        "depression.",
        (depression, long_name),
    )
    assert slugs == ["trd", "depression"]
    assert marks(html) == ["Example Resistant Depression", "depression"]


def test_terms_marked_earlier_on_the_page_are_not_marked_again():
    html, slugs = marked("Exampleword and Other example.", (EXAMPLE, OTHER), {"example-term"})
    assert (marks(html), slugs) == (["Other example"], ["other-example"])


def test_no_terms_and_no_text_leave_the_html_as_it_is():
    html = markdown.render("Exampleword here.")
    assert term_marks.mark(html, ()) == (html, [])
    assert term_marks.mark("", (EXAMPLE,)) == ("", [])


def test_definitions_close_list_items_and_cells_and_follow_paragraphs_in_them():
    html, _ = marked("- Exampleword in a tight list\n- Other example\n", (EXAMPLE, OTHER))
    soup = BeautifulSoup(html, "html.parser")
    for item in soup.select("li"):
        assert item.contents[-1].name == "details", item
    html, _ = marked("| a |\n|---|\n| Exampleword |\n")
    cell = BeautifulSoup(html, "html.parser").select_one("td")
    assert [child.name for child in cell.contents] == ["a", "details"]
    html, _ = marked("1. Loose item\n\n    Exampleword paragraph.\n\n2. Next\n")
    item = BeautifulSoup(html, "html.parser").select_one("li")
    assert [c.name for c in item.find_all(["p", "details"], recursive=False)] == [
        "p",
        "p",
        "details",
    ]


def test_names_and_definitions_are_escaped_and_entities_kept_whole():
    entry = term_marks.Entry(
        slug="example-amp",
        names=("A&B < example",),
        url='/glossary/#x"onmouseover="alert(1)',
        definition_html="<p>Example &amp; definition.</p>",
    )
    html, slugs = marked("Here: A&B < example and more.", (entry,))
    assert slugs == ["example-amp"]
    assert "A&amp;B &lt; example</a>" in html
    link = BeautifulSoup(html, "html.parser").select_one("a.term")
    assert link.get_text() == "A&B < example"
    assert link["href"] == '/glossary/#x"onmouseover="alert(1)'
    assert not link.has_attr("onmouseover")
    amp = term_marks.Entry("amp", ("amp",), "/glossary/#amp", "")
    html, slugs = marked("Fish &amp; chips", (amp,))
    assert (slugs, "&amp;" in html) == ([], True)


def test_internal_links_in_a_definition_become_their_text():
    entry = term_marks.Entry(
        "example-term",
        ("Exampleword",),
        "/glossary/#example-term",
        markdown.plain_html(
            "See [an example page](treatment:3) or [a site](https://example.org/)."
        ),
    )
    html, _ = marked("Exampleword.", (entry,))
    definition = BeautifulSoup(html, "html.parser").select_one(".term-definition-text")
    assert [a["href"] for a in definition.find_all("a")] == ["https://example.org/"]
    assert "an example page" in definition.get_text()


def test_unmarked_gives_back_the_html_before_marking_and_marked_slugs_reads_the_marks():
    html = markdown.render("## Exampleword\n\nEXT here.\n\n- Other example\n\n`EXT`")
    done, slugs = term_marks.mark(html, (EXAMPLE, OTHER))
    assert done != html
    assert term_marks.unmarked(done) == html
    assert term_marks.marked_slugs(done) == slugs == ["example-term", "other-example"]


words = st.sampled_from(["EXT", "Exampleword", "Other example", "ext", "x", "&", "<", "`"])
separators = st.sampled_from([" ", "\n", "\n\n", "\n\n- ", "\n\n## ", "\n\n> ", " *", "* "])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(words, separators), max_size=30))
def test_marking_changes_no_word_readers_read_and_is_undone_exactly(parts):
    text = "".join(word + separator for word, separator in parts)
    html = markdown.render(text)
    done, slugs = term_marks.mark(html, (EXAMPLE, OTHER))

    assert term_marks.unmarked(done) == html
    assert len(slugs) == len(set(slugs)) == len(BeautifulSoup(done, "html.parser").select("a.term"))
    soup = BeautifulSoup(done, "html.parser")
    for details in soup.select("details.term-definition"):
        details.decompose()
    assert markdown.plain_text(str(soup)) == markdown.plain_text(html)


def test_names_with_quotes_and_no_break_spaces_are_marked_as_the_text_writes_them():
    quoted = term_marks.Entry(
        slug="example-quoted",
        names=("Example's word", 'The "example" word', "Example & word"),
        url="/glossary/#example-quoted",
        definition_html="<p>An example definition.</p>",
    )
    for text, found in (
        ("About Example's word here.", "Example's word"),
        ('About the "example" word here.', 'the "example" word'),
        ("About Example &amp; word here.", "Example & word"),
    ):
        assert marks(marked(text, [quoted])[0]) == [found], text
    html, _ = marked("About the Example&nbsp;term here.")
    assert marks(html) == ["Example\xa0term"]
