"""The safe-messaging checks (articles.safe_messaging, pure rules) applied to this site: a page
as it will be published, or text typed in the editor, with the site's help page and the
urgent-help callout's helplines counting as routes to help."""

from django.urls import reverse

from . import markdown, safe_messaging
from .models import UrgentHelp

# Plain-text fields readers see on a page, checked besides its Markdown (`markdown_fields`).
PLAIN_FIELDS = ("title", "name", "summary")


def help_paths():
    return (reverse("articles:help"),)


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


def page_flags(page):
    """The flags for an article or treatment as it is in memory (saved or not): its title or
    name and summary, and all of its Markdown (`Publishable.markdown_text()`'s fields). A draft
    is checked as the page it would publish."""
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
    return check_texts(texts)
