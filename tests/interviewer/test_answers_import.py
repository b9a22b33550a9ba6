"""Answers from outside the app (`interviews import`, the back office's upload), their export in the same
layout, and `sample list`: row-level rejections with their line, idempotent imports, approval audited."""

import csv
import datetime
import io
import json
import os

from factories import COMPLETE_ANSWERS
from flask_babel import gettext

from models import (
    Alert,
    Assignment,
    AuditRecord,
    Case,
    Contact,
    Interview,
    JobRun,
    JobStatus,
    Questionnaire,
    QuestionnaireVersion,
    SampleCase,
    User,
)
from models.pii import cipher

FIXED = ["case_code", "mode", "outcome", "enumerator", "started_at", "ended_at", "form_id", "version"]
QUESTIONS = list(COMPLETE_ANSWERS) + ["thu_xin_loi", "de_xuat"]
FORM = ("sipas_truc_tiep", "2026.1")


def row(
    code,
    mode="paper",
    outcome="1.1",
    enumerator="",
    started="2026-10-20 08:30",
    ended="20/10/2026 08:45",
    form=FORM,
    **answers,
):
    values = {**COMPLETE_ANSWERS, **answers} if outcome == "1.1" else answers
    return [code, mode, outcome, enumerator, started, ended, *form] + [values.get(q, "") for q in QUESTIONS]


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(FIXED + QUESTIONS)
        writer.writerows(rows)
    return str(path)


def run_import(runner, path, *flags):
    result = runner.invoke(args=["interviews", "import", str(path), "--json", *flags])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def sampled(mode="phone", status="open"):
    """Case codes of open (or any) assignments in a mode, in id order."""
    query = (
        Assignment.select(Case.code)
        .join(SampleCase)
        .join(Case, on=(SampleCase.case == Case.id))
        .where((SampleCase.mode == mode) & (Assignment.status == status))
        .order_by(Assignment.id)
    )
    return [code for (code,) in query.tuples()]


def outcome_of(code):
    a = Assignment.select().join(SampleCase).join(Case, on=(SampleCase.case == Case.id)).where(Case.code == code).get()
    return a.status, a.outcome


def alerts_of(code):
    return Alert.select().join(Interview).join(Case, on=(Interview.case == Case.id)).where(Case.code == code)


def t(app, msgid, **values):
    """A message as the command prints it (in the app's language, translated or not)."""
    with app.test_request_context():
        return gettext(msgid, **values)


def unsampled():
    drawn = SampleCase.select(SampleCase.case)
    return [c.code for c in Case.select().where(Case.id.not_in(drawn)).order_by(Case.code)]


def test_good_and_bad_rows_give_the_case_import_report_with_lines(
    app, runner, fieldwork_ready, submitted_interview, tmp_path
):
    app_made = submitted_interview()  # dtv1's first phone case, completed in the app
    open_phone = [c for c in sampled() if c != app_made.case.code]
    free = unsampled()
    draft = QuestionnaireVersion.get(QuestionnaireVersion.version == "2026.1")
    QuestionnaireVersion.create(
        questionnaire=Questionnaire.get(Questionnaire.form_id == "sipas_truc_tiep"),
        version="2026.2",
        title=draft.title,
        definition=draft.definition,
        digest=draft.digest,
    )
    path = write(
        tmp_path / "answers.csv",
        [
            row(open_phone[0]),  # 2: created, its assignment closed as complete
            row("KHONG-CO"),  # 3: unknown case
            row(free[0], hai_long_chung="9"),  # 4: invalid choice
            row(free[1], thu_xin_loi="co"),  # 5: answered although not asked (dung_hen is on time)
            row(open_phone[0], mode="f2f"),  # 6: a second complete for the case in the file
            row(free[2], form=("sipas_truc_tiep", "9.9")),  # 7: unknown version
            row(free[3], form=("sipas_truc_tiep", "2026.2")),  # 8: a draft
            row(free[4], enumerator="dtv9"),  # 9: no such enumerator
            row(free[5], enumerator="supervisor"),  # 10: not an enumerator
            row(free[6], started="32/10/2026 08:00"),  # 11: bad date
            row(free[7], outcome="1.2", dong_y="co", dung_ho_so="co"),  # 12: partial, created
            row(open_phone[1], outcome="2.11"),  # 13: a refusal closes the case's assignment
            row(free[8], outcome="4.10"),  # 14: no assignment: warned, nothing recorded
            row(app_made.case.code, hai_long_chung="5"),  # 15: the app's complete is there already
            row(free[9], mode="f2f", enumerator="dtv4", outcome="1.1", de_xuat="-Nhanh hơn"),  # 16: created
            row(free[10], outcome="9.99"),  # 17: unknown outcome
            row(free[11], dong_y="co", dung_ho_so="co", hai_long_chung=""),  # 18: a complete lacks an answer
        ],
    )
    report = run_import(runner, path)
    assert report == {
        "created": 3,
        "updated": 1,
        "unchanged": 1,
        "rejected": [
            {"line": 3, "reason": t(app, "Unknown case."), "value": "KHONG-CO"},
            {"line": 4, "reason": "hai_long_chung: " + t(app, "Choose one of the answers offered."), "value": "9"},
            {
                "line": 5,
                "reason": t(
                    app,
                    "%(question)s is answered although it is not asked (its relevant is false).",
                    question="thu_xin_loi",
                ),
                "value": "co",
            },
            {
                "line": 6,
                "reason": t(app, "A second complete for this case (line %(line)d).", line=2),
                "value": open_phone[0],
            },
            {"line": 7, "reason": t(app, "Unknown questionnaire version."), "value": "sipas_truc_tiep 9.9"},
            {
                "line": 8,
                "reason": t(app, "This questionnaire version is a draft: publish it before importing its answers."),
                "value": "sipas_truc_tiep 2026.2",
            },
            {"line": 9, "reason": t(app, "enumerator is not the login of an active enumerator."), "value": "dtv9"},
            {
                "line": 10,
                "reason": t(app, "enumerator is not the login of an active enumerator."),
                "value": "supervisor",
            },
            {  # a value of 9 digits or more is never quoted (it might be a phone)
                "line": 11,
                "reason": t(
                    app,
                    "%(column)s is not a date and time (yyyy-mm-dd HH:MM or dd/mm/yyyy HH:MM).",
                    column="started_at",
                ),
            },
            {
                "line": 15,
                "reason": t(
                    app,
                    "The case has a complete already (interview %(id)d): a second complete is refused.",
                    id=app_made.id,
                ),
                "value": app_made.case.code,
            },
            {
                "line": 17,
                "reason": t(app, "Unknown outcome: it must be an AAPOR final disposition code."),
                "value": "9.99",
            },
            {"line": 18, "reason": "hai_long_chung: " + t(app, "This question needs an answer.")},
        ],
        "warnings": [
            {"line": 14, "reason": t(app, "The case has no assignment: the outcome is not recorded."), "value": "4.10"}
        ],
    }
    imported = {i.case.code: i for i in Interview.select().where(Interview.source == "file")}
    assert set(imported) == {open_phone[0], free[7], free[9]}
    complete = imported[open_phone[0]]
    assert (complete.status, complete.channel, complete.outcome, complete.complete_case_id) == (
        "submitted",
        "paper",
        "1.1",
        complete.case_id,
    )
    assert complete.enumerator_id is None and complete.assignment_id is None and complete.duration_seconds == 15 * 60
    assert complete.answers_dict()["so_lan_di_lai"] == 1
    partial = imported[free[7]]
    assert (partial.outcome, partial.complete_case_id, partial.answers_dict()) == (
        "1.2",
        None,
        {"dong_y": "co", "dung_ho_so": "co"},
    )
    f2f = imported[free[9]]
    assert f2f.enumerator_id == User.get(User.username == "dtv4").id and f2f.answers_dict()["de_xuat"] == "-Nhanh hơn"
    assert outcome_of(open_phone[0]) == ("closed", "1.1") and outcome_of(open_phone[1]) == ("closed", "2.11")
    assert Interview.get_by_id(app_made.id).answers_dict()["hai_long_chung"] == "4"  # the app's is untouched

    records = AuditRecord.select().count()
    again = run_import(runner, path)  # the same file again changes nothing
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 5)
    assert again["rejected"] == report["rejected"] and AuditRecord.select().count() == records


def test_a_changed_row_updates_until_approved_and_approve_is_audited(app, runner, fieldwork_ready, tmp_path):
    free = unsampled()
    first = write(tmp_path / "a.csv", [row(free[0]), row(free[1])])
    assert run_import(runner, first)["created"] == 2
    changed = write(tmp_path / "b.csv", [row(free[0], hai_long_chung="2"), row(free[1])])
    report = run_import(runner, changed)
    assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (0, 1, 1, [])
    interview = Interview.get(Interview.case == Case.get(Case.code == free[0]).id)
    assert interview.answers_dict()["hai_long_chung"] == "2" and interview.status == "submitted"
    assert Interview.select().count() == 2  # updated in place: one imported interview per case

    untimed = run_import(runner, write(tmp_path / "e.csv", [row(free[3], started="", ended="2026-10-21 09:00")]))
    assert untimed["created"] == 1
    untimed = Interview.get(Interview.case == Case.get(Case.code == free[3]).id)
    assert untimed.started_at == untimed.ended_at == datetime.datetime(2026, 10, 21, 9, 0)
    assert run_import(runner, tmp_path / "e.csv")["unchanged"] == 1

    alerting = write(tmp_path / "g.csv", [row(free[5], phien_ha="co")])
    assert run_import(runner, alerting)["created"] == 1
    assert [(a.question, a.answer) for a in alerts_of(free[5])] == [("phien_ha", "co")]
    run_import(runner, alerting)  # unchanged: nothing raised again
    run_import(runner, write(tmp_path / "h.csv", [row(free[5], phien_ha="co", hai_long_chung="1")]))
    assert sorted((a.question, a.answer) for a in alerts_of(free[5])) == [("hai_long_chung", "1"), ("phien_ha", "co")]
    assert [(a.question, a.answer) for a in alerts_of(free[0])] == [("hai_long_chung", "2")]  # raised by its change

    fixed = run_import(runner, write(tmp_path / "f.csv", [row(free[4], hai_long_chung="9"), row(free[4])]))
    assert (fixed["created"], [r["line"] for r in fixed["rejected"]]) == (1, [2])  # corrected on a later line

    approved = run_import(runner, write(tmp_path / "c.csv", [row(free[2])]), "--approve")
    assert approved["created"] == 1
    new = Interview.get(Interview.case == Case.get(Case.code == free[2]).id)
    assert (new.status, new.reviewed_by_id) == ("approved", None) and new.reviewed_at is not None
    event = AuditRecord.get((AuditRecord.action == "approve") & (AuditRecord.object_id == str(new.id)))
    assert event.source == "cli" and event.actor.startswith("cli:")  # who ran it, from the audit mechanism

    # the same row changed once approved: rejected, a supervisor corrects it
    report = run_import(runner, write(tmp_path / "d.csv", [row(free[2], hai_long_chung="1")]))
    assert report["rejected"] == [
        {"line": 2, "reason": t(app, "Approved already: a supervisor must correct it."), "value": free[2]}
    ]
    assert Interview.get_by_id(new.id).answers_dict()["hai_long_chung"] == "4"


def test_export_has_the_same_layout_no_personal_data_and_imports_again_unchanged(
    app, runner, fieldwork_ready, submitted_interview, tmp_path
):
    app_made = submitted_interview(de_xuat="=1+1 thêm ghế chờ")
    free = unsampled()
    run_import(
        runner,
        write(
            tmp_path / "in.csv",
            [row(free[0], de_xuat="-nhanh hơn"), row(free[1], outcome="1.2", dong_y="co", dung_ho_so="khong")],
        ),
        "--approve",
    )
    for file_format in ("csv", "xlsx"):
        out = tmp_path / f"out.{file_format}"
        result = runner.invoke(
            args=["interviews", "export", "--period", "2026-10", "--format", file_format, "-o", str(out)]
        )
        assert result.exit_code == 0, result.output
        report = run_import(runner, out)
        assert (report["created"], report["updated"], report["unchanged"], report["rejected"]) == (0, 0, 3, [])
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:8] == FIXED and "hai_long_chung" in lines[0] and "thu_xin_loi" in lines[0]
    by_code = {line[0]: dict(zip(lines[0], line)) for line in lines[1:]}
    assert set(by_code) == {app_made.case.code, free[0], free[1]}
    mine = by_code[app_made.case.code]
    assert (mine["mode"], mine["outcome"], mine["enumerator"], mine["form_id"], mine["version"]) == (
        "phone",
        "1.1",
        "dtv1",
        "sipas_truc_tiep",
        "2026.1",
    )
    assert mine["de_xuat"] == "'=1+1 thêm ghế chờ" and mine["so_lan_di_lai"] == "1"
    assert by_code[free[1]]["outcome"] == "1.2" and by_code[free[1]]["co_so_vat_chat"] == ""
    contact = Contact.get(Contact.case == app_made.case_id)
    phone = cipher().decrypt(contact.phone_enc)
    for secret in (phone, phone.replace("+84", "0"), "@"):
        assert secret not in text
    assert not {"name", "phone", "email", "ten", "so_dien_thoai"} & set(lines[0])


def test_a_file_that_is_not_a_table_or_lacks_a_column_is_refused(app, runner, fieldwork_ready, tmp_path):
    (tmp_path / "x.csv").write_text("case_code,mode\nC10-00001,paper\n", encoding="utf-8")
    result = runner.invoke(args=["interviews", "import", str(tmp_path / "x.csv"), "--json"])
    assert result.exit_code == 2 and "outcome" in json.loads(result.output)["error"]
    (tmp_path / "y.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert runner.invoke(args=["interviews", "import", str(tmp_path / "y.csv")]).exit_code == 2
    assert Interview.select().count() == 0


def test_sample_list_gives_the_drawn_sample(app, runner, fieldwork_ready):
    result = runner.invoke(args=["sample", "list", "--period", "2026-10", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert len(listed) == SampleCase.select().count() > 0
    assert set(listed[0]) == {"case_code", "unit", "mode", "status", "enumerator"}
    assignment = Assignment.select().order_by(Assignment.id).first()
    sample = SampleCase.get_by_id(assignment.sample_id)
    entry = next(r for r in listed if r["case_code"] == Case.get_by_id(sample.case_id).code)
    assert entry == {
        "case_code": Case.get_by_id(sample.case_id).code,
        "unit": sample.unit.code,
        "mode": sample.mode,
        "status": sample.status,
        "enumerator": User.get_by_id(assignment.enumerator_id).username,
    }
    assert {r["status"] for r in listed} <= {"issued", "reserve"}
    assert all(r["enumerator"] is None for r in listed if r["status"] == "reserve")
    assert json.loads(runner.invoke(args=["sample", "list", "--period", "2027-01", "--json"]).output) == []
    assert runner.invoke(args=["sample", "list", "--period", "10/2026"]).exit_code == 2


def upload(client, name, data, approve=False):
    form = {"file": (io.BytesIO(data), name)}
    if approve:
        form["approve"] = "y"
    return client.post("/admin/interview_imports/", data=form, content_type="multipart/form-data")


def test_the_back_office_upload_runs_as_a_job_with_its_report(
    app, client, users, auth, fieldwork_ready, tmp_path, work_jobs
):
    free = unsampled()
    path = write(tmp_path / "answers.csv", [row(free[0]), row("KHONG-CO"), row(free[1], hai_long_chung="9")])
    auth.login("supervisor")
    with open(path, "rb") as f:
        response = upload(client, "phieu giay.csv", f.read(), approve=True)
    assert response.status_code == 302
    job = JobRun.select().where(JobRun.kind == "interviews.import").get()
    assert response.headers["Location"].endswith(f"/admin/interview_imports/{job.id}")
    assert (job.status, job.actor, job.params_dict()) == (
        "queued",
        "supervisor",
        {"approve": True, "filename": "phieu giay.csv"},
    )
    assert 'data-testid="progress"' in client.get(f"/admin/interview_imports/{job.id}").get_data(as_text=True)
    work_jobs()
    job = JobRun.get_by_id(job.id)
    assert job.status == JobStatus.DONE, job.error
    assert job.progress == 100.0 and not os.path.exists(job.upload)  # the upload is deleted
    report = job.summary_dict()["report"]
    assert (report["created"], report["updated"], report["unchanged"]) == (1, 0, 0)
    assert [r["line"] for r in report["rejected"]] == [3, 4]
    interview = Interview.get(Interview.source == "file")
    assert (interview.status, interview.reviewed_by_id) == ("approved", users["supervisor"].id)
    event = AuditRecord.get(AuditRecord.action == "approve")
    assert (event.actor, event.source, event.object_id) == ("supervisor", "job", str(interview.id))
    page = client.get(f"/admin/interview_imports/{job.id}").get_data(as_text=True)
    assert 'data-testid="import-report"' in page and "<td>3</td>" in page and "KHONG-CO" in page
    assert "phieu giay.csv" in client.get("/admin/interview_imports/").get_data(as_text=True)
    status = client.get(f"/admin/interview_imports/{job.id}/status", follow_redirects=True).get_json()
    assert status["status"] == "done"

    with open(path, "rb") as f:  # again: nothing changes
        upload(client, "phieu giay.csv", f.read())
    work_jobs()
    again = JobRun.select().where(JobRun.kind == "interviews.import").order_by(JobRun.id.desc()).first()
    assert (again.summary_dict()["report"]["unchanged"], again.summary_dict()["report"]["created"]) == (1, 0)

    upload(client, "anh.csv", b"\x89PNG\r\n\x1a\n\x00\x00")  # not a table: refused, with its message
    work_jobs()
    refused = JobRun.select().where(JobRun.kind == "interviews.import").order_by(JobRun.id.desc()).first()
    assert refused.status == JobStatus.REFUSED
    assert 'data-testid="import-refused"' in client.get(f"/admin/interview_imports/{refused.id}").get_data(as_text=True)


def test_only_supervisors_and_admins_upload_answers(app, client, users, auth, fieldwork_ready):
    for role in ("officer", "auditor"):
        auth.login(role)
        assert upload(client, "a.csv", b"case_code,mode,outcome\n").status_code == 403
        auth.logout()
    auth.login("supervisor")
    assert upload(client, "a.pdf", b"%PDF-1.4").status_code == 200  # refused by the form: nothing started
    assert JobRun.select().where(JobRun.kind == "interviews.import").count() == 0
