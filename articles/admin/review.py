"""The editors' preview of unsaved changes (the review queue is in `review_queue`)."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import patch_cache_control

from ..pages import page_as_readers_see_it, saved_rows


class PreviewMixin:
    """A Preview button on the change form posts the form, saved or not, to a view that renders
    the public page from it (with the draft banner) in a new tab; nothing is saved."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view(self.preview_view)
        return [
            path("add/preview/", view, name=f"{name}_preview_add"),
            path("<path:object_id>/change/preview/", view, name=f"{name}_preview"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Only an editable form has unsaved changes to preview; the page itself is public.
        if obj is None or self.has_change_permission(request, obj):
            context["preview_url"] = "preview/"
        return super().render_change_form(request, context, add, change, form_url, obj)

    def preview_view(self, request, object_id=None):
        obj = None
        if object_id is not None:
            obj = self.get_object(request, unquote(object_id))
            if obj is None:
                raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        if request.method != "POST":
            if obj is None:
                return redirect("..")
            # The page as saved (a draft, say), as readers would see it.
            response = self.render_preview(request, obj, obj, self.saved_rows(obj))
            patch_cache_control(response, no_cache=True, no_store=True, private=True)
            response["X-Robots-Tag"] = "noindex"
            return response
        form = self.get_form(request, obj, change=obj is not None)(
            request.POST, request.FILES, instance=obj
        )
        # A preview shows the editor's own text; conflicts are for saving.
        form.check_edit_token = False
        formsets = []
        if form.is_valid():
            page = form.save(commit=False)
            formsets, _ = self._create_formsets(request, page, change=obj is not None)
        if not form.is_valid() or not all(formset.is_valid() for formset in formsets):
            errors = [*form.non_field_errors(), *form.errors.values()]
            for formset in formsets:
                errors += [*formset.non_form_errors(), *(e for e in formset.errors if e)]
            response = TemplateResponse(
                request,
                "admin/articles/preview_errors.html",
                {**self.admin_site.each_context(request), "errors": errors, "opts": self.opts},
                status=400,
            )
        else:
            page.fill_defaults()
            page.render_markdown()
            response = self.render_preview(request, page, obj, self.form_rows(formsets))
        patch_cache_control(response, no_cache=True, no_store=True, private=True)
        response["X-Robots-Tag"] = "noindex"
        return response

    @staticmethod
    def form_rows(formsets):
        """{list model: [row values]} of the lists as edited in the form."""
        rows = {}
        for formset in formsets:
            kept = [
                f.cleaned_data
                for f in formset.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            # New rows go after the saved ones, in the order added, as a save places them;
            # then the sources the text cites that the list lacks (CitedSourcesFormSet).
            rows[formset.model] = sorted(kept, key=row_order) + [
                {"reference": source} for source in getattr(formset, "added_sources", ())
            ]
        return rows

    @staticmethod
    def saved_rows(page):
        return saved_rows(page)

    def render_preview(self, request, page, obj, rows):
        template, context = page_as_readers_see_it(page, obj, rows)
        return TemplateResponse(request, template, {**context, "preview": True})


def row_order(row):
    """Where a list's row from the form goes: saved rows by position, new ones at the end."""
    is_new = row.get("id") is None and not row.get("position")
    return (is_new, row.get("position") or 0)
