"""The 18-point scheme's column in the back office's ranking: shown when the version has it."""

import json

from fieldwork import review
from models import Period, ResultVersion
from results import service


def _compile(on):
    period = Period.get(Period.month == "2026-10")
    settings = json.loads(period.settings or "{}")
    settings["results"] = {"scheme18": {"enabled": on}}
    period.settings = json.dumps(settings)
    period.save()
    return service.compile_period(period)[0]


def test_the_ranking_shows_the_total_when_the_scheme_is_on(client, auth, users, submitted_interview):
    review.approve(submitted_interview().id, users["supervisor"])
    auth.login("officer")
    _compile(False)
    assert 'data-testid="scheme18-' not in client.get("/admin/results/?period=2026-10").get_data(as_text=True)
    version = _compile(True)
    body = client.get("/admin/results/?period=2026-10").get_data(as_text=True)
    units = version.figures_dict()["units"]
    assert len(units) > 1 and ResultVersion.latest(version.period).id == version.id
    for unit in units:
        assert f'data-testid="scheme18-{unit["unit"]}">{unit["scheme18"]["total"]}/18' in body
