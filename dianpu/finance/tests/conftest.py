from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dianpu.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def at(settings):
    """at(2026, 3, 1, 23, 30) pins the clock to that shop-local time (Asia/Shanghai)."""
    settings.TIME_ZONE = "Asia/Shanghai"

    def pin(*parts):
        clock.freeze(datetime(*parts, tzinfo=SHANGHAI))

    yield pin
    clock.freeze(None)
