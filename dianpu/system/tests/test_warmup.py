"""A web worker's boot does what the first request would otherwise pay for."""

import jieba
from django.template import engines

from dianpu.system.warmup import _templates, warm_up


def test_warm_up_loads_jieba_and_compiles_every_template():
    took = warm_up()
    assert took > 0
    assert jieba.dt.initialized
    names = _templates(engines["django"])
    assert "console/base.html" in names and "storefront/base.html" in names
    loader = engines["django"].engine.template_loaders[0]
    if hasattr(loader, "get_template_cache"):  # the cached loader (not in DEBUG auto-reload setups)
        assert {"console/base.html", "storefront/base.html"} <= set(loader.get_template_cache)
