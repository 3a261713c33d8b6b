"""The benchmark server: the project's URLs plus /bench/trivial, a JSON view that does no
work, so the API's figures can be read against the cost of the stack itself.

Gunicorn serves `benchmarks._bench_urls:application` (see benchmarks/api.py). The WSGI app
here uses the configured settings module with two changes, both production-like: this
URLconf, and persistent database connections (the test settings close them per request).
"""

from __future__ import annotations

import os

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def trivial(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


def _application():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = __name__
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 600
    return get_wsgi_application()


# Django must be set up before config.urls is imported below.
application = _application()

urlpatterns = [
    path("bench/trivial", trivial),
    path("", include("config.urls")),
]
