"""Database models, bound to a proxy that the app factory initialises."""
from .audit import AuditRecord
from .base import BaseModel, connect_database, db, is_postgres, now
from .cases import CHANNELS, Case, Contact
from .imports import ImportRun
from .org import Procedure, Unit, UnitLevel
from .periods import Period
from .sampling import Allocation, Assignment, AssignmentEvent, EnumeratorProfile, EnumeratorUnit, SampleCase
from .users import ROLE_CODES, Role, User

ALL_MODELS = [Role, User, UnitLevel, Unit, Procedure, Case, Contact, Period, ImportRun, AuditRecord,
              Allocation, SampleCase, EnumeratorProfile, EnumeratorUnit, Assignment, AssignmentEvent]


def init_app(app):
    """Bind the proxy to the configured database; connect per request, close on teardown."""
    from . import pii

    db.initialize(connect_database(app.config["DATABASE_URL"]))
    pii.configure(app.config["PII_KEY"])

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed():
            db.close()
