"""Which roles may see and change what: the one place that says so."""

from models import Roles

ADMIN, SUPERVISOR, OFFICER, AUDITOR = Roles.ADMIN, Roles.SUPERVISOR, Roles.OFFICER, Roles.AUDITOR
BACKOFFICE = Roles.BACKOFFICE

# view name -> (roles that may read, roles that may change)
VIEWS = {
    "units": ({ADMIN, OFFICER, SUPERVISOR}, {ADMIN, OFFICER}),
    "procedures": ({ADMIN, OFFICER, SUPERVISOR}, {ADMIN, OFFICER}),
    "periods": ({ADMIN, OFFICER, SUPERVISOR}, {ADMIN, OFFICER, SUPERVISOR}),
    "cases": ({ADMIN, OFFICER, SUPERVISOR, AUDITOR}, set()),
    "imports": ({ADMIN, OFFICER, SUPERVISOR}, {ADMIN, OFFICER, SUPERVISOR}),
    "users": ({ADMIN}, {ADMIN}),
    "audit": ({ADMIN, AUDITOR}, set()),
    "security": ({ADMIN, AUDITOR}, set()),
    "personal_data_views": ({ADMIN, AUDITOR}, set()),  # who saw a name, phone or e-mail, when, why
    "sampling": ({ADMIN, SUPERVISOR, OFFICER, AUDITOR}, {ADMIN, SUPERVISOR}),  # any reader may verify the draw
    "sample": ({ADMIN, SUPERVISOR, OFFICER, AUDITOR}, set()),
    "assignments": ({ADMIN, SUPERVISOR}, {ADMIN, SUPERVISOR}),
    "questionnaires": ({ADMIN, OFFICER, SUPERVISOR}, {ADMIN, OFFICER}),
    "review": ({ADMIN, SUPERVISOR}, {ADMIN, SUPERVISOR}),
    "interview_imports": ({ADMIN, SUPERVISOR}, {ADMIN, SUPERVISOR}),  # answers from outside the app
    "alerts": ({ADMIN, SUPERVISOR, OFFICER}, {ADMIN, SUPERVISOR, OFFICER}),
    "links": ({ADMIN, SUPERVISOR, OFFICER, AUDITOR}, {ADMIN, SUPERVISOR}),  # issuing and printing: writes
    "kiosks": ({ADMIN, SUPERVISOR}, {ADMIN, SUPERVISOR}),
    "outbox": ({ADMIN, SUPERVISOR}, {ADMIN, SUPERVISOR}),  # the delivery file of SMS holds phones
    "jobs": ({ADMIN, SUPERVISOR, OFFICER, AUDITOR}, set()),  # officers and auditors: their own jobs
    "results": ({ADMIN, OFFICER, SUPERVISOR, AUDITOR}, {ADMIN, OFFICER}),  # Home Affairs officers publish
    "flags": ({ADMIN, SUPERVISOR, AUDITOR}, {ADMIN, SUPERVISOR, AUDITOR}),  # fabrication flags; writes: recompute
    "dashboards": ({ADMIN, OFFICER, SUPERVISOR, AUDITOR}, set()),  # the results' readers; figures only
    # re-checks: auditors draw and re-check (each only their own cases); supervisors decide
    "rechecks": ({ADMIN, AUDITOR}, {ADMIN, AUDITOR}),
    "discrepancies": ({ADMIN, SUPERVISOR, AUDITOR}, {ADMIN, SUPERVISOR}),  # invalidation: supervisors
}


def can_read(role, view):
    return role in VIEWS[view][0]


def can_write(role, view):
    return role in VIEWS[view][1]
