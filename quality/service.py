"""Fabrication flags written: one interview's as it becomes complete (inside that transaction, with the
flags that depend on it: its enumerator's later completes within the burst window, the other completes
of the period behind the same phone), or a whole period's in a few set-based queries. Flags are derived
data: rewritten, never edited, not audited (the interviews they point at are)."""

import collections
import datetime
import json
import logging

from peewee import JOIN, SQL, fn

from models import (
    Answer,
    AuditRecord,
    CallAttempt,
    Case,
    Contact,
    Interview,
    InterviewChannels,
    InterviewFlag,
    Period,
    Questionnaire,
    QuestionnaireVersion,
    db,
    is_postgres,
    now,
)
from models.base import joined_transaction
from questionnaires.xlsform import SELECT_ONE, questions

from . import rules
from .settings import merged

log = logging.getLogger(__name__)

SCALE = ("1", "2", "3", "4", "5")
CHUNK = 900  # ids in one IN (…): under SQLite's oldest limit of bound variables
ROWS = 150  # flags in one INSERT (5 values each: under the same limit)


def _attempted():
    """EXISTS: a call attempt on the interview's assignment, or its case's phone shown to someone."""
    attempts = CallAttempt.select(SQL("1")).where(CallAttempt.assignment == Interview.assignment)
    return (fn.EXISTS(attempts) | AuditRecord.phone_revealed(Interview.case)).alias("attempted")


def _parsed(value):
    """SQLite's text of a datetime, parsed (peewee's own parsing tries its formats one by one: it was
    most of a period's time on SQLite); PostgreSQL's driver gives datetimes."""
    return None if value is None else datetime.datetime.fromisoformat(value)


FACT_COLUMNS = (
    Interview.id,
    Case.returned_at,
    Case.code,
    Interview.enumerator,
    Interview.channel,
    Interview.source,
    Interview.started_at,
    Interview.ended_at,
    Interview.duration_seconds,
    Interview.version,
    Contact.phone_hash,
)


def _facts(where):
    """[(id, returned_at, code, enumerator, channel, source, started_at, ended_at, duration, version id,
    phone hash, attempted)] of the interviews matching `where`, read as the driver gives them."""
    query = (
        Interview.select(*FACT_COLUMNS, _attempted())
        .join(Case, on=(Interview.case == Case.id))
        .join(Contact, JOIN.LEFT_OUTER, on=(Contact.case == Case.id))
        .where(where)
    )
    rows = db.execute_sql(*query.sql()).fetchall()  # the driver's rows: peewee's per-row work is not needed
    if is_postgres():
        return rows
    return [
        (r[0], _parsed(r[1]), r[2], r[3], r[4], r[5], _parsed(r[6]), _parsed(r[7]), r[8], r[9], r[10], r[11])
        for r in rows
    ]


def _in_period(period):
    start, end = period.bounds
    return (Case.returned_at >= start) & (Case.returned_at < end)


COMPLETE = Interview.complete_case.is_null(False)  # submitted or approved, the case's one complete


class _Periods:
    """The periods by month, and their prepared settings, read once. Not `strict` (as an interview is
    submitted), a period's unusable quality settings give way to the defaults, logged: a mistyped
    threshold must never refuse a respondent's answers; `flag_period` refuses them with the reason."""

    def __init__(self, strict=False):
        self.by_month = {p.month: p for p in Period.select(Period.id, Period.month, Period.settings)}
        self.settings = {}
        self.strict = strict

    def of(self, returned_at):
        if returned_at is None:
            return None
        return self.by_month.get(f"{returned_at.year:04d}-{returned_at.month:02d}")

    def settings_of(self, period):
        if period.id not in self.settings:
            try:
                found = merged(period.settings)
            except ValueError:  # QualitySettingsError, or settings that are not JSON
                if self.strict:
                    raise
                log.warning("period %s: unusable quality settings, the defaults are used", period.month)
                found = merged(None)
            self.settings[period.id] = rules.prepared(found)
        return self.settings[period.id]


def _versions(version_ids):
    """{version id: (form_id, {element: [question names on the 1-5 scale]})}."""
    out = {}
    query = (
        QuestionnaireVersion.select(QuestionnaireVersion, Questionnaire.form_id)
        .join(Questionnaire)
        .where(QuestionnaireVersion.id.in_(sorted(version_ids) or [0]))
    )
    for version in query:
        definition = version.definition_dict()
        elements = collections.defaultdict(list)
        for q in questions(definition):
            names = {c["name"] for c in definition["choices"].get(q.get("list") or "", [])}
            if q["type"] == SELECT_ONE and set(SCALE) <= names and q.get("element"):
                elements[q["element"].split(".")[0]].append(q["name"])
        out[version.id] = (version.questionnaire.form_id, dict(elements))
    return out


def _element_questions(versions, minimum):
    """{element: questions} over the versions, only elements that can hold `minimum` answers."""
    out = collections.defaultdict(set)
    for _form, elements in versions.values():
        for element, names in elements.items():
            if len(names) >= minimum:
                out[element].update(names)
    return out


def _lines(where, elements):
    """{interview id: [(element, answers on 1-5, lowest, highest)]} of the interviews matching `where`
    whose answers on an element's 1-5 questions are all the same (one GROUP BY per element)."""
    out = collections.defaultdict(list)
    for element, names in sorted(elements.items()):
        count, low, high = fn.COUNT(Answer.id), fn.MIN(Answer.value), fn.MAX(Answer.value)
        query = (
            Answer.select(Answer.interview, count, low, high)
            .join(Interview, on=(Answer.interview == Interview.id))
            .join(Case, on=(Interview.case == Case.id))
            .where(where & Answer.question.in_(sorted(names)) & Answer.value.in_(SCALE))
            .group_by(Answer.interview)
            .having((count >= 2) & (low == high))
            .tuples()
        )
        for interview_id, n, lo, hi in query:
            out[interview_id].append((element, n, lo, hi))
    return out


def _build(rows, periods, versions, only=None):
    """Facts from `_facts` rows (those of a case outside any period left out); all of `only` if given."""
    forms = {version_id: form_id for version_id, (form_id, _elements) in versions.items()}
    fact = rules.Fact
    out = []
    for r in rows:
        period = only or periods.of(r[1])
        if period is None:
            continue
        out.append(fact(r[0], period.id, r[2], r[3], r[4], r[5], r[6], r[7], r[8], forms.get(r[9]), r[10], bool(r[11])))
    return out


def _desired(facts, periods_by_id, periods, lines, times, phones):
    """{(interview id, kind): (period id, figures)}: `times` is {enumerator: [(ended_at, id)]} of the
    completes their bursts count, `phones` {period id: [(id, code, phone hash)]} of the completes."""
    shared = {}
    for rows in phones.values():
        shared.update(rules.shared_phones(rows))
    bursts = {}
    groups = collections.defaultdict(set)  # (enumerator, period id) of the facts to evaluate
    for fact in facts:
        if rules.counted_in_bursts(fact):
            groups[(fact.enumerator_id, fact.period_id)].add(fact.id)
    for (enumerator, period_id), ids in groups.items():
        settings = periods.settings_of(periods_by_id[period_id])
        found = rules.bursts(times.get(enumerator, ()), settings["max_per_hour"], settings["burst_minutes"])
        bursts.update({i: f for i, f in found.items() if i in ids})
    out = {}
    for fact in facts:
        settings = periods.settings_of(periods_by_id[fact.period_id])
        flags = rules.evaluate(fact, settings, lines.get(fact.id), bursts.get(fact.id), shared.get(fact.id))
        for kind, figures in flags.items():
            out[(fact.id, kind)] = (fact.period_id, figures)
    return out


def _text(figures):
    return json.dumps(figures, ensure_ascii=False, sort_keys=True)


def _write(desired, existing):
    """Make the stored flags `desired`; `existing` is {(interview id, kind): (flag id, detail)}. Returns
    (added, removed): a flag whose figures changed is removed and added again."""
    wanted = {key: (period_id, _text(figures)) for key, (period_id, figures) in desired.items()}
    gone = [fid for key, (fid, detail) in existing.items() if key not in wanted or wanted[key][1] != detail]
    at = str(now())
    new = [
        (key[0], period_id, key[1], detail, at)
        for key, (period_id, detail) in wanted.items()
        if key not in existing or existing[key][1] != detail
    ]
    for i in range(0, len(gone), CHUNK):
        InterviewFlag.delete().where(InterviewFlag.id.in_(gone[i : i + CHUNK])).execute()
    fields = [getattr(InterviewFlag, c.removesuffix("_id")) for c in FLAG_COLUMNS]
    for i in range(0, len(new), ROWS):
        # an upsert: two submits at once (or a submit during `flags compute`) may write the same flag
        InterviewFlag.insert_many(new[i : i + ROWS], fields=fields).on_conflict(
            conflict_target=[InterviewFlag.interview, InterviewFlag.kind],
            preserve=[InterviewFlag.period, InterviewFlag.detail, InterviewFlag.created_at],
        ).execute()
    return len(new), len(gone)


FLAG_COLUMNS = ("interview_id", "period_id", "kind", "detail", "created_at")


def _existing(where):
    return {
        (interview_id, kind): (fid, detail)
        for fid, interview_id, kind, detail in InterviewFlag.select(
            InterviewFlag.id, InterviewFlag.interview, InterviewFlag.kind, InterviewFlag.detail
        )
        .where(where)
        .tuples()
    }


def _window(period_settings):
    return datetime.timedelta(minutes=period_settings["burst_minutes"])


def _times(counted):
    """{enumerator: [(ended_at, id)]} of facts their bursts count."""
    out = collections.defaultdict(list)
    for fact in counted:
        out[fact.enumerator_id].append((fact.ended_at, fact.id))
    return out


def flag_period(period, progress=None):
    """Recompute every flag of the period's interviews (those no longer complete lose theirs); returns
    {"interviews": complete interviews, "flags": {kind: count}, "added", "removed"}."""
    report = progress or (lambda fraction: None)
    with joined_transaction():
        periods = _Periods(strict=True)
        periods.by_month[period.month] = period
        settings = periods.settings_of(period)
        where = _in_period(period) & COMPLETE
        rows = _facts(where)
        report(0.3)
        versions = _versions({r[9] for r in rows})
        facts = _build(rows, periods, versions, only=period)
        led = Interview.channel.not_in(InterviewChannels.SELF)
        lines = _lines(where & led, _element_questions(versions, settings["straight_line_questions"]))
        report(0.6)
        counted = [f for f in facts if rules.counted_in_bursts(f)]
        times = _times(counted)
        _add_other_periods(times, counted, period, settings)
        phones = {period.id: [(f.id, f.case_code, f.phone_hash) for f in facts]}
        desired = _desired(facts, {period.id: period}, periods, lines, times, phones)
        report(0.8)
        added, removed = _write(desired, _existing(InterviewFlag.period == period))
    report(1.0)
    return {
        "interviews": len(facts),
        "flags": dict(collections.Counter(kind for _id, kind in desired)),
        "added": added,
        "removed": removed,
    }


def _add_other_periods(times, counted, period, settings):
    """The same enumerators' completes of other periods ending within the burst window before the
    period's `counted` ones (an enumerator working two months' samples in the same hour is counted once)."""
    ends = [f.ended_at for f in counted]
    if not ends:
        return
    low, high = min(ends) - _window(settings), max(ends)
    query = _facts(
        COMPLETE
        & Interview.enumerator.is_null(False)
        & Interview.ended_at.between(low, high)
        & ~_in_period(period)
        & Interview.channel.not_in(InterviewChannels.SELF)
    )
    for row in query:
        fact = rules.Fact(row[0], None, row[2], *row[3:9], None, row[10], bool(row[11]))
        if rules.counted_in_bursts(fact):
            times[fact.enumerator_id].append((fact.ended_at, fact.id))


def flag_interview(interview):
    """Recompute the flags of an interview that has just become complete (or stopped being so), in the
    caller's transaction, with those that depend on it: its enumerator's completes ending within the
    burst window after it, and the period's other completes behind the same phone."""
    with joined_transaction():
        periods = _Periods()
        own = _facts(Interview.id == interview.id)
        if not own:
            return
        me = own[0]
        period = periods.of(me[1])
        if period is None:
            return
        settings = periods.settings_of(period)
        window = _window(settings)
        ids = {interview.id}
        ended_at, enumerator, phone_hash = me[7], me[3], me[10]
        if enumerator is not None and ended_at is not None:
            later = Interview.select(Interview.id).where(
                COMPLETE
                & (Interview.enumerator == enumerator)
                & Interview.ended_at.between(ended_at, ended_at + window)
            )
            ids.update(i for (i,) in later.tuples())
        if phone_hash:
            same = (
                Interview.select(Interview.id)
                .join(Case, on=(Interview.case == Case.id))
                .join(Contact, on=(Contact.case == Case.id))
                .where(COMPLETE & _in_period(period) & (Contact.phone_hash == phone_hash))
            )
            ids.update(i for (i,) in same.tuples())
        _recompute(sorted(ids), periods)


def _recompute(ids, periods):
    """Rewrite the flags of these interviews from their facts and their groups (bursts, phones)."""
    rows = _facts(Interview.id.in_(ids) & COMPLETE)
    versions = _versions({r[9] for r in rows})
    facts = _build(rows, periods, versions)
    periods_by_id = {p.id: p for p in periods.by_month.values()}
    minimum = min(
        (periods.settings_of(periods_by_id[f.period_id])["straight_line_questions"] for f in facts), default=3
    )
    led = Interview.channel.not_in(InterviewChannels.SELF)
    lines = _lines(Interview.id.in_(ids) & led, _element_questions(versions, minimum))
    times = collections.defaultdict(list)
    for enumerator, group in _by(facts, lambda f: f.enumerator_id if rules.counted_in_bursts(f) else None).items():
        if enumerator is None:
            continue
        window = max(_window(periods.settings_of(periods_by_id[f.period_id])) for f in group)
        low, high = min(f.ended_at for f in group) - window, max(f.ended_at for f in group)
        for row in _facts(COMPLETE & (Interview.enumerator == enumerator) & Interview.ended_at.between(low, high)):
            fact = rules.Fact(row[0], None, row[2], *row[3:9], None, row[10], bool(row[11]))
            if rules.counted_in_bursts(fact):
                times[enumerator].append((fact.ended_at, fact.id))
    phones = collections.defaultdict(list)
    for period_id, group in _by(facts, lambda f: f.period_id).items():
        hashes = sorted({f.phone_hash for f in group if f.phone_hash})
        if not hashes:
            continue
        period = periods_by_id[period_id]
        for row in _facts(COMPLETE & _in_period(period) & Contact.phone_hash.in_(hashes)):
            phones[period_id].append((row[0], row[2], row[10]))
    desired = _desired(facts, periods_by_id, periods, lines, times, phones)
    _write(desired, _existing(InterviewFlag.interview.in_(ids)))


def _by(items, key):
    out = collections.defaultdict(list)
    for item in items:
        out[key(item)].append(item)
    return out
