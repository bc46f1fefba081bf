"""Read content into the database: create or update by slug, keep ids, all or nothing."""

from collections import Counter
from dataclasses import dataclass

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction

from articles import drafts, public_use
from articles.models import (
    Article,
    EditorialPolicy,
    Series,
    Source,
    Status,
    Treatment,
    UrgentHelp,
)

from . import images
from .about_pages import AboutPagesImport
from .file_format import SOURCE_FIELDS, Problem
from .glossary_import import GlossaryImport
from .page_checks import PageChecksImport
from .page_lists import PageListsImport
from .reading import KINDS, Document
from .saving import (
    assign,
    describe,
    reporting,
    reset_sequences,
    restore_timestamps,
    save_checked,
)
from .urgent_help_import import UrgentHelpImport


@dataclass
class Page:
    doc: Document
    obj: Article | Treatment
    created: bool
    status_before: str
    changed: bool
    # Made by this import for a published page: removed again if the file changed nothing.
    new_draft: bool = False
    # The live version of a page whose draft has a file of its own: left as it is.
    left_alone: bool = False


class Importer(
    AboutPagesImport, PageListsImport, PageChecksImport, UrgentHelpImport, GlossaryImport
):
    """Saves what was read: people and series, then pages (matched by slug, keeping their ids),
    then the pages' lists, then checks every page as the admin would, then glossary terms
    (their pages are rendered again as they are saved), the urgent-help callout and the
    editorial policy. A file is the whole page: what it leaves out is reset.
    Pages without a file are left alone. Nothing unchanged is saved, so importing twice changes
    nothing.

    What readers see changes only with `publish`: a changed file of a published page goes into
    the page's draft, submitted for sign-off, and a file that would publish a page here leaves
    it submitted for review. A page new to the site keeps its file's status (a restore). People,
    series, sources, glossary terms, the callout and the editorial policy that readers see are
    not changed without `publish` (the import is refused). A page `publish` would publish with
    safe-messaging flags needs `safe_messaging_read`: see check_safe_messaging()."""

    def __init__(self, root, documents, warn, publish=False, safe_messaging_read=""):
        self.root = root
        self.publish = publish
        # Who read the safe-messaging notes of the pages this import publishes, and how many.
        self.safe_messaging_read = safe_messaging_read
        self.safe_messaging_flags = 0
        self.warn = warn
        self.documents = {kind: [d for d in documents if d.kind == kind] for kind, *_ in KINDS}
        self.series, self.people, self.sources = {}, {}, {}
        self.people_by_slug = {}
        self.users = set()  # (person id, username) pairs already linked or warned about
        self.media = {}  # images found only in the directory, stored once committed
        self.counts = Counter()
        # Into a site with no pages yet (a restore), pages keep their files' statuses.
        self.restoring = not (Article.objects.exists() or Treatment.objects.exists())
        # (kind, id) of the published pages whose drafts have files here.
        self.drafted = {
            (kind.removesuffix("-draft"), doc.data["id"])
            for kind in ("article-draft", "treatment-draft")
            for doc in self.documents[kind]
        }

    def run(self):
        # People first: pages name them.
        for doc in self.documents["person"]:
            with reporting(doc.path):
                self.import_person_page(doc)
        for doc in self.documents["series"]:
            with reporting(doc.path):
                self.import_series(doc)
        pages = self.import_pages() + self.import_drafts()
        # Sources with ids before those without, for the same reason as pages.
        for page in pages:
            with reporting(page.doc.path):
                for source in page.doc.data["sources"]:
                    if source["id"] is not None:
                        self.source(source)
        reset_sequences(Source)
        for page in pages:
            if page.left_alone:
                self.count(False, False)
        pages = [page for page in pages if not page.left_alone]
        # Links between pages are checked once every page exists.
        for page in pages:
            with reporting(page.doc.path):
                self.import_relations(page)
        for page in pages:
            with reporting(page.doc.path):
                self.validate(page)
        self.check_safe_messaging(pages)
        for page in pages:
            if page.new_draft and not page.changed:
                page.obj.delete()  # the file is the live page as it stands
                self.count(False, False)
                continue
            if page.created:
                restore_timestamps(page.obj, page.doc.data)
            from_page_file = not page.doc.kind.endswith("-draft")
            if (
                page.changed
                and from_page_file
                and page.obj.live_page_id
                and (page.obj.status != Status.REVIEW)
            ):
                page.obj.status = Status.REVIEW
                page.obj.save()
                self.warn(f"{page.doc.path}: the changes await a publisher's sign-off.")
            if page.changed:
                # Again, now that figures, treatments and sources are final: the revision
                # follows them.
                reversion.add_to_revision(page.obj)
            self.count(page.created, page.changed)
        for doc in self.documents["term"]:
            with reporting(doc.path):
                self.import_term(doc)
        for doc in self.documents["urgent-help"]:
            with reporting(doc.path):
                self.import_urgent_help(doc)
        reset_sequences(UrgentHelp)  # created as pk 1
        for doc in self.documents["editorial-policy"]:
            with reporting(doc.path):
                self.import_editorial_policy(doc)
        reset_sequences(EditorialPolicy)
        if self.media:
            transaction.on_commit(lambda: images.store(self.media))

    def import_pages(self):
        """Treatments then articles, in file order; but every file with an id is saved first.
        A page saved without one takes the next id its table hands out, which could be an id
        a later file claims; and PostgreSQL's sequences do not move past ids given to them,
        so they are moved before any page is saved without an id."""
        docs = [(doc, Treatment) for doc in self.documents["treatment"]]
        docs += [(doc, Article) for doc in self.documents["article"]]
        pages = {}
        for with_id in (True, False):
            for index, (doc, model) in enumerate(docs):
                if (doc.data["id"] is not None) == with_id:
                    pages[index] = self.import_page(doc, model)
            if with_id:
                reset_sequences(Treatment, Article)
        return [pages[index] for index in range(len(docs))]

    def count(self, created, changed):
        self.counts["created" if created else "changed" if changed else "unchanged"] += 1

    def import_series(self, doc):
        data = doc.data
        series = Series.objects.filter(slug=data["slug"]).first()
        created = series is None
        series = series or Series()
        fields = {key: data[key] for key in ("title", "slug", "description")}
        changed = assign(series, fields) or created
        if changed and not created and public_use.shown_publicly(series):
            self.needs_sign_off(f"the series “{series.slug}”")
        if changed:
            series.full_clean()
            series.save()
        if created:
            restore_timestamps(series, data)
        self.series[series.slug] = series
        self.count(created, changed)

    def import_page(self, doc, model):
        data, kind = doc.data, model._meta.model_name
        with reporting(doc.path):
            obj = model.objects.pages().filter(slug=data["slug"]).first()
            if obj is None:
                taken = model.objects.filter(pk=data["id"]).first() if data["id"] else None
                if taken is not None:
                    raise Problem(
                        f"id {data['id']} is the {kind} “{taken.slug}” on this site. Links "
                        f"such as [text]({kind}:{data['id']}) name pages by id, so an import "
                        "never gives an id to another page: change the slug in the admin, or "
                        "remove the id line to import this as a new page"
                    )
                obj = model(pk=data["id"])
            elif data["id"] and obj.pk != data["id"]:
                raise Problem(
                    f"“{obj.slug}” is {kind} {obj.pk} on this site, not {data['id']}; links "
                    f"such as [text]({kind}:{data['id']}) would point at another page"
                )
            created = obj._state.adding
            new_draft = False
            if not self.publish and (kind, obj.pk) in self.drafted and not created:
                # The page's pending changes are in its draft's file; this one is the live
                # version, which only a sign-off changes.
                return Page(doc, obj, False, obj.status, False, left_alone=True)
            if not created and not self.publish and obj.status == Status.PUBLISHED:
                draft = drafts.draft_of(obj)
                new_draft = draft is None
                obj = draft or drafts.start_draft(obj)
            # For a page new here the file's status counts as its status before: see validate().
            status_before = data["status"] if created else obj.status
            fields = self.page_fields(data, model)
            if obj.live_page_id:
                # Submitted for sign-off in run(), if the file changed anything.
                fields["status"], fields["publish_at"] = obj.status, obj.publish_at
            elif (
                (not created or not self.restoring)
                and not self.publish
                and (data["status"] == Status.PUBLISHED)
            ):
                fields["status"] = Status.REVIEW  # publishing is a publisher's decision
                if obj.status != Status.REVIEW:
                    self.warn(
                        f"{doc.path}: not published; it awaits a publisher's sign-off "
                        "(import with --publish to publish it)."
                    )
            before = {name: getattr(obj, name) for name in fields}
            for name, value in fields.items():
                setattr(obj, name, value)
            if obj.publish_at is None and obj.status == Status.PUBLISHED:
                obj.publish_at = before["publish_at"]  # left empty: keep the time it went live
            obj.fill_defaults()
            changed = created or any(getattr(obj, name) != before[name] for name in fields)
            if changed:
                save_checked(obj)
        return Page(doc, obj, created, status_before, changed, new_draft)

    def needs_sign_off(self, what):
        """Text readers see outside any page's draft changes only with --publish."""
        if not self.publish:
            raise Problem(
                f"this changes {what}, which readers see: only a publisher's sign-off changes "
                "it (import with --publish to sign these files off)"
            )

    def import_drafts(self):
        """Files of drafts of live pages, after the pages (a restore makes those first)."""
        found = []
        for kind, model in (("treatment-draft", Treatment), ("article-draft", Article)):
            for doc in self.documents[kind]:
                with reporting(doc.path):
                    found.append(self.import_draft(doc, model))
        return found

    def import_draft(self, doc, model):
        data = doc.data
        live = model.objects.pages().filter(pk=data["id"]).first()
        if live is None or live.status != Status.PUBLISHED:
            raise Problem(
                f"{model._meta.verbose_name} {data['id']} is not a published page here, and a "
                "draft file updates a published page"
            )
        draft = drafts.draft_of(live)
        new = draft is None
        draft = draft or drafts.start_draft(live)
        fields = {
            **self.page_fields(data, model),
            "publish_at": draft.publish_at,
            "review_note": data["review_note"],
        }
        changed = assign(draft, fields) or new
        if changed and draft.go_live_at:
            drafts.cancel_schedule(draft)  # what was signed off is not what it says now
        if changed:
            save_checked(draft)
        # A draft new here is restored: it gets its file's times back, as a new page does.
        return Page(doc, draft, new, draft.status, changed)

    def page_fields(self, data, model):
        author, reviewer = self.person(data["author"]), self.person(data["reviewer"])
        fields = {
            "slug": data["slug"],
            "status": data["status"],
            "publish_at": data["publish_at"],
            "author_id": author.pk if author else None,
            "reviewer_id": reviewer.pk if reviewer else None,
            "last_reviewed": data["last_reviewed"],
            "next_review_due": data["next_review_due"],
            "summary": data["summary"],
            "body": data["body"],
            "mark_terms": data["mark_terms"],
        }
        if model is Treatment:
            return {**fields, **{key: data[key] for key in ("name", "category", "ordering")}}
        series = (
            self.series.get(data["series"]) or Series.objects.filter(slug=data["series"]).first()
        )
        if series is None:
            raise Problem(f"series “{data['series']}” is neither in series/ nor on this site")
        return {**fields, "series_id": series.pk, "title": data["title"], "number": data["number"]}

    def source(self, data):
        fields = {key: data[key] for key in SOURCE_FIELDS}
        key = data["id"] or tuple(fields.values())
        if key not in self.sources:
            if data["id"]:
                reference = Source.objects.filter(pk=data["id"]).first()
            else:
                # Without an id (written by hand), the same source is the one with equal fields.
                reference = Source.objects.filter(**fields).order_by("pk").first()
            reference = reference or Source(pk=data["id"])
            changed = assign(reference, fields)
            if changed and not reference._state.adding and public_use.shown_publicly(reference):
                self.needs_sign_off(f"the source “{fields['title']}”")
            if changed or reference._state.adding:
                try:
                    reference.full_clean()
                except ValidationError as error:
                    raise Problem(f"source “{fields['title']}”: {describe(error)}") from None
                reference.save()
            self.sources[key] = reference
        return self.sources[key]
