"""Import of dossiers (cases), streamed in chunks, with applicants' contacts encrypted."""

import collections
import operator

from flask_babel import gettext as _

from models import Case, Contact, Procedure, Unit, db, now
from models.audited import delete_rows, insert_rows, update_rows
from models.bulk import reserve_ids
from models.cases import is_late
from models.pii import cipher

from .table import match_columns
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
CHUNK = 50_000  # rows per transaction, inserted table by table
CASE_COLUMNS = (
    "id",
    "code",
    "unit_id",
    "procedure_id",
    "channel",
    "received_at",
    "due_at",
    "returned_at",
    "is_late",
    "has_phone",
    "receiving_officer",
    "handling_officer",
    "digest",
    "created_at",
    "updated_at",
)
CONTACT_COLUMNS = ("case_id", "name_enc", "phone_enc", "email_enc", "phone_hash")
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


class CaseImporter:
    def __init__(self, table, report, progress=None):
        self.table = table
        self.report = report
        self.progress = progress
        cols = match_columns(table.header, SPEC)
        # All fields in one call; a short row is padded, and an absent column reads the padding
        self.pad = [""] * (max(cols.values()) + 2)
        self.pick = operator.itemgetter(*(cols.get(field, -1) for field in SPEC))
        # Columns the file does not have: an update keeps what is stored for them.
        self.absent = [SPEC_TO_ROW.get(f, f) for f in SPEC if f not in cols]
        self.units = dict(Unit.select(Unit.code, Unit.id).tuples())
        self.procedures = dict(Procedure.select(Procedure.code, Procedure.id).tuples())
        self.cipher = cipher()
        self.pending = {}

    def run(self):
        for line, values in self.table.rows():
            row = self.parse(line, values)
            if row is None:
                continue
            if row.code in self.pending:
                self.report.warn(line, _("Case code repeated in the file; this later row updates the case."))
                self.flush()
            self.pending[row.code] = row
            if len(self.pending) >= CHUNK:
                self.flush()
        self.flush()
        return self.report

    def parse(self, line, values):
        """A Row of clean values, or None after recording why the row is rejected."""
        report = self.report
        if values is None:
            report.reject(line, _("The row is not valid UTF-8 text."))
            return None
        (code, unit_code, procedure_code, channel, received, due, returned, name, phone, email, receiving, handling) = (
            self.pick(values + self.pad)
        )
        try:
            code = clean_text(code, 100)
        except ValueError:
            report.reject(line, _("Case code is longer than 100 characters."))
            return None
        if not code:
            report.reject(line, _("Case code is missing."))
            return None
        unit_code = clean_text(unit_code, 10_000)  # an unknown code, however long, is rejected below
        unit_id = self.units.get(unit_code)
        if unit_id is None:
            report.reject(
                line, _("Unit %(code)s does not exist; import the units first.", code=(unit_code or "—")[:64])
            )
            return None
        procedure_code = clean_text(procedure_code, 10_000)
        procedure_id = self.procedures.get(procedure_code)
        if procedure_id is None:
            report.reject(
                line,
                _("Procedure %(code)s does not exist; import the procedures first.", code=(procedure_code or "—")[:64]),
            )
            return None
        try:
            channel = parse_channel(channel)
        except ValueError:
            report.reject(line, _("Unknown submission channel; expected truc_tiep, truc_tuyen or buu_chinh."))
            return None
        field = "received_at"
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
            report.reject(line, _("Unreadable %(what)s; use dd/mm/yyyy or yyyy-mm-dd.", what=what[field]))
            return None
        if returned and returned < received:
            report.reject(line, _("The result was returned before the dossier was received."))
            return None
        try:
            name = clean_text(name, 300)
            receiving = clean_text(receiving, 200)
            handling = clean_text(handling, 200)
        except ValueError:
            report.reject(line, _("A name is longer than allowed."))
            return None
        try:
            phone = parse_phone(phone)
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

    def digest(self, row):
        return self.cipher.digest(row[: len(ROW_FIELDS)])

    def flush(self):
        if not self.pending:
            return
        rows = list(self.pending.values())
        self.pending = {}
        with db.atomic():
            existing = self._existing([row.code for row in rows])
            new, changed = [], []
            for row in rows:
                old = existing.get(row.code)
                if old is None:
                    new.append(row)
                    continue
                digest = self.digest(row)
                if old[1] == digest:
                    self.report.unchanged += 1
                else:
                    changed.append((old[0], row, digest))
            self._insert(new)
            for case_id, row, digest in changed:
                self._update(case_id, row, digest)
        if self.progress:
            self.progress(self.report, self.table.fraction_done())

    @staticmethod
    def _existing(codes):
        """{code: (id, digest)} of the stored cases among `codes` (plain SQL: a third of the ORM's cost)."""
        found = {}
        for i in range(0, len(codes), 900):  # SQLite's historical limit is 999 parameters
            part = codes[i : i + 900]
            marks = ", ".join([db.param] * len(part))
            sql = f'SELECT code, id, digest FROM "{Case._meta.table_name}" WHERE code IN ({marks})'
            found.update((code, (id_, digest)) for code, id_, digest in db.execute_sql(sql, part))
        return found

    def _insert(self, rows):
        """Insert new cases one table at a time (its indexes stay cached), rows made as they are sent."""
        if not rows:
            return
        ids = reserve_ids(Case, len(rows))
        stamp = now()
        enc, lookup_hash = self.cipher.encrypt, self.cipher.lookup_hash
        insert_rows(
            Case,
            CASE_COLUMNS,
            (
                (
                    case_id,
                    r.code,
                    r.unit_id,
                    r.procedure_id,
                    r.channel,
                    r.received_at,
                    r.due_at,
                    r.returned_at,
                    is_late(r.returned_at, r.due_at),
                    r.phone is not None,
                    r.receiving_officer,
                    r.handling_officer,
                    self.digest(r),
                    stamp,
                    stamp,
                )
                for case_id, r in zip(ids, rows)
            ),
        )
        insert_rows(
            Contact,
            CONTACT_COLUMNS,
            (
                (case_id, enc(r.name), enc(r.phone), enc(r.email), lookup_hash(r.phone))
                for case_id, r in zip(ids, rows)
                if r.name or r.phone or r.email
            ),
        )
        self.report.created += len(rows)

    def _update(self, case_id, row, digest):
        case = Case.get_by_id(case_id)
        contact = Contact.get_or_none(Contact.case == case_id)
        dec = self.cipher.decrypt
        old = Row(
            *[getattr(case, f) for f in ROW_FIELDS if f not in PERSONAL],
            *[dec(getattr(contact, f + "_enc")) if contact else None for f in PERSONAL],
            case.code,
        )
        if self.absent:
            row = row._replace(**{f: getattr(old, f) for f in self.absent})
            digest = self.digest(row)
            if digest == case.digest:
                self.report.unchanged += 1
                return
        after = {
            "unit": row.unit_id,
            "procedure": row.procedure_id,
            "channel": row.channel,
            "received_at": row.received_at,
            "due_at": row.due_at,
            "returned_at": row.returned_at,
            "is_late": is_late(row.returned_at, row.due_at),
            "has_phone": row.phone is not None,
            "receiving_officer": row.receiving_officer,
            "handling_officer": row.handling_officer,
            "digest": digest,
            "updated_at": now(),
        }
        update_rows(Case, [(case_id, {f: case.__data__.get(f) for f in after}, after)])
        self._update_contact(case_id, contact, old, row)
        self.report.updated += 1

    def _update_contact(self, case_id, contact, old, row):
        """Write the personal fields whose plain value changed (each encryption differs, so compare plain)."""
        changed = [f for f in PERSONAL if getattr(old, f) != getattr(row, f)]
        if not changed:
            return
        enc = self.cipher.encrypt
        if not (row.name or row.phone or row.email):
            delete_rows(Contact, [contact])
        elif contact is None:
            insert_rows(
                Contact,
                CONTACT_COLUMNS,
                [(case_id, enc(row.name), enc(row.phone), enc(row.email), self.cipher.lookup_hash(row.phone))],
            )
        else:
            after = {f + "_enc": enc(getattr(row, f)) for f in changed}
            if "phone" in changed:
                after["phone_hash"] = self.cipher.lookup_hash(row.phone)
            update_rows(Contact, [(case_id, {f: contact.__data__.get(f) for f in after}, after)])
