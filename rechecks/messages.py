"""User-facing messages of the re-check steps (translated)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import RecheckOutcomes, RecheckReasons

ERRORS = {
    "share": _l("The share must be a number above 0 and at most 1 (0.1: one in ten)."),
    "seed": _l("A seed is at most 64 letters, digits or - _ . :"),
    "already_drawn": _l("The re-check sample of this period has been drawn already."),
    "nothing_approved": _l("This period has no approved interview led by an enumerator to re-check."),
    "no_auditors": _l("There is no active auditor to give the re-checks to."),
    "not_drawn": _l("The re-check sample of this period has not been drawn yet."),
    "outcome": _l("Choose the re-check's outcome."),
    "invalid": _l("Some answers are not accepted: nothing was saved."),
    "no_answers": _l("The respondent was reached: record their answers."),
    "confirmed_differs": _l(
        "An answer that must not change differs from the interview: record a discrepancy, not a confirmation."
    ),
    "reason": _l("Write the reason (at least 5 characters): it is kept in the audit trail."),
    "missing": _l("No such interview."),
    "state": _l("Only an approved interview can be invalidated."),
}


def describe(error):
    return str(ERRORS.get(str(error), error))


def outcome_labels():
    return {
        RecheckOutcomes.CONFIRMED: _("Confirmed"),
        RecheckOutcomes.DISCREPANCY: _("Discrepancy"),
        RecheckOutcomes.UNREACHABLE: _("Could not reach"),
        RecheckOutcomes.DENIED: _("Respondent denies being interviewed"),
    }


def reason_labels():
    return {RecheckReasons.RANDOM: _("Drawn at random"), RecheckReasons.FLAGGED: _("Flagged")}


def verification_lines(result):
    """(passed, [sentences]) of a `service.verify` result, as the command line and the web say it."""
    passed = result["identical"] and result["frame_unchanged"]
    if result["identical"]:
        lines = [_("The stored re-check sample (%(n)d interviews) is identical to the redraw.", n=result["size"])]
    else:
        lines = [
            _(
                "The stored re-check sample differs from the redraw: %(missing)d missing, %(unexpected)d unexpected.",
                missing=result["missing"],
                unexpected=result["unexpected"],
            )
        ]
    if not result["frame_unchanged"]:
        lines.append(_("The interviews the draw was made from have changed since the draw."))
    if result["approved_since"]:
        lines.append(_("%(n)d interviews were approved after the draw (not in it).", n=result["approved_since"]))
    return passed, lines
