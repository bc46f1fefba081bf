from django.core.management.base import BaseCommand

from articles.models import Article, Treatment


class Command(BaseCommand):
    help = (
        "Write the glossary marks of every page a glossary change left stale (a term's publish "
        "marks pages for a few seconds; readers' first request marks each other one). Run it "
        "after publishing a term that many pages use, or every few minutes; running it again "
        "changes nothing."
    )

    def handle(self, **options):
        marked = 0
        for model in (Article, Treatment):
            stale = model.objects.filter(marks_stale=True)
            count = stale.count()
            stale.render_again()
            marked += count
        self.stdout.write(f"Marked {marked} page{'s' * (marked != 1)} again.")
