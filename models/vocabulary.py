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
    SELF = "self"  # self-administered: the citizen answers alone (a link, a QR code, the kiosk)
    ALL = (PHONE, F2F)  # the modes an enumerator's sample is drawn in
    FORMS = (PHONE, F2F, SELF)  # the modes a form is chosen by (FormRule)


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
    WEB = "web"  # self-administered through a one-time link (e-mail, SMS, a QR slip)
    COUNTER = "counter"  # the survey website opened from a unit's counter QR, the dossier code typed
    KIOSK = "kiosk"  # the tablet at the counter
    ALL = (PHONE, F2F, PAPER, WEB, COUNTER, KIOSK)
    SELF = (WEB, COUNTER, KIOSK)  # answered by the citizen alone


class InterviewSources:
    """Where an interview's answers came from besides the app (whose interviews have no source)."""

    FILE = "file"  # `interviews import` or the back office's upload: paper forms typed in, another tool


class LinkChannels:
    """How a self-administered survey reaches the citizen."""

    EMAIL = "email"
    SMS = "sms"  # SMS or Zalo, through the outbox
    QR = "qr"  # a printed slip with the case's QR code
    KIOSK = "kiosk"  # the counter's tablet, the dossier code entered by the officer
    WEBSITE = "website"  # the survey website, the dossier code typed by the citizen (the counter's QR)
    ISSUED = (EMAIL, SMS, QR, KIOSK)  # what `links issue --channel` makes
    ALL = (EMAIL, SMS, QR, KIOSK, WEBSITE)
    MESSAGED = (EMAIL, SMS)  # sent through the outbox

    @staticmethod
    def interview_channel(channel):
        """The channel an answer given through a link of this channel is counted in."""
        return {
            LinkChannels.KIOSK: InterviewChannels.KIOSK,
            LinkChannels.WEBSITE: InterviewChannels.COUNTER,
        }.get(channel, InterviewChannels.WEB)


class LinkStatus:
    """A survey link: issued (not yet in the citizen's hands), sent (usable until it locks), then
    answered, declined (a refusal), locked (not answered in time) or closed (the case was answered
    through another channel)."""

    ISSUED = "issued"
    SENT = "sent"
    ANSWERED = "answered"
    DECLINED = "declined"
    LOCKED = "locked"
    CLOSED = "closed"
    LIVE = (ISSUED, SENT)
    ALL = (ISSUED, SENT, ANSWERED, DECLINED, LOCKED, CLOSED)


class MessagePurpose:
    INVITE = "invite"
    REMINDER = "reminder"


class MessageState:
    """An outbox message: waiting, handed to the SMTP server or the SMS gateway, written into a
    bulk-SMS file, confirmed delivered by the gateway, or failed (tried again until MAX_TRIES)."""

    PENDING = "pending"
    SENT = "sent"
    EXPORTED = "exported"
    DELIVERED = "delivered"
    FAILED = "failed"
    ALL = (PENDING, SENT, EXPORTED, DELIVERED, FAILED)


class QuestionnaireStatus:
    """A questionnaire version: a draft may be replaced; published, it never changes; retired, it is
    given to no new interview."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"
    ALL = (DRAFT, PUBLISHED, RETIRED)


class ResultStatus:
    """A compiled version of a month's results: a draft until an officer publishes it; published, it
    never changes (a correction makes a new version)."""

    DRAFT = "draft"
    PUBLISHED = "published"


class Grades:
    """Unit grades (seed 004), best first, each paired with its satisfaction level."""

    EXCELLENT = "excellent"  # Xuất sắc — Rất hài lòng
    GOOD = "good"  # Tốt — Hài lòng
    FAIR = "fair"  # Khá — Bình thường
    AVERAGE = "average"  # Trung bình — Không hài lòng
    WEAK = "weak"  # Yếu — Rất không hài lòng; also a unit that did not survey
    ALL = (EXCELLENT, GOOD, FAIR, AVERAGE, WEAK)


class FlagKinds:
    """Fabrication flags (models.flags): what may show an interview that did not happen as recorded."""

    TOO_SHORT = "too_short"  # duration under the questionnaire's minimum
    BURST = "burst"  # too many completes by one enumerator within an hour
    STRAIGHT_LINE = "straight_line"  # the same answer down every question of an element
    NO_ATTEMPT = "no_attempt"  # a complete with no call attempt behind it
    SHARED_PHONE = "shared_phone"  # the same phone behind different cases of the period
    OFF_HOURS = "off_hours"  # done outside working hours
    ALL = (TOO_SHORT, BURST, STRAIGHT_LINE, NO_ATTEMPT, SHARED_PHONE, OFF_HOURS)


class RecheckOutcomes:
    """What a re-check (phúc tra) found: the respondent confirmed the interview, or answered it with
    differences, or could not be reached, or denies having been interviewed at all."""

    CONFIRMED = "confirmed"
    DISCREPANCY = "discrepancy"
    UNREACHABLE = "unreachable"
    DENIED = "denied"
    ALL = (CONFIRMED, DISCREPANCY, UNREACHABLE, DENIED)
    REACHED = (CONFIRMED, DISCREPANCY)  # the re-check's answers were asked and are compared


class RecheckStatus:
    OPEN = "open"
    DONE = "done"


class RecheckReasons:
    """Why an interview is in a period's re-check sample."""

    RANDOM = "random"  # drawn at random, stratified by enumerator
    FLAGGED = "flagged"  # a fabrication flag (models.flags), not drawn at random


class RecheckTypes:
    """The XLSForm column `recheck`: how a re-check compares a question's answer."""

    MUST_MATCH = 1  # must not change: the contact happened, the procedure, the unit, money asked
    RARELY = 2  # should rarely change
    OPINION = 3  # an opinion: compared only in aggregate (the mean difference)
    COMPARED = (MUST_MATCH, RARELY)  # counted answer by answer, as discrepancy rates
    ALL = (MUST_MATCH, RARELY, OPINION)


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
    LINKS_ISSUE = "links.issue"  # a period's self-administered survey links, from the back office
    LINKS_SEND = "links.send"  # every few minutes, scheduled: the outbox's e-mails and SMS sent
    LINKS_LOCK = "links.lock"  # daily, scheduled: links past their time locked
    LINKS_REMIND = "links.remind"  # daily, scheduled: one reminder for links not answered
    LINKS_OUTBOX_EXPORT = "links.outbox_export"  # the SMS waiting, as a file for a bulk-SMS service
    RESULTS_COMPILE = "results.compile"  # a month's results compiled into a new version
    RESULTS_MONTHLY = "results.monthly"  # on the first of each month: the month before compiled
    RECHECKS_DRAW = "rechecks.draw"  # a period's re-check sample drawn, from the back office
    RECHECKS_VERIFY = "rechecks.verify"  # the re-check draw replayed and compared, from the web
    FLAGS_COMPUTE = "flags.compute"  # a period's fabrication flags recomputed, from the back office
    PRIVACY_PURGE = "privacy.purge"  # daily, scheduled: personal data of periods past their retention removed


class Dispositions:
    """AAPOR final and temporary disposition codes (Standard Definitions) used by the project."""

    COMPLETE = "1.1"
    PARTIAL = "1.2"
    REFUSAL = "2.11"  # also a respondent who declines a self-administered survey
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
    THROTTLED = "sign_in_throttled"  # too many failed sign-ins from one address (core.auth)
    ALL = (SIGN_IN, SIGN_OUT, SIGN_IN_FAILED, LOCKED_OUT, THROTTLED)


class PersonalDataViews:
    """The audit trail's actions of a person seeing personal data decrypted (a respondent's name,
    phone or e-mail): each such view is recorded with one of these, and the auditor's list of views
    (`/admin/privacy/`) lists exactly these actions."""

    REVEAL_PHONE = "reveal_phone"  # an enumerator's call: the phone of their own open phone case
    RECHECK_CONTACT = "reveal_recheck_contact"  # an auditor's re-check: the contact of their own re-check case
    REJECTED_ROWS = "download_rejected_rows"  # an import's rejected rows, in the file's own columns
    SMS_DELIVERY_FILE = "download_sms_delivery"  # the SMS waiting, phones and texts, for a bulk-SMS service
    ALL = (REVEAL_PHONE, RECHECK_CONTACT, REJECTED_ROWS, SMS_DELIVERY_FILE)


class PrivacyEvents:
    """The audit trail's events of the personal-data purge (privacy/)."""

    PURGE = "purge_personal_data"  # a period's names, phones and e-mails removed after its retention
    MODEL = "period"


class BackupEvents:
    """The audit trail's events of backups (backups/)."""

    BACKUP = "backup"  # a backup taken: its file name, size, SHA-256, the chain's head then
    RESTORE = "restore"  # a backup restored: the file, its SHA-256, the restored head, the replaced head
    MODEL = "database"
