"""Cờ nghi vấn: a period's interviews flagged as possibly not done as recorded, each flag in words,
counted by kind and by enumerator, filtered by both; recomputed as a job. For supervisors, auditors and
administrators (officers see figures, not enumerators' work). No personal data: the case code, the
enumerator's login, the flag's figures."""

import collections

from flask import abort, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from peewee import JOIN, fn

from models import Case, FlagKinds, Interview, InterviewFlag, JobKinds, JobRun, Period, User
from quality import explain, kind_labels

from . import permissions
from .base import SecureBaseView, _role, is_id
from .jobs import follow, start

PAGE = 100


def flags_of(interview_ids):
    """{interview id: [(kind, kind label, explanation)]}, in the order of FlagKinds.ALL."""
    labels, order = kind_labels(), {k: i for i, k in enumerate(FlagKinds.ALL)}
    out = collections.defaultdict(list)
    flags = InterviewFlag.select().where(InterviewFlag.interview.in_(list(interview_ids) or [0]))
    for flag in sorted(flags, key=lambda f: (f.interview_id, order.get(f.kind, 99))):
        out[flag.interview_id].append((flag.kind, labels.get(flag.kind, flag.kind), explain(flag)))
    return out


def _counted(period):
    """The period's flags of interviews that are still complete."""
    return (
        InterviewFlag.select()
        .join(Interview, on=(InterviewFlag.interview == Interview.id))
        .where((InterviewFlag.period == period) & Interview.complete_case.is_null(False))
    )


class FlagView(SecureBaseView):
    permission = "flags"
    write_endpoints = ("recompute",)

    def _period(self, value):
        if value and Period.valid_month(value):
            return Period.get_or_none(Period.month == value)
        return Period.latest_first().first()

    @expose("/")
    def index(self):
        period = self._period(request.args.get("period"))
        kind = request.args.get("kind", "")
        kind = kind if kind in FlagKinds.ALL else ""
        enumerator = request.args.get("enumerator", "")
        enumerator = int(enumerator) if is_id(enumerator) else None
        page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
        rows, total, by_kind, by_enumerator = [], 0, {}, []
        if period is not None:
            by_kind = dict(
                _counted(period)
                .select(InterviewFlag.kind, fn.COUNT(InterviewFlag.id))
                .group_by(InterviewFlag.kind)
                .tuples()
            )
            by_enumerator = self._by_enumerator(period)
            flagged = _counted(period).select(InterviewFlag.interview)
            if kind:
                flagged = flagged.where(InterviewFlag.kind == kind)
            query = (
                Interview.select(Interview.id, Interview.channel, Interview.ended_at, Case.id, Case.code, User.username)
                .join(Case, on=(Interview.case == Case.id))
                .switch(Interview)
                .join(User, JOIN.LEFT_OUTER, on=(Interview.enumerator == User.id), attr="enumerator_row")
                .where(Interview.id.in_(flagged))
            )
            if enumerator is not None:
                query = query.where(Interview.enumerator == enumerator)
            total = query.count()
            rows = list(query.order_by(Interview.ended_at.desc(), Interview.id.desc()).paginate(page, PAGE))
        return self.render(
            "admin/flags.html",
            period=period,
            periods=list(Period.latest_first()),
            kind=kind,
            enumerator=enumerator,
            rows=rows,
            flags=flags_of(r.id for r in rows),
            total=total,
            page=page,
            pages=(total + PAGE - 1) // PAGE,
            kinds=kind_labels(),
            by_kind=by_kind,
            by_enumerator=by_enumerator,
            running=JobRun.latest(JobKinds.FLAGS_COMPUTE, period_id=period.id) if period else None,
            can_write=permissions.can_write(_role(), self.permission),
            can_review=permissions.can_read(_role(), "review"),
            form=FlaskForm(),
        )

    def _by_enumerator(self, period):
        """[(user id, login, flagged interviews, {kind: flags})], most flagged first."""
        counts = collections.defaultdict(collections.Counter)
        interviews = collections.defaultdict(set)
        logins = {}
        query = (
            _counted(period)
            .select(Interview.enumerator, User.username, InterviewFlag.kind, InterviewFlag.interview)
            .join(User, JOIN.LEFT_OUTER, on=(Interview.enumerator == User.id))
            .tuples()
        )
        for user_id, login, kind, interview_id in query:
            counts[user_id][kind] += 1
            interviews[user_id].add(interview_id)
            logins[user_id] = login
        rows = [(u, logins[u], len(interviews[u]), counts[u]) for u in counts]
        return sorted(rows, key=lambda r: (-r[2], r[1] or ""))

    @expose("/recompute", methods=["POST"])
    def recompute(self):
        month = request.form.get("period") or ""
        period = Period.get_or_none(Period.month == month) if Period.valid_month(month) else None
        if period is None:
            abort(404)
        back = url_for(".index", period=period.month)
        run = start(
            JobKinds.FLAGS_COMPUTE,
            {"period_id": period.id},
            title=_("Fabrication flags of %(month)s", month=period.month),
            return_to=back,
        )
        return follow(run, back)
