"""Which roles may see and change what: the one place that says so."""

BACKOFFICE = {"admin", "supervisor", "officer", "auditor"}

# view name -> (roles that may read, roles that may change)
VIEWS = {
    "units": ({"admin", "officer", "supervisor"}, {"admin", "officer"}),
    "procedures": ({"admin", "officer", "supervisor"}, {"admin", "officer"}),
    "periods": ({"admin", "officer", "supervisor"}, {"admin", "officer", "supervisor"}),
    "cases": ({"admin", "officer", "supervisor", "auditor"}, set()),
    "imports": ({"admin", "officer", "supervisor"}, {"admin", "officer", "supervisor"}),
    "users": ({"admin"}, {"admin"}),
    "audit": ({"admin", "auditor"}, set()),
    "sampling": ({"admin", "supervisor", "officer"}, {"admin", "supervisor"}),
    "assignments": ({"admin", "supervisor"}, {"admin", "supervisor"}),
    "jobs": ({"admin", "supervisor", "officer"}, set()),
}


def can_read(role, view):
    return role in VIEWS[view][0]


def can_write(role, view):
    return role in VIEWS[view][1]
