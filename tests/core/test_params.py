"""Call parameters as JSON: plain values stay readable, every value reads back equal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from simulator.core.params import (
    Unreplayable,
    decode_params,
    encode_params,
    unreplayable,
)

_TAGGED = st.one_of(
    st.datetimes(timezones=st.just(UTC)), st.datetimes(), st.dates(), st.binary(max_size=40),
    st.decimals(allow_nan=False, allow_infinity=False),
)
_KEYS = st.one_of(st.text(max_size=8), st.sampled_from(["$datetime", "$bytes", "$dict", "$repr", "$decimal"]))
_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12), _TAGGED),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=8), _VALUES, max_size=5))
def test_every_value_reads_back_equal_and_encodes_the_same(params):
    """decode(encode(x)) == x for JSON values, datetimes, dates, bytes, decimals, and objects
    whose one key looks like a tag; encoding what was decoded gives the same text."""
    text = encode_params(params)
    decoded = decode_params(text)
    assert decoded == params
    assert encode_params(decoded) == text


def test_plain_parameters_stay_plain_json():
    """The events timeline stays readable: plain parameters are compact JSON, keys sorted."""
    assert encode_params({"MaxCount": 1, "ImageId": "ami-0123", "Tags": [{"Key": "a", "Value": "b"}]}) == (
        '{"ImageId":"ami-0123","MaxCount":1,"Tags":[{"Key":"a","Value":"b"}]}')


def test_non_json_values_are_tagged():
    """Datetimes keep their offset and microseconds, bytes go as base64, decimals as text."""
    when = datetime(2026, 1, 5, 8, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    text = encode_params({"StartTime": when, "Blob": b"\x00\xffkey", "Price": Decimal("0.0450"), "Day": date(2026, 1, 5)})
    assert '"StartTime":{"$datetime":"2026-01-05T08:30:00.123456+02:00"}' in text
    assert '"Blob":{"$bytes":"AP9rZXk="}' in text and '"Price":{"$decimal":"0.0450"}' in text
    decoded = decode_params(text)
    assert decoded["StartTime"] == when and decoded["StartTime"].utcoffset() == timedelta(hours=2)
    assert decoded["Price"] == Decimal("0.0450") and str(decoded["Price"]) == "0.0450"


def test_a_value_of_another_type_reads_back_as_unreplayable():
    """An object JSON cannot carry keeps its repr and is flagged, never silently turned into a string."""
    decoded = decode_params(encode_params({"target": {1, 2}, "name": "x"}))
    assert decoded["target"] == Unreplayable("{1, 2}") and decoded["name"] == "x"
    assert unreplayable(decoded) == ["{1, 2}"]
    assert unreplayable({"a": [1, {"b": "c"}]}) == []
