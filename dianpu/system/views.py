import time

from django.db import connection
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from dianpu import __version__


@never_cache
def healthz(request):
    """200 {"status": "ok"} when the database answers; 503 otherwise."""
    started = time.perf_counter()
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # report, never raise: this is what monitors read
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        from huey.contrib.djhuey import HUEY

        HUEY.pending_count()
        checks["queue"] = "ok"
    except Exception as exc:
        checks["queue"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "version": __version__,
            "database": connection.vendor,
            "checks": checks,
            "took_ms": round((time.perf_counter() - started) * 1000, 2),
        },
        status=200 if healthy else 503,
    )


def favicon(request):
    """/favicon.ico: the shop's icon (an SVG under /static/)."""
    return HttpResponsePermanentRedirect(static("storefront/favicon.svg"))
