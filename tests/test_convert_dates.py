"""Dates remembered across pages (cached_date) read exactly as format_date writes them."""
from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, given, settings, strategies as st

from explainers.claims_md import cached_date, format_date

settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

DATES = st.one_of(st.dates(), st.datetimes())
SHARED: dict = {}  # one dict over every example, as a build keeps it over every page


@given(st.lists(DATES, max_size=20))
def test_remembered_dates_read_as_format_date(values):
    for value in values:
        assert cached_date(value, SHARED) == format_date(value)
        assert cached_date(value, None) == format_date(value)


def test_a_date_and_a_datetime_of_one_day_are_kept_apart():
    dates: dict = {}
    day, moment = dt.date(2024, 5, 19), dt.datetime(2024, 5, 19, 12, 30)
    assert cached_date(day, dates) == cached_date(moment, dates) == "19 May 2024"
    assert len(dates) == 2
    assert cached_date(dt.date(2024, 6, 19), dates) == "19 June 2024"
