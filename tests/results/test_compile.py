"""A month compiled from its approved interviews, against figures computed by hand; versions that
never change, compared and published; the export without personal data."""

import json

import pytest

from fieldwork import review
from models import (
    Answer,
    Contact,
    Interview,
    ResultStatus,
    ResultVersion,
    ResultVersionChanged,
    SampleCase,
    User,
    pii,
)
from results import service

from ..links.test_respondent import walk_to_end


@pytest.fixture
def approved_month(app, submitted_interview, users):
    """Two approved interviews (the complete answers; the second with a 2 for attitude and a 5 for
    the feedback channels), a third only submitted; returns the period."""
    reviewer = users["supervisor"]
    first = submitted_interview()
    second = submitted_interview(thai_do="2", kenh_gop_y="5")
    third = submitted_interview("dtv2")
    review.approve(first.id, reviewer)
    review.approve(second.id, reviewer)
    return SampleCase.get(SampleCase.case == third.case_id).period, third


def compile_json(runner, month="2026-10"):
    result = runner.invoke(args=["results", "compile", "--period", month, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_indices_by_hand(runner, approved_month):
    period, _third = approved_month
    assert compile_json(runner)["version"] == 1
    figures = ResultVersion.latest(period).figures_dict()
    province = figures["province"]
    assert province["completed"] == 2  # the submitted one is not approved: not counted
    elements = {k: (v["satisfied"], v["n"]) for k, v in province["elements"].items()}
    assert elements == {
        "access": (4, 4),  # 4, 5 twice
        "procedure": (2, 4),  # 4, 3 twice
        "civil_servants": (5, 6),  # 5, 4, 5 then 5, 4, 2; "no opinion" counts nowhere
        "result": (2, 2),
        "feedback": (1, 2),  # 3 then 5
        "legal_documents": (2, 2),
    }
    expected = (1 + 0.5 + 5 / 6 + 1 + 0.5 + 1) / 6
    assert province["overall"]["index"] == pytest.approx(expected)
    low, high = province["overall"]["ci"]
    assert low < expected < high
    attitude = next(q for q in province["questions"] if q["question"] == "thai_do")
    assert (attitude["n"], attitude["mean"], attitude["satisfied_share"]) == (2, 3.5, 0.5)
    assert attitude["levels"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    # AAPOR over the issued sample: three interviews closed their cases (1.1); the rest never tried (3.11)
    issued = province["issued"]
    assert province["dispositions"]["I"] == 3 and province["dispositions"]["UH"] == issued - 3
    assert province["rates"]["RR1"] == pytest.approx(3 / issued)
    assert sum(u["completed"] for u in figures["units"]) == 2


def test_compiling_again_makes_no_new_version_and_a_change_does(runner, approved_month, users):
    period, third = approved_month
    first = compile_json(runner)
    assert compile_json(runner)["version"] == first["version"] and compile_json(runner)["created"] is False
    review.approve(third.id, users["supervisor"])
    second = compile_json(runner)
    assert second["version"] == 2 and second["created"] is True
    old, new = ResultVersion.of_period(period)[1], ResultVersion.of_period(period)[0]
    changes = service.compare(old, new)
    assert any(c["field"] == "completed" and c["after"] == c["before"] + 1 for c in changes["units"])
    assert "responses" in changes["inputs"]


def test_a_version_never_changes_and_is_published_once(runner, approved_month):
    period, _third = approved_month
    compile_json(runner)
    version = ResultVersion.latest(period)
    version.figures = version.figures.replace('"completed":2', '"completed":20')
    with pytest.raises(ResultVersionChanged):
        version.save()
    result = runner.invoke(args=["results", "publish", "--period", "2026-10"])
    assert result.exit_code == 0, result.output
    assert ResultVersion.latest(period).status == ResultStatus.PUBLISHED
    again = runner.invoke(args=["results", "publish", "--period", "2026-10"])
    assert again.exit_code != 0 and ResultVersion.of_period(period).count() == 1


def test_answer_rows_follow_the_interview(app, approved_month, users):
    _period, third = approved_month
    rows = dict(Answer.select(Answer.question, Answer.value).where(Answer.interview == third.id).tuples())
    assert rows["thai_do"] == "5" and "de_xuat" not in rows  # an empty answer makes no row
    review.approve(third.id, users["supervisor"])
    review.correct(third.id, users["supervisor"], {"thai_do": "3"}, "Người dân gọi lại sửa câu trả lời.")
    rows = dict(Answer.select(Answer.question, Answer.value).where(Answer.interview == third.id).tuples())
    assert rows["thai_do"] == "3"
    assert Answer.select().where(Answer.interview == third.id).count() == len(
        [v for v in Interview.get_by_id(third.id).answers_dict().values() if v not in (None, "")]
    )


def test_channels_counted_are_configuration(runner, approved_month, sent_link, complete_answers, client):
    period, _third = approved_month
    link, token = sent_link()
    client.get(f"/s/{token}")
    walk_to_end(client, complete_answers)
    compile_json(runner)
    province = ResultVersion.latest(period).figures_dict()["province"]
    assert province["completed"] == 3 and province["by_channel"]["web"]["completed"] == 1
    period.settings = json.dumps({"results": {"channels": ["phone", "f2f"]}})
    period.save()
    compile_json(runner)
    province = ResultVersion.latest(period).figures_dict()["province"]
    assert province["completed"] == 2
    assert province["by_channel"]["web"]["counted"] is False and province["by_channel"]["web"]["completed"] == 1
    assert province["links"]["email"]["answered"] == 1


def test_the_export_has_no_personal_data(runner, approved_month, tmp_path):
    compile_json(runner)
    path = tmp_path / "results.json"
    result = runner.invoke(args=["results", "export", "--period", "2026-10", "-o", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["period"] == "2026-10" and data["version"] == 1
    unit = next(u for u in data["units"] if u["completed"])
    assert set(unit) >= {"unit", "level", "cases", "eligible", "sampled", "issued", "completed", "rates", "elements"}
    assert set(unit["rates"]) == {"RR1", "RR3", "COOP1", "REF1", "CON1"}
    text = path.read_text(encoding="utf-8")
    enumerators = [u.username for u in User.select()]
    phones = [pii.cipher().decrypt(c.phone_enc) for c in Contact.select().where(Contact.phone_enc.is_null(False))]
    assert phones and not any(p in text or p[-9:] in text for p in phones)  # no phone number
    assert not any(f'"{name}"' in text for name in enumerators)
    csv_path = tmp_path / "results.csv"
    assert (
        runner.invoke(
            args=["results", "export", "--period", "2026-10", "--format", "csv", "-o", str(csv_path)]
        ).exit_code
        == 0
    )
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
