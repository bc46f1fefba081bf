"""Read an admin form off its page, as a browser would submit it unchanged."""

from bs4 import BeautifulSoup
from django.urls import reverse


def form_data(response, form_id=None):
    soup = BeautifulSoup(response.content, "html.parser")
    form = soup.find("form", id=form_id) if form_id else soup.select_one("#content-main form")
    data = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "button", "file", "image"}:
            continue
        if field.name == "select":
            selected = field.find_all("option", selected=True)
            data[name] = selected[0].get("value", "") if selected else ""
        elif field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    return data


def form_errors(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [e.get_text(" ", strip=True) for e in soup.select(".errorlist, .errornote")]


def save_via_admin(client, obj, **changes):
    """Save obj through its admin change form, as submitted unchanged but for `changes`."""
    name = obj._meta.model_name
    url = reverse(f"admin:articles_{name}_change", args=[obj.pk])
    data = form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, form_errors(response)
