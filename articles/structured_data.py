"""schema.org JSON-LD for search engines: what a page is, who reviewed it, where it sits."""

import json

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# What every page of the series is about.
CONDITION = {
    "@type": "MedicalCondition",
    "name": "Treatment-resistant depression",
    "alternateName": "TRD",
}
AUDIENCE = {"@type": "MedicalAudience", "audienceType": "Patient"}
# As django.utils.html.json_script: nothing in the data can close the <script> element.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def publisher(site_url):
    """Who publishes every page: the site, as an Organization named SITE_NAME."""
    return {"@type": "Organization", "name": settings.SITE_NAME, "url": site_url + "/"}


def person(person, site_url, linked=True):
    """A Person, with the address of their page when `linked` (a public page credits them, so
    they have one)."""
    if person is None:
        return None
    data = {"@type": "Person", "name": person.name}
    if linked and person.slug:
        data["url"] = site_url + person.get_absolute_url()
    if job := person.role or person.credentials:
        data["jobTitle"] = job
    return data


def breadcrumbs(site_url, trail):
    """trail: [(name, path)] from the home page down to this page."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": site_url + path}
            for position, (name, path) in enumerate(trail, 1)
        ],
    }


def citations(references):
    return [
        {"@type": "CreativeWork", "name": ref.title, **({"url": ref.link} if ref.link else {})}
        for ref in references
    ]


def review_fields(page, site_url):
    data = {}
    if page.last_reviewed:
        data["lastReviewed"] = page.last_reviewed.isoformat()
    if page.reviewer_id and page.last_reviewed:
        data["reviewedBy"] = person(page.reviewer, site_url, linked=page.is_public)
    if page.author_id:
        data["author"] = person(page.author, site_url, linked=page.is_public)
    return data


def article(page, site_url, references):
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page.title,
        "headline": page.title,
        "description": page.summary,
        "url": site_url + page.get_absolute_url(),
        "inLanguage": "en-GB",
        "about": CONDITION,
        "medicalAudience": AUDIENCE,
        "isPartOf": {"@type": "CreativeWorkSeries", "name": page.series.title},
        "publisher": publisher(site_url),
        "position": page.number,
        **({"datePublished": page.publish_at.isoformat()} if page.publish_at else {}),
        "dateModified": page.updated.isoformat() if page.updated else None,
        **review_fields(page, site_url),
        **({"citation": citations(references)} if references else {}),
    }


def treatment(page, site_url, references, description):
    return {
        "@context": "https://schema.org",
        "@type": "MedicalTherapy",
        "name": page.name,
        "description": description,
        "url": site_url + page.get_absolute_url(),
        "relevantSpecialty": "Psychiatric",
        "mainEntityOfPage": {
            "@type": "MedicalWebPage",
            "url": site_url + page.get_absolute_url(),
            "about": CONDITION,
            "medicalAudience": AUDIENCE,
            "publisher": publisher(site_url),
            **review_fields(page, site_url),
            **({"citation": citations(references)} if references else {}),
        },
    }


def help_page(site_url, path, description):
    """The Get help now page: a plain WebPage (its helplines are not medical content)."""
    return {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": "Get help now",
        "description": description,
        "url": site_url + path,
        "inLanguage": "en-GB",
        "publisher": publisher(site_url),
    }


def glossary(site_url, path, terms):
    """The glossary page: a DefinedTermSet of its terms, each given as (name, other names,
    definition as plain text, path of its entry)."""
    url = site_url + path
    return {
        "@context": "https://schema.org",
        "@type": "DefinedTermSet",
        "name": "Glossary",
        "url": url,
        "inLanguage": "en-GB",
        "publisher": publisher(site_url),
        "hasDefinedTerm": [
            {
                "@type": "DefinedTerm",
                "name": name,
                **({"alternateName": list(others)} if others else {}),
                "description": description,
                "url": site_url + entry_path,
                "inDefinedTermSet": url,
            }
            for name, others, description, entry_path in terms
        ],
    }


def script(*items):
    """The items as <script type="application/ld+json"> elements."""
    return mark_safe(  # noqa: S308 - format_html escapes nothing here; JSON_ESCAPES does
        "".join(
            format_html(
                '<script type="application/ld+json">{}</script>',
                mark_safe(json.dumps(item, ensure_ascii=False).translate(JSON_ESCAPES)),  # noqa: S308
            )
            for item in items
        )
    )
