import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dianpu.settings")
application = get_wsgi_application()

if os.environ.get("DIANPU_WARM_UP", "1") != "0":
    # Each web worker pays once at boot for what its first request would (dianpu/system/warmup.py).
    from dianpu.system.warmup import warm_up

    warm_up()
    # Under `dianpu serve` (gunicorn --preload) this runs once in the master before it forks: moving
    # what was loaded out of the collector's reach keeps the workers from writing to (and so
    # copying) the pages they share with it.
    import gc

    gc.freeze()
