"""Survey links in the back office: a period's links by channel and status with response rates, its
link rules in words, issuing (a job), the sheets of QR slips and one case's slip, and the counter's
fixed QR poster of a unit."""

from flask import Response, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_admin import expose
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from links import qr, slips, summary
from links.service import LinkRefused, merged_settings
from links.settings import LinkSettingsError
from models import Case, Channels, JobKinds, LinkChannels, LinkStatus, Period, Unit

from . import permissions
from .base import SecureBaseView, _role
from .cases import CHANNEL_LABELS
from .jobs import follow, start

SLIP_LANGUAGE = "vi"  # slips and posters are for citizens: in Vietnamese whoever prints them
AUTOMATIC = ""  # the issue form's choice: e-mail when the applicant left one, else SMS


def channel_labels():
    return {
        LinkChannels.EMAIL: _("E-mail"),
        LinkChannels.SMS: _("SMS"),
        LinkChannels.QR: _("QR slip"),
        LinkChannels.KIOSK: _("Kiosk"),
        LinkChannels.WEBSITE: _("Survey website"),
        None: _("All channels"),
    }


def status_labels():
    return {
        LinkStatus.ISSUED: _("Issued"),
        LinkStatus.SENT: _("Sent"),
        LinkStatus.ANSWERED: _("Answered"),
        LinkStatus.DECLINED: _("Declined"),
        LinkStatus.LOCKED: _("Locked"),
        LinkStatus.CLOSED: _("Closed"),
    }


def refusal_message(code):
    return {
        "not_returned": _("This dossier's result has not been returned yet: a slip is printed when it is."),
        "no_form": _("No questionnaire is published for self-administered answers to this dossier."),
        "closed": _("This dossier's survey is over (answered, declined or locked): no slip can be printed."),
    }.get(code, _("No slip can be printed for this dossier."))


def rule_sentences(settings):
    """The period's link rules, in words."""
    lines = [
        _("Every dossier returned in the month gets a link, except those excluded below."),
        _("Dossiers submitted online get a link.")
        if settings["online"]
        else _("Dossiers submitted online get no link."),
        _("Dossiers sent by post get a link.") if settings["postal"] else _("Dossiers sent by post get no link."),
        _("Without an e-mail or a phone, a dossier gets no automatic link (a QR slip or the kiosk need none).")
        if settings["require_contact"]
        else _("Without an e-mail or a phone, a dossier gets a QR slip."),
        _("A link locks %(n)d day(s) after it was sent; unanswered, it is not counted.", n=settings["lock_days"]),
        _("One reminder goes %(n)d day(s) after sending if the survey is not answered.", n=settings["reminder_days"])
        if settings["reminder_days"]
        else _("No reminder is sent."),
    ]
    return lines


class IssueForm(FlaskForm):
    channel = SelectField(
        _l("Channel"),
        choices=[
            (AUTOMATIC, _l("Automatic (e-mail if given, else SMS)")),
            (LinkChannels.EMAIL, _l("E-mail")),
            (LinkChannels.SMS, _l("SMS")),
            (LinkChannels.QR, _l("QR slip")),
            (LinkChannels.KIOSK, _l("Kiosk")),
        ],
    )


def _period_or_404(month):
    period = Period.get_or_none(Period.month == month) if Period.valid_month(month or "") else None
    if period is None:
        abort(404)
    return period


def no_store(response):
    """A page that holds tokens or a secret: never kept by a cache, shown once."""
    response.headers["Cache-Control"] = "no-store"
    return response


def print_page(template, **context):
    with force_locale(SLIP_LANGUAGE):
        return no_store(make_response(render_template(template, qr_svg=qr.svg_inline, **context)))


def _base_url():
    return current_app.config["SURVEY_BASE_URL"]


class LinksView(SecureBaseView):
    permission = "links"
    write_endpoints = ("issue", "print_slips", "case_slip")

    @expose("/")
    def index(self):
        periods = list(Period.select().order_by(Period.month.desc()))
        month = request.args.get("period") or (periods[0].month if periods else None)
        period = _period_or_404(month) if month else None
        context = {}
        if period is not None:
            grid, rates = summary.table(period)
            try:
                rules, rules_error = rule_sentences(merged_settings(period)), None
            except LinkSettingsError as exc:
                rules, rules_error = [], str(exc)
            forms = summary.self_forms()
            cases = summary.returned_cases(period)
            context = {
                "grid": grid,
                "rates": rates,
                "rules": rules,
                "rules_error": rules_error,
                "forms": forms,
                "missing_forms": [CHANNEL_LABELS[c] for c in Channels.ALL if c not in forms],
                "cases": cases,
                "blocked": self._blocked(cases, forms, rules_error),
                "waiting": summary.qr_waiting(period),
            }
        return self.render(
            "admin/links.html",
            periods=periods,
            period=period,
            channels=(*LinkChannels.ALL, None),
            statuses=LinkStatus.ALL,
            channel_labels=channel_labels(),
            status_labels=status_labels(),
            issue_form=IssueForm(),
            can_write=permissions.can_write(_role(), self.permission),
            sheet_max=slips.SHEET_MAX,
            units=list(Unit.select().where(Unit.active).order_by(Unit.code)),
            **context,
        )

    @staticmethod
    def _blocked(cases, forms, rules_error=None):
        """Why links cannot be issued or printed now, or None."""
        if rules_error:
            return _("The period's link rules are not usable: %(e)s", e=rules_error)
        if not cases:
            return _("No case of this period has been returned yet: import the month's cases first.")
        if not forms:
            return _(
                "No questionnaire is published for self-administered answers: choose one in the questionnaires' "
                "table (column Self-administered) and publish it."
            )
        return None

    def _back(self, period):
        return url_for(".index", period=period.month)

    def _refused(self, period):
        try:
            merged_settings(period)
        except LinkSettingsError as exc:
            return self._blocked(0, {}, str(exc))
        return self._blocked(summary.returned_cases(period), summary.self_forms())

    @expose("/issue", methods=["POST"])
    def issue(self):
        period = _period_or_404(request.form.get("period"))
        form = IssueForm()
        if not form.validate_on_submit():
            flash(_("Choose a channel."), "error")
            return redirect(self._back(period))
        blocked = self._refused(period)
        if blocked:
            flash(blocked, "error")
            return redirect(self._back(period))
        return follow(
            start(
                JobKinds.LINKS_ISSUE,
                {"period_id": period.id, "channel": form.channel.data or None},
                title=_("Survey links of %(m)s", m=period.month),
                return_to=self._back(period),
            ),
            self._back(period),
        )

    @expose("/slips", methods=["POST"])
    def print_slips(self):
        """A sheet of the unit's waiting QR slips (at most SHEET_MAX), printed now: shown once."""
        period = _period_or_404(request.form.get("period"))
        unit = Unit.get_or_none(Unit.id == request.form.get("unit", type=int))
        if unit is None:
            abort(404)
        blocked = self._refused(period)
        if blocked:
            flash(blocked, "error")
            return redirect(self._back(period))
        printed, left = slips.print_sheet(period, unit, _base_url())
        if not printed:
            flash(_("No QR slip of %(u)s is waiting to be printed.", u=unit.name), "info")
            return redirect(self._back(period))
        return print_page("admin/slips.html", slips=printed, pages=_pages(printed), left=left, period=period, unit=unit)

    @expose("/case/<int:case_id>/slip", methods=["POST"])
    def case_slip(self, case_id):
        """One case's slip, when its result is returned: its link made if it has none."""
        case = Case.with_names(case_id)
        if case is None:
            abort(404)
        try:
            slip = slips.for_case(case, _base_url())
        except LinkRefused as exc:
            flash(refusal_message(str(exc)), "error")
            return redirect(url_for("case.page", case_id=case.id))
        return print_page("admin/slips.html", slips=[slip], pages=[[slip]], left=0, period=None, unit=case.unit)

    def _unit(self, unit_id):
        unit = Unit.get_or_none(Unit.id == unit_id)
        if unit is None:
            abort(404)
        return unit

    @expose("/poster/<int:unit_id>")
    def poster(self, unit_id):
        """The fixed QR of a unit's counter: it opens the survey website where the code is typed."""
        unit = self._unit(unit_id)
        address = slips.counter_url(_base_url(), unit.code)
        with force_locale(SLIP_LANGUAGE):
            return render_template("admin/poster.html", unit=unit, address=address, qr=qr.svg_inline(address))

    @expose("/poster/<int:unit_id>/qr.svg")
    def poster_svg(self, unit_id):
        return self._download(unit_id, "svg", "image/svg+xml", qr.svg_file)

    @expose("/poster/<int:unit_id>/qr.png")
    def poster_png(self, unit_id):
        return self._download(unit_id, "png", "image/png", qr.png_file)

    def _download(self, unit_id, extension, mimetype, make):
        unit = self._unit(unit_id)
        body = make(slips.counter_url(_base_url(), unit.code))
        name = "qr_" + "".join(c if c.isascii() and c.isalnum() else "-" for c in unit.code) + "." + extension
        return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


SLIPS_PER_PAGE = 10  # two columns of five on an A4 sheet


def _pages(items):
    return [items[i : i + SLIPS_PER_PAGE] for i in range(0, len(items), SLIPS_PER_PAGE)]
