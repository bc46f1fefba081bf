"""What a new article's form starts with, so an editor types only what is new."""

from django.db.models import Max

from ..models import Article, Series


class NewArticleDefaultsMixin:
    """A new article starts in the series when there is only one, numbered after the last
    article of its series: both can still be changed."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "series" not in initial:
            only = list(Series.objects.values_list("pk", flat=True)[:2])
            if len(only) == 1:
                initial["series"] = only[0]
        if initial.get("series") and "number" not in initial:
            # Drafts of live pages share their page's number: only pages count.
            pages = Article.objects.filter(series=initial["series"], live_page=None)
            last = pages.aggregate(last=Max("number"))["last"]
            initial["number"] = (last or 0) + 1
        return initial
