"""Supervisors review submitted interviews: the answers as asked (no personal data), approve, reject
back to the enumerator with a comment, or correct an approved one with a reason."""

import json

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from peewee import JOIN, fn

from fieldwork.review import ReviewRefused, approve, correct, reject
from models import Case, Interview, InterviewStatus, Unit, User
from questionnaires import render

from . import permissions
from .base import SecureBaseView, _role, is_id
from .flags import flags_of

PAGE = 100


def status_labels():
    return {
        InterviewStatus.IN_PROGRESS: _("Being answered"),
        InterviewStatus.SUBMITTED: _("Awaiting review"),
        InterviewStatus.APPROVED: _("Approved"),
        InterviewStatus.REJECTED: _("Rejected, back to the enumerator"),
        InterviewStatus.INVALIDATED: _("Invalidated"),
    }


def refusals():
    return {
        "missing": _("No such interview."),
        "state": _("This interview is not in a state that allows it (someone may have reviewed it meanwhile)."),
        "comment": _("Write a comment of at least 5 characters: the enumerator (or the audit trail) needs it."),
        "invalid": _("Some answers are missing or not accepted: nothing was changed."),
    }


class ReviewView(SecureBaseView):
    permission = "review"
    write_endpoints = ("approve_interview", "reject_interview", "correct_interview")

    @expose("/")
    def index(self):
        status = request.args.get("status") or InterviewStatus.SUBMITTED
        if status not in status_labels():
            status = InterviewStatus.SUBMITTED
        page = max(request.args.get("page", 1, type=int), 1)
        query = (
            Interview.select(Interview, Case.code, Unit.name, User.full_name)
            .join(Case, on=(Interview.case == Case.id))
            .join(Unit, on=(Case.unit == Unit.id))
            .switch(Interview)
            .join(User, JOIN.LEFT_OUTER, on=(Interview.enumerator == User.id), attr="enumerator_row")  # none: imported
            .where(Interview.status == status)
        )
        unit = request.args.get("unit", "")
        if is_id(unit):
            query = query.where(Case.unit == int(unit))
        total = query.count()
        rows = list(query.order_by(Interview.ended_at.desc(), Interview.id.desc()).paginate(page, PAGE))
        counts = dict(Interview.select(Interview.status, fn.COUNT(Interview.id)).group_by(Interview.status).tuples())
        return self.render(
            "admin/review_list.html",
            rows=rows,
            total=total,
            status=status,
            statuses=status_labels(),
            counts=counts,
            page=page,
            pages=(total + PAGE - 1) // PAGE,
        )

    def _interview(self, interview_id):
        interview = Interview.get_or_none(Interview.id == interview_id)
        if interview is None:
            abort(404)
        return interview

    @expose("/<int:interview_id>")
    def show(self, interview_id):
        interview = self._interview(interview_id)
        case = Case.select(Case, Unit).join(Unit, on=(Case.unit == Unit.id)).where(Case.id == interview.case_id).get()
        facts = {
            "unit": case.unit.name,
            "receiving_officer": case.receiving_officer,
            "handling_officer": case.handling_officer,
        }
        definition = interview.version.definition_dict()
        return self.render(
            "admin/review_interview.html",
            interview=interview,
            case=case,
            items=render.items(definition, "vi", facts),
            answers=interview.answers_dict(),
            original=json.loads(interview.original_answers) if interview.original_answers else None,
            flags=flags_of([interview.id]).get(interview.id, []) if interview.complete_case_id else [],
            names=User.names(),
            statuses=status_labels(),
            form=FlaskForm(),
            can_write=permissions.can_write(_role(), self.permission),
        )

    def _step(self, interview_id, step, done, *args):
        try:
            step(interview_id, *args)
        except ReviewRefused as exc:
            flash(refusals()[str(exc)], "error")
        else:
            flash(done, "success")
        return redirect(url_for(".show", interview_id=interview_id))

    @expose("/<int:interview_id>/approve", methods=["POST"])
    def approve_interview(self, interview_id):
        self._interview(interview_id)
        return self._step(interview_id, approve, _("Approved: it counts in the results."), current_user)

    @expose("/<int:interview_id>/reject", methods=["POST"])
    def reject_interview(self, interview_id):
        self._interview(interview_id)
        return self._step(
            interview_id,
            reject,
            _("Rejected: back to the enumerator with your comment."),
            current_user,
            request.form.get("comment"),
        )

    @expose("/<int:interview_id>/correct", methods=["POST"])
    def correct_interview(self, interview_id):
        self._interview(interview_id)
        posted = {k: (v if len(v) > 1 else v[0]) for k, v in request.form.lists() if k not in ("csrf_token", "reason")}
        return self._step(
            interview_id,
            correct,
            _("Corrected; the answers as first submitted are kept."),
            current_user,
            posted,
            request.form.get("reason"),
        )
