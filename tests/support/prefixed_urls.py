"""The site's URLs under /prefixed/, for tests of addresses under another URLconf."""

from django.urls import include, path

urlpatterns = [path("prefixed/", include("trdsite.urls"))]
