"""What a compilation counts, read from the database in a few GROUP BY queries: answers of approved
interviews, completes, the drawn sample's final dispositions, the links; all by unit (and channel)."""

import collections
import dataclasses

from peewee import JOIN, fn
from peewee import Case as SqlCase

from models import (
    Allocation,
    Answer,
    Assignment,
    AssignmentStatus,
    CallAttempt,
    Case,
    Dispositions,
    Interview,
    InterviewStatus,
    QuestionnaireVersion,
    SampleCase,
    SampleStatus,
    SurveyLink,
    Unit,
    UnitLevel,
    User,
)
from questionnaires.xlsform import SELECT_ONE, questions

from .arithmetic import SCALE

RECEIVING, HANDLING = "civil_servants.receiving", "civil_servants.handling"  # officers rated by name


@dataclasses.dataclass
class Tallies:
    units: dict  # unit id -> (code, name, level code)
    cases: collections.Counter  # unit -> cases returned in the month
    eligible: dict  # unit -> eligible for interviews (the allocation's), or absent
    sample: collections.Counter  # (unit, mode, "sampled" | "issued" | "attempted") -> cases
    dispositions: collections.Counter  # (unit, mode, rate class) -> issued cases
    completes: collections.Counter  # (unit, channel) -> approved interviews
    answers: collections.Counter  # (unit, channel, question, value) -> answers
    officers: collections.Counter  # (unit, channel, role, officer name, value) -> answers
    links: collections.Counter  # (unit, link channel, link status) -> links
    enumerators: collections.Counter  # (username, full name, "assigned" | "attempted" | status) -> count
    elements: dict  # question -> element code (its criterion dropped), of questions on the 1-5 scale
    scaled: set  # questions answered on the 1-5 satisfaction scale (only they are counted)
    versions: list  # [(form_id, version)] of the questionnaires the counted interviews used
    case_values: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    # (unit, case field, value as text) -> cases returned, for the 18-point scheme's case rules
    choices: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    # (unit, channel, question, value) -> answers of approved interviews, of the scheme's questions


def _count_of(column, value):
    """How many rows of a group hold this value in the column."""
    return fn.SUM(SqlCase(None, [(column == value, 1)], 0))


def _in_period(period):
    start, end = period.bounds
    return (Case.returned_at >= start) & (Case.returned_at < end)


def read(period, case_fields=(), choice_questions=()):
    """The period's Tallies; with the case fields and questions the 18-point scheme counts, if any."""
    in_period = _in_period(period)
    units = {
        u.id: (u.code, u.name, u.level.code)
        for u in Unit.select(Unit, UnitLevel).join(UnitLevel, on=(Unit.level == UnitLevel.id))
    }
    cases = collections.Counter(
        dict(Case.select(Case.unit, fn.COUNT(Case.id)).where(in_period).group_by(Case.unit).tuples())
    )
    eligible = dict(Allocation.select(Allocation.unit, Allocation.eligible).where(Allocation.period == period).tuples())
    sample, dispositions = _sample(period)
    approved = (
        Interview.select()
        .join(Case, on=(Interview.case == Case.id))
        .where(in_period & (Interview.status == InterviewStatus.APPROVED))
    )
    completes = collections.Counter(
        {
            (unit, channel): n
            for unit, channel, n in approved.select(Case.unit, Interview.channel, fn.COUNT(Interview.id))
            .group_by(Case.unit, Interview.channel)
            .tuples()
        }
    )
    # one group per (unit, channel, question), its answers counted at each level of the scale: as
    # many groups as a plain count and mean would make (grouping by the value too makes six times more)
    levels = [_count_of(Answer.value, level) for level in SCALE]
    answers = collections.Counter()
    for unit, channel, question, *counts in (
        Answer.select(Case.unit, Interview.channel, Answer.question, *levels)
        .join(Interview, on=(Answer.interview == Interview.id))
        .join(Case, on=(Interview.case == Case.id))
        .where(in_period & (Interview.status == InterviewStatus.APPROVED) & Answer.value.in_(SCALE))
        .group_by(Case.unit, Interview.channel, Answer.question)
        .tuples()
    ):
        for level, n in zip(SCALE, counts):
            if n:
                answers[(unit, channel, question, level)] = int(n)
    version_ids = [v for (v,) in approved.select(Interview.version).distinct().tuples()]
    versions, elements, rated, scaled = _questions(version_ids)
    officers = _officers(in_period, rated)
    links = collections.Counter(
        {
            (unit, channel, status): n
            for unit, channel, status, n in SurveyLink.select(
                Case.unit, SurveyLink.channel, SurveyLink.status, fn.COUNT(SurveyLink.id)
            )
            .join(Case, on=(SurveyLink.case == Case.id))
            .where(SurveyLink.period == period)
            .group_by(Case.unit, SurveyLink.channel, SurveyLink.status)
            .tuples()
        }
    )
    enumerators = _enumerators(period, in_period)
    case_values, choices = _scheme_counts(in_period, case_fields, choice_questions)
    return Tallies(
        units,
        cases,
        eligible,
        sample,
        dispositions,
        completes,
        answers,
        officers,
        links,
        enumerators,
        elements,
        scaled,
        versions,
        case_values,
        choices,
    )


def _text(value):
    return str(value).lower() if isinstance(value, bool) else str(value)


def _scheme_counts(in_period, case_fields, choice_questions):
    """The cases returned by (unit, field, value) and the answers by (unit, channel, question, value)
    that the 18-point scheme's rules count; one GROUP BY each."""
    case_values, choices = collections.Counter(), collections.Counter()
    if case_fields:
        columns = [getattr(Case, f) for f in case_fields]
        for unit, *values, n in (
            Case.select(Case.unit, *columns, fn.COUNT(Case.id)).where(in_period).group_by(Case.unit, *columns).tuples()
        ):
            for field, value in zip(case_fields, values):
                case_values[(unit, field, _text(value))] += n
    if choice_questions:
        for unit, channel, question, value, n in (
            Answer.select(Case.unit, Interview.channel, Answer.question, Answer.value, fn.COUNT(Answer.id))
            .join(Interview, on=(Answer.interview == Interview.id))
            .join(Case, on=(Interview.case == Case.id))
            .where(
                in_period
                & (Interview.status == InterviewStatus.APPROVED)
                & Answer.question.in_(list(choice_questions))
                & Answer.value.is_null(False)
                & (Answer.value != "")
            )
            .group_by(Case.unit, Interview.channel, Answer.question, Answer.value)
            .tuples()
        ):
            choices[(unit, channel, question, value)] += n
    return case_values, choices


def _enumerators(period, in_period):
    """Each enumerator's period: assignments, those attempted, and their interviews by status."""
    out = collections.Counter()
    work = (
        Assignment.select(User.username, User.full_name, Assignment.attempt_count)
        .join(SampleCase, on=(Assignment.sample == SampleCase.id))
        .switch(Assignment)
        .join(User, on=(Assignment.enumerator == User.id))
        .where(SampleCase.period == period)
        .tuples()
    )
    for username, name, attempts in work:
        out[(username, name, "assigned")] += 1
        if attempts:
            out[(username, name, "attempted")] += 1
    interviews = (
        Interview.select(User.username, User.full_name, Interview.status, fn.COUNT(Interview.id))
        .join(User, on=(Interview.enumerator == User.id))
        .switch(Interview)
        .join(Case, on=(Interview.case == Case.id))
        .where(in_period)
        .group_by(User.username, User.full_name, Interview.status)
        .tuples()
    )
    for username, name, status, n in interviews:
        out[(username, name, status)] += n
    return out


def _sample(period):
    """Counts of the drawn sample by (unit, mode, step), and the issued cases' final dispositions: an
    assignment's outcome once closed, else its latest attempt's code, else 3.11 (never attempted)."""
    rows = list(
        SampleCase.select(
            SampleCase.unit,
            SampleCase.mode,
            SampleCase.status,
            Assignment.id,
            Assignment.status,
            Assignment.outcome,
            Assignment.attempt_count,
        )
        .join(Assignment, JOIN.LEFT_OUTER, on=(Assignment.sample == SampleCase.id))
        .where(SampleCase.period == period)
        .tuples()
    )
    latest = {}
    if rows:
        last_ids = (
            CallAttempt.select(fn.MAX(CallAttempt.id))
            .join(Assignment, on=(CallAttempt.assignment == Assignment.id))
            .join(SampleCase, on=(Assignment.sample == SampleCase.id))
            .where(SampleCase.period == period)
            .group_by(CallAttempt.assignment)
        )
        latest = dict(
            CallAttempt.select(CallAttempt.assignment, CallAttempt.disposition)
            .where(CallAttempt.id.in_(last_ids))
            .tuples()
        )
    sample, dispositions = collections.Counter(), collections.Counter()
    for unit, mode, status, assignment, state, outcome, attempts in rows:
        sample[(unit, mode, "sampled")] += 1
        if status != SampleStatus.ISSUED:
            continue
        sample[(unit, mode, "issued")] += 1
        if attempts:
            sample[(unit, mode, "attempted")] += 1
        if assignment is not None and state == AssignmentStatus.CLOSED and outcome:
            code = outcome
        else:
            code = latest.get(assignment) or Dispositions.NOT_ATTEMPTED
        dispositions[(unit, mode, Dispositions.rate_class(code) or "UO")] += 1
    return sample, dispositions


def _questions(version_ids):
    """The versions used, {question: element}, {question: officer role} and the questions on the 1-5
    scale (a choice list holding 1 to 5), from their definitions."""
    versions, elements, rated, scaled = [], {}, {}, set()
    for version in QuestionnaireVersion.select().where(QuestionnaireVersion.id.in_(version_ids or [0])):
        versions.append((version.questionnaire.form_id, version.version))
        definition = version.definition_dict()
        for q in questions(definition):
            names = {c["name"] for c in definition["choices"].get(q.get("list") or "", [])}
            if q["type"] != SELECT_ONE or not set(SCALE) <= names:
                continue
            scaled.add(q["name"])
            element = q.get("element")
            if not element:
                continue
            elements.setdefault(q["name"], element.split(".")[0])
            if element in (RECEIVING, HANDLING):
                rated[q["name"]] = element
    return sorted(versions), elements, rated, scaled


def _officers(in_period, rated):
    """(unit, channel, role, officer, value) -> answers rating the civil servant named on the case."""
    out = collections.Counter()
    for role, column in ((RECEIVING, Case.receiving_officer), (HANDLING, Case.handling_officer)):
        names = [q for q, r in rated.items() if r == role]
        if not names:
            continue
        query = (
            Answer.select(Case.unit, Interview.channel, column, Answer.value, fn.COUNT(Answer.id))
            .join(Interview, on=(Answer.interview == Interview.id))
            .join(Case, on=(Interview.case == Case.id))
            .where(
                in_period
                & (Interview.status == InterviewStatus.APPROVED)
                & Answer.question.in_(names)
                & column.is_null(False)
            )
            .group_by(Case.unit, Interview.channel, column, Answer.value)
            .tuples()
        )
        for unit, channel, officer, value, n in query:
            out[(unit, channel, role.split(".")[1], officer, value)] += n
    return out
