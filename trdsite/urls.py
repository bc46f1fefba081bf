from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from articles.admin.editor_endpoints import EditorImageUploadView, EditorPreviewView
from articles.sitemaps import SECTION_TEMPLATE, SITEMAPS

admin.site.site_header = f"{settings.SITE_NAME} editors"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Content"

# A database that can't be reached answers a friendly 503 rather than the 500 page.
handler500 = "operations.health.server_error"

urlpatterns = [
    # Before admin.site.urls, whose catch-all would otherwise answer these paths.
    path("admin/markdownx/markdownify/", EditorPreviewView.as_view(), name="markdownx_markdownify"),
    path("admin/markdownx/upload/", EditorImageUploadView.as_view(), name="markdownx_upload"),
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS, "template_name": SECTION_TEMPLATE},
        name="sitemap_section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    # Local development only; in production the web server or object storage serves media.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
