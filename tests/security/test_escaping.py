"""Script and formulas in any text, imported or typed, rendered harmless: unit and procedure names and
officer codes imported with `<script>`, an `onerror` attribute breaking out of a quote and a spreadsheet
formula; a rejected row quoting them; a review comment, a call attempt's note and an alert's follow-up typed in
the forms, a period's note, a
results version's note and a questionnaire label written with them. Every page a crawl
of the back office reaches (for each role), the interviewer's screens, the public results and their
charts escape them; the CSV and XLSX exports put an apostrophe before a formula; the JSON is served as
JSON (never sniffed as HTML)."""

import csv
import html
import io
import json
import re

import openpyxl
import pytest

from fieldwork import review
from models import Alert, Assignment, Case, Interview, Period, QuestionnaireVersion, ResultVersion, User
from questionnaires import workbook

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/","bấm vào đây")'
HOSTILE = f"{SCRIPT} {BREAKOUT}"
RAW = ("<script>alert", "<img src=x", '"><img')  # what must never reach a page unescaped
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"/logout|[?&](lang|sort|desc|page|page_size|search|flt\d+_\d+)=|/static/|/export/|\.(csv|xlsx|png)")
PAGES_PER_ROLE = 250


def users_by_name(name):
    return User.get(User.username == name)


def unescaped(body):
    return [raw for raw in RAW if raw in body]


@pytest.fixture
def hostile(app, runner, auth, fieldwork_ready, submitted_interview, users, tmp_path, fixture_file):
    """October drawn, assigned and answered, with hostile text everywhere a user or a file can put it."""
    with open(fixture_file("units.csv"), encoding="utf-8-sig", newline="") as f:
        units = list(csv.reader(f))
    for row in units[1:]:
        row[1] = f"{row[1]} {HOSTILE}" if row[0] != "X02" else FORMULA
    with open(fixture_file("procedures.csv"), encoding="utf-8-sig", newline="") as f:
        procedures = list(csv.reader(f))
    for row in procedures[1:]:
        row[1], row[2] = f"{row[1]} {HOSTILE}", FORMULA
    cases = [
        "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan,ngay_tra_ket_qua,can_bo_tiep_nhan,can_bo_xu_ly",
        f'XSS-1,X01,1.000001,truc_tiep,01/10/2026,15/10/2026,"{SCRIPT}","{BREAKOUT.replace(chr(34), chr(34) * 2)}"',
        f'XSS-2,X01,1.000001,truc_tiep,01/10/2026,15/10/2026,"{FORMULA.replace(chr(34), chr(34) * 2)}",',
        f'"{BREAKOUT.replace(chr(34), chr(34) * 2)}",X01,1.000001,{SCRIPT},01/10/2026,15/10/2026,,',  # rejected
    ]
    for kind, rows in (("units", units), ("procedures", procedures)):
        path = tmp_path / f"{kind}.csv"
        with open(path, "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
        assert runner.invoke(args=["import", kind, str(path)]).exit_code == 0
    path = tmp_path / "cases.csv"
    path.write_text("\n".join(cases) + "\n", encoding="utf-8")
    assert runner.invoke(args=["import", "cases", str(path)]).exit_code == 0

    first = submitted_interview(phien_ha="co", hai_long_chung="1")  # raises alerts
    review.approve(first.id, users["supervisor"])
    second = submitted_interview()
    review.reject(second.id, users["supervisor"], f"Kiểm tra lại {HOSTILE}")
    enumerator = app.test_client()  # typed in the interviewer's form: a call attempt's note
    auth.login("dtv1", client=enumerator)
    waiting = Assignment.select().where(Assignment.enumerator == users_by_name("dtv1"), Assignment.status == "open")
    response = enumerator.post(
        f"/interviewer/a/{waiting.first().id}/attempt", data={"outcome": "3.13", "note": HOSTILE}
    )
    assert response.status_code == 302
    supervisor = app.test_client()  # typed in the back office's form: an alert's follow-up
    auth.login("supervisor", client=supervisor)
    for alert in list(Alert.select()):
        supervisor.post(f"/admin/alerts/{alert.id}/acknowledge", data={"follow_up": f"Đã gọi {HOSTILE}"})
    assert Alert.select().where(Alert.follow_up.contains("<script>")).count() >= 1
    period = Period.get(Period.month == "2026-10")
    period.note = f"Ghi chú {HOSTILE} {FORMULA}"
    period.save()
    assert runner.invoke(args=["results", "compile", "--period", "2026-10", "--note", HOSTILE]).exit_code == 0
    assert runner.invoke(args=["results", "publish", "--period", "2026-10"]).exit_code == 0
    return {"first": first, "second": second}


def crawl(client, start):
    """Every back-office page reachable by links from `start` (lists' sort/page/filter variants left
    out); {url: body} of the HTML ones."""
    seen, queue, pages = set(), list(start), {}
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        body = response.get_data(as_text=True)
        pages[url] = body
        queue += [html.unescape(link) for link in LINK.findall(body) if html.unescape(link) not in seen]
    return pages


@pytest.mark.parametrize("role", ("admin", "supervisor", "officer", "auditor"))
def test_every_back_office_page_escapes_hostile_text(app, auth, hostile, role):
    client = app.test_client()
    auth.login(role, client=client)
    version = ResultVersion.get()
    case = Case.get(Case.code == "XSS-1")
    pages = crawl(
        client,
        [
            "/admin/",
            f"/admin/case/{case.id}",
            f"/admin/review/{hostile['first'].id}",
            f"/admin/review/{hostile['second'].id}",
            f"/admin/results/report/{version.id}",
            "/admin/dashboards/?period=2026-10",
            "/admin/sampling/?period=2026-10",
            "/admin/links/?period=2026-10",
        ],
    )
    assert len(pages) > 15
    found = {url: unescaped(body) for url, body in pages.items() if unescaped(body)}
    assert found == {}
    shown = "".join(pages.values())
    assert html.escape(SCRIPT, quote=False) in shown or "&lt;script&gt;alert(1)" in shown  # shown, escaped


def test_the_interviewer_screens_and_the_public_pages_escape_hostile_text(app, auth, hostile):
    client = app.test_client()
    auth.login("dtv1", client=client)
    bodies = [client.get("/interviewer/").get_data(as_text=True)]
    rejected = Interview.get_by_id(hostile["second"].id)
    bodies.append(client.get(f"/interviewer/i/{rejected.id}").get_data(as_text=True))  # the comment, back
    mine = list(Assignment.select().where(Assignment.enumerator == User.get(User.username == "dtv1")).limit(5))
    for assignment in mine:
        bodies.append(client.get(f"/interviewer/a/{assignment.id}").get_data(as_text=True))
    anonymous = app.test_client()
    for url in ("/ket-qua", "/ket-qua/2026-10", "/quay"):
        response = anonymous.get(url)
        if response.status_code == 200:
            bodies.append(response.get_data(as_text=True))
    assert [unescaped(body) for body in bodies if unescaped(body)] == []
    assert any("&lt;script&gt;" in body for body in bodies)
    data = anonymous.get("/ket-qua/2026-10/data.json")
    if data.status_code == 200:
        assert data.mimetype == "application/json" and data.headers["X-Content-Type-Options"] == "nosniff"
        json.loads(data.get_data(as_text=True))


def cells_of_csv(data):
    text = data.decode("utf-8-sig")
    return [
        cell
        for row in csv.reader(io.StringIO(text), delimiter=";" if text.count(";") > text.count(",") else ",")
        for cell in row
    ]


def test_exports_write_formulas_behind_an_apostrophe(app, auth, hostile):
    client = app.test_client()
    auth.login("admin", client=client)
    checked = 0
    for url in (
        "/admin/units/export/csv/",
        "/admin/procedures/export/csv/",
        "/admin/cases/export/csv/",
        "/admin/sample/export/csv/",
        "/admin/audit/export/csv/",
    ):
        response = client.get(url)
        if response.status_code != 200:
            continue
        cells = cells_of_csv(response.data)
        assert not [c for c in cells if c.startswith(("=", "+", "@"))], url
        checked += any(c.startswith("'=HYPERLINK") for c in cells)
    assert checked >= 1  # the formula was exported, neutralised
    version = ResultVersion.get()
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/admin/results/download/{version.id}.xlsx").data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_a_questionnaire_label_with_script_is_escaped_in_the_preview_and_the_interview(app, auth, hostile, tmp_path):
    stored = QuestionnaireVersion.select().order_by(QuestionnaireVersion.id).first()
    definition = json.loads(stored.definition)
    definition["version"] = "2026.9"
    first = definition["items"][0]
    first["label"] = {code: f"{text} {HOSTILE}" for code, text in first["label"].items()}
    path = tmp_path / "hostile.xlsx"
    workbook.write(definition, str(path))
    client = app.test_client()
    auth.login("officer", client=client)
    page = client.post(
        "/admin/questionnaires/upload",
        data={"file": (io.BytesIO(path.read_bytes()), "hostile.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)
    version = QuestionnaireVersion.get(QuestionnaireVersion.version == "2026.9")
    preview = client.get(f"/admin/questionnaires/{version.id}/preview").get_data(as_text=True)
    assert unescaped(page) == [] and unescaped(preview) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview
