"""Questionnaires in the back office: versions listed, uploaded (XLSForm), previewed as the enumerator
and the respondent see them, published and retired; which form a case gets by channel and mode."""

import io

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired

from models import Channels, FormRule, Modes, Questionnaire, QuestionnaireStatus, QuestionnaireVersion, db
from questionnaires import render, service, xlsform

from . import permissions
from .base import SecureBaseView, _role, is_id
from .sample import mode_labels

MAX_FORM_BYTES = 5 * 1024 * 1024  # an XLSForm workbook is tens of kilobytes
CHANNELS = (Channels.DIRECT, Channels.ONLINE)  # the two forms of seed 000: in person, online


def status_labels():
    return {
        QuestionnaireStatus.DRAFT: _("Draft"),
        QuestionnaireStatus.PUBLISHED: _("Published"),
        QuestionnaireStatus.RETIRED: _("Retired"),
    }


def channel_labels():
    return {Channels.DIRECT: _("Submitted in person"), Channels.ONLINE: _("Submitted online")}


class FormUpload(FlaskForm):
    file = FileField(
        _l("XLSForm workbook (.xlsx)"),
        validators=[FileRequired(_l("Choose a file.")), FileAllowed(["xlsx"], _l("Only an .xlsx workbook."))],
    )


class QuestionnaireView(SecureBaseView):
    permission = "questionnaires"
    write_endpoints = ("upload", "publish", "retire", "rules")

    @expose("/")
    def index(self):
        versions = list(
            QuestionnaireVersion.select(QuestionnaireVersion, Questionnaire)
            .join(Questionnaire)
            .order_by(Questionnaire.form_id, QuestionnaireVersion.created_at.desc(), QuestionnaireVersion.id.desc())
        )
        rules = {(r.channel, r.mode): r.questionnaire_id for r in FormRule.select()}
        return self.render(
            "admin/questionnaires.html",
            versions=versions,
            forms=list(Questionnaire.select().order_by(Questionnaire.form_id)),
            current={q.id: QuestionnaireVersion.current(q.form_id) for q in Questionnaire.select()},
            rules=rules,
            channels=CHANNELS,
            modes=Modes.FORMS,
            channel_labels=channel_labels(),
            mode_labels=mode_labels(),
            statuses=status_labels(),
            upload_form=FormUpload(),
            can_write=permissions.can_write(_role(), self.permission),
        )

    @expose("/upload", methods=["POST"])
    def upload(self):
        form = FormUpload()
        if not form.validate_on_submit():
            flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
            return redirect(url_for(".index"))
        data = form.file.data.read(MAX_FORM_BYTES + 1)
        if len(data) > MAX_FORM_BYTES:
            flash(_("The workbook is larger than 5 MB: this is not a questionnaire."), "error")
            return redirect(url_for(".index"))
        try:
            version, created = service.import_form(io.BytesIO(data), file_type=".xlsx")
        except xlsform.FormProblems as exc:
            lines = [_problem_line(p) for p in exc.problems[:20]]
            flash(_("The questionnaire was not stored: %(problems)s", problems=" · ".join(lines)), "error")
            return redirect(url_for(".index"))
        except service.QuestionnaireError as exc:
            flash(_("The questionnaire was not stored: %(problems)s", problems=str(exc)), "error")
            return redirect(url_for(".index"))
        if created:
            flash(
                _(
                    "%(form)s version %(v)s stored as a draft: preview it, then publish it.",
                    form=version.questionnaire.form_id,
                    v=version.version,
                ),
                "success",
            )
        else:
            flash(_("This version is already stored, unchanged."), "info")
        return redirect(url_for(".index"))

    def _version(self):
        value = request.form.get("id", "")
        version = QuestionnaireVersion.get_or_none(QuestionnaireVersion.id == int(value)) if is_id(value) else None
        if version is None:
            abort(404)
        return version

    @expose("/publish", methods=["POST"])
    def publish(self):
        return self._step(service.publish, _("%(v)s published: new interviews get it."))

    @expose("/retire", methods=["POST"])
    def retire(self):
        return self._step(service.retire, _("%(v)s retired: no new interview gets it."))

    def _step(self, step, done):
        version = self._version()
        try:
            with db.atomic():
                step(version)
        except service.QuestionnaireError:
            flash(_("Only a draft can be published, and only a published version retired."), "error")
        else:
            flash(done % {"v": str(version)}, "success")
        return redirect(url_for(".index"))

    @expose("/rules", methods=["POST"])
    def rules(self):
        """Which form a case gets, per channel and mode: every cell of the table in one post."""
        forms = {str(q.id): q for q in Questionnaire.select()}
        wanted = {}
        for channel in CHANNELS:
            for mode in Modes.FORMS:
                value = request.form.get(f"rule-{channel}-{mode}", "")
                if value and value not in forms:
                    abort(400)
                wanted[(channel, mode)] = forms.get(value)
        with db.atomic():
            for (channel, mode), form in wanted.items():
                rule = FormRule.get_or_none((FormRule.channel == channel) & (FormRule.mode == mode))
                if form is None and rule is not None:
                    rule.delete_instance()
                elif form is not None and rule is None:
                    FormRule.create(channel=channel, mode=mode, questionnaire=form)
                elif form is not None and rule.questionnaire_id != form.id:
                    rule.questionnaire = form
                    rule.save()
        flash(_("Which form each case gets was saved."), "success")
        return redirect(url_for(".index"))

    @expose("/<int:version_id>/preview")
    def preview(self, version_id):
        version = QuestionnaireVersion.get_or_none(QuestionnaireVersion.id == version_id)
        if version is None:
            abort(404)
        as_enumerator = request.args.get("as") != "respondent"
        language = request.args.get("language") if request.args.get("language") in ("vi", "en") else "vi"
        facts = {
            "unit": _("Sample ward People's Committee"),
            "procedure": _("Birth registration"),
            "receiving_officer": "Nguyễn Văn A",
            "handling_officer": "Trần Thị B",
        }
        return self.render(
            "admin/questionnaire_preview.html",
            version=version,
            items=render.items(version.definition_dict(), language, facts),
            as_enumerator=as_enumerator,
            language=language,
            statuses=status_labels(),
        )


def _problem_line(problem):
    where = []
    if problem.sheet:
        where.append(_("sheet %(s)s", s=problem.sheet))
    if problem.row:
        where.append(_("row %(r)d", r=problem.row))
    return f"{', '.join(where)}: {problem.reason}" if where else problem.reason
