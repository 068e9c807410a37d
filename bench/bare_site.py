"""The cheapest page Django serves: one view returning a short HTML page, no middleware, no
database. bench/storefront.py serves it with the same gunicorn settings as `dianpu serve`, in the
same run, as the yardstick for the storefront's pages."""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="bench-only",
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_I18N=False,
)


def hello(request):
    return HttpResponse("<!doctype html><title>bare</title><p>Hello from a bare Django view.</p>")


urlpatterns = [path("", hello), path("healthz", hello)]
application = get_wsgi_application()
