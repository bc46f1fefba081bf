"""An import reads only what is in the folder it was given: symbolic links (to files or to
folders) and files that aren't regular files are refused anywhere in it, before anything is read
or stored, as restoring a backup refuses them."""

import os
import shutil

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError

from articles.models import Article
from tests.support.markdown_exports import DRAFT, export, run_import, wipe_content

pytestmark = pytest.mark.django_db


@pytest.fixture
def folders(tmp_path, content):
    """An export (in `folder`) of a site that then lost its content and the figure's image,
    so an import would store that image from the export; and a place outside it."""
    folder, outside = tmp_path / "export", tmp_path / "outside"
    outside.mkdir()
    export(folder)
    image = content.figures.get().image.name
    wipe_content()
    default_storage.delete(image)
    return folder, outside, image


def assert_refused(folder, name, what="a symbolic link"):
    with pytest.raises(CommandError) as raised:
        run_import(folder)
    assert f"{name}: {what}; imports take only regular files and folders" in str(raised.value)
    assert "Nothing was imported." in str(raised.value)
    assert not Article.objects.exists()


def test_an_image_linked_from_outside_the_folder_is_refused_and_not_stored(
    folders, django_capture_on_commit_callbacks
):
    folder, outside, image = folders
    # The link points at a real image of the right name: only the link is wrong.
    shutil.move(folder / "media" / image, outside / "picture.png")
    (folder / "media" / image).symlink_to(outside / "picture.png")

    with django_capture_on_commit_callbacks(execute=True):
        assert_refused(folder, f"media/{image}")
    assert not default_storage.exists(image)


def test_a_page_file_linked_from_outside_is_refused(folders):
    folder, outside, _ = folders
    shutil.move(folder / DRAFT, outside / "page.md")
    (folder / DRAFT).symlink_to(outside / "page.md")
    assert_refused(folder, DRAFT)


def test_a_linked_folder_is_refused_and_not_followed(folders):
    folder, outside, _ = folders
    shutil.move(folder / "treatments", outside / "treatments")
    (folder / "treatments").symlink_to(outside / "treatments", target_is_directory=True)
    assert_refused(folder, "treatments")


def test_a_link_the_import_would_never_read_is_refused_too(folders):
    folder, outside, _ = folders
    (folder / "media" / "notes").mkdir()
    (folder / "media" / "notes" / "elsewhere").symlink_to("/nonexistent-example-target")
    assert_refused(folder, "media/notes/elsewhere")


def test_a_fifo_is_refused_without_being_opened(folders):
    # Opening it would wait for a writer that never comes.
    folder, _, _ = folders
    os.mkfifo(folder / "media" / "example.png")
    assert_refused(folder, "media/example.png", "not a regular file")
