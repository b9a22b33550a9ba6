"""The project's vocabulary, defined once: roles, modes, channels, statuses, job kinds and AAPOR
dispositions. Values are the codes stored in the database."""


class Roles:
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    ENUMERATOR = "enumerator"
    OFFICER = "officer"
    AUDITOR = "auditor"
    ALL = (ADMIN, SUPERVISOR, ENUMERATOR, OFFICER, AUDITOR)
    BACKOFFICE = frozenset({ADMIN, SUPERVISOR, OFFICER, AUDITOR})


class Modes:
    """How an interview is done."""

    PHONE = "phone"
    F2F = "f2f"  # face to face, at the one-stop counter
    ALL = (PHONE, F2F)


class Channels:
    """How a dossier was submitted (FORMATS.md)."""

    DIRECT = "direct"
    ONLINE = "online"
    POSTAL = "postal"
    ALL = (DIRECT, ONLINE, POSTAL)


class Elements:
    """The SIPAS elements (and seed 001's group 7) a question's answers feed, as the XLSForm column
    `element` names them (optionally with a criterion after a dot: `civil_servants.attitude`)."""

    ACCESS = "access"  # tiếp cận dịch vụ
    PROCEDURE = "procedure"  # thủ tục hành chính
    CIVIL_SERVANTS = "civil_servants"  # công chức
    RESULT = "result"  # kết quả
    FEEDBACK = "feedback"  # tiếp nhận, xử lý góp ý, phản ánh, kiến nghị
    LEGAL_DOCUMENTS = "legal_documents"  # chất lượng văn bản (seed 001, group 7)
    ALL = (ACCESS, PROCEDURE, CIVIL_SERVANTS, RESULT, FEEDBACK, LEGAL_DOCUMENTS)


class InterviewStatus:
    """An interview: being answered, then submitted; a supervisor approves it (only approved ones
    count) or rejects it back to its enumerator; an auditor's finding may invalidate it."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    INVALIDATED = "invalidated"
    COMPLETE = (SUBMITTED, APPROVED)  # what holds the case's one complete
    OPEN = (IN_PROGRESS, REJECTED)  # what its enumerator may still change


class InterviewChannels:
    """How an interview's answers came in (its mode for those led by an enumerator)."""

    PHONE = "phone"
    F2F = "f2f"
    PAPER = "paper"  # typed in from a paper form
    WEB = "web"  # self-administered through a link, a QR code or the survey website
    KIOSK = "kiosk"  # the tablet at the counter
    ALL = (PHONE, F2F, PAPER, WEB, KIOSK)


class InterviewSources:
    """Where an interview's answers came from besides the app (whose interviews have no source)."""

    FILE = "file"  # `interviews import` or the back office's upload: paper forms typed in, another tool


class QuestionnaireStatus:
    """A questionnaire version: a draft may be replaced; published, it never changes; retired, it is
    given to no new interview."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"
    ALL = (DRAFT, PUBLISHED, RETIRED)


class SampleStatus:
    ISSUED = "issued"
    RESERVE = "reserve"


class AssignmentStatus:
    OPEN = "open"
    CLOSED = "closed"


class AssignmentActions:
    ASSIGNED = "assigned"
    REASSIGNED = "reassigned"
    CLOSED = "closed"


class PeriodStatus:
    OPEN = "open"
    CLOSED = "closed"


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    REFUSED = "refused"  # the job said no, with a message for the user; nothing changed
    FAILED = "failed"  # an error, or lost (worker killed, Redis restarted)
    UNFINISHED = (QUEUED, RUNNING)
    FINISHED = (DONE, REFUSED, FAILED)


class JobKinds:
    IMPORT = "import"
    IMPORT_PURGE_REJECTED = "import.purge_rejected"  # daily, scheduled: rejected rows past their keep
    SAMPLING_ALLOCATE = "sampling.allocate"
    SAMPLING_OVERRIDE = "sampling.override"
    SAMPLING_DRAW = "sampling.draw"
    SAMPLING_RELEASE = "sampling.release"
    SAMPLING_ASSIGN = "sampling.assign"
    SAMPLING_VERIFY = "sampling.verify"  # the draw replayed and compared, from the web
    SAMPLING_PROPOSE_RELEASES = "sampling.propose_releases"  # daily, scheduled
    JOBS_SWEEP = "jobs.sweep"  # every minute or so, scheduled
    AUDIT_VERIFY = "audit.verify"  # the audit chain walked from the web
    ALERT_MAIL = "alerts.mail"  # every minute, scheduled: new alerts e-mailed to their units
    INTERVIEWS_IMPORT = "interviews.import"  # answers from a file, uploaded in the back office


class Dispositions:
    """AAPOR final and temporary disposition codes (Standard Definitions) used by the project."""

    COMPLETE = "1.1"
    PARTIAL = "1.2"
    REFUSAL = "2.11"
    BREAK_OFF = "2.12"
    NON_CONTACT = "2.20"
    RESPONDENT_UNAVAILABLE = "2.21"
    APPOINTMENT = "2.211"  # the respondent asked to be called back at a given time (a 2.21 sub-code)
    ANSWERING_MACHINE = "2.22"
    OTHER = "2.30"
    UNKNOWN = "3.10"
    NOT_ATTEMPTED = "3.11"
    NO_ANSWER = "3.13"
    BUSY = "3.12"
    NOT_ELIGIBLE = "4.10"
    WRONG_NUMBER = "4.30"
    COMPLETES = (COMPLETE,)

    @staticmethod
    def rate_class(code):
        """The AAPOR class of a code: I, P, R, NC, O, UH, UO or NE (None for an unknown code)."""
        if not code:
            return None
        if code == "1.1":
            return "I"
        if code.startswith("1.2"):
            return "P"
        if code.startswith("2.1"):
            return "R"
        if code.startswith("2.2"):
            return "NC"
        if code.startswith("2.3"):
            return "O"
        if code.startswith("3.1"):
            return "UH"
        if code.startswith(("3.2", "3.9")):
            return "UO"
        if code.startswith("4."):
            return "NE"
        return None


class SecurityEvents:
    """What the security log records (models.security)."""

    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    SIGN_IN_FAILED = "sign_in_failed"
    LOCKED_OUT = "locked_out"
    ALL = (SIGN_IN, SIGN_OUT, SIGN_IN_FAILED, LOCKED_OUT)
