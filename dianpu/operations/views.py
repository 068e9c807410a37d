"""/metrics: Prometheus text format for a bearer of DIANPU_METRICS_TOKEN (404 while none is set)."""

import hmac

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from . import metrics, queries

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@never_cache
def prometheus_metrics(request):
    token = settings.METRICS_TOKEN
    if not token:
        return JsonResponse({"code": "not_found", "detail": "Not found"}, status=404)
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        response = JsonResponse({"code": "unauthorized", "detail": "Bearer token required"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics.render(queries.metric_figures()), content_type=CONTENT_TYPE)
