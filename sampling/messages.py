"""User-facing messages of the sampling steps (translated)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ERRORS = {
    "drawn": _l("This period has been drawn already: its allocation can no longer change."),
    "total": _l("The total must be a whole number of interviews, zero or more."),
    "reason": _l("A quota override needs a written reason."),
    "not_allocated": _l("Allocate the period first."),
    "quota_range": _l("The quota must lie between 0 and the unit's eligible cases."),
    "already_drawn": _l(
        "This period has been drawn already. Redo the draw explicitly to replace it "
        "(only possible before any assignment)."
    ),
    "assigned": _l("Assignments have started for this period: the draw can no longer be redone."),
    "not_drawn": _l("This period has not been drawn yet."),
    "overrides_exceed_total": _l("The quotas set by hand add up to more than the period's total."),
    "seed": _l("A seed is at most 64 letters, digits or - _ . :"),
    "not_enumerator": _l("The chosen person is not an active enumerator."),
    "unavailable": _l("The chosen enumerator is marked as not available."),
    "unsuitable": _l("The chosen enumerator does not work in this mode or does not cover this unit."),
}

RULE_LABELS = {
    "immediate": _l("Immediate result"),
    "online": _l("Submitted online"),
    "postal": _l("Sent by post"),
    "recent_phone": _l("Phone sampled in the last 90 days"),
    "no_phone": _l("No valid phone"),
}


def describe(error):
    return str(ERRORS.get(str(error), error))


def verification_lines(result):
    """(passed, [sentences]) of a `service.verify` result, as the command line and the web say it."""
    if result["identical"] and result["issued_ok"]:
        return True, [_("The stored sample (%(n)d cases) is identical to the redraw.", n=result["size"])]
    if result["identical"]:
        return False, [_("The drawn cases are identical, but some were issued out of the drawn order.")]
    lines = [
        _(
            "The stored sample differs from the redraw: %(missing)d missing, %(unexpected)d unexpected.",
            missing=result["missing"],
            unexpected=result["unexpected"],
        )
    ]
    if not result["frame_unchanged"]:
        lines.append(_("The cases of the period have changed since the draw."))
    return False, lines
