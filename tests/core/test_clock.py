"""core.clock: times in range, and formatting that never raises on a stored out-of-range value."""

from __future__ import annotations

import math

import pytest

from reverie.core.clock import MAX_TIME, MIN_TIME, UNKNOWN_DATE, clamp, in_range, iso, local_date, to_datetime

BAD = [1e300, -1e300, 2**70, -(2**70), -1e12, 1e12, math.inf, -math.inf, 2**1100]


@pytest.mark.parametrize("value", BAD)
def test_formatting_is_total_on_out_of_range_times(value):
    assert not in_range(value)
    assert iso(value) in ("1900-01-01T00:00:00Z", "2200-12-31T23:59:59Z")
    assert local_date(value) == UNKNOWN_DATE
    assert MIN_TIME <= to_datetime(value).timestamp() <= MAX_TIME


def test_nan_and_non_numbers_are_unknown():
    assert iso(math.nan) == UNKNOWN_DATE and local_date(math.nan) == UNKNOWN_DATE
    assert not in_range(math.nan) and not in_range(True) and not in_range("1700000000")
    assert clamp(math.nan) == MIN_TIME


def test_the_range_is_the_years_1900_to_2200():
    assert iso(MIN_TIME) == "1900-01-01T00:00:00Z" and iso(MAX_TIME) == "2200-12-31T23:59:59Z"
    assert in_range(MIN_TIME) and in_range(MAX_TIME) and in_range(0) and in_range(1_700_000_000)
    assert not in_range(MIN_TIME - 1) and not in_range(MAX_TIME + 1)
    assert iso(1_700_000_000) == "2023-11-14T22:13:20Z" and iso(None) is None
