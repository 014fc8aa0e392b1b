"""WSGI entry point (gunicorn newsroom.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
application = get_wsgi_application()

# What start-up loaded (Django, the apps, the check-worthiness model, the HTML readers) lives as long
# as the process: frozen, the garbage collector stops walking it at every full collection, which
# took 2-3 ms of an API request on average (issue 14). Objects made later are collected as usual.
gc.collect()
gc.freeze()
