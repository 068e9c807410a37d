"""Work a web worker does once at boot instead of in its first request.

Without it the first request after a start took ~6 s on the demo machine (the URL
configuration imports every view and builds the API, templates compile, both translation
catalogues load) and the first search ~3 s more (jieba loads its dictionary), against ~0.1 s
for every later one. `dianpu/wsgi.py` calls `warm_up()` when a worker loads the application;
tests and management commands do not pay for it.
"""

import logging
import time
from pathlib import Path

logger = logging.getLogger("dianpu.warmup")


def _templates(engine) -> list[str]:
    names = []
    for directory in engine.template_dirs:
        root = Path(directory)
        names += [p.relative_to(root).as_posix() for p in root.rglob("*.html")]
    return sorted(set(names))


def warm_up() -> float:
    """Import the URL configuration, compile the templates, load the translations and jieba's
    dictionary. Returns the seconds it took; never raises (a cold worker still works)."""
    started = time.perf_counter()
    try:
        from django.template import engines
        from django.urls import get_resolver
        from django.utils import translation

        _ = get_resolver().url_patterns  # imports every urls.py, view module and the API routers
        for language in ("zh-hans", "en"):
            with translation.override(language):
                translation.gettext("返回首页")
        engine = engines["django"]
        for name in _templates(engine):
            try:
                engine.get_template(name)
            except Exception:  # a fragment that only renders inside another template
                continue
        from dianpu.catalog.domain.search import query_terms

        query_terms("纯棉衬衫")  # loads jieba's dictionary
        from django.db import connections

        connections.close_all()  # nothing opened here is carried into a request thread
    except Exception:  # pragma: no cover - warming is an optimisation, never a reason to fail
        logger.exception("warm-up failed; the first requests will be slower")
    took = time.perf_counter() - started
    logger.info("warm-up took %.2f s", took)
    return took
