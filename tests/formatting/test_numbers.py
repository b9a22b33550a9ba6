"""Numbers written one way on every page: Vietnamese thousands with a dot, English with a comma."""

import pytest
from flask_babel import force_locale

from formatting import number, percent, whole_numbers


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [(55001, "55.001", "55,001"), (0, "0", "0"), (-1234567, "-1.234.567", "-1,234,567"), (999, "999", "999")],
)
def test_whole_numbers_take_the_language_separator(app, value, vi, en):
    with app.test_request_context():
        with force_locale("vi"):
            assert number(value) == vi
        with force_locale("en"):
            assert number(value) == en


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_page_of_counts_is_written_as_number_writes_it(app, language):
    with app.test_request_context(), force_locale(language):
        write = whole_numbers()
        for value in (55001, 0, -1234567, 999, 10**12, None, "", 1234.5):
            assert write(value) == number(value)


def test_decimals_and_percentages(app):
    with app.test_request_context(), force_locale("vi"):
        assert number(1234.5, 1) == "1.234,5" and percent(0.125) == "12,5 %" and number(None) == ""
