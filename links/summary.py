"""What the back office's links page reads: a period's links by channel and status, its returned
cases, and whether a form is published for self-administered answers."""

from peewee import fn

from models import Case, FormRule, Interview, LinkChannels, LinkStatus, Modes, QuestionnaireVersion, SurveyLink, Unit

from . import rates


def counts(period):
    """[(channel, status, was sent, count)] of a period's links."""
    sent = SurveyLink.sent_at.is_null(False)
    return list(
        SurveyLink.select(SurveyLink.channel, SurveyLink.status, sent, fn.COUNT(SurveyLink.id))
        .where(SurveyLink.period == period)
        .group_by(SurveyLink.channel, SurveyLink.status, sent)
        .tuples()
    )


def table(period):
    """({channel: {status: count}}, {channel: rates.Rate}) with every channel and status present,
    the totals of all channels under None."""
    rows = counts(period)
    grid = {c: dict.fromkeys(LinkStatus.ALL, 0) for c in (*LinkChannels.ALL, None)}
    for channel, status, _sent, count in rows:
        grid.setdefault(channel, dict.fromkeys(LinkStatus.ALL, 0))
        grid[channel][status] = grid[channel].get(status, 0) + count
        grid[None][status] = grid[None].get(status, 0) + count
    return grid, rates.by_channel(rows)


def returned_cases(period):
    """How many cases were returned in the period's month (those a link may be issued for)."""
    start, end = period.bounds
    return Case.select().where((Case.returned_at >= start) & (Case.returned_at < end)).count()


def self_forms():
    """{submission channel: published version} of the forms self-administered answers get."""
    out = {}
    for rule in FormRule.select().where(FormRule.mode == Modes.SELF):
        version = QuestionnaireVersion.current(rule.questionnaire.form_id)
        if version is not None:
            out[rule.channel] = version
    return out


def qr_waiting(period):
    """[(unit, count)] of the period's QR links issued and not printed yet (their case not answered
    through another channel), by unit code."""
    count = fn.COUNT(SurveyLink.id)
    rows = (
        Unit.select(Unit, count.alias("waiting"))
        .join(Case, on=(Case.unit == Unit.id))
        .join(SurveyLink, on=(SurveyLink.case == Case.id))
        .where(
            (SurveyLink.period == period)
            & (SurveyLink.channel == LinkChannels.QR)
            & (SurveyLink.status == LinkStatus.ISSUED)
            & ~fn.EXISTS(Interview.select(Interview.id).where(Interview.complete_case == Case.id))
        )
        .group_by(Unit.id)
        .order_by(Unit.code)
    )
    return [(unit, unit.waiting) for unit in rows]
