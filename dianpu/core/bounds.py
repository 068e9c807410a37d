"""Bounds of the numbers and dates the API accepts, so that a value beyond what a column, an
OFFSET or a calendar can hold is refused with 422 (`invalid`, errors per field) at the edge instead
of failing deep down. The API's error handler also answers 422 `out_of_range` for any such value
that still reaches the database (dianpu/api.py)."""

from datetime import date
from typing import Annotated

from pydantic import Field

MAX_PAGE_NUMBER = 100_000
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)

PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE_NUMBER, description=f"1 to {MAX_PAGE_NUMBER}")]
ShopDate = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY, description="2000-01-01 to 2099-12-31")]
