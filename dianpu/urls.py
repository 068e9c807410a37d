from django.conf import settings
from django.urls import include, path

from dianpu.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("console/", include("dianpu.console.urls")),
    path("", include("dianpu.system.urls")),
    path("", include("dianpu.operations.urls")),
    path("", include("dianpu.storefront.urls")),
]

if settings.DEBUG or not settings.HTTPS:
    # Uploaded media served by Django on a single-machine install; behind a proxy, let it serve /media/.
    import posixpath

    from django.http import Http404
    from django.urls import re_path
    from django.views.static import serve

    def serve_public_media(request, path):
        """media/private/ (support attachments) is served only by views that check who asks."""
        if posixpath.normpath(path).lstrip("/").split("/", 1)[0] == "private":
            raise Http404
        return serve(request, path, document_root=settings.MEDIA_ROOT)

    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", serve_public_media))
