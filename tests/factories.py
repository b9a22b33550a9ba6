"""Data fixtures shared by the tests (a pytest plugin, loaded by conftest.py): reference data, a month of
cases with known eligibility, enumerators, an allocated period."""

import collections
import datetime
import email
import email.policy
import importlib
import importlib.metadata
import importlib.util
import json
import os
import random
import socket
import sys

import pytest

from fieldwork import interviewing
from models import (
    Assignment,
    AuditRecord,
    Case,
    Channels,
    EnumeratorProfile,
    EnumeratorUnit,
    FormRule,
    ImportRun,
    JobRun,
    Period,
    Procedure,
    Questionnaire,
    Role,
    Roles,
    SampleCase,
    Unit,
    UnitLevel,
    User,
    db,
    is_postgres,
)

UNITS = {"S01": 160, "S02": 60, "X01": 90, "X02": 12}
FIELDS = {"1.000001": "Hộ tịch", "1.000003": "Xây dựng", "1.000004": "Lý lịch tư pháp"}


def write_cases(path, month="10", start=0, phones=None):
    """Cases for UNITS: mostly direct with a phone; some online, postal, immediate, phoneless. Returns
    {unit: Counter(rule or "eligible")}."""
    rng = random.Random(month)
    lines = ["ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan,ngay_tra_ket_qua,so_dien_thoai"]
    n = start
    expected = collections.defaultdict(collections.Counter)
    for unit, count in UNITS.items():
        for i in range(count):
            n += 1
            kind = i % 10
            procedure = "1.000002" if kind == 0 else rng.choice(list(FIELDS))
            channel = {1: "truc_tuyen", 2: "buu_chinh"}.get(kind, "truc_tiep")
            phone = "" if kind == 3 else (phones[n % len(phones)] if phones else f"09{n:08d}")
            rule = {0: "immediate", 1: "online", 2: "postal", 3: "no_phone"}.get(kind, "eligible")
            expected[unit][rule] += 1
            lines.append(f"C{month}-{n:05d},{unit},{procedure},{channel},01/{month}/2026,15/{month}/2026,{phone}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return expected


@pytest.fixture
def reference_data(runner, fixture_file):
    """Units and procedures from the sample files, imported through the command line."""
    for kind in ("units", "procedures"):
        result = runner.invoke(args=["import", kind, fixture_file(f"{kind}.csv")])
        assert result.exit_code == 0, result.output


@pytest.fixture
def imported_cases(runner, reference_data, fixture_file):
    """The sample cases file imported (6 cases, 4 rows rejected)."""
    result = runner.invoke(args=["import", "cases", fixture_file("cases.csv")])
    assert result.exit_code == 0, result.output


@pytest.fixture
def import_month(runner, reference_data, tmp_path):
    """Import a month of cases (see write_cases); returns what write_cases expects."""

    def load(month="10", start=0, phones=None):
        path = tmp_path / f"cases-{month}-{start}.csv"
        expected = write_cases(path, month, start, phones)
        result = runner.invoke(args=["import", "cases", str(path)])
        assert result.exit_code == 0, result.output
        return expected

    return load


@pytest.fixture
def month_data(import_month):
    """October 2026 imported: {unit: Counter(rule or "eligible")}."""
    return import_month()


@pytest.fixture
def enumerators(app, password_hash):
    """dtv1-3 by phone, dtv4 face to face covering X01."""
    role = Role.get_by_id(Roles.ENUMERATOR)
    people = {}
    for name, phone, f2f in (
        ("dtv1", True, False),
        ("dtv2", True, False),
        ("dtv3", True, False),
        ("dtv4", False, True),
    ):
        user = User.create(username=name, full_name=name, role=role, password_hash=password_hash)
        EnumeratorProfile.create(user=user, phone=phone, f2f=f2f)
        people[name] = user
    EnumeratorUnit.create(user=people["dtv4"], unit=Unit.get(Unit.code == "X01"))
    return people


@pytest.fixture
def allocate(runner):
    """Allocate a period through the command line; returns {unit code: allocation row}."""

    def run(total=40, month="2026-10"):
        result = runner.invoke(args=["sample", "allocate", "--period", month, "--total", str(total), "--json"])
        assert result.exit_code == 0, result.output
        return {row["unit"]: row for row in json.loads(result.output)}

    return run


FORMS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "questionnaires", "forms")


@pytest.fixture
def fieldwork_ready(runner, month_data, enumerators, allocate):
    """October drawn and assigned, the two shipped questionnaires published and given to every case
    (in person / online, phone / face to face); returns the period."""
    for form_id in ("sipas_truc_tiep", "sipas_truc_tuyen"):
        result = runner.invoke(args=["questionnaire", "import", os.path.join(FORMS, f"{form_id}.xlsx")])
        assert result.exit_code == 0, result.output
        assert runner.invoke(args=["questionnaire", "publish", form_id, "--version", "2026.1"]).exit_code == 0
    forms = {q.form_id: q for q in Questionnaire.select()}
    for channel, form_id in (
        ("direct", "sipas_truc_tiep"),
        ("online", "sipas_truc_tuyen"),
        ("postal", "sipas_truc_tiep"),
    ):
        for mode in ("phone", "f2f"):
            FormRule.create(channel=channel, mode=mode, questionnaire=forms[form_id])
    allocate()
    assert runner.invoke(args=["sample", "draw", "--period", "2026-10", "--seed", "fieldwork"]).exit_code == 0
    assert runner.invoke(args=["sample", "assign", "--period", "2026-10"]).exit_code == 0
    return Period.get(Period.month == "2026-10")


PUBLIC_ENDPOINTS = {"static", "admin.static"}


@pytest.fixture
def sample_ids(app, users):
    """One row of each kind the URL map's pages show, by view: what edit and detail pages open."""
    level = UnitLevel.get(UnitLevel.code == "xa")
    unit = Unit.create(code="X01", name="UBND xã A", level=level)
    procedure = Procedure.create(code="1.0001", name="Đăng ký khai sinh")
    period = Period.create(month="2026-10")
    case = Case.create(
        code="HS-0001",
        unit=unit,
        procedure=procedure,
        channel=Channels.DIRECT,
        received_at=datetime.datetime(2026, 10, 1, 8, 0),
        returned_at=datetime.datetime(2026, 10, 15, 10, 0),
        digest="-",
    )
    done = JobRun.create(kind="import", title="u.csv", actor="admin", role="admin", status="done")
    run = ImportRun.create(kind="units", filename="u.csv", report="{}", job=done)
    job = JobRun.create(kind="sampling.draw", title="draw", actor="admin", role="admin")

    audit_id = AuditRecord.select().first().id
    EnumeratorProfile.create(user=users["enumerator"])
    return {
        "enumerators": users["enumerator"].id,
        "units": unit.id,
        "procedures": procedure.id,
        "periods": period.id,
        "users": users["officer"].id,
        "audit": audit_id,
        "cases": case.id,
        "run": run.id,
        "job": job.id,
    }


@pytest.fixture
def endpoint_requests(app, sample_ids):
    """(endpoint, method, url) for every rule of the URL map, on the sample data."""
    return list(_requests(app, sample_ids))


def _requests(app, ids):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        args = {}
        if "export_type" in rule.arguments:
            args["export_type"] = "csv"
        if "run_id" in rule.arguments:
            args["run_id"] = ids["job"] if rule.endpoint.startswith("jobs.") else ids["run"]
        if "case_id" in rule.arguments:
            args["case_id"] = ids["cases"]
        if "alert_id" in rule.arguments:
            args["alert_id"] = 999
        if "interview_id" in rule.arguments:
            args["interview_id"] = 999
        if "version_id" in rule.arguments:
            args["version_id"] = 999
        if "assignment_id" in rule.arguments:
            args["assignment_id"] = 999
        if "token" in rule.arguments:
            args["token"] = "A" * 22
        if "secret" in rule.arguments:
            args["secret"] = "B" * 22
        if "unit_code" in rule.arguments:
            args["unit_code"] = "X01"
        if "link_id" in rule.arguments:
            args["link_id"] = 999
        if "fmt" in rule.arguments:
            args["fmt"] = "json"
        if "kiosk_id" in rule.arguments:
            args["kiosk_id"] = 999
        if "recheck_id" in rule.arguments:
            args["recheck_id"] = 999
        if "unit_id" in rule.arguments:
            args["unit_id"] = ids["units"]
        if "month" in rule.arguments:
            args["month"] = "2026-10"  # the sample period: nothing published
        url = rule.build(args)[1]
        view = rule.endpoint.split(".")[0]
        if rule.endpoint.endswith(("edit_view", "details_view")):
            url += f"?id={ids.get(view, 1)}"
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule.endpoint, method, url


@pytest.fixture
def tamper():
    """tamper(sql): change the audit table behind the app's back, as a database superuser could."""

    def run(sql):
        with db.atomic():
            if is_postgres():
                db.execute_sql("SET LOCAL session_replication_role = replica")
            else:
                db.execute_sql("DROP TRIGGER IF EXISTS audit_record_no_update")
                db.execute_sql("DROP TRIGGER IF EXISTS audit_record_no_delete")
            db.execute_sql(sql)

    return run


COMPLETE_ANSWERS = {
    "dong_y": "co",
    "dung_ho_so": "co",
    "co_so_vat_chat": "4",
    "thong_tin_tien_ich": "5",
    "niem_yet": "4",
    "dung_quy_dinh": "3",
    "cong_chuc_tiep_nhan": "5",
    "cong_chuc_giai_quyet": "4",
    "thai_do": "5",
    "nang_luc": "khong_y_kien",
    "phien_ha": "khong",
    "dung_hen": "som_dung_hen",
    "ket_qua_chinh_xac": "5",
    "so_lan_di_lai": "1",
    "da_gop_y": "khong",
    "kenh_gop_y": "3",
    "van_ban": "4",
    "hai_long_chung": "4",
}


@pytest.fixture
def complete_answers():
    """Answers to every question the shipped in-person form asks (as a form posts them)."""
    return dict(COMPLETE_ANSWERS)


@pytest.fixture
def submitted_interview(app, fieldwork_ready, users):
    """interview(username="dtv1", **changes): an interview of that enumerator's first open phone
    assignment, submitted (through the service, as the page does) with complete answers."""

    def make(username="dtv1", **changes):
        user = User.get(User.username == username)
        assignment = (
            Assignment.select()
            .join(SampleCase)
            .where((Assignment.enumerator == user) & (Assignment.status == "open") & (SampleCase.mode == "phone"))
            .order_by(Assignment.id)
            .first()
        )
        interview = interviewing.start(assignment.id, user)
        return interviewing.submit(interview.id, user, {**COMPLETE_ANSWERS, **changes})

    return make


def _aiosmtpd_controller():
    """aiosmtpd's Controller. aiosmtpd imports the `public` module of its dependency atpublic, whose
    name this project's `public/` package (the public pages) shadows: atpublic's module is put in
    place for that import only, then ours is back."""
    ours = sys.modules.get("public")
    path = importlib.metadata.distribution("atpublic").locate_file("public/__init__.py")
    spec = importlib.util.spec_from_file_location("public", path, submodule_search_locations=[str(path.parent)])
    theirs = importlib.util.module_from_spec(spec)
    sys.modules["public"] = theirs
    try:
        spec.loader.exec_module(theirs)
        return importlib.import_module("aiosmtpd.controller").Controller
    finally:
        sys.modules["public"] = ours


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free local port (aiosmtpd); `.messages` holds what it received."""
    handler = _Inbox()
    with socket.socket() as probe:  # a free port (aiosmtpd checks its server by connecting to the port given)
        probe.bind(("127.0.0.1", 0))
        handler.port = probe.getsockname()[1]
    controller = _aiosmtpd_controller()(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


class _Inbox:
    def __init__(self):
        self.messages = []
        self.port = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def self_survey_ready(fieldwork_ready):
    """fieldwork_ready, and the shipped forms given to self-administered answers too (by channel)."""
    forms = {q.form_id: q for q in Questionnaire.select()}
    for channel, form_id in (
        ("direct", "sipas_truc_tiep"),
        ("online", "sipas_truc_tuyen"),
        ("postal", "sipas_truc_tiep"),
    ):
        FormRule.create(channel=channel, mode="self", questionnaire=forms[form_id])
    return fieldwork_ready


@pytest.fixture
def sent_link(app, self_survey_ready):
    """sent_link(case=None, channel="email") -> (link, token): a link sent now (the first in-person
    case of October by default) and a token that opens it."""
    from links import service, tokens
    from models import SurveyLink

    def make(case=None, channel="email"):
        case = case or Case.select().where(Case.channel == Channels.DIRECT).order_by(Case.id).first()
        link = SurveyLink.create(case=case, period=self_survey_ready, channel=channel)
        service.mark_sent(link)
        return SurveyLink.get_by_id(link.id), tokens.mint(link, "invite")

    return make
