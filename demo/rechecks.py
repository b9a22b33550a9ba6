"""The demo's re-checks: the oldest finished month's re-check sample drawn from a fixed seed, a few
of the demo auditor's cases re-checked (confirmed, one discrepancy, one not reached), the rest left
open for the auditor to try."""

from models import Interview, RecheckCase, RecheckDraw, RecheckOutcomes, Roles, User
from rechecks import form, service

SEED = "demo-2026"
CONFIRMED = 3  # re-checks recorded as confirmed, before one discrepancy and one not reached


def _posted(interview, definition):
    """The interview's own answers to its re-check questions, as the re-check form posts them."""
    asked = form.types(definition)
    return {name: str(value) for name, value in interview.answers_dict().items() if name in asked}


def _changed(posted, definition):
    """The posted answers with one type-1 or type-2 choice answered otherwise: a discrepancy."""
    types = form.types(definition)
    for item in form.recheck_definition(definition)["items"]:
        name = item["name"]
        choices = [c["name"] for c in definition.get("choices", {}).get(item.get("list"), [])]
        if types.get(name) in (1, 2) and name in posted and len(choices) > 1:
            other = next(c for c in choices if c != posted[name])
            return {**posted, name: other}
    return None


def load_rechecks(period):
    """{"drawn", "recorded"} of the period's demo re-checks (nothing done when drawn before)."""
    if RecheckDraw.of(period) is not None:
        return {"drawn": 0, "recorded": 0}
    made, count = service.draw(period, seed=SEED)
    auditor = User.get(User.role == Roles.AUDITOR)
    mine = [c for c in RecheckCase.of_draw(made) if c.auditor_id == auditor.id]
    recorded = 0
    for index, case in enumerate(mine[: CONFIRMED + 2]):
        interview = Interview.get_by_id(case.interview_id)
        definition = interview.version.definition_dict()
        posted = _posted(interview, definition)
        if index < CONFIRMED and posted:
            service.record(case.id, auditor, RecheckOutcomes.CONFIRMED, posted)
        elif index == CONFIRMED and _changed(posted, definition):
            service.record(case.id, auditor, RecheckOutcomes.DISCREPANCY, _changed(posted, definition))
        else:
            service.record(case.id, auditor, RecheckOutcomes.UNREACHABLE, {})
        recorded += 1
    return {"drawn": count, "recorded": recorded}
