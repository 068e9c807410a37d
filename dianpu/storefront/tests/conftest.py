import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The category tree, sitemap and look-up counters are cached: each test starts empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread; later tests expect Chinese."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
