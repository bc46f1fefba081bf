import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from articles.models import Article, Status, Treatment
from tests.support.admin_forms import form_data, form_errors
from tests.support.factories import add_treatments, make_article, make_figure, make_treatment

pytestmark = pytest.mark.django_db


def add_article_data(client, series, treatments=(), **overrides):
    data = form_data(client.get(reverse("admin:articles_article_add")))
    data.update(
        series=str(series.pk),
        number="2",
        title="Example new article",
        slug="example-new-article",
        summary="An example summary.",
        body="## Example\n\nText.\n\n[[treatments]]",
        status=Status.DRAFT,
    )
    data["treatment_links-TOTAL_FORMS"] = str(len(treatments))
    for index, (position, treatment) in enumerate(treatments):
        data[f"treatment_links-{index}-position"] = str(position)
        data[f"treatment_links-{index}-treatment"] = str(treatment.pk)
    data.update(overrides)
    return data


def test_editors_group_can_edit_content_and_nothing_else():
    group = Group.objects.get(name="Editors")
    codenames = set(group.permissions.values_list("codename", flat=True))
    for model in ("series", "article", "treatment", "articletreatment", "figure", "source"):
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= codenames
    assert not group.permissions.exclude(content_type__app_label="articles").exists()
    assert not {"delete_article", "publish_article", "publish_treatment"} & codenames
    assert Permission.objects.filter(codename="change_user").exists()


def test_publishers_can_also_publish_and_delete_pages():
    codenames = set(
        Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    )
    assert {"publish_article", "publish_treatment", "delete_article", "delete_treatment"} <= (
        codenames
    )
    assert "change_user" not in codenames


def test_editor_creates_an_article_with_ordered_treatments(editor_client, series):
    first, second = make_treatment("first", name="First"), make_treatment("second", name="Second")
    data = add_article_data(editor_client, series, treatments=[(2, first), (1, second)])

    response = editor_client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 302, form_errors(response)
    article = Article.objects.get(slug="example-new-article")
    assert article.status == Status.DRAFT
    assert '<h2 id="example">Example</h2>' in article.body_html
    names = [link.treatment.name for link in article.treatment_links.all()]
    assert names == ["Second", "First"]


def test_editor_edits_and_submits_an_article_for_review(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(url))
    data.update(title="Example edited title", body="Edited *body*.", status=Status.REVIEW)

    response = editor_client.post(url, data)

    assert response.status_code == 302, form_errors(response)
    article.refresh_from_db()
    assert article.title == "Example edited title"
    assert article.body_html == "<p>Edited <em>body</em>.</p>"
    assert article.status == Status.REVIEW and not article.is_public


def test_editor_creates_and_edits_a_treatment(editor_client):
    add_url = reverse("admin:articles_treatment_add")
    data = form_data(editor_client.get(add_url))
    data.update(
        name="Example Therapy",
        slug="example-therapy",
        category="psychotherapy",
        summary="An *example* summary.",
        status=Status.REVIEW,
    )
    assert editor_client.post(add_url, data).status_code == 302
    treatment = Treatment.objects.get(slug="example-therapy")
    assert treatment.summary_html == "<p>An <em>example</em> summary.</p>"

    change_url = reverse("admin:articles_treatment_change", args=[treatment.pk])
    data = form_data(editor_client.get(change_url))
    data["summary"] = "Changed summary."
    assert editor_client.post(change_url, data).status_code == 302
    treatment.refresh_from_db()
    assert treatment.summary_html == "<p>Changed summary.</p>"


def test_editor_cannot_manage_users_or_groups(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "Users" not in index and "Treatments" in index


def test_editor_cannot_delete_articles(editor_client, article):
    url = reverse("admin:articles_article_delete", args=[article.pk])
    assert editor_client.get(url).status_code == 403


def test_changelists_search_and_filters_answer(editor_client, article):
    make_treatment("example-treatment")
    for name in ("article", "treatment", "series"):
        url = reverse(f"admin:articles_{name}_changelist")
        assert editor_client.get(url).status_code == 200
        assert editor_client.get(url, {"q": "example"}).status_code == 200
    response = editor_client.get(
        reverse("admin:articles_article_changelist"), {"status__exact": "published"}
    )
    assert article.title in response.content.decode()


def test_change_form_has_markdown_editor_prefill_autocomplete_and_view_on_site(
    editor_client, series
):
    article = make_article(series, status=Status.DRAFT)
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    html = html.decode()
    assert "markdownx-editor" in html
    assert 'data-markdownx-urls-path="/admin/markdownx/markdownify/"' in html
    assert "prepopulated_fields" in html or "data-prepopulated-fields" in html
    assert "admin-autocomplete" in html
    assert "viewsitelink" in html


def test_body_marker_without_its_figure_is_refused_and_text_kept(editor_client, series):
    data = add_article_data(editor_client, series, body="Text\n\n[[figure 4]]")
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "there is no figure with that number" in response.content.decode()
    assert "[[figure 4]]" in response.content.decode()
    assert not Article.objects.filter(slug="example-new-article").exists()


def test_treatments_marker_twice_is_refused(editor_client, series):
    data = add_article_data(editor_client, series, body="[[treatments]]\n\nx\n\n[[treatments]]")
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "appears more than once" in response.content.decode()


def test_duplicate_number_in_series_gives_a_clear_message(editor_client, series, article):
    data = add_article_data(editor_client, series, number="1")
    response = editor_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "Another article in this series has this number." in response.content.decode()


def test_editor_can_reorder_and_remove_treatments_inline(editor_client, series):
    article = make_article(series, status=Status.DRAFT)
    a, b = make_treatment("a", name="Alpha"), make_treatment("b", name="Beta")
    add_treatments(article, [a, b])
    make_figure(article, 1)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(editor_client.get(url))
    data["treatment_links-0-position"] = "9"
    data["treatment_links-1-position"] = "1"
    assert editor_client.post(url, data).status_code == 302
    assert [t.treatment.name for t in article.treatment_links.all()] == ["Beta", "Alpha"]

    data = form_data(editor_client.get(url))
    data["treatment_links-0-DELETE"] = "on"
    assert editor_client.post(url, data).status_code == 302
    assert [t.treatment.name for t in article.treatment_links.all()] == ["Alpha"]


def test_admin_search_finds_words_in_the_body(editor_client, series):
    make_article(series, 1, title="Example one", body="Something about appetite.")
    make_article(series, 2, title="Example two", body="Nothing here.")
    response = editor_client.get(reverse("admin:articles_article_changelist"), {"q": "appetite"})
    html = response.content.decode()
    assert "Example one" in html and "Example two" not in html
