"""The names the workbook and the printed report give to grades, elements, statuses, roles, channels
and AAPOR classes (translated; Vietnamese in what a Home Affairs office files)."""

from flask_babel import gettext as _

from models import Elements, Grades, InterviewChannels, LinkChannels, ResultStatus

FILED_LOCALE = "vi"  # the workbook and the printed report are Vietnamese whoever asks for them
PROVINCE = "province"  # the unit code of the province's rows (results.figures)


def grade_labels():
    """The grades as seed 004 names them."""
    return {
        Grades.EXCELLENT: _("Excellent"),
        Grades.GOOD: _("Good"),
        Grades.FAIR: _("Fair"),
        Grades.AVERAGE: _("Average"),
        Grades.WEAK: _("Weak"),
    }


def element_labels():
    """The SIPAS elements (and group 7, legal documents)."""
    return {
        Elements.ACCESS: _("Access to the service"),
        Elements.PROCEDURE: _("Administrative procedures"),
        Elements.CIVIL_SERVANTS: _("Civil servants"),
        Elements.RESULT: _("Results of the service"),
        Elements.FEEDBACK: _("Handling of feedback and complaints"),
        Elements.LEGAL_DOCUMENTS: _("Quality of legal documents"),
    }


def status_labels():
    return {ResultStatus.DRAFT: _("Draft"), ResultStatus.PUBLISHED: _("Published")}


def officer_role_labels():
    """The civil servant rated: the one who received the dossier, or the one who handled it."""
    return {"receiving": _("Received the dossier"), "handling": _("Handled the dossier")}


def channel_labels():
    """Interview channels and self-administered link channels."""
    return {
        InterviewChannels.PHONE: _("Telephone"),
        InterviewChannels.F2F: _("Face to face"),
        InterviewChannels.PAPER: _("Paper form"),
        InterviewChannels.WEB: _("Survey link"),
        InterviewChannels.COUNTER: _("Counter QR code"),
        InterviewChannels.KIOSK: _("Kiosk"),
        LinkChannels.EMAIL: _("E-mail"),
        LinkChannels.SMS: _("SMS or Zalo"),
        LinkChannels.QR: _("QR slip"),
        LinkChannels.WEBSITE: _("Survey website"),
    }


def class_labels():
    """The AAPOR classes of final dispositions."""
    return {
        "I": _("Complete (I)"),
        "P": _("Partial (P)"),
        "R": _("Refusal (R)"),
        "NC": _("Non-contact (NC)"),
        "O": _("Other non-response (O)"),
        "UH": _("Unknown if reachable (UH)"),
        "UO": _("Unknown, other (UO)"),
        "NE": _("Not eligible (NE)"),
    }
