"""What a reader's search means, whichever database answers it: words, "phrases", -exclusions
and `or` (PostgreSQL's `websearch` syntax, which readers know from web search engines), without
the words too common to search for, and with the glossary's other names of a term as synonyms.

Pure text: nothing here reads the database, so both search engines (postgres.py, sqlite.py)
are handed the same Query and turn it into their own syntax, never a reader's raw text.
"""

import re
from dataclasses import dataclass, field, replace

# Words as both databases' tokenizers see them: letters and digits, never `_` or punctuation.
WORD = re.compile(r"[^\W_]+")
# A "quoted phrase" (an unclosed quote runs to the end), or anything else up to a space; either
# may start with `-` to exclude it.
CHUNK = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
# PostgreSQL's English stop words (tsearch_data/english.stop), left out of queries on both
# databases, so that "what is TRD" means "TRD" on SQLite too.
ENGLISH_STOP_WORDS = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now
"""
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS.split())
# Words worth suggesting: not too short to be a typo of something else, nor absurdly long.
VOCABULARY_LENGTHS = range(3, 41)
# A query's cost grows with its words (PostgreSQL's ts_rank with the square of their number):
# words after this many different ones are not searched, and the reader is told so.
MAX_WORDS = 8


def words(text):
    """The words of a text, lower case, as the search indexes split it."""
    return WORD.findall(text.lower())


@dataclass(frozen=True)
class Group:
    """Pages with any of its phrases (words in a row; often one word) match, or, excluded,
    pages with none of them."""

    phrases: tuple[tuple[str, ...], ...]
    excluded: bool = False


@dataclass(frozen=True)
class Query:
    """A page matches when it matches every group."""

    text: str
    groups: tuple[Group, ...] = ()
    # {phrase: every name of the glossary terms it names}, kept to understand other words.
    synonyms: dict = field(default_factory=dict, compare=False, repr=False)
    # When the text has more than MAX_WORDS words: its start that was searched; else "".
    shortened_to: str = ""

    @property
    def included(self):
        return [group for group in self.groups if not group.excluded]

    @property
    def excluded(self):
        return [group for group in self.groups if group.excluded]

    def typed_words(self):
        """The reader's own words that could be misspelled: not stop words nor numbers."""
        return [
            word
            for word in words(self.shortened_to or self.text)
            if word not in STOP_WORDS and len(word) in VOCABULARY_LENGTHS and not word.isdigit()
        ]


@dataclass
class _Item:
    tokens: tuple[str, ...]
    excluded: bool
    quoted: bool
    or_before: bool
    end: int = 0  # where the item ends in the text


def trimmed(tokens):
    """Words as both databases search them: stop words at either end left out, as PostgreSQL
    leaves them out ("ECT's" is "ect"; a name that is only a stop word, such as "IT", is no
    phrase at all). Inside a phrase they stay: PostgreSQL keeps their place, SQLite their word."""
    tokens = list(tokens)
    while tokens and tokens[0] in STOP_WORDS:
        tokens.pop(0)
    while tokens and tokens[-1] in STOP_WORDS:
        tokens.pop()
    return tuple(tokens)


def synonym_table(name_lists):
    """{phrase: all names} from the names of each term (`Term.names`): any name of a term
    searches for all of them."""
    table = {}
    for names in name_lists:
        phrases = {trimmed(words(name)) for name in names} - {()}
        for phrase in phrases:
            table.setdefault(phrase, set()).update(phrases)
    return {phrase: tuple(sorted(names)) for phrase, names in table.items()}


def parse(text, synonyms=None):
    """The Query for a cleaned query text (`search.clean_query`)."""
    synonyms = synonyms or {}
    items, shortened_to = _first_words(_items(text), text)
    longest = max((len(phrase) for phrase in synonyms), default=0)
    groups = []
    index = 0
    while index < len(items):
        item = items[index]
        phrases, span = _synonyms_at(items, index, synonyms, longest)
        if phrases is None:
            span = 1
            phrases = (trimmed(item.tokens),)
            if not phrases[0]:
                index += 1
                continue
        if item.or_before and groups and not groups[-1].excluded and not item.excluded:
            merged = groups[-1].phrases + tuple(p for p in phrases if p not in groups[-1].phrases)
            groups[-1] = Group(merged)
        else:
            groups.append(Group(tuple(phrases), excluded=item.excluded))
        index += span
    # A group given twice asks nothing more, and would cost as much again.
    groups = list(dict.fromkeys(groups))
    return Query(text=text, groups=tuple(groups), synonyms=synonyms, shortened_to=shortened_to)


def _items(text):
    items = []
    or_pending = False
    for match in CHUNK.finditer(text):
        quoted = match.group(2) is not None
        sign, body = (match.group(1), match.group(2)) if quoted else (match.group(3), match[4])
        if not quoted and not sign and body.lower() == "or":
            or_pending = bool(items)
            continue
        tokens = tuple(words(body))
        if tokens:
            items.append(
                _Item(
                    tokens,
                    excluded=sign == "-",
                    quoted=quoted,
                    or_before=or_pending,
                    end=match.end(),
                )
            )
        or_pending = False
    return items


def _first_words(items, text):
    """(the items of the first MAX_WORDS different words that are not stop words, the text they
    end at or "" when that is all of them). A phrase that would pass the limit is left out
    whole: part of it would find other pages."""
    seen = set()
    for index, item in enumerate(items):
        seen.update(token for token in item.tokens if token not in STOP_WORDS)
        if len(seen) <= MAX_WORDS:
            continue
        if index:
            return items[:index], text[: items[index - 1].end].rstrip()
        # One phrase of more words than that: its first ones.
        seen, tokens = set(), []
        for token in item.tokens:
            if token not in STOP_WORDS:
                seen.add(token)
                if len(seen) > MAX_WORDS:
                    break
            tokens.append(token)
        return [replace(item, tokens=tuple(tokens))], " ".join(tokens)
    return items, ""


def _synonyms_at(items, index, synonyms, longest):
    """(every name, items used) where the items from `index` spell a glossary name, the longest
    such; (None, 0) where they don't."""
    item = items[index]
    if item.excluded or not synonyms:
        return None, 0
    if item.quoted:
        return synonyms.get(trimmed(item.tokens)), 1
    tokens = ()
    candidates = []
    for span, following in enumerate(items[index:], 1):
        if following.quoted or following.excluded or (span > 1 and following.or_before):
            break
        tokens += following.tokens
        if len(tokens) > longest:
            break
        if trimmed(tokens) in synonyms:
            candidates.append((synonyms[trimmed(tokens)], span))
    return candidates[-1] if candidates else (None, 0)


def vocabulary(texts):
    """The words of these texts worth suggesting to a reader who misspelled one."""
    found = set()
    for text in texts:
        found.update(words(text or ""))
    return {
        word
        for word in found
        if len(word) in VOCABULARY_LENGTHS and word not in STOP_WORDS and not word.isdigit()
    }


def trigrams(word):
    # As PostgreSQL's pg_trgm pads a word: two spaces before, one after.
    padded = f"  {word} "
    return {padded[start : start + 3] for start in range(len(padded) - 2)}


def similarity(first, second):
    """pg_trgm's `similarity()` of two words: shared trigrams over all their trigrams."""
    a, b = trigrams(first), trigrams(second)
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if a or b else 0.0
