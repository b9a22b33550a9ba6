"""Database models, bound to a proxy that the app factory initialises."""

from . import audit, pii
from .audit import AuditRecord
from .audited import AuditedModel
from .base import LOCAL_TZ, BaseModel, UnauditedWrite, connect_database, db, is_postgres, now
from .cases import Case, Contact
from .fieldwork import Assignment, AssignmentEvent, EnumeratorProfile, EnumeratorUnit
from .flags import InterviewFlag
from .imports import ImportRun, RejectedRows
from .interviews import Alert, Answer, CallAttempt, Disposition, Interview
from .jobs import JobRun
from .links import Kiosk, LinkToken, OutboxMessage, SurveyLink, token_hash
from .org import Procedure, Unit, UnitLevel
from .periods import Period
from .questionnaires import FormRule, PublishedVersionChanged, Questionnaire, QuestionnaireVersion
from .rechecks import RecheckCase, RecheckDraw
from .results import ResultVersion, ResultVersionChanged
from .sampling import Allocation, SampleCase
from .security import SecurityEvent
from .users import Role, User
from .vocabulary import (
    AssignmentActions,
    AssignmentStatus,
    BackupEvents,
    Channels,
    Dispositions,
    Elements,
    FlagKinds,
    Grades,
    InterviewChannels,
    InterviewSources,
    InterviewStatus,
    JobKinds,
    JobStatus,
    LinkChannels,
    LinkStatus,
    MessagePurpose,
    MessageState,
    Modes,
    PeriodStatus,
    PersonalDataViews,
    PrivacyEvents,
    QuestionnaireStatus,
    RecheckOutcomes,
    RecheckReasons,
    RecheckStatus,
    RecheckTypes,
    ResultStatus,
    Roles,
    SampleStatus,
    SecurityEvents,
)

ALL_MODELS = [
    Role,
    User,
    UnitLevel,
    Unit,
    Procedure,
    Case,
    Contact,
    Period,
    JobRun,
    ImportRun,
    RejectedRows,
    AuditRecord,
    Allocation,
    SampleCase,
    EnumeratorProfile,
    EnumeratorUnit,
    Assignment,
    AssignmentEvent,
    SecurityEvent,
    Questionnaire,
    QuestionnaireVersion,
    FormRule,
    Disposition,
    CallAttempt,
    Interview,
    Alert,
    SurveyLink,
    LinkToken,
    OutboxMessage,
    Kiosk,
    Answer,
    ResultVersion,
    InterviewFlag,
    RecheckDraw,
    RecheckCase,
]

__all__ = [m.__name__ for m in ALL_MODELS] + [
    "ALL_MODELS",
    "LOCAL_TZ",
    "AuditedModel",
    "BaseModel",
    "UnauditedWrite",
    "audit",
    "connect_database",
    "db",
    "init_app",
    "is_postgres",
    "now",
    "pii",
    "AssignmentActions",
    "AssignmentStatus",
    "Channels",
    "Dispositions",
    "Elements",
    "FlagKinds",
    "InterviewChannels",
    "InterviewSources",
    "InterviewStatus",
    "JobKinds",
    "JobStatus",
    "LinkChannels",
    "LinkStatus",
    "MessagePurpose",
    "MessageState",
    "Modes",
    "token_hash",
    "SecurityEvents",
    "PeriodStatus",
    "PublishedVersionChanged",
    "ResultVersionChanged",
    "Grades",
    "ResultStatus",
    "QuestionnaireStatus",
    "RecheckOutcomes",
    "RecheckReasons",
    "RecheckStatus",
    "RecheckTypes",
    "Roles",
    "SampleStatus",
    "BackupEvents",
    "PersonalDataViews",
    "PrivacyEvents",
]


def init_app(app):
    """Bind the proxy to the configured database; connect per request, close on teardown."""
    db.initialize(connect_database(app.config["DATABASE_URL"]))
    pii.configure(app.config["PII_KEY"])

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_appcontext
    def _close(exc):
        if not db.is_closed():
            db.close()
