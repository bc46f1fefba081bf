"""Editors are told when a figure's image file is missing from storage (lost in a move between
buckets, a restore without its media, a file removed by hand).

The page still saves, publishes and shows (readers get the figure's description where the
picture was): the figure row keeps its number, text and size, and only the file needs uploading
again. The warning is on the change form and after each save, so the editor who can fix it sees
it where they'd fix it."""

from django.contrib import messages


def missing_files(article):
    """(number, file name) of each of the article's figures whose file storage doesn't have."""
    return [
        (figure.number, figure.image.name)
        for figure in article.figures.all()
        if figure.image and not figure.image.storage.exists(figure.image.name)
    ]


def warnings(article):
    return [
        f"Figure {number}’s image file is missing from storage ({name}): upload the image "
        "again under Figures. Until then readers get its description where the picture was."
        for number, name in missing_files(article)
    ]


def warn(request, article):
    # Not twice when a save leads back to the same form ("Save and continue editing"). Reading
    # the queue marks it used, and a used queue keeps only messages added later: put it back as
    # it was (Django's documented `storage.used = False`), or the messages this save added
    # before (submitted for review, a schedule cancelled) would be lost on the redirect.
    storage = messages.get_messages(request)
    used = storage.used
    shown = {str(message) for message in storage}
    storage.used = used
    for text in warnings(article):
        if text not in shown:
            messages.warning(request, text)


class MissingFigureFilesMixin:
    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            warn(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        warn(request, form.instance)
