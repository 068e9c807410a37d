import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dianpu.settings")
application = get_wsgi_application()

if os.environ.get("DIANPU_WARM_UP", "1") != "0":
    # Each web worker pays once at boot for what its first request would (dianpu/system/warmup.py).
    from dianpu.system.warmup import warm_up

    warm_up()
