"""Importing a page's lists: its sources, treatments and figures, replaced as a whole when
its file lists them differently."""

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from articles import search
from articles.models import Article, ArticleTreatment, Figure, Treatment

from . import images
from .file_format import FIGURE_KEYS, Problem
from .saving import describe


class PageListsImport:
    """For the Importer: `self.source(data)`, `self.media` and `self.root` come from it."""

    def import_relations(self, page):
        obj, data = page.obj, page.doc.data
        changed = self.sync_sources(obj, data["sources"])
        if isinstance(obj, Article):
            changed = self.sync_treatments(obj, data["treatments"]) | changed
            changed = self.sync_figures(obj, data["figures"]) | changed
        if changed and not page.changed:
            obj.save()  # as the admin does: a page whose lists changed was updated
            page.changed = True
        elif changed:
            # Saved already, and bulk_create sends no signal: the article is found by the
            # treatments it now lists.
            search.index(obj)

    def sync_sources(self, obj, sources):
        wanted = [self.source(source) for source in sources]
        if [link.reference_id for link in obj.source_links.all()] == [r.pk for r in wanted]:
            return False
        obj.source_links.all().delete()
        link = obj.source_links.model
        link.objects.bulk_create(
            link(**{obj._meta.model_name: obj}, reference=reference, position=position)
            for position, reference in enumerate(wanted, 1)
        )
        return True

    def sync_treatments(self, article, slugs):
        current = article.treatment_links.select_related("treatment")
        if [link.treatment.slug for link in current] == slugs:
            return False
        found = {t.slug: t for t in Treatment.objects.pages().filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            names = ", ".join(f"“{slug}”" for slug in missing)
            raise Problem(f"treatments: {names} is neither in treatments/ nor on this site")
        article.treatment_links.all().delete()
        ArticleTreatment.objects.bulk_create(
            ArticleTreatment(article=article, treatment=found[slug], position=position)
            for position, slug in enumerate(slugs, 1)
        )
        return True

    def sync_figures(self, article, figures):
        max_length = Figure._meta.get_field("image").max_length
        for figure in figures:
            name = figure["image"]
            if len(name) > max_length:
                raise Problem(f"figure image {name} is longer than {max_length} characters")
            # Even for unchanged figures: a site that lost its media gets the images back.
            if name not in self.media and not default_storage.exists(name):
                self.media[name] = images.clean_exported_image(self.root, name)
        wanted = sorted(tuple(figure[key] for key in FIGURE_KEYS) for figure in figures)
        current = [(f.number, f.image.name, f.alt_text, f.caption) for f in article.figures.all()]
        if current == wanted:
            return False
        article.figures.all().delete()
        for values in wanted:
            fields = dict(zip(FIGURE_KEYS, values, strict=True))
            width, height = images.image_size(fields["image"], self.media)
            # Given its size, a Figure never opens its image, which may not be in storage yet;
            # cleaning the image field would open it (its name was checked on reading).
            figure = Figure(article=article, width=width, height=height, **fields)
            try:
                figure.full_clean(exclude=["image"])
            except ValidationError as error:
                raise Problem(f"figure {fields['number']}: {describe(error)}") from None
            figure.save()
        return True
