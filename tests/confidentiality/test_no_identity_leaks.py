"""No respondent's name, phone or e-mail reaches a back-office page (officers', and every other role's),
an export, a public page or the interviewer's pages: cases imported with distinctive names, phones and
e-mails are drawn, interviewed, linked and published; then every page of the URL map, for every role,
every download in every format, and the `results export`, `interviews export` and `sample list`
outputs are searched for each value, the phone in its usual spellings."""

import io
import itertools
import os
import zipfile

import openpyxl
import pytest
from factories import COMPLETE_ANSWERS, write_cases
from flask import url_for

from fieldwork import interviewing, review
from models import (
    Alert,
    Assignment,
    AuditRecord,
    Case,
    EnumeratorProfile,
    FormRule,
    ImportRun,
    Interview,
    JobRun,
    Period,
    Procedure,
    Questionnaire,
    RecheckCase,
    ResultVersion,
    SampleCase,
    SurveyLink,
    Unit,
    User,
)
from models.pii import cipher

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FORMS = os.path.join(ROOT, "questionnaires", "forms")
ROLES = ("officer", "supervisor", "auditor", "admin", "enumerator")
NOT_WALKED = {"auth.logout", "static", "admin.static"}
PHONES = [f"0983{n:06d}" for n in range(1000)]  # one per case: write_cases gives case n phones[n % 1000]
VARIANTS = {"export_type": ("csv", "xlsx"), "fmt": ("json", "csv", "xlsx")}


def name_of(n):
    return f"Hoàng Bímật Số{n:04d}"


def email_of(n):
    return f"bimat.so{n:04d}@kin.example.vn"


def spellings(phone):
    """A national phone (0983000123) as people and programs write it."""
    core = phone[1:]
    return {
        core,  # inside +84983000123, 84983000123 and 0983000123
        f"{phone[:4]} {phone[4:7]} {phone[7:]}",
        f"{phone[:4]}.{phone[4:7]}.{phone[7:]}",
        f"{phone[:4]}-{phone[4:7]}-{phone[7:]}",
        f"{phone[:3]} {phone[3:6]} {phone[6:]}",
        f"+84 {core[:3]} {core[3:6]} {core[6:]}",
    }


def text_of(data):
    """What a response or file says: an XLSX workbook's cells, or the bytes as text."""
    if data[:2] == b"PK":
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            return "\n".join(
                " ".join("" if v is None else str(v) for v in row)
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
            )
        except (zipfile.BadZipFile, KeyError, ValueError):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return data.decode("utf-8-sig", "replace")


@pytest.fixture
def identities(app, runner, reference_data, enumerators, allocate, tmp_path, users):
    """October with a distinctive name, phone and e-mail on every case: drawn, assigned, interviewed
    (two approved, one rejected, one in progress), e-mail links issued, results compiled and published,
    the re-check sample drawn.
    Returns the needles: every name, e-mail and phone spelling of the cases."""
    path = tmp_path / "cases.csv"
    write_cases(path, phones=PHONES)
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + ",ho_ten,email"] + [f"{line},{name_of(n)},{email_of(n)}" for n, line in enumerate(lines[1:], 1)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import", "cases", str(path)])
    assert result.exit_code == 0, result.output
    for form_id in ("sipas_truc_tiep", "sipas_truc_tuyen"):
        assert runner.invoke(args=["questionnaire", "import", os.path.join(FORMS, f"{form_id}.xlsx")]).exit_code == 0
        assert runner.invoke(args=["questionnaire", "publish", form_id, "--version", "2026.1"]).exit_code == 0
    forms = {q.form_id: q for q in Questionnaire.select()}
    for channel, form_id in (
        ("direct", "sipas_truc_tiep"),
        ("online", "sipas_truc_tuyen"),
        ("postal", "sipas_truc_tiep"),
    ):
        for mode in ("phone", "f2f", "self"):
            FormRule.create(channel=channel, mode=mode, questionnaire=forms[form_id])
    allocate()
    assert runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "leaks"]).exit_code == 0
    assert runner.invoke(args=["sample", "assign", "--period", "2026-10"]).exit_code == 0

    done = []
    for username in ("dtv1", "dtv2", "dtv3", "dtv1", "dtv2"):
        user = User.get(User.username == username)
        assignment = (
            Assignment.select()
            .join(SampleCase)
            .where((Assignment.enumerator == user) & (Assignment.status == "open") & (SampleCase.mode == "phone"))
            .order_by(Assignment.id)
            .first()
        )
        interview = interviewing.start(assignment.id, user)
        if len(done) < 4:
            interview = interviewing.submit(interview.id, user, dict(COMPLETE_ANSWERS))
        done.append(interview)
    review.approve(done[0].id, users["supervisor"])
    review.approve(done[1].id, users["supervisor"])
    review.reject(done[2].id, users["supervisor"], "Xin gọi lại")
    result = runner.invoke(args=["links", "issue", "--period", "2026-10", "--channel", "email"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["results", "compile", "--period", "2026-10"]).exit_code == 0
    assert runner.invoke(args=["results", "publish", "--period", "2026-10"]).exit_code == 0
    drawn = runner.invoke(args=["rechecks", "draw", "--period", "2026-10", "--seed", "leaks"])  # the auditor's cases
    assert drawn.exit_code == 0, drawn.output

    count = len(lines) - 1
    needles = {name_of(n) for n in range(1, count + 1)} | {email_of(n) for n in range(1, count + 1)}
    needles |= {s for n in range(1, count + 1) if (n - 1) % 10 != 3 for s in spellings(PHONES[n % 1000])}
    return needles


def _ids(role_user):
    case = Case.select().join(SampleCase, on=(SampleCase.case == Case.id)).order_by(Case.id).first()
    mine = (  # an open phone case: the page where the phone could show
        Assignment.select()
        .join(SampleCase)
        .where((Assignment.enumerator == role_user) & (Assignment.status == "open") & (SampleCase.mode == "phone"))
        .order_by(Assignment.id)
        .first()
    )

    def first(model):
        key = model._meta.primary_key
        return model.select(key).order_by(key).scalar() or 999

    return {
        "enumerators": first(EnumeratorProfile),
        "units": first(Unit),
        "procedures": first(Procedure),
        "periods": first(Period),
        "users": first(User),
        "audit": first(AuditRecord),
        "cases": case.id,
        "case_id": case.id,
        "run": first(ImportRun),
        "job": first(JobRun),
        "alert_id": first(Alert),
        "interview_id": Interview.select(Interview.id).order_by(Interview.id).scalar(),
        "version_id": first(ResultVersion),
        "assignment_id": mine.id if mine else first(Assignment),
        "link_id": first(SurveyLink),
        "recheck_id": first(RecheckCase),
        "unit_id": first(Unit),
        "unit_code": Unit.get_by_id(first(Unit)).code,
        "kiosk_id": 999,
        "month": "2026-10",
        "token": "A" * 22,
        "secret": "B" * 22,
    }


def _urls(app, ids):
    """Every GET address of the URL map on the data, each format of a download, with and without the
    period in the query (the pages that take one)."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in NOT_WALKED or "GET" not in rule.methods:
                continue
            names = sorted(a for a in rule.arguments if a in VARIANTS)
            for values in itertools.product(*(VARIANTS[n] for n in names)):
                args = {a: ids[a] for a in rule.arguments if a not in VARIANTS and a != "run_id"}
                if "run_id" in rule.arguments:
                    args["run_id"] = ids["job"] if rule.endpoint.startswith("jobs.") else ids["run"]
                args.update(zip(names, values, strict=True))
                url = url_for(rule.endpoint, **args)
                if rule.endpoint.endswith(("edit_view", "details_view")):
                    url += f"?id={ids.get(rule.endpoint.split('.')[0], 1)}"
                yield url
                yield url + ("&" if "?" in url else "?") + "period=2026-10"


def _leaks(text, needles):
    return sorted(n for n in needles if n in text)


def test_no_page_or_download_shows_a_name_phone_or_email(app, auth, identities):
    found, seen = {}, 0
    for role in (*ROLES, None):
        client = app.test_client()
        user = None
        if role:
            user = User.get(User.username == ("dtv1" if role == "enumerator" else role))
            auth.login(user.username, client=client)
        for url in _urls(app, _ids(user)):
            response = client.get(url)
            seen += response.status_code == 200
            leaks = _leaks(text_of(response.get_data()), identities)
            if leaks:
                found[f"{role} {url}"] = leaks[:3]
    assert found == {}
    assert seen > 300  # the walk did read pages and downloads, not only refusals

    # the one page that shows a phone, on purpose (a POST, audited): the search finds it there
    client = app.test_client()
    auth.login("dtv1", client=client)
    mine = _ids(User.get(User.username == "dtv1"))["assignment_id"]
    revealed = client.post(f"/interviewer/a/{mine}/phone")
    assert revealed.status_code == 200 and _leaks(text_of(revealed.get_data()), identities)


def test_no_command_line_export_shows_them(app, runner, identities, tmp_path):
    outputs = []
    for file_format in ("json", "csv", "xlsx"):
        path = tmp_path / f"results.{file_format}"
        result = runner.invoke(
            args=["results", "export", "--period", "2026-10", "--format", file_format, "-o", str(path)]
        )
        assert result.exit_code == 0, result.output
        outputs.append((f"results {file_format}", path.read_bytes()))
    for file_format in ("csv", "xlsx"):
        path = tmp_path / f"interviews.{file_format}"
        result = runner.invoke(
            args=["interviews", "export", "--period", "2026-10", "--format", file_format, "-o", str(path)]
        )
        assert result.exit_code == 0, result.output
        outputs.append((f"interviews {file_format}", path.read_bytes()))
    for args in (["sample", "list", "--period", "2026-10"], ["sample", "list", "--period", "2026-10", "--json"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        outputs.append((" ".join(args), result.output.encode()))
    assert all(len(data) > 100 for _what, data in outputs)
    assert {
        what: _leaks(text_of(data), identities)[:3] for what, data in outputs if _leaks(text_of(data), identities)
    } == {}


def test_the_needles_are_really_in_the_database(app, identities):
    """The test above could not pass by searching for values that were never stored."""
    contact = Case.select().order_by(Case.id).first().contacts.get()
    assert cipher().decrypt(contact.name_enc) == name_of(1) and cipher().decrypt(contact.email_enc) == email_of(1)
    assert cipher().decrypt(contact.phone_enc) == "+84" + PHONES[1][1:]
