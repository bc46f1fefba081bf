"""Checking imported pages once every one is saved with its lists: the rules the admin applies
before saving a page, and the safe-messaging notes a page published by an import needs read."""

from django.core.exceptions import ValidationError

from articles import markdown
from articles.models import Article, Status
from articles.safe_messaging_checks import page_flags

from .file_format import ImportRefused, Problem


class PageChecksImport:
    """For the Importer: `self.publish`, `self.safe_messaging_read`, `self.safe_messaging_flags`
    and `self.warn` come from it."""

    def validate(self, page):
        obj = page.obj
        # Publishing refuses a page whose clinical review is overdue. A file that publishes a
        # page this site has unpublished is publishing it, so the rule applies, judged against
        # the status before the import (the page is already saved). A page new to
        # this site is being restored, not published: it keeps its file's status, as a restore
        # must not depend on today's date, and the only way to pass the rule would be to
        # falsify the review dates.
        errors = {}
        try:
            obj.full_clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if overdue := obj.overdue_error(previous_status=page.status_before):
            errors.setdefault("status", []).append(overdue)
        if errors:
            raise ValidationError(errors)
        # The admin's rules for the lists (articles/admin/content.py), for the same reasons.
        listed = {link.reference_id for link in obj.source_links.all()}
        if names := markdown.missing_citations(obj.markdown_text(), listed):
            them = "them" if "," in names else "it"
            raise Problem(f"the text cites {names}, but sources does not list {them}")
        if isinstance(obj, Article):
            numbers = {figure.number for figure in obj.figures.all()}
            if names := markdown.missing_figures(obj.body, numbers):
                raise Problem(f"the body places {names}, but figures has no such number")

    def check_safe_messaging(self, pages):
        """With `publish`, a page the import publishes or changes while published, and that has
        safe-messaging flags (articles.safe_messaging), is refused, listing them, unless the
        operator read them (`safe_messaging_read`, their name, kept in the history); then the
        flags are listed in the output. As with the review dates, a restore (pages new to an
        empty site keeping their files' status, without `publish`) is not checked: it puts back
        what was signed off before."""
        if not self.publish:
            return
        found = [
            (page.doc.path, flags)
            for page in pages
            if page.changed and not page.obj.live_page_id and page.obj.status == Status.PUBLISHED
            if (flags := page_flags(page.obj))
        ]
        if not found:
            return
        listing = "\n".join(
            f"{path}:" + "".join(f"\n  - {flag}" for flag in flags) for path, flags in found
        )
        if not self.safe_messaging_read:
            raise ImportRefused(
                "These pages would be published with safe-messaging notes, for a person to read "
                f"first:\n{listing}\nRead them, then import again with --safe-messaging-read "
                '"Your Name" (kept in the history), or change the text.\nNothing was imported.'
            )
        self.safe_messaging_flags = sum(len(flags) for _, flags in found)
        self.warn(f"Safe-messaging notes read by {self.safe_messaging_read}:\n{listing}")
