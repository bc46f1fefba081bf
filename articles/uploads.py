"""Uploaded images, made safe to publish.

Both ways an image gets in (the Markdown editor's upload and a Figure in the admin) go through
`clean_image`: the file's bytes, never its name or declared type, decide what it is; it is
decoded completely, within a size and a pixel budget; and what gets stored is a new file encoded
from those pixels under a generated name, so no uploaded byte (EXIF and its GPS position,
comments, XMP, a script hidden after the image data) reaches readers.
"""

import contextlib
import contextvars
import io
import itertools
import struct
import time
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.template.defaultfilters import filesizeformat
from PIL import (
    GifImagePlugin,
    Image,
    ImageCms,
    ImageOps,
    JpegImagePlugin,
    PngImagePlugin,
    WebPImagePlugin,
)

from .image_structure import gif_frames, jpeg_scans

# Far above any photo or chart we publish, far below what would exhaust a worker's memory
# (a 40-megapixel RGBA image decodes to 160 MB). Pillow's own threshold is a process-wide global
# (about 89 megapixels by default) that other code may change, so this limit is checked here.
MAX_PIXELS = 40_000_000
# Every frame costs a worker time to decode and encode again, however few pixels it has: a GIF of
# hundreds of thousands of 1×1 frames fits in a few megabytes and took longer to clean than
# gunicorn's 30 s timeout. Ten seconds of animation at 25 frames a second is 250 frames.
MAX_FRAMES = 500
# A progressive JPEG comes in scans, and the decoder passes over every block of the picture for
# each: a 1 MB file of 15,000 empty scans held a worker past 30 s. Encoders write about ten
# (libjpeg's standard progression: 10 for colour, 6 for grey); libjpeg sets no limit of its own
# (libjpeg-turbo's TJPARAM_SCANLIMIT defaults to none, its fuzzers use 500). 100 scans of the
# largest picture allowed decode in well under a second (bench/uploads.py).
MAX_SCANS = 100
# What cleaning one file may take, frames and all, so a worker always answers well within
# gunicorn's 30 s timeout; the limits above keep real pictures far below it (bench/uploads.py).
CLEAN_SECONDS = 10
# What cleaning may take in all within one request, however many images it carries: the article
# form's figures bring several at once, and four valid 40 MP WebPs, each well within
# CLEAN_SECONDS, held a worker past 30 s. Set per request by articles.middleware; a file started
# with time left may still finish its encoding, so a request stays near this plus one file.
REQUEST_CLEAN_SECONDS = 12
# Read through a name of our own, so tests can move the clock.
clock = time.monotonic
_request_deadline = contextvars.ContextVar("image_cleaning_request_deadline", default=None)

NOT_AN_IMAGE = (
    "This file is not an image we can use. Upload a PNG, JPEG, GIF or WebP picture "
    "(SVG and other formats are not accepted)."
)
DAMAGED = (
    "This image is damaged or incomplete, so it can't be shown. Upload a PNG, JPEG, GIF or WebP "
    "picture that opens in an image viewer."
)

# What decoding an untrusted file can raise; anything here means we can't use the file.
DECODING_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    TypeError,
    struct.error,
    Image.DecompressionBombError,
)


@dataclass(frozen=True)
class Format:
    extension: str
    # Pillow's reader for just this format: Image.open would try every plugin Pillow has on
    # untrusted bytes, and apply the global decompression-bomb threshold before we can report
    # the image's dimensions.
    reader: type
    save_options: dict


FORMATS = {
    "PNG": Format("png", PngImagePlugin.PngImageFile, {}),
    # A second lossy pass; at 90 the change is not visible in photos or charts.
    "JPEG": Format("jpg", JpegImagePlugin.JpegImageFile, {"quality": 90}),
    "GIF": Format("gif", GifImagePlugin.GifImageFile, {}),
    "WEBP": Format("webp", WebPImagePlugin.WebPImageFile, {"quality": 90}),
}
EXTENSIONS = frozenset(f.extension for f in FORMATS.values())
ACCEPT = "image/png,image/jpeg,image/gif,image/webp"

# Pixel data, not metadata: without it transparent areas of palette images turn opaque.
KEPT_INFO = ("transparency",)
SRGB = ImageCms.createProfile("sRGB")


class CleanImage(ContentFile):
    """An image re-encoded by `clean_image`, named `<uuid>.<extension>`."""

    def __init__(self, content, extension):
        super().__init__(content, name=f"{uuid.uuid4().hex}.{extension}")
        self.extension = extension


def sniff(data):
    """The format the file's first bytes say it is, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def pixel_count(pixels):
    if pixels < 1_000_000:
        return f"{pixels:,} pixels"
    return f"{round(pixels / 1_000_000, 1):,g} megapixels"


NO_TIME_LEFT = (
    "This image was not processed: the other images sent with it used up the time one save "
    "may take. Save the page with the images that were accepted, then add this one again."
)
TOO_SLOW = (
    "This image takes too long to process. Upload a smaller picture, or an animation with "
    "fewer frames."
)


def check_frames(frames):
    if frames > MAX_FRAMES:
        raise ValidationError(
            f"This animation has more than {MAX_FRAMES:,} frames; animations can have at most "
            f"{MAX_FRAMES:,}. Please shorten it and try again."
        )


def check_scans(scans):
    if scans > MAX_SCANS:
        raise ValidationError(
            f"This JPEG is stored in more than {MAX_SCANS:,} scans (passes of a progressive JPEG); "
            f"JPEGs can have at most {MAX_SCANS:,}. Please open it in an image editor, save it "
            "again as a JPEG and upload that."
        )


def frames_and_pixels(data, image_format, image):
    """How many frames `image` has, its largest canvas and the pixels its frames decode to in
    all, found without decoding them."""
    if image_format == "GIF":
        return gif_frames(data, MAX_FRAMES)
    # PNG (APNG) and WebP state their frame count, and every frame fits the canvas.
    frames = getattr(image, "n_frames", 1)
    return frames, image.size, frames * image.size[0] * image.size[1]


def check_pixels(size, frames=1, pixels=None):
    """Refuse a frame over the pixel limit, or an animation whose `frames` of `size` decode to
    more than it in all (`pixels`, when its canvas grew between frames)."""
    width, height = size
    if width * height > MAX_PIXELS:
        raise ValidationError(
            f"This image is {width:,} × {height:,} pixels ({pixel_count(width * height)}); "
            f"images can be at most {pixel_count(MAX_PIXELS)}. Please make it smaller and try "
            "again."
        )
    pixels = width * height * frames if pixels is None else pixels
    if pixels > MAX_PIXELS:
        raise ValidationError(
            f"This animation has {frames:,} frames of {width:,} × {height:,} pixels "
            f"({pixel_count(pixels)} in all); animations can be at most "
            f"{pixel_count(MAX_PIXELS)} in all. Please shorten it or make it smaller."
        )


@contextlib.contextmanager
def request_budget():
    """Every image cleaned inside shares REQUEST_CLEAN_SECONDS from the start of the first: the
    time a slow connection takes to send the files doesn't count."""
    token = _request_deadline.set([None])
    try:
        yield
    finally:
        _request_deadline.reset(token)


def cleaning_deadline():
    """When cleaning the next file must stop: its own CLEAN_SECONDS, or the request's budget."""
    own = clock() + CLEAN_SECONDS
    shared = _request_deadline.get()
    if shared is None:
        return own
    if shared[0] is None:
        shared[0] = clock() + REQUEST_CLEAN_SECONDS
    if clock() > shared[0]:
        raise ValidationError(NO_TIME_LEFT)
    return min(own, shared[0])


def clean_image(upload):
    """Return `upload` (a Django File) re-encoded from its pixels as a CleanImage, or raise
    ValidationError with a message for the editor."""
    limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
    if upload.size > limit:
        raise ValidationError(
            f"This file is {filesizeformat(upload.size)}; images can be at most "
            f"{filesizeformat(limit)}. Please resize it and try again."
        )
    upload.seek(0)
    # One byte more than allowed is enough to tell a file whose size was understated.
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(f"Images can be at most {filesizeformat(limit)}.")
    image_format = sniff(data)
    if image_format is None:
        raise ValidationError(NOT_AN_IMAGE)
    image_type = FORMATS[image_format]
    deadline = cleaning_deadline()
    try:
        with image_type.reader(io.BytesIO(data)) as image:
            check_pixels(image.size)
            if image_format == "JPEG":
                check_scans(jpeg_scans(data, MAX_SCANS))
            frames, canvas, pixels = frames_and_pixels(data, image_format, image)
            check_frames(frames)
            check_pixels(canvas, frames, pixels)
            # Catches broken structure (PNG chunk checksums); decoding below catches the rest,
            # such as a JPEG cut short, which verify() lets through.
            image.verify()
        with image_type.reader(io.BytesIO(data)) as image:
            content = reencode(image, image_format, deadline=deadline)
    except DECODING_ERRORS as error:
        raise ValidationError(DAMAGED) from error
    return CleanImage(content, image_type.extension)


def reencode(image, image_format, deadline):
    """Encode `image` afresh from its decoded pixels: every frame of an animation, turned the
    way its EXIF orientation says, with colours converted to sRGB, and no metadata. Refused
    (ValidationError) once it has more frames or pixels than the limits allow, whatever its
    headers said, or once it is still at work at `deadline` (a `clock()` time)."""
    loop = image.info.get("loop")
    icc_profile = image.info.get("icc_profile")
    pictures, durations, pixels = [], [], 0
    for index in itertools.count():
        # Frame by frame, never n_frames: for a GIF that reads the whole file first.
        try:
            image.seek(index)
        except EOFError:
            break
        check_frames(index + 1)
        # Each frame decodes to the whole canvas, which a GIF frame may grow.
        pixels += image.size[0] * image.size[1]
        check_pixels(image.size, index + 1, pixels)
        image.load()
        durations.append(image.info.get("duration", 0))
        pictures.append(pixels_only(image, icc_profile))
        if clock() > deadline:
            raise ValidationError(TOO_SLOW)
    frames = len(pictures)
    options = dict(FORMATS[image_format].save_options)
    if frames > 1:
        options.update(save_all=True, append_images=pictures[1:], duration=durations)
        if loop is not None:
            options["loop"] = loop
    output = io.BytesIO()
    pictures[0].save(output, image_format, **options)
    return output.getvalue()


def pixels_only(frame, icc_profile):
    # Turned before EXIF is dropped, or phone photos would show on their side.
    picture = ImageOps.exif_transpose(frame)
    if icc_profile and picture.mode in ("RGB", "RGBA"):
        # The profile is converted into the pixels rather than kept: wide-gamut phone photos
        # keep their colours, and no camera or device names travel in the profile's text.
        # An unreadable profile is dropped, and the colours read as sRGB.
        with contextlib.suppress(ImageCms.PyCMSError, OSError):
            picture = ImageCms.profileToProfile(
                picture, ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)), SRGB
            )
    picture.info = {key: frame.info[key] for key in KEPT_INFO if key in frame.info}
    return picture


class CleanImageFormField(forms.FileField):
    """A file input whose cleaned value is the CleanImage, with `clean_image`'s messages."""

    def to_python(self, data):
        upload = super().to_python(data)
        return None if upload is None else clean_image(upload)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            attrs["accept"] = ACCEPT
        return attrs


class CleanImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        # Every store through the field passes here (forms, full_clean and plain code alike),
        # so nothing reaches storage unless it was re-encoded, and never under its own name.
        if not isinstance(content, CleanImage):
            content = clean_image(content)
        super().save(content.name, content, save)


class CleanImageField(models.ImageField):
    """An ImageField that stores only what `clean_image` made of the upload."""

    attr_class = CleanImageFieldFile

    def formfield(self, **kwargs):
        # The uploaded name is thrown away, so a phone's long file name is no reason to refuse.
        return super().formfield(
            **{"form_class": CleanImageFormField, "max_length": None, **kwargs}
        )

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        try:
            super().update_dimension_fields(instance, force, *args, **kwargs)
        except OSError:
            # A stored file that can't be read any more (lost from storage): Django measures it
            # again whenever the field is assigned, which every form save does. The size
            # recorded when it was stored stands; the admin tells editors the file is missing.
            file = getattr(instance, self.attname)
            if not (file and file._committed):
                raise

    def clean(self, value, model_instance):
        value = super().clean(value, model_instance)
        # _committed is False only for a file assigned since the last save: a new upload.
        if value and not value._committed and not isinstance(value.file, CleanImage):
            return clean_image(value.file)
        return value
