"""Which function runs each kind of job, and which kinds run on a schedule."""

import dataclasses
import datetime

TASKS = {}  # kind -> function(ctx, **params) -> {"ok": bool, "message": str, …}
RECURRING = {}  # kind -> Recurring


@dataclasses.dataclass(frozen=True)
class Recurring:
    kind: str
    every: datetime.timedelta = None  # every so long, aligned on the clock
    daily_at: datetime.time = None  # or once a day at this local time
    record: bool = True  # keep a JobRun of each run (the sweeper's runs are not kept)

    def next_run(self, after):
        """The first run strictly after `after` (naive local time)."""
        if self.daily_at is not None:
            run = datetime.datetime.combine(after.date(), self.daily_at)
            return run if run > after else run + datetime.timedelta(days=1)
        step = self.every.total_seconds()
        midnight = datetime.datetime.combine(after.date(), datetime.time())
        elapsed = (after - midnight).total_seconds()
        return midnight + datetime.timedelta(seconds=(elapsed // step + 1) * step)


def task(kind):
    """Declare `func(ctx, **params)` as the job of this kind (a job function returns a dict with
    "message", and "ok": False when it refuses, having changed nothing)."""

    def register(func):
        if TASKS.get(kind, func) is not func:
            raise ValueError(f"Two jobs of kind {kind}")
        TASKS[kind] = func
        return func

    return register


def recurring(kind, every=None, daily_at=None, record=True):
    """Declare a job that the worker runs on a schedule: `every` (a timedelta) or `daily_at` (a time)."""
    if (every is None) == (daily_at is None):
        raise ValueError("Give either every or daily_at")

    def register(func):
        task(kind)(func)
        RECURRING[kind] = Recurring(kind, every, daily_at, record)
        return func

    return register
