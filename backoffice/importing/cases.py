"""Import of dossiers (cases), streamed in chunks, with applicants' contacts encrypted."""
from flask_babel import gettext as _

from models import Case, Contact, Procedure, Unit, audit, db, now
from models.cases import is_late
from models.bulk import insert_rows, reserve_ids
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
CHUNK = 5000
CASE_COLUMNS = ("id", "code", "unit_id", "procedure_id", "channel", "received_at", "due_at",
                "returned_at", "is_late", "receiving_officer", "handling_officer", "digest",
                "created_at", "updated_at")
CONTACT_COLUMNS = ("case_id", "name_enc", "phone_enc", "email_enc", "phone_hash")
# Fields of the parsed row, in order (personal ones last)
ROW_FIELDS = ("unit_id", "procedure_id", "channel", "received_at", "due_at", "returned_at",
              "receiving_officer", "handling_officer", "name", "phone", "email")
PERSONAL = ("name", "phone", "email")


def _iso(value):
    return value.isoformat() if value is not None else None


def case_state(row):
    """The audited state of an imported case: personal data redacted."""
    state = {f: _iso(row[f]) if f.endswith("_at") else row[f] for f in ROW_FIELDS if f not in PERSONAL}
    state["code"] = row["code"]
    for f in PERSONAL:
        state[f] = None if row[f] is None else audit.REDACTED
    return state


class CaseImporter:
    def __init__(self, table, report, progress=None):
        self.table = table
        self.report = report
        self.progress = progress
        self.cols = match_columns(table.header, SPEC)
        self.units = dict(Unit.select(Unit.code, Unit.id).tuples())
        self.procedures = dict(Procedure.select(Procedure.code, Procedure.id).tuples())
        self.cipher = cipher()
        self.pending = {}

    def run(self):
        for line, values in self.table.rows():
            row = self.parse(line, values)
            if row is None:
                continue
            if row["code"] in self.pending:
                self.report.warn(line, _("Case code repeated in the file; this later row updates the case."))
                self.flush()
            self.pending[row["code"]] = row
            if len(self.pending) >= CHUNK:
                self.flush()
        self.flush()
        return self.report

    def _get(self, values, field):
        index = self.cols.get(field)
        if index is None or index >= len(values):
            return ""
        return values[index]

    def parse(self, line, values):
        """A dict of clean values, or None after recording why the row is rejected."""
        get = self._get
        report = self.report
        if values is None:
            report.reject(line, _("The row is not valid UTF-8 text."))
            return None
        try:
            code = clean_text(get(values, "code"), 100)
        except ValueError:
            code = None
            report.reject(line, _("Case code is longer than 100 characters."))
            return None
        if not code:
            report.reject(line, _("Case code is missing."))
            return None
        unit_code = clean_text(get(values, "unit"), 64)
        unit_id = self.units.get(unit_code)
        if unit_id is None:
            report.reject(line, _("Unit %(code)s does not exist; import the units first.", code=unit_code or "—"))
            return None
        procedure_code = clean_text(get(values, "procedure"), 64)
        procedure_id = self.procedures.get(procedure_code)
        if procedure_id is None:
            report.reject(line, _("Procedure %(code)s does not exist; import the procedures first.",
                                  code=procedure_code or "—"))
            return None
        try:
            channel = parse_channel(get(values, "channel"))
        except ValueError:
            report.reject(line, _("Unknown submission channel; expected truc_tiep, truc_tuyen or buu_chinh."))
            return None
        dates = {}
        for field, label, required in (("received_at", _("received date"), True),
                                        ("due_at", _("due date"), False),
                                        ("returned_at", _("return date"), False)):
            try:
                dates[field] = parse_datetime(get(values, field))
            except ValueError:
                report.reject(line, _("Unreadable %(what)s; use dd/mm/yyyy or yyyy-mm-dd.", what=label))
                return None
            if required and dates[field] is None:
                report.reject(line, _("The %(what)s is missing.", what=label))
                return None
        if dates["returned_at"] and dates["returned_at"] < dates["received_at"]:
            report.reject(line, _("The result was returned before the dossier was received."))
            return None
        try:
            name = clean_text(get(values, "name"), 300)
            receiving = clean_text(get(values, "receiving_officer"), 200)
            handling = clean_text(get(values, "handling_officer"), 200)
        except ValueError:
            report.reject(line, _("A name is longer than allowed."))
            return None
        try:
            phone = parse_phone(get(values, "phone"))
        except ValueError:
            phone = None
            report.warn(line, _("Invalid phone number; the case is imported without a phone."))
        try:
            email = parse_email(get(values, "email"))
        except ValueError:
            email = None
            report.warn(line, _("Invalid e-mail address; the case is imported without an e-mail."))
        return {"line": line, "code": code, "unit_id": unit_id, "procedure_id": procedure_id,
                "channel": channel, "received_at": dates["received_at"], "due_at": dates["due_at"],
                "returned_at": dates["returned_at"], "receiving_officer": receiving,
                "handling_officer": handling, "name": name, "phone": phone, "email": email}

    def digest(self, row):
        return self.cipher.digest([row[f] for f in ROW_FIELDS])

    def flush(self):
        if not self.pending:
            return
        rows = list(self.pending.values())
        self.pending = {}
        with db.atomic():
            existing = {}
            codes = [r["code"] for r in rows]
            for i in range(0, len(codes), 900):
                existing.update({c: (i_, d) for c, i_, d in Case.select(Case.code, Case.id, Case.digest)
                                 .where(Case.code.in_(codes[i:i + 900])).tuples()})
            new, changed = [], []
            for row in rows:
                row["digest"] = self.digest(row)
                old = existing.get(row["code"])
                if old is None:
                    new.append(row)
                elif old[1] == row["digest"]:
                    self.report.unchanged += 1
                else:
                    changed.append((old[0], row))
            self._insert(new)
            for case_id, row in changed:
                self._update(case_id, row)
        if self.progress:
            self.progress(self.report, self.table.fraction_done())

    def _insert(self, rows):
        if not rows:
            return
        ids = reserve_ids(Case, len(rows))
        stamp = now()
        enc = self.cipher.encrypt
        case_rows, contact_rows, entries = [], [], []
        for case_id, r in zip(ids, rows):
            late = is_late(r["returned_at"], r["due_at"])
            case_rows.append((case_id, r["code"], r["unit_id"], r["procedure_id"], r["channel"],
                              r["received_at"], r["due_at"], r["returned_at"], late,
                              r["receiving_officer"], r["handling_officer"], r["digest"], stamp, stamp))
            if r["name"] or r["phone"] or r["email"]:
                contact_rows.append((case_id, enc(r["name"]), enc(r["phone"]), enc(r["email"]),
                                     self.cipher.lookup_hash(r["phone"])))
            entries.append(("create", "case", str(case_id), None, case_state(r)))
        insert_rows(Case._meta.table_name, CASE_COLUMNS, case_rows)
        insert_rows(Contact._meta.table_name, CONTACT_COLUMNS, contact_rows)
        audit.record_many(entries)
        self.report.created += len(rows)

    def _update(self, case_id, row):
        case = Case.get_by_id(case_id)
        contact = Contact.get_or_none(Contact.case == case_id)
        dec = self.cipher.decrypt
        old = {f: getattr(case, f) for f in ROW_FIELDS if f not in PERSONAL}
        old.update({"unit_id": case.unit_id, "procedure_id": case.procedure_id, "code": case.code})
        old.update({"name": dec(contact.name_enc) if contact else None,
                    "phone": dec(contact.phone_enc) if contact else None,
                    "email": dec(contact.email_enc) if contact else None})
        before_state, after_state = case_state(old), case_state(row)
        changed = [k for k in before_state if k in PERSONAL and old[k] != row[k]
                   or k not in PERSONAL and before_state[k] != after_state[k]]
        late = is_late(row["returned_at"], row["due_at"])
        Case.update(unit=row["unit_id"], procedure=row["procedure_id"], channel=row["channel"],
                    received_at=row["received_at"], due_at=row["due_at"], returned_at=row["returned_at"],
                    is_late=late, receiving_officer=row["receiving_officer"],
                    handling_officer=row["handling_officer"], digest=row["digest"],
                    updated_at=now()).where(Case.id == case_id).execute()
        if any(k in PERSONAL for k in changed):
            Contact.delete().where(Contact.case == case_id).execute()
            if row["name"] or row["phone"] or row["email"]:
                enc = self.cipher.encrypt
                insert_rows(Contact._meta.table_name, CONTACT_COLUMNS,
                            [(case_id, enc(row["name"]), enc(row["phone"]), enc(row["email"]),
                              self.cipher.lookup_hash(row["phone"]))])
        audit.record_many([("update", "case", str(case_id),
                            {k: before_state[k] for k in changed},
                            {k: after_state[k] for k in changed})])
        self.report.updated += 1
