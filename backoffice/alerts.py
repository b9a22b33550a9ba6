"""Alerts raised by answers: new ones first, seen without reloading (the menu's badge asks every 30
seconds), acknowledged with the follow-up noted. No personal data: the case code, the question, the
answer."""

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from fieldwork.alerts import AlertRefused, acknowledge
from models import Alert, Case, Interview, QuestionnaireVersion, Unit, User
from questionnaires import render, xlsform

from . import permissions
from .base import SecureBaseView, _role, is_id

PAGE = 100


def open_count():
    return Alert.select().where(Alert.acknowledged_at.is_null()).count()


def described(alerts):
    """Each alert with its question's label and its answer's label, in Vietnamese."""
    out, forms = [], {}  # version id -> (definition, {question name: question}), read once a page
    for alert in alerts:
        version_id = alert.interview.version_id
        if version_id not in forms:
            definition = QuestionnaireVersion.get_by_id(version_id).definition_dict()
            forms[version_id] = (definition, {q["name"]: q for q in xlsform.questions(definition)})
        definition, by_name = forms[version_id]
        question = by_name.get(alert.question)
        choices = definition["choices"].get((question or {}).get("list") or "", [])
        answer = next((render.text(c["label"], "vi") for c in choices if c["name"] == alert.answer), alert.answer)
        label = render.fill(render.text(question["label"], "vi"), {}) if question else alert.question
        out.append({"alert": alert, "question": label, "answer": answer})
    return out


class AlertView(SecureBaseView):
    permission = "alerts"
    write_endpoints = ("acknowledge_alert",)

    @expose("/")
    def index(self):
        state = request.args.get("state", "new")
        query = (
            Alert.select(Alert, Interview, Case.id, Case.code, Unit.name)
            .join(Interview)
            .join(Case, on=(Interview.case == Case.id))
            .switch(Alert)
            .join(Unit, on=(Alert.unit == Unit.id))
        )
        query = query.where(Alert.acknowledged_at.is_null() if state == "new" else Alert.acknowledged_at.is_null(False))
        unit = request.args.get("unit", "")
        if is_id(unit):
            query = query.where(Alert.unit == int(unit))
        page = max(request.args.get("page", 1, type=int), 1)
        rows = described(query.order_by(Alert.created_at.desc(), Alert.id.desc()).paginate(page, PAGE))
        return self.render(
            "admin/alerts.html",
            rows=rows,
            state=state,
            names=User.names(),
            form=FlaskForm(),
            new=open_count(),
            can_write=permissions.can_write(_role(), self.permission),
        )

    @expose("/count")
    def count(self):
        """The number of alerts nobody has acknowledged, for the menu's badge."""
        return jsonify(new=open_count())

    @expose("/<int:alert_id>/acknowledge", methods=["POST"])
    def acknowledge_alert(self, alert_id):
        if Alert.get_or_none(Alert.id == alert_id) is None:
            abort(404)
        try:
            acknowledge(alert_id, current_user, request.form.get("follow_up"))
        except AlertRefused:
            flash(_("Note the follow-up (at least 3 characters)."), "error")
        else:
            flash(_("Alert acknowledged; the follow-up is noted."), "success")
        return redirect(url_for(".index"))
