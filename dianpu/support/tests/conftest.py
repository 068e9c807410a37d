from datetime import datetime, timezone

import pytest

from dianpu.core import clock


@pytest.fixture
def at():
    """at(2026, 3, 2, 9, 0) pins the clock (UTC) for the rest of the test."""

    def move(*parts):
        clock.freeze(datetime(*parts, tzinfo=timezone.utc))

    yield move
    clock.freeze(None)
