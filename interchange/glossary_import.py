"""Importing glossary terms (glossary/<slug>.md), matched by slug, after the pages (a term names
its treatment page). As with the editorial policy: a published term, which readers see (on the
glossary page and marked in pages), changes only with --publish; and a file never publishes a
term by itself (unless restoring into a site without pages), leaving that to a publisher."""

from articles.models import Status, Term, Treatment

from .file_format import Problem
from .saving import assign, restore_timestamps


class GlossaryImport:
    """For the Importer: `self.publish`, `self.restoring`, `self.warn`, `self.count()` and
    `self.needs_sign_off()` come from it."""

    def import_term(self, doc):
        data = doc.data
        term = Term.objects.filter(slug=data["slug"]).first()
        created = term is None
        term = term or Term()
        shown = not created and term.status == Status.PUBLISHED
        status = data["status"]
        if status == Status.PUBLISHED and not shown and not (self.publish or self.restoring):
            status = Status.REVIEW
            if term.status != Status.REVIEW:
                self.warn(
                    f"{doc.path}: not published; it awaits a publisher's sign-off (import with "
                    "--publish to publish it)."
                )
        treatment = None
        if data["treatment"]:
            treatment = Treatment.objects.pages().filter(slug=data["treatment"]).first()
            if treatment is None:
                raise Problem(
                    f"treatment “{data['treatment']}” is neither in treatments/ nor on this site"
                )
        # The names as listed: the admin's own line ends (\r\n from browsers) are no change.
        same_names = not created and term.names[1:] == data["other_names"]
        fields = {
            "term": data["term"],
            "slug": data["slug"],
            "other_names": term.other_names if same_names else "\n".join(data["other_names"]),
            "definition": data["definition"],
            "treatment_id": treatment.pk if treatment else None,
            "mark_in_pages": data["mark_in_pages"],
            "status": status,
        }
        changed = assign(term, fields) or created
        if changed and shown:
            self.needs_sign_off(f"the glossary term “{term.slug}”")
        if changed:
            term.full_clean()
            term.save()
        if created:
            restore_timestamps(term, data)
        self.count(created, changed)
