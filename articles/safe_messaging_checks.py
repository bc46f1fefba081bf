"""The safe-messaging checks (articles.safe_messaging, pure rules) applied to this site: a page
as it will be published, or text typed in the editor, with the site's help page and the
urgent-help callout's helplines counting as routes to help."""

from django.conf import settings
from django.urls import reverse

from . import markdown, safe_messaging
from .models import UrgentHelp

# Plain-text fields readers see on a page, checked besides its Markdown (`markdown_fields`).
PLAIN_FIELDS = ("title", "name", "summary")


def help_paths():
    """The help page by its path, and by its full address on this site."""
    path = reverse("articles:help")
    return (path, *(f"{scheme}://{settings.SITE_DOMAIN}{path}" for scheme in ("https", "http")))


def helplines():
    """(number, web address) of the urgent-help callout's helplines: mentioned in a page's own
    text, they are a route to help. Emergency numbers count through safe_messaging's own list."""
    lines = UrgentHelp.for_pages()[1]  # (callout, helplines, ...), cached
    return [
        (getattr(line, name), line.url)
        for line in lines
        for name in ("phone", "text_number")
        if getattr(line, name, "")
    ] + [("", line.url) for line in lines if line.url]


def markdown_text(where, text):
    """A Markdown field as the checks read it: its words, and its HTML for links to help."""
    html = markdown.render(text)
    return safe_messaging.Text(where, markdown.plain_text(html), html)


def check_texts(texts):
    return safe_messaging.check(texts, help_paths=help_paths(), helplines=helplines())


def figure_texts(figures):
    """A page's figures as readers meet them: each one's alt text and caption. `figures`: Figure
    rows, or their values as dicts (a form's)."""
    texts = []
    for figure in figures:
        values = figure if isinstance(figure, dict) else vars(figure)
        number = values.get("number", "")
        for name, label in (("alt_text", "alt text"), ("caption", "caption")):
            if values.get(name):
                texts.append(safe_messaging.Text(f"Figure {number} {label}", values[name]))
    return texts


def page_flags(page, figures=None):
    """The flags for an article or treatment as it is in memory (saved or not): its title or
    name and summary, all of its Markdown (`Publishable.markdown_text()`'s fields), and its
    figures' alt text and captions (`figures`, else those saved). A draft is checked as the page
    it would publish."""
    meta = page._meta
    texts = [
        safe_messaging.Text(meta.get_field(name).verbose_name.capitalize(), getattr(page, name))
        for name in PLAIN_FIELDS
        if hasattr(page, name) and name not in page.markdown_fields
    ]
    texts += [
        markdown_text(meta.get_field(name).verbose_name.capitalize(), getattr(page, name))
        for name in page.markdown_fields
    ]
    if figures is None:
        figures = page.figures.all() if page.pk and hasattr(page, "figures") else ()
    return check_texts(texts + figure_texts(figures))
