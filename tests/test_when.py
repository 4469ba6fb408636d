"""Reading the moments users type."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callsheet.models.values.validate import InputError, cents
from callsheet.models.values.when import WhenError, iso, parse_when
from tests.conftest import NOW


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2026-11-20T10:30+02:00", datetime(2026, 11, 20, 8, 30, tzinfo=UTC)),
        ("2026-11-20T10:30Z", datetime(2026, 11, 20, 10, 30, tzinfo=UTC)),
        (
            "2026-11-20T10:30",
            datetime(2026, 11, 20, 8, 30, tzinfo=UTC),
        ),  # local time, Bucharest
        ("2026-11-20", datetime(2026, 11, 19, 22, 0, tzinfo=UTC)),
        ("yesterday 14:30", datetime(2026, 11, 23, 12, 30, tzinfo=UTC)),
        ("2 hours ago", datetime(2026, 11, 24, 10, 0, tzinfo=UTC)),
        ("now", NOW),
    ],
)
def test_moments_are_read_in_the_local_zone_unless_they_carry_an_offset(typed, expected):
    assert parse_when(typed, NOW) == expected


def test_an_unreadable_moment_names_what_was_typed():
    with pytest.raises(WhenError, match="next blue moon"):
        parse_when("next blue moon", NOW)


def test_moments_are_written_with_the_local_offset():
    assert iso(datetime(2026, 7, 1, 9, 0, tzinfo=UTC)) == "2026-07-01T12:00:00+03:00"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("1200", 120000),
        ("1200.5", 120050),
        ("1 200,50", 120050),
        ("1,200.50", 120050),
        ("1.200,50", 120050),
        (99, 9900),
        (12.34, 1234),
    ],
)
def test_amounts_are_read_exactly_in_cents(typed, expected):
    assert cents(typed) == expected


@pytest.mark.parametrize("typed", ["12.345", "abc", "", True])
def test_a_bad_amount_names_the_field(typed):
    with pytest.raises(InputError) as error:
        cents(typed)
    assert error.value.field == "amount"
