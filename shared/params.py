"""Bounded request parameters every service's endpoints share: paging, calendar years and keys in
URLs. Bounded like every text field (``shared/fields.py``), so a value no database can bind is a
422 in the error shape, never a 500."""

from typing import Annotated

from fastapi import Path, Query
from pydantic import StringConstraints

# Paging and identifiers in URLs are bounded like every text field: a database cannot bind an
# offset of 2**63 (that was a 500), and no key of ours is longer than 100 characters. Every list
# endpoint of every service pages with these two, so one bound holds everywhere.
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows to return")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip")]
# A calendar year in a URL: Python's dates end at 9999 (year 10000 was a 500).
Year = Annotated[int, Path(ge=2000, le=9999, description="公历年份 (calendar year, YYYY)")]
# A month in a query, YYYY-MM: years Python's dates and our calendars can hold (0000-01 was a 500).
MONTH_PATTERN = r"^(20\d\d|2[1-9]\d\d)-(0[1-9]|1[0-2])$"  # 2000-01 … 2999-12
_NO_NUL = r"^[^\x00]+$"  # PostgreSQL cannot compare with a NUL character: a 500, not a 404
PathKey = Annotated[str, Path(min_length=1, max_length=100, pattern=_NO_NUL)]
QueryKey = Annotated[str | None, Query(min_length=1, max_length=100, pattern=_NO_NUL)]
# A repeated key in a query (``?order_id=a&order_id=b``): each item bounded like a key, the list
# like a page.
KeyItem = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=_NO_NUL)]
KeyList = Annotated[list[KeyItem], Query(max_length=200)]
