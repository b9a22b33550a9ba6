"""The dashboards: read by the results' readers only; the figures shown are the version's; the
progress refresh is JSON; the charts carry no script and no external reference."""

import json
import re

from fieldwork import review
from fieldwork.alerts import acknowledge
from models import Alert, Case, Period, ResultVersion, UnitLevel
from results import reading


def compiled(runner, month="2026-10"):
    result = runner.invoke(args=["results", "compile", "--period", month, "--json"])
    assert result.exit_code == 0, result.output
    return ResultVersion.latest(Period.get(Period.month == month))


def test_dashboard_access_by_role(app, users, auth, fieldwork_ready):
    for role, status in (("admin", 200), ("officer", 200), ("supervisor", 200), ("auditor", 200), ("enumerator", 403)):
        client = app.test_client()
        auth.login(role, client=client)
        assert client.get("/admin/dashboards/?period=2026-10").status_code == status, role
        assert client.get("/admin/dashboards/progress.json?period=2026-10").status_code == status, role
    anonymous = app.test_client().get("/admin/dashboards/")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_figures_shown_are_the_versions(client, runner, auth, users, submitted_interview):
    first = submitted_interview()
    review.approve(first.id, users["supervisor"])
    review.approve(submitted_interview("dtv2").id, users["supervisor"])
    version = compiled(runner)
    figures = version.figures_dict()
    auth.login("officer")
    body = client.get("/admin/dashboards/?period=2026-10").get_data(as_text=True)
    province = re.search(r'data-testid="province-index">([^<]+)<', body).group(1)
    assert province.strip() == app_percent(client, figures["province"]["overall"]["index"])
    index = body[body.index('data-testid="index"') :]
    index = index[: index.index("</section>")]
    for u in figures["units"]:
        for element, e in u["elements"].items():
            if e["index"] is not None:
                assert app_percent(client, e["index"]) in index, (u["unit"], element)
    # progress: completes per unit as the fieldwork counts them, the same in the page and the JSON
    data = client.get("/admin/dashboards/progress.json?period=2026-10").get_json()
    unit = Case.get_by_id(first.case_id).unit.code
    row = next(r for r in data["units"] if r["unit"] == unit)
    assert row["completed"] >= 1 and f'data-testid="completed-{unit}">{row["completed"]}<' in body
    assert sum(r["completed"] for r in data["units"]) == 2
    assert "<svg" in data["html"] and json.dumps(data)
    assert summary_index(version) == figures["province"]["overall"]["index"]


def app_percent(client, value):
    """The percentage as the app writes it in Vietnamese (the page's own filter)."""
    with client.application.test_request_context("/"):
        return client.application.jinja_env.filters["percent"](value)


def summary_index(version):
    return reading.summary(version)["province"]["overall"]["index"]


def test_alerts_by_unit_new_and_acknowledged(client, runner, auth, users, submitted_interview):
    submitted_interview(phien_ha="co", hai_long_chung="1")
    alerts = list(Alert.select().order_by(Alert.id))
    assert len(alerts) == 2
    acknowledge(alerts[0].id, users["officer"], "Đã chuyển thanh tra xác minh")
    auth.login("officer")
    body = client.get("/admin/dashboards/?period=2026-10").get_data(as_text=True)
    unit = alerts[0].unit.code
    found = re.search(rf'data-testid="alerts-{unit}" data-new="(\d+)" data-acknowledged="(\d+)"', body)
    assert (int(found.group(1)), int(found.group(2))) == (1, 1)
    assert client.get("/admin/dashboards/?period=2026-11").status_code == 404  # no such period
    other = Period.create(month="2026-11")
    assert 'data-testid="no-alerts"' in client.get(f"/admin/dashboards/?period={other.month}").get_data(as_text=True)


def test_the_charts_have_no_script_and_no_external_reference(client, runner, auth, users, submitted_interview):
    review.approve(submitted_interview().id, users["supervisor"])
    compiled(runner)
    auth.login("auditor")
    body = client.get("/admin/dashboards/?period=2026-10&basis=latest").get_data(as_text=True)
    svgs = re.findall(r"<svg.*?</svg>", body, re.S)
    assert len(svgs) >= 3  # progress, index, two trends
    for svg in svgs:
        assert "<script" not in svg and "<style" not in svg and "href" not in svg
        assert set(re.findall(r"https?://[^\"'\s<>]+", svg)) == {"http://www.w3.org/2000/svg"}
    assert "dtv1" not in "".join(svgs)  # no enumerator in a chart
    published = client.get("/admin/dashboards/?period=2026-10&basis=published").get_data(as_text=True)
    assert 'data-testid="no-trends"' in published  # nothing published yet


def test_kept_charts_follow_the_version_the_language_and_the_level_names(
    client, runner, auth, users, submitted_interview
):
    """The heat map and trends are drawn once per version: a new version, another language or a
    renamed unit level is drawn anew, never an old drawing shown."""
    review.approve(submitted_interview().id, users["supervisor"])
    first = compiled(runner)
    auth.login("officer")

    def trends():
        body = client.get("/admin/dashboards/?period=2026-10").get_data(as_text=True)
        return body[body.index('data-testid="trends"') :]

    before = trends()
    level = UnitLevel.get(UnitLevel.code == reading.summary(first)["levels"][0]["level"])
    assert level.name in before
    level.name = "Cấp thử nghiệm đổi tên"
    level.save()
    assert "Cấp thử nghiệm đổi tên" in trends()
    review.approve(submitted_interview("dtv2").id, users["supervisor"])
    second = compiled(runner)
    assert second.number == first.number + 1
    body = client.get("/admin/dashboards/?period=2026-10").get_data(as_text=True)
    assert f"Version {second.number}" in body or f"Phiên bản {second.number}" in body
    assert app_percent(client, summary_index(second)) in body
    for lang, title in (("en", "Index by unit and element"), ("vi", "Chỉ số theo đơn vị và yếu tố")):
        page = client.get(f"/admin/dashboards/?period=2026-10&lang={lang}").get_data(as_text=True)
        svgs = " ".join(re.findall(r"<svg.*?</svg>", page, re.S))
        assert f'aria-label="{title}"' in svgs, lang
