"""The demo's fieldwork, through the same services as real work: the shipped questionnaires published,
the two months before this one sampled and finished, this month in progress (calls to make, retries,
an appointment due today, interviews completed, approved, awaiting review, one rejected, alerts)."""

import datetime
import os
import random

import quality
from fieldwork import calls, contacts, interviewing, review
from models import (
    Assignment,
    AssignmentStatus,
    Channels,
    Dispositions,
    EnumeratorProfile,
    FormRule,
    Interview,
    InterviewStatus,
    Modes,
    Period,
    Questionnaire,
    Roles,
    SampleCase,
    User,
    now,
)
from questionnaires import service as questionnaires
from questionnaires import xlsform
from sampling import assignment as assigning
from sampling import service as sampling

FORMS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "questionnaires", "forms")
FORM_OF = {Channels.DIRECT: "sipas_truc_tiep", Channels.ONLINE: "sipas_truc_tuyen", Channels.POSTAL: "sipas_truc_tiep"}
RATINGS = (["5"] * 36) + (["4"] * 40) + (["3"] * 15) + (["2"] * 4) + (["1"] * 1) + (["khong_y_kien"] * 4)
TOTAL = 240  # interviews to complete per month, spread over the units
SETTINGS = '{"minimum": 3, "response_rate": {"f2f": 0.8, "phone": 0.7}}'  # the demo's periods


def publish_questionnaires():
    """The two shipped forms stored and published, and given to cases by channel and mode."""
    for form_id in set(FORM_OF.values()):
        version, _created = questionnaires.import_form(os.path.join(FORMS, f"{form_id}.xlsx"))
        if version.status == "draft":
            questionnaires.publish(version)
    forms = {q.form_id: q for q in Questionnaire.select()}
    for channel, form_id in FORM_OF.items():
        for mode in Modes.FORMS:
            if FormRule.form_for(channel, mode) is None:
                FormRule.create(channel=channel, mode=mode, questionnaire=forms[form_id])


def answers(definition, rng):
    """Plausible answers to every question (the checks drop those a skip rule does not ask)."""
    out = {}
    for q in xlsform.questions(definition):
        names = [c["name"] for c in definition["choices"].get(q.get("list") or "", [])]
        if q["name"] in ("dong_y", "dung_ho_so"):
            out[q["name"]] = "co"
        elif q["name"] == "phien_ha":
            out[q["name"]] = "co" if rng.random() < 0.01 else "khong"
        elif q["name"] == "hai_long_chung":
            out[q["name"]] = "2" if rng.random() < 0.02 else rng.choice(["5", "4", "4", "3"])
        elif q["name"] == "dung_hen":
            out[q["name"]] = "tre_hen" if rng.random() < 0.12 else "som_dung_hen"
        elif q["type"] == "integer":
            out[q["name"]] = str(rng.choice([0, 1, 1, 1, 2, 2, 3]))
        elif q["type"] == "text":
            out[q["name"]] = rng.choice(["", "", "", "Cần thêm chỗ ngồi chờ.", "Hướng dẫn rõ ràng, cảm ơn."])
        elif names and set(names) >= {"1", "5"}:
            out[q["name"]] = rng.choice(RATINGS)
        elif names:
            out[q["name"]] = rng.choice(names)
    return out


def _enumerators():
    people = list(User.select().where((User.role == Roles.ENUMERATOR) & User.active).order_by(User.username))
    for person in people:
        if EnumeratorProfile.get_or_none(EnumeratorProfile.user == person) is None:
            EnumeratorProfile.create(user=person, phone=True, f2f=False)
    return people


def sample_month(period, total):
    """Allocate, draw (a seed named after the month) and assign a period, as a supervisor would."""
    if not period.allocated_at:
        period.settings = SETTINGS
        period.save()
        sampling.allocate_period(period, total)
        period = Period.get_by_id(period.id)
    if not period.drawn_at:
        sampling.draw(period, f"demo-{period.month}")
        period = Period.get_by_id(period.id)
    assigning.assign_period(period)
    return Period.get_by_id(period.id)


def _work(assignment, user, rng, finish):
    """Calls on one assignment: no answers, a refusal, a wrong number, or an interview; `finish`
    closes what a finished month would have closed."""
    roll = rng.random()
    if roll < 0.08:
        calls.record_attempt(assignment.id, user, Dispositions.WRONG_NUMBER)
        return None
    if roll < 0.16:
        calls.record_attempt(assignment.id, user, Dispositions.REFUSAL)
        return None
    if roll < 0.30:
        for _ in range(5 if finish else rng.randint(1, 2)):
            calls.record_attempt(assignment.id, user, rng.choice([Dispositions.NO_ANSWER, Dispositions.BUSY]))
        return None
    if rng.random() < 0.3:
        calls.record_attempt(assignment.id, user, Dispositions.NO_ANSWER)
        assignment = Assignment.get_by_id(assignment.id)
        assignment.next_at = None  # the demo's clock: the wait is over
        assignment.save()
    if SampleCase.get_by_id(assignment.sample_id).mode == Modes.PHONE:
        contacts.reveal_phone(assignment.id, user)  # the number shown, then called
    interview = interviewing.start(assignment.id, user)
    return interviewing.submit(interview.id, user, answers(interview.version.definition_dict(), rng))


def _backdate(interview, period, rng, day=None):
    """Interviews of a finished month dated inside it (or on `day`), in office hours, never on a Sunday."""
    year, month = int(period.month[:4]), int(period.month[5:])
    day = day or datetime.date(year, month, rng.randint(3, 27))
    if day.isoweekday() == 7:
        day -= datetime.timedelta(days=1)
    start = datetime.datetime.combine(day, datetime.time(rng.randint(8, 16), rng.randint(0, 59)))
    interview.started_at = start
    interview.ended_at = start + datetime.timedelta(seconds=rng.randint(300, 900))
    interview.duration_seconds = int((interview.ended_at - interview.started_at).total_seconds())
    interview.save()


def finished_month(period, reviewer, rng):
    """Every issued case worked to its end; every interview approved."""
    for a in list(Assignment.of_period(period).where(Assignment.status == AssignmentStatus.OPEN)):
        user = User.get_by_id(a.enumerator_id)
        done = _work(a, user, rng, finish=True)
        if done is not None:
            _backdate(done, period, rng)
            review.approve(done.id, reviewer)


def month_in_progress(period, reviewer, rng):
    """About half the work done: interviews approved or awaiting review, one rejected; retries and
    new cases left; an appointment due today for each enumerator."""
    open_work = list(Assignment.of_period(period).where(Assignment.status == AssignmentStatus.OPEN))
    rng.shuffle(open_work)
    worked = open_work[: len(open_work) // 2]
    submitted = []
    for a in worked:
        done = _work(a, User.get_by_id(a.enumerator_id), rng, finish=False)
        if done is not None:
            _backdate(done, period, rng, day=now().date() - datetime.timedelta(days=rng.randint(1, 12)))
            submitted.append(done)
    for index, interview in enumerate(submitted):
        if index == 0:
            review.reject(interview.id, reviewer, "Hỏi lại số lần đi lại: người dân trả lời chưa rõ.")
        elif index % 3:
            review.approve(interview.id, reviewer)
    today = now().replace(second=0, microsecond=0)
    for user in {a.enumerator_id for a in open_work}:
        mine = (
            Assignment.select()
            .join(SampleCase)
            .where(
                (SampleCase.period == period)
                & (Assignment.enumerator == user)
                & (Assignment.status == AssignmentStatus.OPEN)
                & (Assignment.attempt_count == 0)
            )
            .limit(1)
        )
        for a in list(mine):
            when = today + datetime.timedelta(minutes=2)
            calls.record_attempt(a.id, User.get_by_id(user), Dispositions.APPOINTMENT, appointment_at=when)
            a = Assignment.get_by_id(a.id)
            a.appointment_at = a.next_at = today - datetime.timedelta(minutes=30)  # due now, as the demo opens
            a.save()


def load_fieldwork(months, seed=2026):
    """Questionnaires, then each of `months` (Period rows, oldest first): the last one in progress
    (cases returned in a month are surveyed the month after)."""
    rng = random.Random(seed)
    publish_questionnaires()
    _enumerators()
    reviewer = User.get(User.role == Roles.SUPERVISOR)
    for index, period in enumerate(months):
        current = index == len(months) - 1
        period = sample_month(period, TOTAL)
        if (
            Interview.select()
            .join(SampleCase, on=(Interview.case == SampleCase.case))
            .where(SampleCase.period == period)
            .exists()
        ):
            continue  # loaded before
        (month_in_progress if current else finished_month)(period, reviewer, rng)
        quality.flag_period(period)  # the interviews were dated after they were submitted
    return {
        "submitted": Interview.select().where(Interview.status == InterviewStatus.SUBMITTED).count(),
        "approved": Interview.select().where(Interview.status == InterviewStatus.APPROVED).count(),
        "rejected": Interview.select().where(Interview.status == InterviewStatus.REJECTED).count(),
    }
