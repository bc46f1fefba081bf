"""WSGI entry point: `gunicorn trdsite.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trdsite.settings")

application = get_wsgi_application()
