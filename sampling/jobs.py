"""Sampling steps as background jobs, and the daily release proposals."""

import datetime

from flask_babel import gettext as _

from jobs import recurring, task
from models import Allocation, JobKinds, Period, Unit, db, now

from . import assignment, service
from .messages import describe, verification_lines

DAILY_AT = datetime.time(6, 0)


def _step(work):
    """Run one step; a refusal (SamplingError) is reported to the user, having changed nothing."""
    try:
        return {"ok": True, "message": work()}
    except service.SamplingError as exc:
        return {"ok": False, "message": describe(exc)}


def _reporter(ctx):
    return lambda fraction, message=None: ctx.progress(fraction, message)


@task(JobKinds.SAMPLING_ALLOCATE)
def allocate_job(ctx, period_id, total):
    period = Period.get_by_id(period_id)
    return _step(
        lambda: _(
            "Allocated %(n)d interviews.",
            n=sum(a.quota for a in service.allocate_period(period, total, _reporter(ctx))),
        )
    )


@task(JobKinds.SAMPLING_OVERRIDE)
def override_job(ctx, period_id, unit_id, quota, reason):
    period = Period.get_by_id(period_id)
    code = Unit.get_by_id(unit_id).code

    def work():
        service.override_quota(period, unit_id, quota, reason, _reporter(ctx))
        if quota is None:
            return _("The quota of %(unit)s is proportional again; the units were reallocated.", unit=code)
        return _("Quota of %(unit)s set to %(q)d; the other units were reallocated.", unit=code, q=quota)

    return _step(work)


@task(JobKinds.SAMPLING_DRAW)
def draw_job(ctx, period_id, seed, redo):
    period = Period.get_by_id(period_id)

    def work():
        drawn = service.draw(period, seed, redo, _reporter(ctx))
        allocations = list(Allocation.of(period))
        return _(
            "Drew %(n)d cases with seed %(seed)s: %(issued)d issued to reach the quota of %(quota)d "
            "interviews, and %(reserve)d in reserve, released only if needed.",
            n=drawn,
            seed=Period.get_by_id(period_id).seed,
            issued=sum(a.issued for a in allocations),
            quota=sum(a.quota for a in allocations),
            reserve=sum(a.reserve for a in allocations),
        )

    return _step(work)


@task(JobKinds.SAMPLING_RELEASE)
def release_job(ctx, period_id, unit_id):
    period = Period.get_by_id(period_id)

    def work():
        released = service.release(period, unit_id)
        return _("Released %(n)d reserve cases.", n=sum(n for _u, _m, n in released))

    return _step(work)


@task(JobKinds.SAMPLING_ASSIGN)
def assign_job(ctx, period_id):
    period = Period.get_by_id(period_id)

    def work():
        done, left = assignment.assign_period(period, _reporter(ctx))
        return _("Assigned %(n)d cases; %(left)d left without a suitable enumerator.", n=done, left=left)

    return _step(work)


@task(JobKinds.SAMPLING_VERIFY)
def verify_job(ctx, period_id):
    """Redraw from the recorded seed and inputs and compare: the job's message says whether the stored
    sample is the draw's."""
    try:
        result = service.verify(Period.get_by_id(period_id))
    except service.SamplingError as exc:
        return {"ok": False, "message": describe(exc)}
    passed, lines = verification_lines(result)
    return {"ok": True, "passed": passed, "message": " ".join(lines), "result": result}


def propose_releases():
    """For every drawn, open period: store how much reserve each unit needs released."""
    stamp = now()
    for period in Period.drawn_open():
        wanted = {}
        for unit_id, _mode, count in service.release_proposals(period):
            wanted[unit_id] = wanted.get(unit_id, 0) + count
        with db.atomic():
            for alloc in Allocation.of(period):
                if alloc.proposed_release != wanted.get(alloc.unit_id, 0):
                    alloc.proposed_release = wanted.get(alloc.unit_id, 0)
                    alloc.proposed_at = stamp
                    alloc.save()


@recurring(JobKinds.SAMPLING_PROPOSE_RELEASES, daily_at=DAILY_AT)
def daily_proposals_job(ctx):
    """Daily: propose reserve releases where units fall behind."""
    propose_releases()
    return {"message": _("Reserve releases proposed.")}
