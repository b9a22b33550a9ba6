"""The public results page (`/ket-qua`): published versions only (a later draft never shows), no figure
for a unit below the public minimum, nothing about any person in the page or its open data, the open
data parse, and the trend sparklines carry no external reference."""

import csv
import io
import json
import re

import pytest

from fieldwork import review
from models import Case, Contact, Interview, Period, ResultVersion, User, pii
from results import public_view, reading

OFFICER = "Trần Thị Tiếp Nhận"


def compile_and_publish(runner, month="2026-10", publish=True):
    result = runner.invoke(args=["results", "compile", "--period", month, "--json"])
    assert result.exit_code == 0, result.output
    if publish:
        result = runner.invoke(args=["results", "publish", "--period", month])
        assert result.exit_code == 0, result.output
    return ResultVersion.latest(Period.get(Period.month == month))


def set_public_minimum(period, value):
    settings = json.loads(period.settings or "{}")
    settings["results"] = {"public_minimum": value}
    period.settings = json.dumps(settings)
    period.save()


@pytest.fixture
def approved(app, submitted_interview, users):
    """approved(n, username): n interviews of an enumerator submitted and approved, their cases handled
    by a named officer; returns the interviews."""

    def make(n=2, username="dtv1"):
        done = []
        for _ in range(n):
            interview = submitted_interview(username)
            case = Case.get_by_id(interview.case_id)
            case.receiving_officer = case.handling_officer = OFFICER
            case.save()
            review.approve(interview.id, users["supervisor"])
            done.append(interview)
        return done

    return make


def unit_of(interview):
    return Case.get_by_id(interview.case_id).unit.code


def test_nothing_published_yet(client, fieldwork_ready):
    page = client.get("/ket-qua")
    assert page.status_code == 200 and 'data-testid="nothing-published"' in page.get_data(as_text=True)
    assert client.get("/ket-qua/2026-10").status_code == 404
    assert client.get("/ket-qua/2026-10/data.json").status_code == 404


def test_only_the_published_version_shows_and_a_later_draft_does_not_leak(client, runner, approved):
    set_public_minimum(Period.get(Period.month == "2026-10"), 1)
    first = approved(2)
    published = compile_and_publish(runner)
    approved(1)
    draft = compile_and_publish(runner, publish=False)
    assert draft.number == published.number + 1 and draft.status == "draft"
    code = unit_of(first[0])
    counted = {u["unit"]: u["completed"] for u in published.figures_dict()["units"]}
    body = client.get("/ket-qua").get_data(as_text=True)
    assert client.get("/ket-qua").headers["Cache-Control"].startswith("public")
    n = re.search(rf'data-testid="n-{code}">(\d+)<', body).group(1)
    assert int(n) == counted[code]
    assert 'data-testid="month-shown">2026-10<' in body and f'data-testid="index-{code}"' in body
    data = json.loads(client.get("/ket-qua/2026-10/data.json").get_data(as_text=True))
    assert data["version"] == published.number and data["public_minimum"] == 1
    assert sum(u["n"] for u in data["units"]) == published.figures_dict()["province"]["completed"]
    assert data["province"]["n"] == 2  # the draft's third interview is not there
    unit = next(u for u in data["units"] if u["unit"] == code)
    expected = next(u for u in published.figures_dict()["units"] if u["unit"] == code)
    assert unit["index"] == pytest.approx(expected["overall"]["index"])
    assert unit["ci"] == pytest.approx(expected["overall"]["ci"])
    assert unit["grade"] == expected["grade"]


def test_a_unit_below_the_public_minimum_shows_no_figure(client, runner, approved):
    first = approved(2)
    compile_and_publish(runner)  # the default public minimum: 5
    code = unit_of(first[0])
    body = client.get("/ket-qua/2026-10").get_data(as_text=True)
    assert f'data-testid="withheld-{code}"' in body and f'data-testid="index-{code}"' not in body
    data = json.loads(client.get("/ket-qua/2026-10/data.json").get_data(as_text=True))
    assert data["public_minimum"] == 5
    for u in data["units"]:
        assert u["n"] < 5 and u["shown"] is False
        assert (u["index"], u["ci"], u["rank"], u["grade"]) == (None, None, None, None)
        assert set(u["elements"].values()) == {None}
    rows = list(csv.reader(io.StringIO(client.get("/ket-qua/2026-10/data.csv").get_data(as_text=True)[1:])))
    assert rows[0] == public_view.CSV_HEADERS
    assert all(row[4:] == [""] * (len(row) - 4) for row in rows[1:])  # no index, interval, rank or grade


def test_no_person_in_the_page_or_the_open_data(client, runner, approved):
    set_public_minimum(Period.get(Period.month == "2026-10"), 1)
    approved(2)
    approved(1, "dtv2")
    version = compile_and_publish(runner)
    internal = version.figures_dict()
    assert any(o["officer"] == OFFICER for o in internal["officers"])  # the figures know them: the page must not
    names = {OFFICER} | {u.full_name for u in User.select()} | {e["name"] for e in internal["enumerators"]}
    cipher = pii.cipher()
    contacts = [c for c in Contact.select() if c.phone_enc or c.name_enc]
    people = [cipher.decrypt(c.phone_enc) for c in contacts if c.phone_enc]
    people += [cipher.decrypt(c.name_enc) for c in contacts if c.name_enc]
    assert people and names
    texts = [client.get(url).get_data(as_text=True) for url in ("/ket-qua", "/ket-qua/2026-10")]
    texts += [client.get(f"/ket-qua/2026-10/data.{fmt}").get_data(as_text=True) for fmt in ("csv", "json")]
    usernames = [u.username for u in User.select()]
    for text in texts:
        assert not any(name in text for name in names | set(people)), "a person's name or phone"
        assert not any(p[-9:] in text for p in people if p.isdigit())
        assert not any(f'"{u}"' in text for u in usernames)
    data = json.loads(texts[3])
    assert set(data["units"][0]) == {"unit", "name", "level", "n", "shown", "index", "ci", "rank", "grade", "elements"}
    assert Interview.select().count() == 3


def test_the_trend_covers_the_published_months_and_has_no_external_reference(client, runner, approved, import_month):
    set_public_minimum(Period.get(Period.month == "2026-10"), 1)
    first = approved(2)
    compile_and_publish(runner)
    import_month("11", start=1000)
    november = Period.for_month("2026-11")
    set_public_minimum(november, 1)
    compile_and_publish(runner, "2026-11")
    body = client.get("/ket-qua").get_data(as_text=True)
    assert 'data-testid="month-shown">2026-11<' in body and 'href="/ket-qua/2026-10"' in body
    code = unit_of(first[0])
    row = body[body.index(f'data-testid="unit-{code}"') :]
    row = row[: row.index("</tr>")]
    svg = row[row.index("<svg") : row.index("</svg>")]
    assert svg.count("<circle") >= 1  # October's point (November has no interview: a gap)
    assert "<script" not in body and "<style" not in body
    assert set(re.findall(r"https?://[^\"'\s<>]+", svg)) == {"http://www.w3.org/2000/svg"}
    versions = reading.per_period()
    assert [v.month for v in versions] == ["2026-10", "2026-11"]
    assert public_view.trends([reading.summary(v) for v in versions])[code][1] is None
