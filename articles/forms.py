import posixpath
import uuid

from django import forms
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from markdownx.forms import ImageForm
from PIL import Image, UnidentifiedImageError

# Raster formats readers' browsers all show, keyed by what Pillow finds in the file itself.
UPLOAD_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


class EditorImageForm(ImageForm):
    """The editor's image upload: the file's content, not its name or declared type, decides
    whether it is an image we accept."""

    def clean(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            raise forms.ValidationError("Choose an image file to upload.")
        limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; images can be at most "
                f"{filesizeformat(limit)}. Please resize it and try again."
            )
        try:
            with Image.open(upload) as image:
                image_format = image.format
                image.verify()
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
            image_format = None
        if image_format not in UPLOAD_FORMATS:
            raise forms.ValidationError(
                "This file is not an image we can use. Upload a PNG, JPEG, GIF or WebP picture "
                "(SVG and other formats are not accepted)."
            )
        upload.seek(0)
        self.extension = UPLOAD_FORMATS[image_format]
        return self.cleaned_data

    def save(self, commit=True):
        upload = self.cleaned_data["image"]
        name = posixpath.join(settings.MARKDOWNX_MEDIA_PATH, f"{uuid.uuid4().hex}.{self.extension}")
        return default_storage.url(default_storage.save(name, upload))
