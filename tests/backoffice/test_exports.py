"""Exports where an office files them: the filtered cases list as CSV and XLSX, Vietnamese headers,
phones masked, no names or e-mails, and every export recorded in the audit trail."""

import csv
import io
import json

import openpyxl

from models import AuditRecord, Case, Contact, Unit
from models.pii import cipher

NAMES = ("Nguyễn", "Trần", "Lê", "@")  # the sample file's applicants' names and e-mails


def _unit_filter(client, unit):
    """The cases list filtered to one unit, as the filter form writes it."""
    html = client.get("/admin/cases/").get_data(as_text=True)
    assert "Đơn vị" in html
    return {"flt0_0": str(unit.id)}


def test_an_officer_exports_the_filtered_cases_with_masked_phones_only(app, auth, users, client, imported_cases):
    auth.login("officer")
    unit = Unit.get(Unit.code == "X01")
    args = _unit_filter(client, unit)
    response = client.get("/admin/cases/export/csv/", query_string=args)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "Mã hồ sơ" and "điện thoại" in header[-1].lower()  # the list's columns, in Vietnamese
    assert len(body) == Case.select().where(Case.unit == unit).count() > 0
    text = response.get_data(as_text=True)
    assert not any(name in text for name in NAMES)
    phones = [r[-1] for r in body]
    assert any(phones) and all(p == "" or "****" in p for p in phones)

    book = client.get("/admin/cases/export/xlsx/", query_string=args)
    assert book.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(book.data), read_only=True).active
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == header and len(cells) - 1 == len(body)
    assert not any(name in str(v) for row in cells for v in row for name in NAMES)
    stored = {cipher().decrypt(c.phone_enc) for c in Contact.select() if c.phone_enc}
    assert not any(p[1:] in str(v) for row in cells for v in row for p in stored)  # never a whole phone

    exports = list(AuditRecord.select().where(AuditRecord.action == "export").order_by(AuditRecord.seq))
    assert [json.loads(r.after)["format"] for r in exports] == ["csv", "xlsx"]
    assert all(r.actor == "officer" and r.model == "case" for r in exports)
    assert json.loads(exports[0].after)["filters"][0][1] == str(unit.id)


def test_an_auditor_exports_the_filtered_trail_with_its_hashes(app, auth, users, client, imported_cases):
    auth.login("auditor")
    response = client.get("/admin/audit/export/csv/")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "#" and len(header) == 12  # seq … before, after, previous hash, hash
    assert len(body) == AuditRecord.select().count()  # the export's own record included: it is written first
    text = response.get_data(as_text=True)
    assert not any(name in text for name in ("Nguyễn", "Trần", "@example"))  # redacted in the trail
    assert "[redacted]" in text
    assert AuditRecord.select().where(AuditRecord.action == "export", AuditRecord.model == "audit_record").count() == 1
