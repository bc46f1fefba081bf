"""The history views are no side door: they accept only versions of their own model and object,
and load that one page's version into a draft, never into what readers see."""

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Status, Treatment
from tests.support.admin_forms import form_data, save_via_admin
from tests.support.factories import make_article, make_series, make_treatment

pytestmark = pytest.mark.django_db


def versioned(obj, **changes):
    """Save obj with changes as a new revision; returns that version."""
    for name, value in changes.items():
        setattr(obj, name, value)
    with reversion.create_revision():
        obj.save()
    return Version.objects.get_for_object(obj).first()


@pytest.fixture
def unpublished_treatment(db):
    """A treatment that was published, then taken down by a Publisher."""
    treatment = make_treatment("example-ketamine", status=Status.PUBLISHED)
    published = versioned(treatment)
    versioned(treatment, status=Status.UNPUBLISHED)
    return treatment, published


def is_public(client, obj):
    return client.get(obj.get_absolute_url()).status_code == 200


def test_recover_through_another_models_admin_is_refused(editor_client, unpublished_treatment):
    treatment, published = unpublished_treatment
    url = reverse("admin:articles_series_recover", args=[published.pk])

    response = editor_client.post(url, {})

    assert response.status_code == 403
    treatment.refresh_from_db()
    assert treatment.status == Status.UNPUBLISHED
    assert not is_public(editor_client.__class__(), treatment)


def test_a_publisher_cannot_cross_models_either(publisher_client, unpublished_treatment):
    treatment, published = unpublished_treatment
    make_series()
    for url in (
        reverse("admin:articles_series_recover", args=[published.pk]),
        reverse("admin:articles_article_recover", args=[published.pk]),
        reverse("admin:articles_series_revision", args=[treatment.pk, published.pk]),
    ):
        assert publisher_client.post(url, {}).status_code == 403, url
        assert publisher_client.get(url).status_code == 403, url
    treatment.refresh_from_db()
    assert treatment.status == Status.UNPUBLISHED


def test_recover_refuses_a_page_that_is_not_deleted(publisher_client, unpublished_treatment):
    treatment, published = unpublished_treatment
    url = reverse("admin:articles_treatment_recover", args=[published.pk])
    assert publisher_client.post(url, {}).status_code == 403
    treatment.refresh_from_db()
    assert treatment.status == Status.UNPUBLISHED


def test_revision_of_another_object_of_the_same_model_is_refused(publisher_client):
    other = make_treatment("example-other")
    other_version = versioned(other, summary="Example other summary.")
    treatment = make_treatment("example-mine")
    versioned(treatment)
    url = reverse("admin:articles_treatment_revision", args=[treatment.pk, other_version.pk])

    assert publisher_client.get(url).status_code in (403, 404)
    assert publisher_client.post(url, {}).status_code in (403, 404)
    treatment.refresh_from_db()
    assert treatment.summary == "Example summary of example-mine."


def test_a_version_of_a_published_page_loads_into_its_draft_not_the_live_page(
    editor_client, client, series
):
    article = make_article(series, title="Example first title")
    first = versioned(article)
    versioned(article, title="Example live title")
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])

    response = editor_client.post(url)

    draft = article.drafts.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[draft.pk])
    assert draft.title == "Example first title"
    assert draft.status == Status.DRAFT
    article.refresh_from_db()
    assert article.title == "Example live title"
    assert b"Example live title" in client.get(article.get_absolute_url()).content


def test_a_version_of_a_page_never_published_loads_into_it_and_stays_private(
    editor_client, client, series
):
    draft = make_article(series, status=Status.DRAFT, title="Example first title")
    # A version in which it was published (since unpublished) must not publish it again.
    first = versioned(draft, status=Status.PUBLISHED)
    versioned(draft, status=Status.UNPUBLISHED, title="Example second title")
    url = reverse("admin:articles_article_revision", args=[draft.pk, first.pk])

    assert editor_client.post(url).status_code == 302

    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("Example first title", Status.UNPUBLISHED)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_deleted_page_comes_back_as_a_draft(editor_client, client, series):
    article = make_article(series, status=Status.PUBLISHED, title="Example deleted")
    version = versioned(article)
    article.delete()
    url = reverse("admin:articles_article_recover", args=[version.pk])

    assert editor_client.post(url).status_code == 302

    recovered = Article.objects.get()
    assert (recovered.pk, recovered.title) == (
        version.object_id and int(version.object_id),
        "Example deleted",
    )
    assert recovered.status == Status.DRAFT
    assert client.get(recovered.get_absolute_url()).status_code == 404


def test_reverting_one_page_leaves_the_others_in_its_revision_alone(publisher_client, series):
    # One revision holding two pages, as the seed and imports make.
    first = make_article(series, 1, title="Example first, old", status=Status.DRAFT)
    second = make_article(series, 2, title="Example second, old", status=Status.DRAFT)
    with reversion.create_revision():
        first.save()
        second.save()
    shared = Version.objects.get_for_object(first).first()
    versioned(first, title="Example first, new")
    versioned(second, title="Example second, new")
    url = reverse("admin:articles_article_revision", args=[first.pk, shared.pk])

    response = publisher_client.post(url)

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title == "Example first, old"
    assert second.title == "Example second, new"


def test_reverting_restores_the_pages_own_inline_rows(publisher_client, series):
    from tests.support.factories import add_treatments

    article = make_article(series, status=Status.DRAFT)
    treatment = make_treatment("example-listed")
    add_treatments(article, [treatment])
    save_via_admin(publisher_client, article, title="Example with the list")
    with_list = Version.objects.get_for_object(article).first()
    article.treatment_links.all().delete()
    save_via_admin(publisher_client, article, title="Example without the list")
    url = reverse("admin:articles_article_revision", args=[article.pk, with_list.pk])

    response = publisher_client.post(url, form_data(publisher_client.get(url)))

    assert response.status_code == 302
    assert list(article.treatment_links.values_list("treatment__slug", flat=True)) == [
        "example-listed"
    ]
    assert Treatment.objects.get().name == treatment.name


@pytest.fixture
def compared(series):
    """(compare URL of a page, its two versions, a version of another page)."""
    mine = make_article(series, 1, status=Status.DRAFT)
    theirs = make_article(series, 2, status=Status.DRAFT)
    own = [versioned(mine, title=f"Example {n}") for n in range(2)]
    foreign = versioned(theirs, title="Example theirs")
    return reverse("admin:articles_article_compare", args=[mine.pk]), own, foreign


def test_compare_accepts_only_versions_of_its_own_page(editor_client, compared):
    url, own, foreign = compared
    ok = editor_client.get(url, {"version_id1": own[0].pk, "version_id2": own[1].pk})
    refused = editor_client.get(url, {"version_id1": own[0].pk, "version_id2": foreign.pk})

    assert ok.status_code == 200
    assert refused.status_code == 403


def test_compare_refuses_staff_without_view_rights_and_odd_ids(editor_client, compared):
    from django.contrib.auth import get_user_model

    from tests.support.factories import client_for

    url, own, foreign = compared
    staff = client_for(get_user_model().objects.create_user("example-staff", is_staff=True))

    assert staff.get(url, {"version_id1": own[0].pk, "version_id2": own[1].pk}).status_code == 403
    for odd in (f"+{foreign.pk}", f" {foreign.pk}", f"{foreign.pk}.0"):
        response = editor_client.get(url, {"version_id1": own[0].pk, "version_id2": odd})
        assert response.status_code in (403, 404), odd
