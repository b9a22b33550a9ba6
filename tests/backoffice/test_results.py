"""Monthly results in the back office: an officer compiles (a job), sees what changed, publishes;
downloads carry no personal data; other roles read only."""

import json

from fieldwork import review
from models import ResultStatus, ResultVersion


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
