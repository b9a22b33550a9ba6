"""Background jobs (run by the rq worker inside an app context)."""
import json
import logging
import os

from models import ImportRun, audit, now

from .importing import ImportRefused, import_file
from .queue import set_progress

log = logging.getLogger(__name__)


def import_job(run_id, kind, path, actor, role):
    """Import an uploaded file for ImportRun `run_id`, reporting progress; the file is then deleted."""
    run = ImportRun.get_by_id(run_id)
    run.status = "running"
    run.save()

    def progress(report, fraction):
        set_progress(round(fraction * 1000), 1000,
                     f"{report.processed} rows")

    try:
        with audit.acting_as(actor, role, "job"):
            report = import_file(kind, path, progress)
        run.status = "done"
        run.created, run.updated, run.unchanged = report.created, report.updated, report.unchanged
        run.rejected, run.warnings = report.rejected_total, report.warnings_total
        run.report = json.dumps(report.to_dict(), ensure_ascii=False)
        set_progress(1, 1)
    except ImportRefused as exc:
        run.status = "refused"
        run.message = str(exc)
    except Exception as exc:  # recorded for the user; the traceback goes to the worker log
        log.exception("Import run %s failed", run_id)
        run.status = "failed"
        run.message = type(exc).__name__
        raise
    finally:
        run.finished_at = now()
        run.save()
        try:
            os.remove(path)  # the upload holds personal data: do not keep it
        except OSError:
            pass
    return run.report_dict()
