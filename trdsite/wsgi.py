"""WSGI entry point: `gunicorn trdsite.wsgi`.

Readers' pages already in the page cache are answered in front of Django's handler
(operations.warm_path); every other request goes through Django as usual.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trdsite.settings")

# Django is set up first: the front reads settings and caches.
django_application = get_wsgi_application()

from operations.warm_path import WarmPathApplication  # noqa: E402

application = WarmPathApplication(django_application)
