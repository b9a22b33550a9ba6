"""Questionnaires in the back office: an officer uploads an XLSForm, previews it as the enumerator and
the respondent see it, publishes it and says which form each case gets; a wrong file changes nothing."""

import io
import os

from models import FormRule, Questionnaire, QuestionnaireVersion

FORMS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "questionnaires", "forms")


def _upload(client, name="sipas_truc_tiep.xlsx", data=None):
    if data is None:
        with open(os.path.join(FORMS, name), "rb") as handle:
            data = handle.read()
    return client.post(
        "/admin/questionnaires/upload",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_an_officer_uploads_previews_publishes_and_configures_a_questionnaire(app, client, users, auth):
    auth.login("officer")
    page = _upload(client).get_data(as_text=True)
    assert "alert-success" in page and "sipas_truc_tiep" in page
    version = QuestionnaireVersion.get()
    assert version.status == "draft"
    assert "Phiên bản này đã được lưu, không thay đổi gì." in _upload(client).get_data(as_text=True)
    assert QuestionnaireVersion.select().count() == 1

    preview = client.get(f"/admin/questionnaires/{version.id}/preview").get_data(as_text=True)
    assert "Nguyễn Văn A" in preview  # the receiving officer's name filled in from the (example) case
    assert "(cong_chuc_tiep_nhan)" in preview  # the enumerator sees the question's name
    assert 'data-relevant="${dong_y} = &#39;co&#39;"' in preview
    respondent = client.get(f"/admin/questionnaires/{version.id}/preview?as=respondent").get_data(as_text=True)
    assert "(cong_chuc_tiep_nhan)" not in respondent and "Rất hài lòng" in respondent
    english = client.get(f"/admin/questionnaires/{version.id}/preview?language=en").get_data(as_text=True)
    assert "Very satisfied" in english

    client.post("/admin/questionnaires/publish", data={"id": version.id})
    assert QuestionnaireVersion.get_by_id(version.id).status == "published"
    form = Questionnaire.get()
    client.post("/admin/questionnaires/rules", data={"rule-direct-phone": form.id, "rule-direct-f2f": form.id})
    assert FormRule.form_for("direct", "phone").id == form.id and FormRule.form_for("online", "phone") is None
    assert client.post("/admin/questionnaires/rules", data={"rule-direct-phone": "9999"}).status_code == 400
    assert FormRule.form_for("direct", "phone").id == form.id

    client.post("/admin/questionnaires/retire", data={"id": version.id})
    assert QuestionnaireVersion.get_by_id(version.id).status == "retired"


def test_a_wrong_workbook_is_refused_with_its_rows_and_changes_nothing(app, client, users, auth):
    auth.login("officer")
    page = _upload(client, "not.xlsx", b"PK\x03\x04broken").get_data(as_text=True)
    assert "alert-danger" in page and QuestionnaireVersion.select().count() == 0
    page = _upload(client, "form.csv", b"type,name\ninteger,n\n").get_data(as_text=True)
    assert "alert-danger" in page and QuestionnaireVersion.select().count() == 0


def test_a_supervisor_previews_but_cannot_change_questionnaires(app, client, users, auth):
    auth.login("supervisor")
    assert client.get("/admin/questionnaires/").status_code == 200
    assert _upload(client).status_code == 403
    assert QuestionnaireVersion.select().count() == 0
