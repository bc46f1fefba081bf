"""No request a signed-in staff member can send gets a 500 from the admin: NUL characters,
invalid UTF-8, over-long values and missing files, in every registered ModelAdmin's list
(search, every filter its page links to), add and change forms, autocomplete, and the editor's
endpoints. The admins are enumerated, so one registered later is covered too. Runs on
PostgreSQL as well (DATABASE_URL), where NUL and over-long values once gave DataErrors."""

import re
from html import unescape
from urllib.parse import parse_qsl, quote

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.support.admin_forms import form_data, form_errors

pytestmark = pytest.mark.django_db

# Raw query-string values: a NUL, bytes that aren't UTF-8, far too long, too big a number.
QUERY_VALUES = {
    "nul": "%00",
    "nul inside": "example%00text",
    "invalid utf-8": "%ff%fe%c3",
    "over-long": "x" * 5000,
    "too big a number": "9" * 40,
}
# Form values, as text.
FORM_VALUES = {
    "nul": "Example\x00text",
    "over-long": "x" * 100_001,
    "too big a number": "9" * 40,
    "invalid utf-8 (decoded)": b"\xff\xfe".decode("utf-8", "replace"),
}
LINK = re.compile(r'href="\?([^"]*)"')


def registered():
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def url_name(model, view):
    return f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"


@pytest.fixture
def staff(admin_user, content):
    # Every model with rows to list, filter and change; a superuser reaches every admin.
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


def failures(responses):
    return [
        f"{what}: {response.status_code}"
        for what, response in responses
        if response.status_code >= 500
    ]


def get_raw(client, path, query):
    return client.get(path, QUERY_STRING=query)


@pytest.mark.parametrize("kind", QUERY_VALUES)
def test_every_changelist_search_and_filter(staff, kind):
    responses = []
    for model, _ in registered():
        try:
            url = reverse(url_name(model, "changelist"))
        except NoReverseMatch:
            continue
        page = staff.get(url)
        if page.status_code != 200:
            continue
        # Every parameter the list's own links use (filters, date hierarchy, sorting), and
        # its search box.
        names = {"q", "p", "o", "_to_field", "e"}
        for query in LINK.findall(page.content.decode()):
            names |= {name for name, _ in parse_qsl(unescape(query), keep_blank_values=True)}
        for name in sorted(names):
            for value in [QUERY_VALUES[kind]]:
                response = get_raw(staff, url, f"{quote(name)}={value}")
                responses.append((f"{url}?{name}= {kind}", response))
    assert failures(responses) == []


def test_every_autocomplete(staff):
    responses = []
    for model, model_admin in registered():
        for field in model_admin.autocomplete_fields:
            for kind, value in QUERY_VALUES.items():
                query = (
                    f"app_label={model._meta.app_label}&model_name={model._meta.model_name}"
                    f"&field_name={field}&term={value}"
                )
                response = get_raw(staff, reverse("admin:autocomplete"), query)
                responses.append((f"{model._meta.label}.{field} {kind}", response))
    assert failures(responses) == []


def hostile_forms(client, url):
    """The form at `url` as a browser would send it, with every text value replaced by each
    hostile value in turn."""
    page = client.get(url)
    if page.status_code != 200 or b'id="content-main"' not in page.content:
        return
    data = form_data(page)
    texts = [
        name
        for name, value in data.items()
        if not name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"))
        and name not in ("csrfmiddlewaretoken",)
    ]
    for kind, value in FORM_VALUES.items():
        yield kind, {**data, **dict.fromkeys(texts, value)}


@pytest.mark.parametrize("kind", FORM_VALUES)
def test_every_add_and_change_form(staff, kind):
    responses = []
    refused = []
    for model, model_admin in registered():
        urls = []
        try:
            urls.append(reverse(url_name(model, "add")))
            obj = model_admin.get_queryset(staff.get("/").wsgi_request).first()
            if obj is not None:
                urls.append(reverse(url_name(model, "change"), args=[obj.pk]))
        except NoReverseMatch:
            pass
        for url in urls:
            for form_kind, data in hostile_forms(staff, url):
                if form_kind == kind:
                    response = staff.post(url, data)
                    responses.append((f"POST {url} {kind}", response))
                    # Refused with a message on the form, never saved or dropped quietly (403: a
                    # read-only page; a form of read-only fields has nothing to send).
                    sent = any("\x00" in v for v in data.values())
                    if kind == "nul" and sent and response.status_code != 403:
                        refused.append((url, response.status_code, bool(form_errors(response))))
            # The same form's page asked with hostile query values (_changelist_filters,
            # _popup, _to_field and the like).
            if value := QUERY_VALUES.get(kind):
                query = f"_changelist_filters={value}&_to_field={value}&_popup={value}"
                responses.append((f"GET {url} {kind}", get_raw(staff, url, query)))
    assert failures(responses) == []
    assert [r for r in refused if r[1:] != (200, True)] == []


@pytest.mark.parametrize("year", ["9" * 40, "99999", "not a year"])
def test_a_date_hierarchy_year_no_date_can_hold_lists_without_the_filter(staff, year):
    # What Django does for every lookup it can't use (IncorrectLookupParameters): back to the
    # whole list, marked ?e=1, rather than a 500 for some numbers and a redirect for others.
    dated = [model for model, model_admin in registered() if model_admin.date_hierarchy]
    assert dated, "no admin list has a date hierarchy any more: this test checks nothing"
    for model in dated:
        url = reverse(url_name(model, "changelist"))
        field = admin.site.get_model_admin(model).date_hierarchy
        response = staff.get(url, {f"{field}__year": year})
        assert (response.status_code, response.get("Location")) == (302, f"{url}?e=1"), model
        assert staff.get(f"{url}?e=1").status_code == 200


# A choice an editor can't have picked (a person or treatment searched for), as a crafted
# request sends it, and the message the form answers with.
HOSTILE_CHOICES = {
    "nul": ("Example\x00text", "Null characters are not allowed."),
    "text": ("example", "Select a valid choice."),
    "too big a number": ("9" * 40, "Select a valid choice."),
    "not there": ("987654", "Select a valid choice."),
}


@pytest.mark.parametrize("kind", HOSTILE_CHOICES)
def test_a_hostile_choice_is_refused_with_a_message_keeping_what_was_typed(staff, kind):
    value, message = HOSTILE_CHOICES[kind]
    url = reverse("admin:articles_person_add")
    data = {**form_data(staff.get(url)), "name": "Example Person Name", "user": value}
    response = staff.post(url, data)
    assert response.status_code == 200
    assert message in " ".join(form_errors(response))
    assert 'value="Example Person Name"' in response.content.decode()


@pytest.mark.parametrize("value", ["example", "Example\x00text", "9" * 40, "-1"])
def test_a_hostile_inline_row_id_is_refused_not_failed(staff, value):
    # A row's hidden id says which existing row it edits: text, or a row that isn't there,
    # can only come from a crafted request; the form says so and keeps the rest.
    from articles.models import UrgentHelp

    url = reverse("admin:articles_urgenthelp_change", args=[UrgentHelp.objects.get().pk])
    data = form_data(staff.get(url))
    ids = [name for name, v in data.items() if name.endswith("-0-id") and v]
    assert ids, "the urgent-help form has no saved inline rows: this test checks nothing"
    for name in ids:
        response = staff.post(url, {**data, name: value})
        assert response.status_code == 200, name
        assert form_errors(response), name


@pytest.mark.parametrize("ajax", [True, False], ids=["ajax", "plain form post"])
@pytest.mark.parametrize(
    "files",
    [
        lambda: {},
        lambda: {"image": SimpleUploadedFile("x.png", b"not an image")},
        lambda: {"image": SimpleUploadedFile("x.png", b"")},
        lambda: {"image": "not a file"},
    ],
    ids=["no file", "not an image", "empty file", "text, not a file"],
)
def test_the_editor_upload_refuses_bad_and_missing_files_with_a_400(staff, ajax, files):
    headers = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if ajax else {}
    response = staff.post(reverse("markdownx_upload"), files(), **headers)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("kind", FORM_VALUES)
def test_the_editor_preview_never_fails(staff, kind):
    response = staff.post(reverse("markdownx_markdownify"), {"content": FORM_VALUES[kind]})
    assert response.status_code < 500


@pytest.mark.parametrize("kind", FORM_VALUES)
def test_signing_in_with_hostile_values_never_fails(kind, db):
    client = Client(raise_request_exception=False)
    value = FORM_VALUES[kind]
    response = client.post(reverse("admin:login"), {"username": value, "password": value})
    assert response.status_code < 500


@pytest.mark.parametrize("length", [150, 151, 255, 256, 5000])
def test_signing_in_with_an_over_long_username_is_refused_not_failed(length, db):
    client = Client(raise_request_exception=False)
    response = client.post(
        reverse("admin:login"), {"username": "x" * length, "password": "example-password"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
