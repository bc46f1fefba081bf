from django.urls import path

from . import about_views, feeds, glossary_views, reader_feedback, review_pages, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series_detail"),
    path("articles/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("treatments/", views.TreatmentListView.as_view(), name="treatment_list"),
    path("treatments/<slug:slug>/", views.TreatmentDetailView.as_view(), name="treatment_detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("help/", views.HelpView.as_view(), name="help"),
    path("glossary/", glossary_views.GlossaryView.as_view(), name="glossary"),
    path("feedback/", reader_feedback.send_feedback, name="feedback"),
    path(
        "feedback/thanks/",
        reader_feedback.FeedbackThanksView.as_view(),
        name="feedback_thanks",
    ),
    path("people/<slug:slug>/", about_views.PersonDetailView.as_view(), name="person_detail"),
    path(
        "editorial-policy/",
        about_views.EditorialPolicyView.as_view(),
        name="editorial_policy",
    ),
    path("privacy/", about_views.PrivacyView.as_view(), name="privacy"),
    path("review/<str:token>/", review_pages.ReviewPageView.as_view(), name="review"),
    path("feed/", feeds.ArticlesFeed(), name="feed_rss"),
    path("feed/atom/", feeds.AtomArticlesFeed(), name="feed_atom"),
]
