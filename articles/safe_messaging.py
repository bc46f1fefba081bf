"""Safe messaging about suicide and self-harm: word lists and phrase checks that prompt a human
to read something first. Nothing here judges meaning, risk or intent, and anything a list leaves
out goes unnoticed.

Two uses:

- Readers' feedback: `mentions_self_harm(text)` flags a comment containing any of
  SELF_HARM_TERMS (whole words, any case, hyphen or space alike) so it is read first.
- Pages: `check(texts)` compares a page's text with the main points of the published media
  guidelines on suicide (Samaritans' media guidelines for reporting suicide; WHO, "Preventing
  suicide: a resource for media professionals", 2023 update), as listed in GUIDELINES, and
  returns a Flag for each thing a person should look at before the page is published: a phrase
  from RULES (a table of pattern, guideline point and reason), or a mention of suicide or
  self-harm in a page whose own text gives no route to help (see `routes_to_help`).

Change the lists here; the README documents them.
"""

import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from .typed_text import clean_typed

# Readers' feedback, and what counts as a page "mentioning" suicide or self-harm.
SELF_HARM_TERMS = (
    "suicide",
    "suicides",
    "suicidal",
    "suicidality",
    "kill myself",
    "killing myself",
    "killed myself",
    "kill himself",
    "kill herself",
    "kill themselves",
    "killed himself",
    "killed herself",
    "killed themselves",
    "end my life",
    "ending my life",
    "ended my life",
    "end his life",
    "end her life",
    "end their life",
    "ended his life",
    "ended her life",
    "ended their life",
    "take my own life",
    "took his own life",
    "took her own life",
    "took their own life",
    "took his life",
    "took her life",
    "took their life",
    "want to die",
    "wants to die",
    "wanted to die",
    "better off dead",
    "self harm",
    "self harmed",
    "self harming",
    "self injury",
    "self injure",
    "self injured",
    "self injuring",
    "harm myself",
    "hurt myself",
    "hurting myself",
    "cut myself",
    "cutting myself",
    "overdose",
    "overdoses",
    "overdosed",
    "overdosing",
)


def _pattern(term):
    words = (re.escape(word) for word in term.split())
    # Words apart or run together ("self harm", "self-harm", "selfharm").
    return r"\b" + r"[\s\-]*".join(words) + r"\b"


SELF_HARM_RE = re.compile("|".join(_pattern(term) for term in SELF_HARM_TERMS), re.IGNORECASE)


def mentions_self_harm(text):
    return bool(text) and SELF_HARM_RE.search(text) is not None


# The guidelines' main points that the checks name.
METHODS = "Don't describe or detail methods or locations"
LANGUAGE = "Don't use language that presents suicide as a crime or an achievement"
SOLUTION = "Don't present suicide as a solution, as inevitable, or as caused by a single thing"
HELP = "Do give information about where to get help"
EMOTIVE = "Take care with emotive or sensational wording"
GUIDELINES = (METHODS, LANGUAGE, SOLUTION, HELP, EMOTIVE)
SOURCES = (
    "Samaritans' media guidelines for reporting suicide; WHO, “Preventing suicide: a resource "
    "for media professionals” (2023 update)"
)

# Where a rule looks: anywhere in the text, or only in a sentence that mentions suicide or
# self-harm (SELF_HARM_TERMS), for words that are ordinary elsewhere ("inevitable", "tragic").
ANYWHERE = "anywhere"
IN_MENTION = "in a sentence that mentions suicide or self-harm"

_SELF = r"(?:himself|herself|themselves|themself|myself|yourself|oneself)"
_POSSESSIVE = r"(?:his|her|their|my|your|one's|the)"

METHOD_REASON = (
    "Names a method. Say only what readers need: leave out the method and any detail of it "
    "(what, how, how much). Clinical facts (such as toxicity in overdose) can be given in "
    "general terms, without amounts."
)
LOCATION_REASON = "Names a method or a place. Leave out where and how."


@dataclass(frozen=True)
class Rule:
    pattern: str  # a regular expression, matched as whole words in any case
    point: str  # the guideline point it comes from (GUIDELINES)
    reason: str  # why it is flagged, and what to consider instead
    scope: str = ANYWHERE


RULES = (
    # Language: crime or achievement.
    Rule(
        r"commit(?:s|ted|ting)?\s+suicide",
        LANGUAGE,
        "“Commit” presents suicide as a crime. Say “died by suicide” or “took their own life”.",
    ),
    Rule(
        r"(?:successful|unsuccessful|failed|completed)\s+suicides?(?:\s+attempts?)?",
        LANGUAGE,
        "Presents suicide as an achievement, or surviving it as a failure. Say “died by "
        "suicide”, “took their own life” or “attempted suicide”.",
    ),
    Rule(
        r"(?:successful|unsuccessful|failed)\s+attempts?",
        LANGUAGE,
        "Presents suicide as an achievement, or surviving it as a failure. Say “attempted "
        "suicide” or “died by suicide”.",
        IN_MENTION,
    ),
    # Methods and locations.
    Rule(r"overdos(?:e|es|ed|ing)", METHODS, METHOD_REASON),
    Rule(r"(?:lethal|fatal|deadly)\s+(?:doses?|amounts?|quantit(?:y|ies))", METHODS, METHOD_REASON),
    Rule(r"how\s+many\s+(?:pills|tablets)", METHODS, METHOD_REASON),
    Rule(rf"(?:hangs?|hanged|hanging)\s+{_SELF}|hanged|nooses?|ligatures?", METHODS, METHOD_REASON),
    Rule(
        rf"(?:shot|shoots?|shooting)\s+{_SELF}|firearms?|(?:hand|shot)?guns?",
        METHODS,
        METHOD_REASON,
    ),
    Rule(
        rf"(?:slit|slits|slitting|cut|cuts|cutting)\s+(?:{_POSSESSIVE}\s+)?wrists?",
        METHODS,
        METHOD_REASON,
    ),
    Rule(
        rf"(?:poison(?:s|ed|ing)?|drown(?:s|ed|ing)?|suffocat(?:e|es|ed|ing))\s+{_SELF}"
        r"|self[\s\-]+poisoning|pesticides?|paraquat|weedkillers?",
        METHODS,
        METHOD_REASON,
    ),
    Rule(
        r"suffocation|asphyxia(?:tion)?|carbon\s+monoxide|charcoal\s+burning|exhaust\s+fumes",
        METHODS,
        METHOD_REASON,
    ),
    Rule(
        r"(?:methods?|means|ways?)\s+(?:of|to)\s+(?:suicide|self[\s\-]+harm"
        rf"|kill(?:ing)?\s+{_SELF}|end(?:ing)?\s+{_POSSESSIVE}\s+(?:own\s+)?life)",
        METHODS,
        METHOD_REASON,
    ),
    Rule(
        r"jump(?:s|ed|ing)?\s+(?:off|from|in\s+front\s+of)\s+(?:an?\s+|the\s+)?"
        r"(?:bridges?|buildings?|roofs?|rooftops?|cliffs?|balcon(?:y|ies)|windows?|towers?"
        r"|heights?|trains?|bus|buses|lorr(?:y|ies)|trucks?|cars?)",
        METHODS,
        LOCATION_REASON,
    ),
    Rule(
        rf"(?:threw|throws?|throwing)\s+{_SELF}\s+(?:under|in\s+front\s+of|off|from)",
        METHODS,
        LOCATION_REASON,
    ),
    Rule(
        r"suicide\s+(?:hotspots?|spots?|bridges?|locations?)"
        r"|(?:railway|railroad|train)\s+(?:tracks?|lines?)",
        METHODS,
        LOCATION_REASON,
    ),
    # A solution, inevitable, a single cause.
    Rule(
        r"(?:only|no\s+other)\s+way\s+out|no\s+way\s+out"
        r"|(?:only|last|final)\s+(?:option|answer|solution|escape|choice)"
        r"|no\s+other\s+(?:option|choice)",
        SOLUTION,
        "Presents suicide as a way out. Say that feelings like these can change and that help "
        "works.",
        IN_MENTION,
    ),
    Rule(
        rf"(?:escape|release|relief|freedom|rest)\s+from\s+(?:{_POSSESSIVE}\s+)?"
        r"(?:pain|suffering|torment)"
        rf"|(?:end|ends|ended|ending)\s+(?:{_POSSESSIVE}\s+)?(?:pain|suffering|torment)"
        r"|(?:is|was|seemed|seems|as)\s+(?:an?|the)\s+(?:solution|answer)"
        r"|(?:finally|now)\s+at\s+peace|at\s+peace\s+now",
        SOLUTION,
        "Presents suicide as a solution or a relief. Say that feelings like these can change "
        "and that help works.",
        IN_MENTION,
    ),
    Rule(
        r"(?<!not\s)(?<!never\s)(?<!n't\s)inevitabl[ey]|bound\s+to\s+happen"
        r"|(?:always|only)\s+a\s+matter\s+of\s+time|unpreventable"
        r"|(?:nothing|no\s+one|nobody)\s+could\s+(?:have\s+)?(?:been\s+)?"
        r"(?:done|stopped|prevented|saved)",
        SOLUTION,
        "Presents suicide as inevitable. Most suicides can be prevented: say that help works.",
        IN_MENTION,
    ),
    Rule(
        r"(?:suicides?|own\s+lives|own\s+life|killed\s+(?:himself|herself|themselves))"
        r"(?:\s+\w+){0,3}?\s+(?:caused\s+by|because\s+of|due\s+to|triggered\s+by"
        r"|the\s+result\s+of|blamed\s+on)"
        r"|(?:drove|driven|drives?|pushed|push|pushes|led)\s+(?:\w+\s+){1,2}?to\s+"
        rf"(?:suicide|take\s+{_POSSESSIVE}\s+own\s+life|kill\s+{_SELF})"
        r"|(?:reason|cause)\s+(?:for|of|why)\s+(?:his|her|their|the)\s+suicide",
        SOLUTION,
        "May present one thing as the cause. Suicide is complex and rarely has a single cause.",
        IN_MENTION,
    ),
    # Emotive or sensational wording.
    Rule(
        r"suicide\s+(?:victims?|bids?|epidemics?|crazes?|waves?|sprees?)"
        r"|(?:epidemic|spate|wave|string|rash)\s+of\s+suicides?",
        EMOTIVE,
        "Sensational wording. Describe what happened plainly.",
    ),
    Rule(
        r"tragic(?:ally)?|tragedy|shocking(?:ly)?|horrific|horrifying|senseless|selfish"
        r"|cowardly",
        EMOTIVE,
        "Emotive or judging wording next to suicide. Describe it plainly and without blame.",
        IN_MENTION,
    ),
)

_RULE_RES = tuple((rule, re.compile(rf"\b(?:{rule.pattern})\b", re.IGNORECASE)) for rule in RULES)

# A route to help (see routes_to_help): helpline sites and numbers recognised in any page.
# Conservative on purpose: a link to a general health site does not count.
HELP_PATH = "/help/"
HELPLINE_SITES = (
    "samaritans.org",  # UK and Ireland
    "giveusashout.org",  # Shout, UK
    "papyrus-uk.org",  # HOPELINE247, UK
    "thecalmzone.net",  # CALM, UK
    "111.nhs.uk",  # NHS 111, England
    "988lifeline.org",  # US
    "crisistextline.org",  # US
    "988.ca",  # Canada
    "lifeline.org.au",  # Australia
    "befrienders.org",  # worldwide directory
    "findahelpline.com",  # worldwide directory
)
HELPLINE_NUMBERS = ("116 123", "85258", "988", "111", "999", "112", "911")
# A helpline number of fewer digits than this counts only right after a word such as "call".
DISTINCT_DIGITS = 5
CALL_WORDS = r"(?:call|calls|calling|phone|ring|text|dial|contact)"
HREF_RE = re.compile(r"""href\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
SENTENCE_RE = re.compile(r"[^.!?;]+[.!?;]*")
CONTEXT = 40  # characters either side of what a flag quotes


@dataclass(frozen=True)
class Text:
    where: str  # the field's name, shown with each flag: "Title", "Body"
    text: str  # the words readers read (plain text)
    html: str | None = None  # its HTML, when it is the page's own Markdown: help may be there


@dataclass(frozen=True)
class Flag:
    point: str  # the guideline point (GUIDELINES)
    reason: str
    where: str
    words: str  # the words that matched
    before: str = ""  # a little context either side of them, cut at whole words
    after: str = ""

    def __str__(self):
        return f"{self.point} ({self.where}: “{self.quote}”). {self.reason}"

    @property
    def quote(self):
        return f"{self.before}{self.words}{self.after}"


def _flag(point, reason, where, text, start, end):
    """A flag quoting text[start:end] with up to CONTEXT characters either side."""
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    if start > CONTEXT and " " in before:
        before = "…" + before.split(" ", 1)[1]
    if end + CONTEXT < len(text) and " " in after:
        after = after.rsplit(" ", 1)[0] + "…"
    return Flag(point, reason, where, text[start:end], before.lstrip(), after.rstrip())


def _number_re(number):
    digits = re.sub(r"\D", "", number)
    spaced = r"[\s\-.]?".join(digits)
    if len(digits) >= DISTINCT_DIGITS:
        return rf"(?<![\d\-])(?:{spaced})(?![\d\-])"
    return rf"\b{CALL_WORDS}\s+(?:or\s+text\s+|or\s+call\s+)?(?:{spaced})(?![\d\-])"


def _host_matches(host, sites):
    host = (host or "").lower().removeprefix("www.")
    return any(host == site or host.endswith("." + site) for site in sites)


# In words, telling the reader whom to contact: "call your local emergency number", "ring a
# crisis line", "contact your crisis team". A verb of contacting comes first, in the same
# sentence: "there is no helpline" is not a route to help.
HELP_INSTRUCTION_RE = re.compile(
    r"\b(?:call|phone|ring|text|dial|contact|go to)\b[^.!?\n]{0,40}?"
    r"\b(?:emergency (?:number|services|department)|crisis (?:line|team)|helpline|A&E)\b",
    re.IGNORECASE,
)


def routes_to_help(text, html, *, help_paths=(HELP_PATH,), helplines=()):
    """Whether a text gives a route to help: in its HTML, a link to the site's help page (a
    relative link such as `/help/`), a `tel:` link, or a link (or email address) at a helpline
    site (HELPLINE_SITES, or a helpline's own site); in its words, a helpline number
    (HELPLINE_NUMBERS, or a helpline's own), where a short number such as 999 counts only
    right after "call", "text", "dial" and the like; or words telling the reader to contact
    emergency services, a crisis line or a helpline (HELP_INSTRUCTION_RE). `helplines`: (number,
    web address) pairs, such as the urgent-help callout's."""
    help_paths = {path.rstrip("/") for path in help_paths}
    sites = list(HELPLINE_SITES) + [urlsplit(url).hostname for _, url in helplines if url]
    sites = [site.lower().removeprefix("www.") for site in sites if site]
    for href in HREF_RE.findall(html or ""):
        href = href.strip()
        if href.lower().startswith("tel:"):
            if len(re.sub(r"\D", "", href)) >= 3:  # a number someone can call, not "tel:0"
                return True
            continue
        if href.lower().startswith("mailto:"):
            if _host_matches(href.rpartition("@")[2].split("?")[0], sites):
                return True
            continue
        url = urlsplit(href)
        # The help page: by its path, or by an absolute address in `help_paths` (the site's).
        if not url.scheme and not url.netloc and url.path.rstrip("/") in help_paths:
            return True
        if url.scheme in ("http", "https") and href.split("#")[0].rstrip("/") in help_paths:
            return True
        if url.scheme in ("http", "https") and _host_matches(url.hostname, sites):
            return True
    if HELP_INSTRUCTION_RE.search(text or ""):
        return True
    numbers = [*HELPLINE_NUMBERS, *(number for number, _ in helplines)]
    numbers = [number for number in numbers if len(re.sub(r"\D", "", number)) >= 3]
    return any(re.search(_number_re(number), text, re.IGNORECASE) for number in numbers)


def _rule_flags(item):
    mention_spans = [
        (match.start(), match.end())
        for match in SENTENCE_RE.finditer(item.text)
        if SELF_HARM_RE.search(match.group())
    ]
    for rule, regex in _RULE_RES:
        spans = [(0, len(item.text))] if rule.scope == ANYWHERE else mention_spans
        for start, end in spans:
            for match in regex.finditer(item.text, start, end):
                yield (
                    match.start(),
                    _flag(rule.point, rule.reason, item.where, item.text, *match.span()),
                )


def check(texts, *, help_paths=(HELP_PATH,), helplines=()):
    """The flags for a page made of `texts` (Text: every text readers see on it, its title and
    summary too), in order: the phrases of RULES, then, if any text mentions suicide or
    self-harm (SELF_HARM_TERMS) while none of the page's own Markdown (the Texts with `html`)
    gives a route to help (`routes_to_help`), one flag for that. Each flag is a prompt for a
    human, not a verdict."""
    # Hidden characters (soft hyphens, zero-width spaces: often pasted in) hide no phrase.
    texts = [replace(item, text=clean_typed(item.text)) for item in texts if item.text]
    flags = [
        flag for item in texts for _, flag in sorted(_rule_flags(item), key=lambda found: found[0])
    ]
    mention = next(
        ((item, match) for item in texts if (match := SELF_HARM_RE.search(item.text))), None
    )
    helped = any(
        routes_to_help(item.text, item.html, help_paths=help_paths, helplines=helplines)
        for item in texts
        if item.html is not None
    )
    if mention and not helped:
        item, match = mention
        flags.append(
            _flag(
                HELP,
                "Mentions suicide or self-harm, but the page's own text gives no route to help "
                "(the urgent-help callout on every page doesn't count). Link to the help page "
                f"(for example [where to get help now]({HELP_PATH})) or a helpline's site, or "
                "give a helpline's number (“call Samaritans on 116 123”).",
                item.where,
                item.text,
                *match.span(),
            )
        )
    return flags
