import posixpath

from django import forms
from django.conf import settings
from django.core.files.storage import default_storage
from markdownx.forms import ImageForm

from .uploads import clean_image


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
