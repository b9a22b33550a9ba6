"""Answers from outside the app written as interviews (each row in its own transaction, audited), and
the same layout exported: `interviews import FILE [--approve]`, `interviews export --period P`, and
the back office's upload. An imported interview is recognised by its source (`file`): one per case."""

import json

from flask_babel import gettext as _
from peewee import IntegrityError

import quality
from importing.report import ImportReport
from importing.table import open_table
from models import (
    Assignment,
    AssignmentEvent,
    AssignmentStatus,
    Case,
    Disposition,
    Dispositions,
    Interview,
    InterviewSources,
    InterviewStatus,
    Period,
    Questionnaire,
    QuestionnaireStatus,
    QuestionnaireVersion,
    Roles,
    SampleCase,
    User,
    audit,
    db,
    now,
)
from models.vocabulary import AssignmentActions
from questionnaires import validation

from . import alerts
from .answers_file import (
    FIXED,
    RowRejected,
    answer_text,
    check_answers,
    columns,
    read_row,
    same_minute,
    time_text,
)

PROGRESS_EVERY = 200  # rows between two progress reports


class _Lookups:
    """What rows refer to, read once per file: versions, enumerators, dispositions."""

    def __init__(self):
        self.versions, self.users = {}, {}
        self.codes = {code for (code,) in Disposition.select(Disposition.code).tuples()}

    def version(self, row):
        if not row.form_id or not row.version:
            raise RowRejected(_("form_id and version are needed for answers (outcome 1.1 or 1.2)."))
        key = (row.form_id, row.version)
        if key not in self.versions:
            found = QuestionnaireVersion.of_form(row.form_id).where(QuestionnaireVersion.version == row.version).first()
            self.versions[key] = (found, found.definition_dict() if found else None)
        found, definition = self.versions[key]
        if found is None:
            raise RowRejected(_("Unknown questionnaire version."), f"{row.form_id} {row.version}")
        if found.status == QuestionnaireStatus.DRAFT:
            raise RowRejected(
                _("This questionnaire version is a draft: publish it before importing its answers."),
                f"{row.form_id} {row.version}",
            )
        return found, definition

    def enumerator(self, login):
        if login is None:
            return None
        if login not in self.users:
            user = User.get_or_none(User.username == login)
            ok = user is not None and user.role_id == Roles.ENUMERATOR and user.active
            self.users[login] = user if ok else None
        if self.users[login] is None:
            raise RowRejected(_("enumerator is not the login of an active enumerator."), login)
        return self.users[login]


def _open_assignment(case_id):
    return (
        Assignment.select()
        .join(SampleCase)
        .where((SampleCase.case == case_id) & (Assignment.status == AssignmentStatus.OPEN))
        .first()
    )


def _case_assignment(case_id):
    return Assignment.select().join(SampleCase).where(SampleCase.case == case_id).order_by(Assignment.id.desc()).first()


def _close(assignment, code):
    """Close an open assignment with the file's outcome as its final disposition (audited)."""
    at = now()
    assignment = Assignment.locked(assignment.id)
    assignment.status, assignment.outcome, assignment.updated_at = AssignmentStatus.CLOSED, code, at
    assignment.save()
    AssignmentEvent.create(
        assignment=assignment,
        action=AssignmentActions.CLOSED,
        from_user=assignment.enumerator_id,
        actor=audit.current_actor()[0],
        reason=_("Outcome %(code)s imported from a file.", code=code),
        at=at,
    )


def _same(interview, fields, row):
    """Whether the stored interview says what the row says (times to the minute, when the row has them)."""
    return (
        interview.channel == fields["channel"]
        and interview.version_id == fields["version"]
        and interview.enumerator_id == fields["enumerator"]
        and (interview.outcome or Dispositions.COMPLETE) == row.outcome
        and interview.answers_dict() == json.loads(fields["answers"])
        and (row.started_at is None or same_minute(interview.started_at, row.started_at))
        and (row.ended_at is None or same_minute(interview.ended_at, row.ended_at))
    )


class AnswersImporter:
    """One file's rows applied one at a time; `approve` approves what it creates or updates, as the
    supervisor `reviewer` (None on the command line: the audit trail names who ran it)."""

    def __init__(self, table, report, approve=False, reviewer=None, progress=None):
        self.table, self.report = table, report
        self.approve, self.reviewer, self.progress = approve, reviewer, progress
        self.lookups = _Lookups()
        self.seen = {}  # case code -> (line, outcome) of its row imported (or found unchanged) from the file

    def run(self):
        cols = columns(self.table.header)
        for count, (line, values) in enumerate(self.table.rows(), 1):
            try:
                row = read_row(cols, line, values)
                with db.atomic():
                    self.apply(row)
                self.seen[row.case_code] = (row.line, row.outcome)  # a later row of the case is refused
            except RowRejected as exc:
                self.report.reject(line, exc.reason, exc.value)
            if self.progress and count % PROGRESS_EVERY == 0:
                self.progress(self.report, self.table.fraction_done())
        if self.progress:
            self.progress(self.report, 1.0)
        return self.report

    def apply(self, row):
        first = self.seen.get(row.case_code)
        if first is not None:
            if row.outcome == Dispositions.COMPLETE and first[1] == Dispositions.COMPLETE:
                raise RowRejected(_("A second complete for this case (line %(line)d).", line=first[0]), row.case_code)
            raise RowRejected(_("This case is in the file already (line %(line)d).", line=first[0]), row.case_code)
        case = Case.get_or_none(Case.code == row.case_code)
        if case is None:
            raise RowRejected(_("Unknown case."), row.case_code)
        if row.outcome not in self.lookups.codes or row.outcome == Dispositions.APPOINTMENT:
            raise RowRejected(_("Unknown outcome: it must be an AAPOR final disposition code."), row.outcome)
        if not row.answered:
            return self.disposition(row, case)
        version, definition = self.lookups.version(row)
        user = self.lookups.enumerator(row.enumerator)
        answers = check_answers(definition, row)
        fields = {
            "channel": row.mode,
            "version": version.id,
            "enumerator": user.id if user else None,
            "answers": json.dumps(answers, ensure_ascii=False, sort_keys=True),
        }
        existing = Interview.imported_for(case.id)
        holder = Interview.get_or_none(Interview.complete_case == case.id)
        if holder is not None and (existing is None or holder.id != existing.id):
            if _same(holder, fields, row):
                self.report.unchanged += 1  # the app's interview, exported and imported again
                return None
            raise RowRejected(
                _("The case has a complete already (interview %(id)d): a second complete is refused.", id=holder.id),
                row.case_code,
            )
        if existing is not None:
            if _same(existing, fields, row):
                self.report.unchanged += 1
                return None
            if existing.status in (InterviewStatus.APPROVED, InterviewStatus.INVALIDATED):
                raise RowRejected(_("Approved already: a supervisor must correct it."), row.case_code)
            interview, created = Interview.locked(existing.id), False
        else:
            interview, created = Interview(case=case.id, source=InterviewSources.FILE), True
        self.write(interview, fields, row, case)
        assignment = _open_assignment(case.id)
        if assignment is not None:
            _close(assignment, row.outcome)
        if created:
            self.report.created += 1
        else:
            self.report.updated += 1
        return interview

    def write(self, interview, fields, row, case):
        at = now()
        creating = interview.id is None
        interview.channel, interview.version, interview.enumerator = (
            fields["channel"],
            fields["version"],
            fields["enumerator"],
        )
        interview.answers, interview.outcome, interview.saved_at = fields["answers"], row.outcome, at
        stored_start = None if creating else interview.started_at  # a new row's default is no start
        interview.started_at = row.started_at or stored_start or row.ended_at or at
        interview.ended_at = row.ended_at or interview.ended_at or interview.started_at
        interview.duration_seconds = max(int((interview.ended_at - interview.started_at).total_seconds()), 0)
        interview.complete_case = case.id if row.outcome == Dispositions.COMPLETE else None
        if self.approve:
            interview.status, interview.reviewed_at = InterviewStatus.APPROVED, at
            interview.reviewed_by = self.reviewer.id if self.reviewer else None
        else:
            interview.status, interview.reviewed_by, interview.reviewed_at = InterviewStatus.SUBMITTED, None, None
        try:
            with db.atomic():
                interview.save()
        except IntegrityError:  # another interview took the case's complete meanwhile
            raise RowRejected(
                _("The case has a complete already: a second complete is refused."), row.case_code
            ) from None
        if self.approve:
            audit.record_event("approve", Interview._meta.table_name, interview.id, {"source": InterviewSources.FILE})
        alerts.raise_for(interview)  # as the answers arrive, as from the app (a change: only what is new)
        quality.flag_interview(interview)

    def disposition(self, row, case):
        """An outcome without answers: the final disposition of the case's open assignment."""
        if row.raw:
            self.report.warn(row.line, _("Answers ignored: only outcomes 1.1 and 1.2 carry answers."))
        assignment = _open_assignment(case.id)
        if assignment is not None:
            _close(assignment, row.outcome)
            self.report.updated += 1
            return None
        closed = _case_assignment(case.id)
        if closed is not None and closed.outcome == row.outcome:
            self.report.unchanged += 1
            return None
        if closed is not None:
            raise RowRejected(
                _("The case's assignment is closed already with outcome %(code)s.", code=closed.outcome or "-"),
                row.outcome,
            )
        self.report.unchanged += 1
        self.report.warn(row.line, _("The case has no assignment: the outcome is not recorded."), row.outcome)
        return None


def import_answers(path, approve=False, reviewer=None, progress=None):
    """Import a CSV or XLSX file of answers; an ImportReport. ImportRefused when the file is not a
    table or lacks case_code, mode or outcome (nothing changed)."""
    table = open_table(path)
    try:
        return AnswersImporter(table, ImportReport(), approve, reviewer, progress).run()
    finally:
        table.close()


def export_table(month):
    """(headers, rows) of the submitted and approved interviews of the cases returned in a month, in
    the import's layout: answers by choice names, no personal data (no names, phones or e-mails)."""
    start, end = Period(month=month).bounds
    query = (
        Interview.select(Interview, Case.code)
        .join(Case, on=(Interview.case == Case.id))
        .where(
            (Case.returned_at >= start)
            & (Case.returned_at < end)
            & Interview.status.in_((InterviewStatus.SUBMITTED, InterviewStatus.APPROVED))
        )
        .order_by(Case.code, Interview.id)
    )
    version_ids = sorted({v for (v,) in query.select(Interview.version).order_by().distinct().tuples()})
    versions = {
        v.id: (v.questionnaire.form_id, v.version, v.definition_dict())
        for v in QuestionnaireVersion.select(QuestionnaireVersion, Questionnaire)
        .join(Questionnaire)
        .where(QuestionnaireVersion.id.in_(version_ids or [0]))
    }
    names = []
    for _vid, (_form, _version, definition) in sorted(versions.items(), key=lambda kv: kv[1][:2]):
        for name in _question_names(definition):
            if name not in names:
                names.append(name)
    logins = dict(User.select(User.id, User.username).tuples())

    def rows():
        for interview in query.iterator():
            form_id, version, _definition = versions[interview.version_id]
            answers = interview.answers_dict()
            yield [
                interview.case.code,
                interview.channel,
                interview.outcome or Dispositions.COMPLETE,
                logins.get(interview.enumerator_id, ""),
                time_text(interview.started_at),
                time_text(interview.ended_at),
                form_id,
                version,
                *(answer_text(answers.get(name)) for name in names),
            ]

    return list(FIXED) + names, rows()


def _question_names(definition):
    return [q["name"] for q in validation.prepared(definition)]  # the questions the import reads
