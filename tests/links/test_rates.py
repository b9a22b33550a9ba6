"""Response rates per channel, computed by hand (pure arithmetic, no database)."""

import pytest

from links.rates import Rate, by_channel, response_rate


def test_response_rate_is_answered_over_sent():
    assert response_rate(3, 12) == 0.25
    assert response_rate(0, 5) == 0
    assert response_rate(0, 0) is None
    with pytest.raises(ValueError):
        response_rate(4, 3)


def test_rates_by_channel_count_what_reached_the_citizen():
    rows = [
        ("email", "issued", False, 7),  # never sent: not counted
        ("email", "sent", True, 5),  # waiting: counted as not answered (yet)
        ("email", "answered", True, 3),
        ("email", "declined", True, 1),
        ("email", "locked", True, 1),
        ("email", "closed", True, 2),  # answered by an interview: neither
        ("qr", "answered", True, 4),
        ("qr", "locked", True, 4),
        ("kiosk", "answered", True, 2),
    ]
    rates = by_channel(rows)
    assert rates["email"] == Rate(answered=3, sent=10) and rates["email"].rate == 0.3
    assert rates["qr"].rate == 0.5
    assert rates["kiosk"].rate == 1.0
    assert rates["sms"] == Rate(0, 0) and rates["sms"].rate is None
    assert rates["website"].rate is None
    assert rates[None] == Rate(answered=9, sent=20) and rates[None].rate == 0.45
