"""Sampling steps as rq jobs (run in the worker's app context), and the daily release proposals."""
import datetime

from flask_babel import gettext as _

from backoffice.queue import queue, set_progress
from models import Allocation, Period, Unit, audit, db, now

from . import assignment, service
from .messages import describe

DAILY_JOB_ID = "sipas-daily-release-proposals"
DAILY_AT = datetime.time(6, 0)


def _step(actor, role, work):
    """Run one step as `actor`; return {"ok": bool, "message": str} for the job page."""
    try:
        with audit.acting_as(actor, role, "job"):
            return {"ok": True, "message": work()}
    except service.SamplingError as exc:
        return {"ok": False, "message": describe(exc)}


def _progress(fraction, message=None):
    set_progress(round(fraction * 100), 100, message)


def allocate_job(period_id, total, actor, role):
    period = Period.get_by_id(period_id)
    return _step(actor, role, lambda: _("Allocated %(n)d interviews.", n=sum(
        a.quota for a in service.allocate_period(period, total, _progress))))


def override_job(period_id, unit_id, quota, reason, actor, role):
    period = Period.get_by_id(period_id)
    code = Unit.get_by_id(unit_id).code

    def work():
        service.override_quota(period, unit_id, quota, reason, _progress)
        if quota is None:
            return _("The quota of %(unit)s is proportional again; the units were reallocated.", unit=code)
        return _("Quota of %(unit)s set to %(q)d; the other units were reallocated.", unit=code, q=quota)
    return _step(actor, role, work)


def draw_job(period_id, seed, redo, actor, role):
    period = Period.get_by_id(period_id)
    return _step(actor, role, lambda: _("Drew %(n)d cases with seed %(seed)s.",
                                        n=service.draw(period, seed, redo, _progress),
                                        seed=Period.get_by_id(period_id).seed))


def release_job(period_id, unit_id, actor, role):
    period = Period.get_by_id(period_id)

    def work():
        released = service.release(period, unit_id)
        return _("Released %(n)d reserve cases.", n=sum(n for _u, _m, n in released))
    return _step(actor, role, work)


def assign_job(period_id, actor, role):
    period = Period.get_by_id(period_id)

    def work():
        done, left = assignment.assign_period(period, _progress)
        return _("Assigned %(n)d cases; %(left)d left without a suitable enumerator.", n=done, left=left)
    return _step(actor, role, work)


def propose_releases():
    """For every drawn, open period: store how much reserve each unit needs released."""
    stamp = now()
    with audit.acting_as("scheduler", "system", "job"):
        for period in Period.select().where(Period.drawn_at.is_null(False) & (Period.status == "open")):
            wanted = {}
            for unit_id, _mode, count in service.release_proposals(period):
                wanted[unit_id] = wanted.get(unit_id, 0) + count
            with db.atomic():
                for alloc in Allocation.select().where(Allocation.period == period):
                    if alloc.proposed_release != wanted.get(alloc.unit_id, 0):
                        alloc.proposed_release = wanted.get(alloc.unit_id, 0)
                        alloc.proposed_at = stamp
                        alloc.save()


def next_daily_run(at=None):
    at = at or now()
    run = datetime.datetime.combine(at.date(), DAILY_AT)
    return run if run > at else run + datetime.timedelta(days=1)


def daily_job():
    """The daily job: propose releases, then schedule tomorrow's run."""
    try:
        propose_releases()
    finally:
        schedule_daily()


def schedule_daily():
    """Schedule the next daily run once (its id carries its date); rq's scheduler runs in the worker."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    from backoffice.queue import run_in_app
    q = queue()
    when = next_daily_run()
    job_id = f"{DAILY_JOB_ID}-{q.name}-{when:%Y%m%d}"
    try:
        return Job.fetch(job_id, connection=q.connection)
    except NoSuchJobError:
        pass
    aware = when.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    return q.enqueue_at(aware, run_in_app, f"{daily_job.__module__}:daily_job", (), {}, job_id=job_id)
