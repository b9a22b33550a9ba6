"""The audit chain's head at compilation is printed wherever a published month is read from outside:
the public results page, its open data (JSON) and the back office's JSON export, as in the report."""

import json

from fieldwork import review
from models import ResultVersion


def test_the_public_page_and_the_exports_carry_the_chain_head(app, client, runner, submitted_interview, users, auth):
    review.approve(submitted_interview().id, users["supervisor"])
    assert runner.invoke(args=["results", "compile", "--period", "2026-10"]).exit_code == 0
    assert runner.invoke(args=["results", "publish", "--period", "2026-10"]).exit_code == 0
    version = ResultVersion.select().get()
    assert version.audit_seq and len(version.audit_hash) == 64

    page = client.get("/ket-qua").get_data(as_text=True)
    shown = page.split('data-testid="audit-head">', 1)[1].split("</span>", 1)[0]
    assert str(version.audit_seq) in shown and version.audit_hash in shown
    data = json.loads(client.get("/ket-qua/2026-10/data.json").get_data(as_text=True))
    assert data["audit_head"] == {"seq": version.audit_seq, "hash": version.audit_hash}

    auth.login("officer")
    exported = json.loads(client.get(f"/admin/results/download/{version.id}.json").get_data(as_text=True))
    assert exported["audit_head"] == {"seq": version.audit_seq, "hash": version.audit_hash}
