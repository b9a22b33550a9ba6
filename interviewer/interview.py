"""The interview page: consent first, the questionnaire with its skip rules and checks (run on the
page by static/js/interview.js and again on the server), answers saved as the enumerator goes and
kept by the browser while the network is down, then one submission that locks it."""

from flask import abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from fieldwork import InterviewRefused, NotYours
from fieldwork.interviewing import own_interview, save_answers, submit
from models import Case, Interview, InterviewStatus
from questionnaires import render

from .assignment import interview_messages
from .blueprint import bp, enumerator_required, no_store

MAX_ANSWERS = 500  # names in one save: a questionnaire has tens


def _visible(interview_id):
    """The enumerator's own interview, open or not (a submitted one is shown read-only)."""
    interview = Interview.get_or_none(Interview.id == interview_id)
    if interview is None or interview.enumerator_id != current_user.id:
        abort(403)
    return interview


def _render(interview, errors=None, answers=None, status=200):
    case, facts = Case.with_facts(interview.case_id)
    definition = interview.version.definition_dict()
    response = make_response(
        render_template(
            "interviewer/interview.html",
            interview=interview,
            case=case,
            items=render.items(definition, "vi", facts),
            answers=answers if answers is not None else interview.answers_dict(),
            errors=errors or {},
            editable=interview.status in InterviewStatus.OPEN,
        ),
        status,
    )
    return no_store(response)


@bp.route("/i/<int:interview_id>")
@enumerator_required
def interview(interview_id):
    return _render(_visible(interview_id))


@bp.route("/i/<int:interview_id>/answers", methods=["POST"])
@enumerator_required
def answers(interview_id):
    """Save answers sent by the page (JSON {"answers": {name: value}}); answers what was kept and what
    was not accepted. The same answers sent twice change nothing."""
    refused = jsonify(error=_("This interview is not yours to change, or it was submitted.")), 403
    body = request.get_json(silent=True)
    posted = body.get("answers") if isinstance(body, dict) else None
    try:
        if not isinstance(posted, dict) or len(posted) > MAX_ANSWERS:
            own_interview(interview_id, current_user)  # another's interview is refused as such first
            return jsonify(error=_("The answers could not be read.")), 400
        saved, errors = save_answers(interview_id, current_user, posted)  # checks it, locked
    except NotYours:
        return refused
    return jsonify(saved=saved, errors=errors)


def _posted_answers(form):
    out = {}
    for name in form:
        if name == "csrf_token":
            continue
        values = form.getlist(name)
        out[name] = values if len(values) > 1 else values[0]
    return out


@bp.route("/i/<int:interview_id>/submit", methods=["POST"])
@enumerator_required
def submit_interview(interview_id):
    posted = _posted_answers(request.form)
    try:
        own_interview(interview_id, current_user)
    except NotYours:
        interview = _visible(interview_id)
        if interview.status in InterviewStatus.COMPLETE:
            flash(_("This interview was submitted already."), "info")
            return redirect(url_for(".home"))
        abort(403)
    try:
        submit(interview_id, current_user, posted)
    except NotYours:
        abort(403)
    except InterviewRefused as exc:
        flash(interview_messages()[str(exc)], "error")
        interview = Interview.get_by_id(interview_id)
        return _render(interview, exc.errors, {**interview.answers_dict(), **posted}, status=422)
    flash(_("Interview submitted. Thank you."), "success")
    return redirect(url_for(".home"))
