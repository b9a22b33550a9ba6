"""A cases file's rows made clean and ready to write: parsing, fingerprint, encryption. Plain data, no
database."""

import collections
import operator

from flask_babel import gettext as _

from .table import TOO_LONG, NotText, match_columns
from .values import clean_text, parse_channel, parse_datetime, parse_email, parse_phone

SPEC = {
    "code": (True, "ma_ho_so", "case_code"),
    "unit": (True, "ma_don_vi", "unit_code"),
    "procedure": (True, "ma_thu_tuc", "procedure_code"),
    "channel": (True, "hinh_thuc_nop", "channel"),
    "received_at": (True, "ngay_tiep_nhan", "received_at"),
    "due_at": (False, "ngay_hen_tra", "due_at"),
    "returned_at": (False, "ngay_tra_ket_qua", "returned_at"),
    "name": (False, "ho_ten", "applicant_name"),
    "phone": (False, "so_dien_thoai", "phone"),
    "email": (False, "email", "email"),
    "receiving_officer": (False, "can_bo_tiep_nhan", "receiving_officer"),
    "handling_officer": (False, "can_bo_xu_ly", "handling_officer"),
}
# Fields of the parsed row, in order (personal ones last)
ROW_FIELDS = (
    "unit_id",
    "procedure_id",
    "channel",
    "received_at",
    "due_at",
    "returned_at",
    "receiving_officer",
    "handling_officer",
    "name",
    "phone",
    "email",
)
PERSONAL = ("name", "phone", "email")
# A parsed row: the fields of its digest, in order, then the case code
Row = collections.namedtuple("Row", ROW_FIELDS + ("code",))
SPEC_TO_ROW = {"unit": "unit_id", "procedure": "procedure_id"}
# A row ready to write: its line, the clean Row, its keyed fingerprint, and what inserting it as a new
# case takes (see importing.new_cases: its contact encrypted there)
Ready = collections.namedtuple("Ready", "line row digest new")


def make_ready(line, row, pii, new_rows):
    """The work done on every row besides parsing: fingerprint, encryption, phone look-up hash, and
    `new_rows(row, digest, name_enc, phone_enc, email_enc, phone_hash)` (the insert, if it is new)."""
    enc = pii.encrypt
    parts = (
        row,
        pii.digest(row[: len(ROW_FIELDS)]),
        enc(row.name),
        enc(row.phone),
        enc(row.email),
        pii.lookup_hash(row.phone),
    )
    return Ready(line, row, parts[1], new_rows(*parts))


class _Unquoted:
    """A report that takes rejections and warnings without their values."""

    def __init__(self, report):
        self.report = report

    def reject(self, line, reason, value=None):
        self.report.reject(line, reason)

    def warn(self, line, reason, value=None):
        self.report.warn(line, reason)


class CaseParser:
    """Turns a file's rows into clean Rows, or records why a row is rejected."""

    def __init__(self, header, units, procedures):
        cols = match_columns(header, SPEC)
        # All fields in one call; a short row is padded, and an absent column reads the padding
        self.pad = [""] * (max(cols.values()) + 2)
        self.pick = operator.itemgetter(*(cols.get(field, -1) for field in SPEC))
        # Columns the file does not have: an update keeps what is stored for them.
        self.absent = [SPEC_TO_ROW.get(f, f) for f in SPEC if f not in cols]
        self.units = units
        self.procedures = procedures
        self.width = len(header)

    def parse(self, line, values, report):
        """A Row of clean values, or None after recording in `report` why the row is rejected."""
        if isinstance(values, NotText):
            report.reject(line, _("The row is not valid UTF-8 text."))
            return None
        if values is TOO_LONG:
            report.reject(line, _("A value of this row is longer than 1,048,576 characters, or a quote is left open."))
            return None
        if len(values) != self.width:  # columns shifted (a separator inside a name?): quote nothing
            report = _Unquoted(report)
        (code, unit_code, procedure_code, channel, received, due, returned, name, phone, email, receiving, handling) = (
            self.pick(values + self.pad)
        )
        try:
            code = clean_text(code, 100)
        except ValueError:
            report.reject(line, _("Case code is longer than 100 characters."), code)
            return None
        if not code:
            report.reject(line, _("Case code is missing."))
            return None
        unit_code = clean_text(unit_code, 10_000)  # an unknown code, however long, is rejected below
        unit_id = self.units.get(unit_code)
        if unit_id is None:
            report.reject(
                line,
                _("Unit %(code)s does not exist; import the units first.", code=(unit_code or "—")[:64]),
                unit_code,
            )
            return None
        procedure_code = clean_text(procedure_code, 10_000)
        procedure_id = self.procedures.get(procedure_code)
        if procedure_id is None:
            report.reject(
                line,
                _("Procedure %(code)s does not exist; import the procedures first.", code=(procedure_code or "—")[:64]),
                procedure_code,
            )
            return None
        try:
            channel = parse_channel(channel)
        except ValueError:
            report.reject(line, _("Unknown submission channel; expected truc_tiep, truc_tuyen or buu_chinh."), channel)
            return None
        field, dates = "received_at", {"received_at": received, "due_at": due, "returned_at": returned}
        try:
            received = parse_datetime(received)
            if received is None:
                report.reject(line, _("The %(what)s is missing.", what=_("received date")))
                return None
            field = "due_at"
            due = parse_datetime(due)
            field = "returned_at"
            returned = parse_datetime(returned)
        except ValueError:
            what = {"received_at": _("received date"), "due_at": _("due date"), "returned_at": _("return date")}
            report.reject(line, _("Unreadable %(what)s; use dd/mm/yyyy or yyyy-mm-dd.", what=what[field]), dates[field])
            return None
        if returned and returned < received:
            report.reject(
                line,
                _("The result was returned before the dossier was received."),
                f"{dates['returned_at']} < {dates['received_at']}",
            )
            return None
        try:
            name = clean_text(name, 300)  # personal: never quoted in the report
            receiving = clean_text(receiving, 200)
            handling = clean_text(handling, 200)
        except ValueError:
            report.reject(line, _("A name is longer than allowed."))
            return None
        try:
            phone = parse_phone(phone)  # personal: never quoted in the report
        except ValueError:
            phone = None
            report.warn(line, _("Invalid phone number; the case is imported without a phone."))
        try:
            email = parse_email(email)
        except ValueError:
            email = None
            report.warn(line, _("Invalid e-mail address; the case is imported without an e-mail."))
        return Row(
            unit_id, procedure_id, channel, received, due, returned, receiving, handling, name, phone, email, code
        )
