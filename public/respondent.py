"""The respondent's pages, whichever way they came (a one-time link, the counter's survey website,
the kiosk): one page of the questionnaire at a time, with its skip rules applied by the server (and by
static/js/interview.js when the browser runs JavaScript), answers saved on every page, resumable until
submitted. The session holds only which link is being answered, never a token."""

from flask import get_flashed_messages, make_response, redirect, render_template, request, session, url_for
from flask_babel import get_locale

from links import LinkRefused, pages, service
from models import Case, audit, db
from questionnaires import render
from questionnaires.xlsform import GROUP, SELECT_MULTIPLE, SELECT_ONE, walk

from .blueprint import no_store

SESSION_KEY = "respondent"
HONEYPOT = "website"  # a field people never see: a bot that fills it gets the closed page
NEXT, BACK, SUBMIT, DECLINE = "next", "back", "submit", "decline"


def begin(link, kiosk_id=None, holder=True):
    """The browser answers this link from now on. `holder`: it came with the link's token, so it may
    resume what was answered before; at the counter only what this browser starts (the kiosk's id
    kept for its resets)."""
    session[SESSION_KEY] = {"link": link.id, "kiosk": kiosk_id, "holder": holder}


def response(to_write=False):
    """The response this browser answers (LinkRefused when the link cannot be answered); `to_write`:
    read locked, to be saved in the caller's transaction."""
    data = state()
    link_id = data.get("link")
    if not isinstance(link_id, int):
        raise LinkRefused("closed")
    resume = service.ANY if data.get("holder") else data.get("interview")
    link, interview = service.response_for(link_id, resume, to_write)
    if data.get("interview") != interview.id:
        session[SESSION_KEY] = {**data, "interview": interview.id}
    return link, interview


def end():
    session.pop(SESSION_KEY, None)


def state():
    return session.get(SESSION_KEY) or {}


def acting():
    """Audit records written for a respondent name no one: the respondent, or the kiosk they used."""
    kiosk = state().get("kiosk")
    return audit.acting_as(f"kiosk:{kiosk}" if kiosk else service.RESPONDENT, service.RESPONDENT, "public")


def closed_page(status=404):
    """One page for every link that cannot be answered: locked, used, unknown, declined."""
    end()
    return no_store(make_response(render_template("public/closed.html", kiosk=None), status))


def _hidden(page, answers):
    """Names of the page's items a skip rule leaves out with these answers (a group hides its items)."""
    out = set()

    def visit(items, parent_hidden):
        for item in items:
            rule = item.get("relevant")
            off = parent_hidden or bool(rule and not pages._relevant(item, answers))
            if off:
                out.add(item["name"])
            if item["type"] == GROUP:
                visit(item["children"], off)

    visit(page, False)
    return out


def _resume_index(split, answers):
    """The first asked page with an unanswered question, else the last asked page."""
    last = 0
    for index, page in enumerate(split):
        if not pages.is_asked(page, answers):
            continue
        last = index
        hidden = _hidden(page, answers)
        if any(n not in answers for n in pages.names(page) if n not in hidden):
            return index
    return last


def _posted(page, definition):
    """The page's answers as posted: every question of the page, None when left empty (a cleared
    choice clears the answer); several choices as a list."""
    kinds = {q["name"]: q["type"] for q in walk(page)}
    out = {}
    for name in pages.names(page):
        values = [v for v in request.form.getlist(name) if v != ""]
        if kinds.get(name) == SELECT_MULTIPLE:
            out[name] = values or None
        else:
            out[name] = values[0] if values else None
    return out


def declines(definition, split, answers):
    """The consent question (the form's first question, a choice) answered so that nothing else is
    asked: the respondent says no, which is a refusal."""
    first = next((q for q in walk(split[0]) if q["type"] not in (GROUP, pages.NOTE)), None) if split else None
    if first is None or first["type"] != SELECT_ONE or first["name"] not in answers:
        return False
    return pages.next_asked(split, answers, 0) is None and len(split) > 1


def render_page(link, interview, index, errors=None, status=200, kiosk=None, answers=None):
    """A page of the response; `answers` when just saved (the interview read before is stale)."""
    definition = service.version_of(interview).definition_dict()
    split, closing = pages.split(definition)
    answers = interview.answers_dict() if answers is None else answers
    index = max(0, min(index, len(split) - 1))
    case, facts = Case.with_facts(link.case_id)
    language = str(get_locale())
    by_name = {item["name"]: item for item in render.items(definition, language, facts)}
    page = split[index]
    number, total = pages.progress(split, answers, index)
    earlier = {k: v for k, v in answers.items() if k not in set(pages.names(page))}
    response = make_response(
        render_template(
            "public/survey.html",
            case=case,
            title=service.version_of(interview).title,
            items=[by_name[item["name"]] for item in page],
            answers=answers,
            earlier=earlier,
            errors=errors or {},
            hidden=_hidden(page, answers),
            index=index,
            number=number,
            total=total,
            first=index == 0 or pages.previous_asked(split, answers, index) == index,
            last=pages.is_last(split, answers, index),
            kiosk=kiosk,
            messages=get_flashed_messages(with_categories=True),
        ),
        status,
    )
    return no_store(response)


def done_page(interview, declined=False, kiosk=None):
    closing = []
    if interview is not None and not declined:
        definition = service.version_of(interview).definition_dict()
        _split, notes = pages.split(definition)
        _case, facts = Case.with_facts(interview.case_id)
        language = str(get_locale())
        closing = [render.fill(render.text(n.get("label"), language), facts) for n in notes]
    end()
    return no_store(make_response(render_template("public/done.html", declined=declined, closing=closing, kiosk=kiosk)))


def show(endpoint, kiosk=None):
    """GET of the survey page: the page asked for (?p=), else where the respondent left off."""
    try:
        with acting():
            link, interview = response()
    except LinkRefused:
        return closed_page()
    definition = service.version_of(interview).definition_dict()
    split, _closing = pages.split(definition)
    answers = interview.answers_dict()
    wanted = request.args.get("p", type=int)
    if wanted is None or not (0 <= wanted < len(split)) or not pages.is_asked(split[wanted], answers):
        wanted = _resume_index(split, answers)
    return render_page(link, interview, wanted, kiosk=kiosk)


def post(endpoint, kiosk=None):
    """POST of a survey page: its answers saved, then the next asked page, the previous one, the
    submission or the refusal."""
    if request.form.get(HONEYPOT):
        return closed_page()
    action = request.form.get("action", NEXT)
    index = request.form.get("page", type=int)
    try:
        with acting(), db.atomic():  # one transaction: the link and the response locked once
            link, interview = response(to_write=True)
            owned = (link, interview)
            if action == DECLINE:
                service.decline(link.id, owned=link)
                return done_page(interview, declined=True, kiosk=kiosk)
            definition = service.version_of(interview).definition_dict()
            split, _closing = pages.split(definition)
            if index is None or not 0 <= index < len(split):
                return redirect(url_for(endpoint))
            page = split[index]
            required = set(pages.names(page)) if action in (NEXT, SUBMIT) else set()
            answers, errors = service.save(link.id, interview.id, _posted(page, definition), required, owned=owned)
            errors = {n: m for n, m in errors.items() if n in set(pages.names(page))}
            if action == BACK:
                return redirect(url_for(endpoint, p=pages.previous_asked(split, answers, index)))
            if errors:
                return render_page(link, interview, index, errors, status=422, kiosk=kiosk, answers=answers)
            if declines(definition, split, answers):
                service.decline(link.id, owned=link)
                return done_page(interview, declined=True, kiosk=kiosk)
            following = pages.next_asked(split, answers, index)
            if following is not None and action != SUBMIT:
                return redirect(url_for(endpoint, p=following))
            if following is not None:  # a submission from a page that is not the last: go on
                return redirect(url_for(endpoint, p=following))
            try:
                service.submit(link.id, interview.id, owned=owned)
            except LinkRefused as exc:
                if str(exc) != "invalid":
                    raise
                wrong = next(
                    (i for i, p in enumerate(split) if set(pages.names(p)) & set(exc.errors)),
                    index,
                )
                return render_page(link, interview, wrong, exc.errors, status=422, kiosk=kiosk, answers=answers)
            return done_page(interview, kiosk=kiosk)
    except LinkRefused:
        return closed_page()
