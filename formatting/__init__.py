"""Numbers, percentages, dates and times written one way on every page, by the user's language
(Vietnamese: 55.001 · 12,5 % · 24/11/2026 08:28); dates without a time are shown without one."""

import datetime
import functools

from babel.numbers import get_group_symbol
from flask_babel import format_decimal, format_percent, get_locale

DATE = "dd/MM/yyyy"
DATETIME = "dd/MM/yyyy HH:mm"


def number(value, digits=0):
    """A count or a figure with the language's separators; empty for None."""
    if value is None or value == "":
        return ""
    if not digits and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", _group_symbol(str(get_locale() or "vi")))  # a page writes thousands
    if digits:
        return format_decimal(value, format="#,##0." + "0" * digits)
    return format_decimal(value, format="#,##0")


def whole_numbers():
    """`number` for a page that writes hundreds of counts (the allocation table: 600 a page): the
    language is looked up once, here, instead of on every call; anything but a whole number goes to
    `number`."""
    group = _group_symbol(str(get_locale() or "vi"))

    def write(value):
        if type(value) is int:
            return f"{value:,}".replace(",", group)
        return number(value)

    return write


@functools.lru_cache(maxsize=16)
def _group_symbol(locale):
    return get_group_symbol(locale)


def percent(value, digits=1):
    """A share (0.125) as a percentage (12,5 %); empty for None."""
    if value is None:
        return ""
    return format_percent(value, format="#,##0." + "0" * digits + " %" if digits else "#,##0 %")


def date(value):
    """A date as dd/mm/yyyy (of a date and time, its day); empty for None; other text as it is."""
    value = _value(value)
    if not isinstance(value, (datetime.date, datetime.datetime)):
        return value
    return value.strftime("%d/%m/%Y")


def moment(value):
    """A date and time to the minute; a date, or a time of exactly midnight (how a value given as a date
    alone is stored, e.g. a due date `15/10/2026`), as the date alone."""
    value = _value(value)
    if not isinstance(value, datetime.datetime) or value.time() == datetime.time(0):
        return date(value)
    return value.strftime("%d/%m/%Y %H:%M")


def _value(value):
    """ "" for None or empty; a stored date or time as text (the audit trail's) -> datetime; other text
    as it is; dates and times as they are."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


FILTERS = {"number": number, "percent": percent, "date": date, "moment": moment}  # the host's Jinja filters
