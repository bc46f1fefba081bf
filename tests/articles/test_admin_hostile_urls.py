"""No 500 from any other admin address: history, compare, revisions and recover, sign-off,
drafts, unpublish, previews, review links, the review queue, feedback export, password pages,
delete pages. Their addresses are read from each registered ModelAdmin's get_urls() and the
admin site's own, so one added later is covered too; the lists, add and change forms and
autocomplete are test_admin_hostile_input.py's. Each gets, as staff, the hostile values of that
file in its query string, its POST body and its path, and a body that isn't UTF-8. Runs on
PostgreSQL as well (DATABASE_URL)."""

import re
from html import unescape
from urllib.parse import parse_qsl, quote, urlencode

import pytest
import reversion
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, reverse
from reversion.models import Version

from articles.models import Article, PageFeedback, Status
from tests.articles.test_admin_hostile_input import FORM_VALUES, QUERY_VALUES, failures
from tests.support.admin_forms import form_data
from tests.support.signoff import edit, start_draft

pytestmark = pytest.mark.django_db

# Names a view may read that no link on its page shows (reversion-compare's, Django's).
QUERY_NAMES = {"version_id1", "version_id2", "_changelist_filters", "_popup", "_to_field", "q"}
NAMES_ON_PAGE = re.compile(
    r'href="[^"?]*\?([^"]*)"|<(?:input|select|textarea|button)\b[^>]*\sname="([^"]+)"'
)
NOT_UTF_8 = b"\xff\xfe=\xc3&token=%ff%fe&action=\xff"


def admin_patterns():
    """(URL name, pattern, ModelAdmin or None) for every named address of the admin but the
    lists, add and change forms and autocomplete (test_admin_hostile_input.py's) and sign-out
    (every later request needs the session)."""
    elsewhere = {"autocomplete", "logout", "login"}
    found = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}"
        elsewhere |= {f"{prefix}_{view}" for view in ("changelist", "add", "change")}
        found += [(p.name, p, model_admin) for p in model_admin.get_urls() if p.name]
    found += [(p.name, p, None) for p in admin.site.get_urls() if isinstance(p, URLPattern)]
    found = [f for f in found if f[0] and f[0] not in elsewhere]
    # Delete pages last: a POST there deletes, which is their job.
    return sorted(found, key=lambda f: (f[0].endswith("_delete"), f[0]))


@pytest.fixture
def staff(admin_user, content, publisher_client, live):
    # Something for every address to show: a draft of a live page with a review link, pages
    # with revisions, feedback. A superuser reaches every admin.
    draft = start_draft(publisher_client, live)
    edit(publisher_client, draft, title="Example draft title")  # two versions to compare
    publisher_client.post(
        reverse("admin:articles_article_review_link", args=[draft.pk]),
        {"reviewer_name": "Example Reviewer", "email": "", "role": "clinical", "days": 14},
    )
    PageFeedback.objects.create(article=live, helpful=False, comment="Example comment.")
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


def candidates(model_admin, request):
    """Values the path parameters take on this site, for each kind of object the admin's
    views treat differently: a draft of a live page, a page never published, a live page."""
    if model_admin is None:
        page = Article.objects.published().first()
        return [
            {
                "content_type_id": str(ContentType.objects.get_for_model(Article).pk),
                "object_id": str(page.pk),
                "app_label": "articles",
            }
        ]
    queryset = model_admin.get_queryset(request).order_by("pk")
    fields = {f.name for f in model_admin.model._meta.fields}
    objects = [queryset.first()]
    if "live_page" in fields:
        objects = [
            queryset.filter(live_page__isnull=False).first(),
            queryset.filter(live_page=None).exclude(status=Status.PUBLISHED).first(),
            queryset.filter(status=Status.PUBLISHED).first(),
        ]
    found = []
    for obj in filter(None, objects):
        versions = []
        if reversion.is_registered(model_admin.model):
            versions = [str(v.pk) for v in Version.objects.get_for_object(obj)[:2]]
        links = getattr(obj, "review_links", None)
        link = links.first() if links is not None else None
        found.append(
            {
                "object_id": str(obj.pk),
                "id": str(obj.pk),
                "link_id": str(link.pk) if link else "1",
                "digits": versions[0] if versions else "1",
                # reversion-compare's two versions, in the query string.
                "query": dict(zip(["version_id1", "version_id2"], versions[::-1], strict=False)),
            }
        )
    return found


def build(name, pattern, values):
    """The address of `name` with `values` in its parameters, or None if it takes others."""
    route = pattern.pattern
    try:
        if not getattr(route, "converters", None) and not route.regex.groups:
            return reverse(f"admin:{name}")
        if getattr(route, "converters", None):
            kwargs = {key: values.get(key, values["object_id"]) for key in route.converters}
            return reverse(f"admin:{name}", kwargs=kwargs)
        groups = route.regex.groups
        named = route.regex.groupindex
        if named:
            return reverse(f"admin:{name}", kwargs={key: values[key] for key in named})
        # reversion's ^recover/(\d+)/$ and ^([^/]+)/history/(\d+)/$
        args = [values["digits"]] if groups == 1 else [values["object_id"], values["digits"]]
        return reverse(f"admin:{name}", args=args[:groups])
    except (
        KeyError,
        ValueError,
        NoReverseMatch,
    ):  # a value the pattern doesn't take: no such address
        return None


def addresses(client):
    """(name, pattern, admin, values, address, real query) of every address, once each."""
    request = client.get(reverse("admin:index")).wsgi_request
    seen = set()
    for name, pattern, model_admin in admin_patterns():
        for values in candidates(model_admin, request) or [{}]:
            url = build(name, pattern, values)
            if url and url not in seen:
                seen.add(url)
                yield name, pattern, model_admin, values, url, values.get("query", {})


def names_on(response):
    names = set(QUERY_NAMES)
    for query, field in NAMES_ON_PAGE.findall(response.content.decode(errors="replace")):
        names |= {n for n, _ in parse_qsl(unescape(query), keep_blank_values=True)}
        if field:
            names.add(unescape(field))
    return sorted(n for n in names if n != "csrfmiddlewaretoken")


@pytest.mark.parametrize("kind", QUERY_VALUES)
def test_every_admin_address_with_hostile_query_values(staff, kind):
    value = QUERY_VALUES[kind]
    responses = []
    for *_, url, real in addresses(staff):
        page = staff.get(url, real)
        responses.append((f"GET {url} {real}", page))
        for query_name in names_on(page):
            # One name hostile at a time, the others real: the view gets past them.
            query = urlencode({k: v for k, v in real.items() if k != query_name})
            query += f"&{quote(query_name)}={value}"
            response = staff.get(url, QUERY_STRING=query)
            responses.append((f"GET {url}?{query_name}= {kind}", response))
    assert failures(responses) == []


@pytest.mark.parametrize("kind", FORM_VALUES)
def test_every_admin_address_with_hostile_post_values(staff, kind):
    value = FORM_VALUES[kind]
    responses = []
    for *_, url, real in addresses(staff):
        page = staff.get(url, real)
        data = {}
        if page.status_code == 200 and b'id="content-main"' in page.content:
            try:
                data = form_data(page)
            except AttributeError:  # a page without a form
                data = {}
        names = (set(data) | set(names_on(page))) - {"csrfmiddlewaretoken"}
        responses.append((f"POST {url} {kind}", staff.post(url, dict.fromkeys(names, value))))
        # One field hostile at a time, the others as the page has them: the view gets past
        # them (a sign-off with its real token, a review link with a real name).
        for name in sorted(set(data) - {"csrfmiddlewaretoken"}):
            response = staff.post(url, {**data, name: value})
            responses.append((f"POST {url} {name}= {kind}", response))
    assert failures(responses) == []


def test_every_admin_address_with_a_body_that_is_not_utf_8(staff):
    responses = []
    for *_, url, _real in addresses(staff):
        response = staff.generic(
            "POST", url, NOT_UTF_8, content_type="application/x-www-form-urlencoded"
        )
        responses.append((f"POST {url} not UTF-8", response))
    assert failures(responses) == []


@pytest.mark.parametrize(
    "kind", ["nul", "invalid utf-8", "too big a number", "over-long", "not a number"]
)
def test_every_admin_address_with_hostile_values_in_its_path(staff, kind):
    # As sent, percent-encoded: reverse() would encode "%" itself, so a marker goes in and the
    # raw value replaces it (a number parameter takes only the number).
    raw = {
        "nul": "example%00text",
        "invalid utf-8": "%ff%fe",
        "too big a number": "9" * 40,
        "over-long": "x" * 5000,
        "not a number": "example",
    }[kind]
    marker = "hostile-value"
    responses = []
    seen = set()
    for name, pattern, _admin, real, url, _query in addresses(staff):
        for key in [k for k in real if k != "query"]:
            # One parameter hostile at a time, the others real: the view gets past them.
            hostile = build(name, pattern, {**real, key: marker})
            hostile = (
                hostile.replace(marker, raw)
                if hostile
                else build(name, pattern, {**real, key: raw})
            )
            if hostile is None or hostile == url or hostile in seen:
                continue  # the address has no such parameter
            seen.add(hostile)
            responses.append((f"GET {hostile[:120]} {kind}", staff.get(hostile)))
            responses.append((f"POST {hostile[:120]} {kind}", staff.post(hostile, {})))
    assert failures(responses) == []
