"""Parsing of the values found in one-stop exports (pure functions)."""

import datetime

import pytest

from importing.table import normalize_header
from importing.values import parse_channel, parse_datetime, parse_email, parse_flag, parse_phone


@pytest.mark.parametrize("text", ["Mã hồ sơ", "MA_HO_SO", "ma ho so", " Mã  Hồ_Sơ "])
def test_headers_match_without_case_spaces_underscores_or_diacritics(text):
    assert normalize_header(text) == normalize_header("ma_ho_so") == "mahoso"


@pytest.mark.parametrize(
    "text",
    [
        "0912345678",
        "0912.345.678",
        "0912 345 678",
        "+84 912 345 678",
        "84912345678",
        "912345678",
        "0912-345-678",
        "(+84) 912345678",
    ],
)
def test_common_phone_writings_normalise_to_e164(text):
    assert parse_phone(text) == "+84912345678"


def test_landline_is_valid():
    assert parse_phone("0252 3822 123") == "+842523822123"


@pytest.mark.parametrize("text", ["12345", "0912", "09123456789012", "abc", "0112345678", "+1 202 555 0100"])
def test_invalid_phones_are_refused(text):
    with pytest.raises(ValueError):
        parse_phone(text)


def test_empty_phone_is_none():
    assert parse_phone("  ") is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("05/10/2026", datetime.datetime(2026, 10, 5)),
        ("5/1/2026 7:05", datetime.datetime(2026, 1, 5, 7, 5)),
        ("05/10/2026 14:30:15", datetime.datetime(2026, 10, 5, 14, 30, 15)),
        ("2026-10-05", datetime.datetime(2026, 10, 5)),
        ("2026-10-05T14:30", datetime.datetime(2026, 10, 5, 14, 30)),
        ("2026-10-05T14:30:15", datetime.datetime(2026, 10, 5, 14, 30, 15)),
        ("", None),
    ],
)
def test_dates_in_every_documented_writing(text, expected):
    assert parse_datetime(text) == expected


def test_excel_date_cells_pass_through():
    assert parse_datetime(datetime.datetime(2026, 10, 5, 8, 0)) == datetime.datetime(2026, 10, 5, 8, 0)
    assert parse_datetime(datetime.date(2026, 10, 5)) == datetime.datetime(2026, 10, 5)


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "hôm qua", "10/05/26", "2026/10/05"])
def test_unreadable_or_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_datetime(text)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("truc_tiep", "direct"),
        ("Trực tiếp", "direct"),
        ("direct", "direct"),
        ("truc_tuyen", "online"),
        ("Trực tuyến", "online"),
        ("ONLINE", "online"),
        ("buu_chinh", "postal"),
        ("Bưu chính công ích", "postal"),
        ("postal", "postal"),
    ],
)
def test_channels(text, expected):
    assert parse_channel(text) == expected


def test_unknown_channel_is_refused():
    with pytest.raises(ValueError):
        parse_channel("zalo")


@pytest.mark.parametrize(
    "text,expected", [("1", True), ("có", True), ("x", True), ("X", True), ("", False), ("0", False), ("không", False)]
)
def test_immediate_result_flag(text, expected):
    assert parse_flag(text) is expected


def test_email():
    assert parse_email(" An@Example.VN ") == "an@example.vn"
    assert parse_email("") is None
    with pytest.raises(ValueError):
        parse_email("an@example")


def test_lateness_counts_a_date_only_deadline_to_the_end_of_its_day():
    from models.cases import is_late

    d = datetime.datetime
    assert not is_late(d(2026, 10, 8, 16, 0), d(2026, 10, 8))
    assert is_late(d(2026, 10, 9, 8, 0), d(2026, 10, 8))
    assert is_late(d(2026, 10, 8, 16, 0), d(2026, 10, 8, 11, 0))
    assert not is_late(None, d(2026, 10, 8))
    assert not is_late(d(2026, 10, 9), None)
