"""Every admin door, for every role: who gets in, and that no door lets anyone but a publisher
change what readers see."""

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from reversion.models import Version

from articles.models import (
    Article,
    EditorialPolicy,
    PageFeedback,
    Person,
    ReviewLink,
    Series,
    Source,
    Status,
    Treatment,
)
from articles.sitemaps import SITEMAPS
from tests.support.admin_forms import form_data
from tests.support.factories import client_for, make_staff

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROLES = ["anonymous", "non-staff", "staff", "editor", "publisher", "superuser"]


@pytest.fixture
def site(seeded):
    """The seed, a draft page, a deleted page, a published source and person, and several
    versions of the live pages (made through drafts, as publishers do)."""
    publisher = make_staff("example-door-publisher", "Publishers")
    client = client_for(publisher)
    article = seeded
    treatment = Treatment.objects.pages().get(slug="ketamine")
    person = Person.objects.create(name="Example Door Reviewer", credentials="example")
    source = Source.objects.create(title="Example door source")
    Article.objects.filter(pk=article.pk).update(reviewer=person)
    article.source_links.create(reference=source, position=9)
    for page, field in ((article, "title"), (treatment, "name")):
        for n in (1, 2):
            client.post(reverse(f"admin:articles_{page._meta.model_name}_draft", args=[page.pk]))
            draft = type(page).objects.get(live_page=page)
            change = reverse(f"admin:articles_{page._meta.model_name}_change", args=[draft.pk])
            data = form_data(client.get(change))
            data.update({field: f"{getattr(page, field)} (v{n})", "status": Status.REVIEW})
            assert client.post(change, data).status_code == 302
            signoff = reverse(f"admin:articles_{page._meta.model_name}_signoff", args=[draft.pk])
            token = form_data(client.get(signoff))["token"]
            assert client.post(signoff, {"action": "publish", "token": token}).status_code == 302
    new_page = Article.objects.create(
        series=article.series, number=7, title="Example unpublished", slug="example-unpub",
        summary="x", body="x", status=Status.DRAFT,
    )  # fmt: skip
    with reversion.create_revision():
        gone = Article.objects.create(
            series=article.series, number=8, title="Example gone", slug="example-gone",
            summary="x", body="x", status=Status.PUBLISHED,
        )  # fmt: skip
    client.post(reverse("admin:articles_article_delete", args=[gone.pk]), {"post": "yes"})
    link, _ = ReviewLink.create(new_page, reviewer_name="Example Door Reviewer")
    EditorialPolicy.objects.create(text="Example door policy.", published=True)
    PageFeedback.objects.create(article=article, helpful=False, comment="Example door feedback")
    return {
        "link": link,
        "feedback": PageFeedback.objects.get(),
        "article": Article.objects.get(pk=article.pk),
        "treatment": Treatment.objects.get(pk=treatment.pk),
        "series": article.series,
        "person": person,
        "source": source,
        "new_page": new_page,
        "deleted": Version.objects.get_deleted(Article).get(object_id=str(gone.pk)),
        "version": Version.objects.get_for_object(article).last(),
    }


def client_as(role):
    if role == "anonymous":
        return Client()
    User = get_user_model()
    if role == "superuser":
        return client_for(User.objects.create_superuser("example-super", password="x"))
    if role in ("editor", "publisher"):
        return client_for(make_staff(f"example-{role}", role.title() + "s"))
    return client_for(User.objects.create_user(f"example-{role}", is_staff=role == "staff"))


def reader_view():
    """The text of every public page, as an anonymous reader gets it, caches cleared."""
    paths = ["/", "/treatments/", "/feed/", "/feed/atom/", "/sitemap.xml", "/search/?q=ketamine"]
    paths += [f"/sitemap-{name}.xml" for name in SITEMAPS]
    for model in (Article, Treatment):
        paths += [page.get_absolute_url() for page in model.objects.published()]
    paths += [series.get_absolute_url() for series in Series.objects.all()]
    paths += [person.get_absolute_url() for person in Person.objects.published()]
    paths += ["/privacy/", EditorialPolicy().get_absolute_url()]
    for alias in ("default", "pages"):
        caches[alias].clear()
    return {path: Client().get(path).content for path in sorted(set(paths))}


def admin(name, *args):
    return reverse(f"admin:{name}", args=args)


# (door, method, url builder, who gets in). "in" roles answer 200 or 302 to somewhere other
# than the sign-in page; everyone else is sent to sign in (not staff) or refused (403).
DOORS = {
    "article list": ("GET", lambda s: admin("articles_article_changelist"), "editor"),
    "series list": ("GET", lambda s: admin("articles_series_changelist"), "editor"),
    "person list": ("GET", lambda s: admin("articles_person_changelist"), "editor"),
    "source list": ("GET", lambda s: admin("articles_source_changelist"), "editor"),
    "add article": ("GET", lambda s: admin("articles_article_add"), "editor"),
    "live article": ("GET", lambda s: admin("articles_article_change", s["article"].pk), "editor"),
    "live article save": (
        "POST", lambda s: admin("articles_article_change", s["article"].pk), "nobody"
    ),
    "delete article": ("POST", lambda s: admin("articles_article_delete", s["article"].pk),
                       "publisher"),
    "start draft": ("POST", lambda s: admin("articles_article_draft", s["article"].pk), "editor"),
    "unpublish": ("POST", lambda s: admin("articles_article_unpublish", s["article"].pk),
                  "publisher"),
    "sign-off page": ("GET", lambda s: admin("articles_article_signoff", s["new_page"].pk),
                      "editor"),
    "sign off": ("POST", lambda s: admin("articles_article_signoff", s["new_page"].pk),
                 "publisher"),
    "history": ("GET", lambda s: admin("articles_article_history", s["article"].pk), "editor"),
    "revision": ("POST", lambda s: admin("articles_article_revision", s["article"].pk,
                                         s["version"].pk), "editor"),
    "recover list": ("GET", lambda s: admin("articles_article_recoverlist"), "editor"),
    "recover": ("POST", lambda s: admin("articles_article_recover", s["deleted"].pk), "editor"),
    "review queue": ("GET", lambda s: admin("articles_review_queue"), "editor"),
    "preview": ("GET", lambda s: admin("articles_article_preview", s["new_page"].pk), "editor"),
    "urgent help save": ("POST", lambda s: admin("articles_urgenthelp_change", 1), "publisher"),
    "editorial policy save": ("POST", lambda s: admin("articles_editorialpolicy_change", 1),
                              "publisher"),
    "review link form": ("GET", lambda s: admin("articles_article_review_link", s["new_page"].pk),
                         "editor"),
    "make review link": ("POST", lambda s: admin("articles_article_review_link",
                                                 s["new_page"].pk), "editor"),
    "revoke review link": ("POST", lambda s: admin("articles_article_revoke_review_link",
                                                   s["new_page"].pk, s["link"].pk), "editor"),
    "review link list": ("GET", lambda s: admin("articles_reviewlink_changelist"), "editor"),
    "feedback list": ("GET", lambda s: admin("articles_pagefeedback_changelist"), "editor"),
    "feedback save": ("POST", lambda s: admin("articles_pagefeedback_change", s["feedback"].pk),
                      "editor"),
    "shown series save": ("POST", lambda s: admin("articles_series_change", s["series"].pk),
                          "publisher"),
    "shown person save": ("POST", lambda s: admin("articles_person_change", s["person"].pk),
                          "publisher"),
    "shown source save": ("POST", lambda s: admin("articles_source_change", s["source"].pk),
                          "publisher"),
    # The editor's own endpoints refuse (403) rather than send to the sign-in page.
    "markdown preview": ("POST", lambda s: reverse("markdownx_markdownify"), "staff only"),
    "autocomplete": (
        "GET",
        lambda s: reverse("admin:autocomplete")
        + "?app_label=articles&model_name=articletreatment&field_name=treatment&term=ket",
        "editor",
    ),
}  # fmt: skip
RANK = {"nobody": 99, "staff only": 2, "editor": 3, "publisher": 4}


def expected(role, who):
    rank = {"anonymous": 0, "non-staff": 1, "staff": 2, "editor": 3, "publisher": 4}
    if role == "superuser":
        return "in" if who != "nobody" else "refused"
    if rank[role] < 2:
        return "refused" if who == "staff only" else "sign in"
    return "in" if rank[role] >= RANK[who] else "refused"


def form_for(url, superuser_client):
    """The form on the page at url as a superuser sees it, to submit as another role."""
    response = superuser_client.get(url)
    if response.status_code != 200 or b"<form" not in response.content:
        return {}
    try:
        return form_data(response)
    except AttributeError:  # no change form on this page
        return {}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(site, role):
    client = client_as(role)
    superuser = client_as("superuser") if role != "superuser" else client
    outcomes, wanted = {}, {}
    for door, (method, build, who) in DOORS.items():
        url = build(site)
        # Each door from the same start: what one door did is undone before the next.
        with transaction.atomic():
            data = {}
            if method == "POST":
                data = form_for(url, superuser)
                data.setdefault("content", "Example text")  # the Markdown preview
                data.setdefault("post", "yes")  # delete confirmation
                data.setdefault("action", "publish")
            response = client.post(url, data) if method == "POST" else client.get(url)
            transaction.set_rollback(True)
        location = response.get("Location", "")
        if "/admin/login/" in location:
            outcomes[door] = "sign in"
        elif response.status_code == 403 or (response.status_code == 302 and location == "/admin/"):
            outcomes[door] = "refused"
        elif response.status_code in (200, 302):
            outcomes[door] = "in"
        else:
            outcomes[door] = f"status {response.status_code}"
        wanted[door] = expected(role, who)
    assert outcomes == wanted


def test_no_door_lets_an_editor_change_what_readers_see(site):
    """Every door, on every object and version, with the forms as a publisher would submit
    them (so only permissions stand in the way): readers' pages stay byte for byte the same."""
    before = reader_view()
    editor = client_as("editor")
    publisher = client_as("publisher")
    objects = [
        *Article.objects.all(),
        *Treatment.objects.all(),
        *Series.objects.all(),
        *Person.objects.all(),
        *Source.objects.all(),
    ]
    tried = 0
    for obj in objects:
        name = obj._meta.model_name
        for view in ("change", "delete", "draft", "unpublish", "signoff"):
            try:
                url = admin(f"articles_{name}_{view}", obj.pk)
            except NoReverseMatch:  # this model has no such view
                continue
            data = form_for(url, publisher)
            for field in ("title", "name", "credentials", "body", "summary", "description"):
                if field in data:
                    data[field] = "Example tampered text"
            data |= {"post": "yes", "action": "publish", "status": Status.PUBLISHED}
            editor.post(url, data)
            tried += 1
    for version in Version.objects.all():
        model = version.content_type.model
        for admin_name in ("article", "treatment", "series"):
            for url in (
                admin(f"articles_{admin_name}_recover", version.pk),
                admin(f"articles_{admin_name}_revision", version.object_id, version.pk),
            ):
                editor.get(url)
                editor.post(url, {})
                tried += 1
        assert model
    for single in ("urgenthelp", "editorialpolicy"):
        url = admin(f"articles_{single}_change", 1)
        data = form_for(url, publisher)
        data["text"] = "Example tampered text"
        editor.post(url, data)
    changelist = admin("articles_treatment_changelist")
    treatment = Treatment.objects.pages().get(slug="ketamine")
    editor.post(
        changelist,
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": str(treatment.pk),
         "form-0-ordering": "99", "_save": "Save"},
    )  # fmt: skip

    assert tried > 50
    assert reader_view() == before
