"""Monthly results in the back office: compile a period (a job with progress), the versions with what
changed from one to the next, publication, and the downloads (no personal data)."""

import json

from flask import Response, abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from exports import CSV, MIMETYPES, XLSX, csv_chunks, file_chunks
from models import JobKinds, JobRun, Period, ResultStatus, ResultVersion, audit
from results import exporting, labels, report, service, workbook

from . import permissions
from .base import SecureBaseView, _role
from .jobs import follow, start

JSON = "json"


def grade_labels():
    """The grades as seed 004 names them."""
    return labels.grade_labels()


class ResultsView(SecureBaseView):
    permission = "results"
    write_endpoints = ("compile", "publish")

    def _period(self, month):
        period = Period.get_or_none(Period.month == month) if Period.valid_month(month or "") else None
        if period is None:
            abort(404)
        return period

    def _version(self, version_id):
        version = ResultVersion.get_or_none(ResultVersion.id == version_id)
        if version is None:
            abort(404)
        return version

    @expose("/")
    def index(self):
        periods = list(Period.latest_first())
        month = request.args.get("period") or (periods[0].month if periods else None)
        period = self._period(month) if month else None
        versions = list(ResultVersion.of_period(period)) if period else []
        shown = versions[0] if versions else None
        wanted = request.args.get("version", type=int)
        if wanted:
            shown = next((v for v in versions if v.number == wanted), None) or abort(404)
        previous = next((v for v in versions if shown and v.number == shown.number - 1), None)
        return self.render(
            "admin/results.html",
            periods=periods,
            period=period,
            versions=versions,
            shown=shown,
            figures=shown.figures_dict() if shown else None,
            changes=service.compare(previous, shown) if previous and shown else None,
            previous=previous,
            running=JobRun.latest(JobKinds.RESULTS_COMPILE, period_id=period.id) if period else None,
            can_write=permissions.can_write(_role(), self.permission),
            form=FlaskForm(),
            grades=grade_labels(),
            published=ResultStatus.PUBLISHED,
        )

    @expose("/compile", methods=["POST"])
    def compile(self):
        period = self._period(request.form.get("period"))
        back = url_for(".index", period=period.month)
        note = (request.form.get("note") or "").strip()[:2000] or None
        run = start(
            JobKinds.RESULTS_COMPILE,
            {"period_id": period.id, "note": note},
            title=_("Results of %(month)s", month=period.month),
            return_to=back,
        )
        return follow(run, back)

    @expose("/publish/<int:version_id>", methods=["POST"])
    def publish(self, version_id):
        version = self._version(version_id)
        back = url_for(".index", period=version.period.month, version=version.number)
        try:
            service.publish(version, current_user.username)
        except service.ResultsRefused as exc:
            flash(
                {
                    "published": _("This version is published already."),
                    "not_latest": _("Only the latest version can be published."),
                }[str(exc)],
                "error",
            )
            return redirect(back)
        flash(_("Version %(n)d of %(month)s is published.", n=version.number, month=version.period.month), "success")
        return redirect(back)

    @expose("/download/<int:version_id>.<fmt>")
    def download(self, version_id, fmt):
        version = self._version(version_id)
        if fmt not in (JSON, CSV, XLSX):
            abort(404)
        name = f"sipas-{version.period.month}-v{version.number}"
        audit.record_event(  # who took which version away, in which format
            "export",
            ResultVersion._meta.table_name,
            version.id,
            {"format": fmt, "period": version.period.month, "version": version.number, "status": version.status},
        )
        if fmt == XLSX:
            return Response(
                file_chunks(workbook.workbook_file(version)),
                mimetype=MIMETYPES[XLSX],
                headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"', "Cache-Control": "no-store"},
            )
        if fmt == JSON:
            body = json.dumps(exporting.as_json(version), ensure_ascii=False, indent=1)
            return Response(
                body,
                mimetype="application/json",
                headers={"Content-Disposition": f'attachment; filename="{name}.json"'},
            )
        headers, rows = exporting.unit_table(version)
        return Response(
            b"".join(csv_chunks(headers, iter(rows))),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )

    @expose("/report/<int:version_id>")
    def report(self, version_id):
        """The printable monthly notice sent to units (A4, charts drawn here, nothing loaded from
        elsewhere), in Vietnamese."""
        version = self._version(version_id)
        with force_locale(labels.FILED_LOCALE):
            return self.render("admin/results_report.html", **report.notice(version))
