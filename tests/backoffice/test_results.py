"""Monthly results in the back office: an officer compiles (a job), sees what changed, publishes;
downloads carry no personal data; other roles read only."""

import io
import json
import re

import openpyxl

from exports import MIMETYPES, XLSX
from fieldwork import review
from models import AuditRecord, ResultStatus, ResultVersion


def test_officer_compiles_compares_publishes_and_downloads(app, client, auth, users, submitted_interview, work_jobs):
    review.approve(submitted_interview().id, users["supervisor"])
    auth.login("officer")
    page = client.get("/admin/results/?period=2026-10")
    assert 'data-testid="no-versions"' in page.get_data(as_text=True)
    started = client.post("/admin/results/compile", data={"period": "2026-10", "note": "Lần đầu"})
    assert started.status_code == 302 and "/admin/jobs/" in started.headers["Location"]
    work_jobs()
    version = ResultVersion.get()
    assert version.number == 1 and version.note == "Lần đầu" and version.created_by == "officer"
    review.approve(submitted_interview("dtv2").id, users["supervisor"])
    client.post("/admin/results/compile", data={"period": "2026-10"})
    work_jobs()
    body = client.get("/admin/results/?period=2026-10").get_data(as_text=True)
    assert 'data-testid="changes"' in body and 'data-testid="publish-2"' in body
    assert 'data-testid="publish-1"' not in body  # only the latest can be published
    latest = ResultVersion.latest(version.period)
    assert client.post(f"/admin/results/publish/{version.id}").status_code == 302
    assert ResultVersion.get_by_id(version.id).status == ResultStatus.DRAFT  # refused: not the latest
    assert client.post(f"/admin/results/publish/{latest.id}").status_code == 302
    assert ResultVersion.get_by_id(latest.id).status == ResultStatus.PUBLISHED
    download = client.get(f"/admin/results/download/{latest.id}.json")
    data = json.loads(download.get_data(as_text=True))
    assert data["version"] == 2 and data["province"]["completed"] == 2
    csv = client.get(f"/admin/results/download/{latest.id}.csv")
    assert csv.headers["Content-Disposition"].endswith('.csv"') and csv.data.startswith(b"\xef\xbb\xbf")


def test_other_roles_read_but_do_not_compile(app, auth, users, submitted_interview, work_jobs):
    for role in ("supervisor", "auditor"):
        client = app.test_client()
        auth.login(role, client=client)
        assert client.get("/admin/results/?period=2026-10").status_code == 200
        assert client.post("/admin/results/compile", data={"period": "2026-10"}).status_code == 403
    assert ResultVersion.select().count() == 0


def test_a_forged_period_or_version_is_refused(client, auth, users, submitted_interview):
    auth.login("officer")
    assert client.get("/admin/results/?period=2026-13").status_code == 404
    assert client.post("/admin/results/compile", data={"period": "x"}).status_code == 404
    assert client.get("/admin/results/download/1.xml").status_code == 404


def test_the_workbook_download_is_recorded_and_the_report_stands_alone(
    app, client, auth, users, submitted_interview, work_jobs
):
    review.approve(submitted_interview().id, users["supervisor"])
    auth.login("officer")
    client.post("/admin/results/compile", data={"period": "2026-10"})
    work_jobs()
    version = ResultVersion.get()
    page = client.get("/admin/results/?period=2026-10").get_data(as_text=True)
    assert 'data-testid="download-xlsx"' in page and f"/admin/results/report/{version.id}" in page
    exports = AuditRecord.select().where(AuditRecord.action == "export")
    before = exports.count()
    download = client.get(f"/admin/results/download/{version.id}.xlsx")
    assert download.status_code == 200 and download.mimetype == MIMETYPES[XLSX]
    assert download.headers["Content-Disposition"].endswith('-v1.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(download.data))
    assert len(book.sheetnames) == 8 and book.worksheets[1].freeze_panes == "A2"
    assert exports.count() == before + 1
    record = exports.order_by(AuditRecord.seq.desc()).first()
    assert (record.model, record.object_id, record.actor) == ("result_version", str(version.id), "officer")
    assert '"xlsx"' in record.after
    report = client.get(f"/admin/results/report/{version.id}")
    body = report.get_data(as_text=True)
    assert report.status_code == 200 and 'data-testid="results-report"' in body
    answered = [level for level in version.figures_dict()["levels"] if level["completed"]]
    assert body.count("<svg") == 1 + len(answered)  # the province, then each level that has answers
    assert str(version.audit_seq) in body and version.audit_hash in body  # the chain head, printed in full
    assert 'data-testid="report-draft"' in body
    assert not re.search(r"<script|<link|<img|src=|@import|url\(", body)  # nothing loaded from anywhere
    unit = next(u for u in version.figures_dict()["units"] if u["completed"])
    assert f'data-testid="report-unit-{unit["unit"]}"' in body
    for role in ("supervisor", "auditor"):
        reader = app.test_client()
        auth.login(role, client=reader)
        assert reader.get(f"/admin/results/report/{version.id}").status_code == 200


def test_officers_are_told_on_their_home_page_that_results_await_publication(
    client, auth, users, submitted_interview, runner
):
    review.approve(submitted_interview().id, users["supervisor"])
    auth.login("officer")
    assert "/admin/results/?period=2026-10" not in client.get("/admin/").get_data(as_text=True)
    assert runner.invoke(args=["results", "compile", "--period", "2026-10"]).exit_code == 0
    home = client.get("/admin/").get_data(as_text=True)
    assert "/admin/results/?period=2026-10&amp;version=1" in home
    assert runner.invoke(args=["results", "publish", "--period", "2026-10"]).exit_code == 0
    assert "/admin/results/?period=2026-10&amp;version=1" not in client.get("/admin/").get_data(as_text=True)
