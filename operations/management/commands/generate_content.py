import random

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q

from articles import search
from articles.models import (
    Article,
    ArticleReference,
    ArticleTreatment,
    Series,
    Source,
    Status,
    Treatment,
)

PREFIX = "generated-"
# Made-up filler for load tests: visibly not health information.
SENTENCES = [
    "This is generated example text for load and scale testing.",
    "It has ordinary words in ordinary sentences so pages have a realistic size.",
    "Nothing in this paragraph is health information of any kind.",
    "Example paragraphs like this one repeat with small changes.",
    "Search, lists and feeds are measured against thousands of pages like it.",
]
CATEGORIES = list(Treatment.Category.values)
# Everyday words spread thinly over the pages, as topics are in a real series, so that searches
# match a realistic share of pages rather than all of them.
TOPICS = [
    "garden",
    "river",
    "window",
    "morning",
    "winter",
    "letter",
    "kitchen",
    "bicycle",
    "harbour",
    "meadow",
    "lantern",
    "pocket",
    "ladder",
    "blanket",
    "island",
    "market",
    "orchard",
    "pencil",
    "ribbon",
    "saddle",
    "thunder",
    "valley",
    "violin",
    "wagon",
    "anchor",
    "basket",
    "candle",
    "feather",
    "forest",
    "glacier",
    "hammer",
    "jacket",
    "kettle",
    "lemon",
    "mirror",
    "needle",
    "parcel",
    "pillow",
    "puzzle",
    "rocket",
    "shovel",
    "spider",
    "teapot",
    "tunnel",
    "umbrella",
    "velvet",
    "walnut",
    "yogurt",
]


def paragraph(rng, sentences=5, topics=()):
    words = [rng.choice(SENTENCES) for _ in range(sentences)]
    if topics:
        words.append(f"Today the example is about the {' and the '.join(topics)}.")
    return " ".join(words)


def body(rng, number):
    topics = rng.sample(TOPICS, 2)
    parts = []
    for section in range(1, 5):
        parts.append(f"## Example section {section} of generated article {number}")
        parts += [paragraph(rng, topics=topics if n == 0 else ()) for n in range(3)]
        if section == 2:
            parts.append("[[treatments]]")
    return "\n\n".join(parts)


class Command(BaseCommand):
    help = (
        "Fill the database with a large, clearly made-up series set for benchmarks and scale "
        "tests (default: 50 series, 10,000 articles, 200 treatments, 500 sources). Refuses to "
        "run on a database with other content unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--series", type=int, default=50)
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--treatments", type=int, default=200)
        parser.add_argument("--sources", type=int, default=500)
        parser.add_argument("--treatments-per-article", type=int, default=8)
        parser.add_argument("--seed", type=int, default=1, help="Random seed, for repeatability.")
        parser.add_argument(
            "--force", action="store_true", help="Run even though the database has real content."
        )

    def handle(self, *args, **options):
        real = (
            Article.objects.exclude(slug__startswith=PREFIX).exists()
            or Treatment.objects.exclude(slug__startswith=PREFIX).exists()
        )
        if real and not options["force"]:
            raise CommandError(
                "This database has content that this command did not generate. Generated pages "
                "would mix with it; use a separate database, or --force if you really mean it."
            )
        if Article.objects.filter(slug__startswith=PREFIX).exists():
            raise CommandError("Generated content is already here; nothing was added.")
        rng = random.Random(options["seed"])  # noqa: S311 - repeatable filler, not secrets
        with transaction.atomic():
            self.generate(rng, **options)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does to a table this size some time after a bulk load (sooner on a
            # server where it is off): without it the planner guesses 50 rows for 10,000 and
            # scans the dead rows the search index update left, and scale measurements would
            # time that instead of the site's queries.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        counts = (
            f"{Series.objects.count()} series, {Article.objects.count()} articles, "
            f"{Treatment.objects.count()} treatments, {Source.objects.count()} sources"
        )
        self.stdout.write(self.style.SUCCESS(f"The database now has {counts}."))

    def generate(self, rng, **options):
        series_list = Series.objects.bulk_create(
            Series(
                title=f"Example generated series {n}",
                slug=f"{PREFIX}series-{n}",
                description=f"Generated example series {n}.",
                description_html=f"<p>Generated example series {n}.</p>",
            )
            for n in range(1, options["series"] + 1)
        )
        treatments = Treatment.objects.bulk_create(
            self.rendered(
                Treatment(
                    name=f"Example generated treatment {n}",
                    slug=f"{PREFIX}treatment-{n}",
                    category=CATEGORIES[n % len(CATEGORIES)],
                    summary=paragraph(rng, 3),
                    body=paragraph(rng, 8),
                    ordering=n,
                    status=Status.PUBLISHED,
                )
            )
            for n in range(1, options["treatments"] + 1)
        )
        references = Source.objects.bulk_create(
            Source(
                title=f"Example generated source {n}",
                authors="Example A, Sample B",
                publication="Journal of Examples",
                year=2000 + n % 25,
                doi=f"10.1000/example.{n}",
            )
            for n in range(1, options["sources"] + 1)
        )
        per_series = -(-options["articles"] // len(series_list))
        articles = []
        for index in range(options["articles"]):
            series = series_list[index // per_series]
            number = index % per_series + 1
            articles.append(
                self.rendered(
                    Article(
                        series=series,
                        number=number,
                        title=f"Example generated article {index + 1}",
                        slug=f"{PREFIX}article-{index + 1}",
                        summary=f"Generated example article {index + 1} for load testing.",
                        body=body(rng, index + 1),
                        status=Status.PUBLISHED,
                    )
                )
            )
        articles = Article.objects.bulk_create(articles, batch_size=500)
        links, sources = [], []
        for article in articles:
            for position, treatment in enumerate(
                rng.sample(treatments, min(options["treatments_per_article"], len(treatments)))
            ):
                links.append(
                    ArticleTreatment(article=article, treatment=treatment, position=position)
                )
            for position, reference in enumerate(rng.sample(references, min(3, len(references)))):
                sources.append(
                    ArticleReference(article=article, reference=reference, position=position)
                )
        ArticleTreatment.objects.bulk_create(links, batch_size=2000)
        ArticleReference.objects.bulk_create(sources, batch_size=2000)
        for model in (Article, Treatment):
            search.index_all(model.objects.filter(Q(slug__startswith=PREFIX)))

    @staticmethod
    def rendered(page):
        # bulk_create skips save(): do what it would do.
        page.fill_defaults()
        page.render_markdown()
        return page
