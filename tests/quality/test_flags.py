"""Fabrication flags written as interviews become complete, and a period's recomputed at once giving
the same flags; the `flags compute` command."""

import csv
import datetime
import json

from factories import COMPLETE_ANSWERS

from fieldwork import review
from fieldwork.contacts import reveal_phone
from links import service as links
from models import Assignment, Case, Contact, FlagKinds, Interview, InterviewFlag, Period, SampleCase, User
from quality import explain, flag_period


def _stored():
    return {(f.interview_id, f.kind): f.figures for f in InterviewFlag.select()}


def _kinds(interview_id):
    return {f.kind for f in InterviewFlag.select().where(InterviewFlag.interview == interview_id)}


def _open_phone(username):
    user = User.get(User.username == username)
    return list(
        Assignment.select()
        .join(SampleCase)
        .where((Assignment.enumerator == user) & (Assignment.status == "open") & (SampleCase.mode == "phone"))
        .order_by(Assignment.id)
    )


def test_a_submit_in_the_app_raises_its_flags_at_once(app, submitted_interview, users):
    interview = submitted_interview("dtv1")
    kinds = _kinds(interview.id)
    # submitted a moment after it was started, with no call attempt and the phone never shown
    assert {FlagKinds.TOO_SHORT, FlagKinds.NO_ATTEMPT} <= kinds
    flag = InterviewFlag.get((InterviewFlag.interview == interview.id) & (InterviewFlag.kind == FlagKinds.TOO_SHORT))
    assert flag.figures["minimum"] == 180 and flag.figures["seconds"] < 180
    assert flag.period.month == "2026-10"
    assert str(flag.figures["seconds"]) in explain(flag) and "180" in explain(flag)


def test_a_phone_shown_to_the_enumerator_counts_as_an_attempt(app, submitted_interview, users):
    user = User.get(User.username == "dtv1")
    assignment = _open_phone("dtv1")[0]
    reveal_phone(assignment.id, user)
    interview = submitted_interview("dtv1")
    assert interview.assignment_id == assignment.id
    assert FlagKinds.NO_ATTEMPT not in _kinds(interview.id)


def test_a_straight_line_down_the_civil_servants_is_flagged(app, submitted_interview, users):
    same = {"cong_chuc_tiep_nhan": "5", "cong_chuc_giai_quyet": "5", "thai_do": "5", "nang_luc": "5"}
    interview = submitted_interview("dtv2", **same)
    figures = InterviewFlag.get(
        (InterviewFlag.interview == interview.id) & (InterviewFlag.kind == FlagKinds.STRAIGHT_LINE)
    ).figures
    assert figures == {"elements": [{"element": "civil_servants", "value": "5", "questions": 4}]}
    other = submitted_interview("dtv2")  # 5, 4, 5 and no opinion: not a straight line
    assert FlagKinds.STRAIGHT_LINE not in _kinds(other.id)


def test_a_shared_phone_flags_both_cases_and_a_rejection_clears_it(app, submitted_interview, users):
    first, second = _open_phone("dtv3")[:2]
    cases = [SampleCase.get_by_id(a.sample_id).case_id for a in (first, second)]
    for case_id in cases:
        contact = Contact.get_by_id(case_id)
        contact.phone_hash = "f" * 32
        contact.save()
    one = submitted_interview("dtv3")
    assert FlagKinds.SHARED_PHONE not in _kinds(one.id)  # the other case is not answered yet
    two = submitted_interview("dtv3")
    assert FlagKinds.SHARED_PHONE in _kinds(one.id) and FlagKinds.SHARED_PHONE in _kinds(two.id)
    codes = InterviewFlag.get((InterviewFlag.interview == one.id) & (InterviewFlag.kind == FlagKinds.SHARED_PHONE))
    assert codes.figures["codes"] == [two.case.code]
    review.reject(two.id, users["supervisor"], "Gọi lại người dân để xác minh.")
    assert _kinds(two.id) == set() and FlagKinds.SHARED_PHONE not in _kinds(one.id)


def test_the_period_recomputed_at_once_gives_the_flags_written_one_by_one(app, submitted_interview, users, runner):
    first, second = _open_phone("dtv1")[:2]
    for a in (first, second):
        contact = Contact.get_by_id(SampleCase.get_by_id(a.sample_id).case_id)
        contact.phone_hash = "e" * 32
        contact.save()
    reveal_phone(second.id, User.get(User.username == "dtv1"))
    done = [submitted_interview("dtv1") for _ in range(8)]  # eight completes within a minute: a burst
    done.append(submitted_interview("dtv2", cong_chuc_giai_quyet="5", nang_luc="5"))
    one_by_one = _stored()
    bursts = sorted(i for (i, kind) in one_by_one if kind == FlagKinds.BURST)
    assert bursts == [done[6].id, done[7].id]
    assert one_by_one[(done[7].id, FlagKinds.BURST)]["count"] == 8
    assert {k for (i, k) in one_by_one if i == done[8].id} >= {FlagKinds.STRAIGHT_LINE}
    InterviewFlag.delete().execute()
    report = flag_period(_period())
    assert _stored() == one_by_one
    assert report["interviews"] == 9 and sum(report["flags"].values()) == len(one_by_one)
    # and again: nothing changes
    assert flag_period(_period())["added"] == 0
    # times moved afterwards (as a file import or a correction could): the command finds it
    late = Interview.get_by_id(done[8].id)
    late.started_at = datetime.datetime(2026, 11, 8, 21, 0)  # a Sunday evening
    late.ended_at = late.started_at + datetime.timedelta(minutes=12)
    late.duration_seconds = 720
    late.save()
    result = runner.invoke(args=["flags", "compute", "--period", "2026-10", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["flags"][FlagKinds.OFF_HOURS] >= 1
    assert FlagKinds.OFF_HOURS in _kinds(late.id) and FlagKinds.TOO_SHORT not in _kinds(late.id)
    off = InterviewFlag.get((InterviewFlag.interview == late.id) & (InterviewFlag.kind == FlagKinds.OFF_HOURS))
    assert off.figures["day_off"] is True and "08/11/2026" in explain(off)


def _period():
    return Period.get(Period.month == "2026-10")


def test_the_command_refuses_a_month_without_cases(app, runner):
    result = runner.invoke(args=["flags", "compute", "--period", "2031-01"])
    assert result.exit_code != 0
    result = runner.invoke(args=["flags", "compute", "--period", "2031-13"])
    assert result.exit_code != 0


def test_an_answer_through_a_link_shares_a_phone_and_nothing_else(
    app, sent_link, submitted_interview, users, complete_answers
):
    phoned = submitted_interview("dtv1")
    others = Interview.select(Interview.case).where(Interview.case != phoned.case_id)
    case = SampleCase.select().where(SampleCase.case.not_in(others) & (SampleCase.case != phoned.case_id)).first().case
    for case_id in (phoned.case_id, case.id):
        contact = Contact.get_by_id(case_id)
        contact.phone_hash = "d" * 32
        contact.save()
    link, _token = sent_link(case)
    link, interview = links.response_for(link.id)
    links.save(link.id, interview.id, complete_answers)
    links.submit(link.id, interview.id)  # a few milliseconds after it opened, no attempt: not the citizen's flags
    assert _kinds(interview.id) == {FlagKinds.SHARED_PHONE}
    assert FlagKinds.SHARED_PHONE in _kinds(phoned.id)


def test_imported_answers_are_flagged_by_their_own_times(app, runner, fieldwork_ready, users, tmp_path):
    codes = [c for (c,) in Case.select(Case.code).join(SampleCase, on=(SampleCase.case == Case.id)).limit(2).tuples()]
    header = ["case_code", "mode", "outcome", "enumerator", "started_at", "ended_at", "form_id", "version"]
    answers = dict(COMPLETE_ANSWERS)
    rows = [
        [codes[0], "paper", "1.1", "dtv1", "2026-11-03 20:30", "2026-11-03 20:32", "sipas_truc_tiep", "2026.1"],
        [codes[1], "phone", "1.1", "dtv2", "", "", "sipas_truc_tiep", "2026.1"],  # no times given
    ]
    path = tmp_path / "answers.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header + list(answers))
        writer.writerows(r + list(answers.values()) for r in rows)
    result = runner.invoke(args=["interviews", "import", str(path), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["created"] == 2, result.output
    timed, untimed = (Interview.get(Interview.case == Case.get(Case.code == c).id) for c in codes)
    assert _kinds(timed.id) == {FlagKinds.TOO_SHORT, FlagKinds.OFF_HOURS}
    assert _kinds(untimed.id) == set()  # no times to judge, and its calls were made outside the app


def test_unusable_thresholds_never_refuse_a_submit_but_the_command_says_why(app, runner, submitted_interview, users):
    period = _period()
    period.settings = json.dumps({**json.loads(period.settings or "{}"), "quality": {"max_per_hour": "six"}})
    period.save()
    interview = submitted_interview("dtv1")  # flagged with the defaults
    assert FlagKinds.TOO_SHORT in _kinds(interview.id)
    result = runner.invoke(args=["flags", "compute", "--period", "2026-10"])
    assert result.exit_code != 0 and "max_per_hour" in result.output
    assert FlagKinds.TOO_SHORT in _kinds(interview.id)  # nothing changed
