"""The Markdown editor's own endpoints (live preview and image upload), for signed-in staff
only; routed under /admin/markdownx/ in trdsite/urls.py."""

import posixpath

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.html import format_html
from markdownx.forms import ImageForm
from markdownx.views import ImageUploadView, MarkdownifyView

from .. import markdown, safe_messaging_checks
from ..uploads import clean_image
from .safe_messaging_notes import notes_html
from .sources import existing_source_ids


class EditorImageForm(ImageForm):
    """The editor's image upload, cleaned like a Figure's image (articles.uploads): stored is a
    re-encoded copy under a generated name, never the uploaded bytes or name."""

    def clean(self):
        # markdownx's own checks trust the declared content type, so they are not run.
        upload = self.cleaned_data.get("image")
        if not upload:
            raise forms.ValidationError("Choose an image file to upload.")
        self.cleaned_image = clean_image(upload)
        return self.cleaned_data

    def save(self, commit=True):
        name = posixpath.join(settings.MARKDOWNX_MEDIA_PATH, self.cleaned_image.name)
        return default_storage.url(default_storage.save(name, self.cleaned_image))


class StaffOnlyMixin(UserPassesTestMixin):
    """The editor's endpoints answer signed-in staff only: anyone else gets 403, never a
    rendered preview or a stored file."""

    raise_exception = True

    def test_func(self):
        return self.request.user.is_active and self.request.user.is_staff


class EditorPreviewView(StaffOnlyMixin, MarkdownifyView):
    """The preview, followed by the text's safe-messaging flags (if any) in a block that
    admin/js/markdownx_errors.js moves out of the preview to beside the editor. The block is
    built here from escaped text, after the preview was sanitized, and carries no script or
    style. The count is also in the Safe-Messaging-Flags header."""

    def post(self, request, *args, **kwargs):
        if "content" not in request.POST:
            return HttpResponseBadRequest("Nothing to preview: the request had no content.")
        content = request.POST["content"]
        # Citations of sources that don't exist are marked: a save refuses them.
        known = existing_source_ids(markdown.markdown_cited_ids(content))
        response = HttpResponse(markdown.render_preview(content, known_sources=known))
        flags = safe_messaging_checks.check_texts(
            [safe_messaging_checks.markdown_text("This text", request.POST["content"])]
        )
        response["Safe-Messaging-Flags"] = str(len(flags))
        if flags:
            block = format_html(
                '<aside class="safe-messaging-preview" aria-label="Safe-messaging notes">{}'
                "</aside>",
                notes_html(flags),
            )
            response.content = response.content + block.encode()
        return response


class EditorImageUploadView(StaffOnlyMixin, ImageUploadView):
    """Answers JSON whoever asks: markdownx's own view rendered a template it doesn't have (a
    500) for a plain form post with a bad or missing file, and stored nothing for a good one."""

    form_class = EditorImageForm
    http_method_names = ["post"]

    def form_invalid(self, form):
        return JsonResponse(form.errors, status=400)

    def form_valid(self, form):
        return JsonResponse({"image_code": f"![]({form.save(commit=True)})"})
