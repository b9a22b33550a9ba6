"""The audit chain verified as a job (started from the back office), and the words for what it finds."""

from flask_babel import gettext as _

from models import JobKinds, audit

from .registry import task


def describe(ok, count, problem):
    """What a walk of the chain found, in the user's language: whole, or the first broken record."""
    if ok:
        return _("Audit trail intact: %(n)d records.", n=count)
    messages = {
        "missing": _(
            "record %(seq)d is missing (the next one found is %(other)d)", seq=problem.seq, other=problem.other or 0
        ),
        "unlinked": _(
            "record %(seq)d does not follow record %(other)d: the chain is broken",
            seq=problem.seq,
            other=problem.other or 0,
        ),
        "altered": _("record %(seq)d was altered: its hash does not match its content", seq=problem.seq),
    }
    return _("Audit trail BROKEN after %(n)d good records: %(problem)s", n=count, problem=messages[problem.kind])


@task(JobKinds.AUDIT_VERIFY)
def verify_job(ctx):
    ok, count, problem = audit.verify(progress=ctx.progress)
    return {
        "message": describe(ok, count, problem),
        "whole": ok,
        "passed": ok,  # a verification's verdict: the job ran, but what it checked may have failed
        "records": count,
        "first_broken": problem.seq if problem else None,
        "problem": problem.kind if problem else None,
    }
