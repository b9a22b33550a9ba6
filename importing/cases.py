"""Import of dossiers (cases), in chunks, with applicants' contacts encrypted: each chunk is looked up,
audited and written while the next one is read (by a helper process for a large file)."""

import contextlib

from flask_babel import gettext as _

from models import Case, Contact, Procedure, Unit, db, is_postgres, now
from models.audited import delete_rows, insert_rows, prepare_write, prepared_insert, update_rows
from models.bulk import loading, reserve_ids
from models.cases import is_late
from models.pii import cipher

from .case_rows import PERSONAL, ROW_FIELDS, CaseParser, Row, make_ready
from .collector import collector_paused
from .helper import ready_rows_in_helper, worth_a_helper
from .new_cases import CONTACT_COLUMNS, CaseIds, NewCaseRows
from .writer import ChunkWriter

# Rows per transaction, inserted table by table. PostgreSQL: small, so that the writing of one chunk
# overlaps the preparing of the next from the start; SQLite: large (it writes in this thread).
CHUNK = {"postgresql": 10_000, "sqlite": 20_000}
FIRST_CHUNK = 4_000  # the first chunk is written early, while the helper reads on
# Files from this size on are read by a helper process (importing.helper); smaller ones in this one.
HELPER_MIN_BYTES = 2_000_000


class CaseImporter:
    def __init__(self, table, report, progress=None, keep=None):
        self.table = table
        self.keep = keep or (lambda values: None)  # each rejected row's values, in file order
        self.report = report
        self.progress = progress
        self.parser = CaseParser(
            table.header,
            dict(Unit.select(Unit.code, Unit.id).tuples()),
            dict(Procedure.select(Procedure.code, Procedure.id).tuples()),
        )
        self.absent = self.parser.absent
        self.cipher = cipher()
        self.pending = {}
        # PostgreSQL inserts in its own process: a chunk is written by a thread while the next is
        # prepared. SQLite inserts in this one, under the GIL: a thread would only slow it down.
        self.writer = ChunkWriter(threaded=is_postgres())
        self.in_flight = set()  # codes of the chunk being written
        self.ids = CaseIds()
        self.new_rows = NewCaseRows(self.ids)
        self.chain_tail = None  # where the chunk being written leaves the audit chain
        self.chunk = FIRST_CHUNK
        self.fraction = 0.0  # share of the file read

    def ready_rows(self):
        """Every row of the file ready to write, in file order."""
        parse, report, table = self.parser.parse, self.report, self.table
        pii, new_rows, keep = self.cipher, self.new_rows, self.keep

        def make(line, row):
            return make_ready(line, row, pii, new_rows)

        if worth_a_helper(table.size, HELPER_MIN_BYTES):
            yield from ready_rows_in_helper(table, parse, make, report, self._read_up_to, self.ids.in_helper, keep)
            return
        for line, values in table.rows():
            row = parse(line, values, report)
            if row is not None:
                yield make(line, row)
            else:
                keep(values)
            self.fraction = table.fraction_done()

    def _read_up_to(self, fraction):
        self.fraction = fraction

    def run(self):
        try:
            rows = contextlib.closing(self.ready_rows())  # closed (the helper stopped) on an error
            with loading(), collector_paused(), rows as ready:
                self._consume(ready)
        finally:
            self.writer.wait()  # never leave a chunk being written behind, even on an error
        self.report.sort()
        return self.report

    def _consume(self, rows):
        for ready in rows:
            code = ready.row.code
            if code in self.pending:
                self.report.warn(ready.line, _("Case code repeated in the file; this later row updates the case."))
                self.flush()
            self.pending[code] = ready
            if len(self.pending) >= self.chunk:
                self.flush()
        self.flush()

    def digest(self, row):
        return self.cipher.digest(row[: len(ROW_FIELDS)])

    def flush(self):
        """Prepare the pending rows (look-up, encryption, audit entries), then hand them to the writer."""
        if not self.pending:
            return
        rows = list(self.pending.values())
        self.pending = {}
        if not self.in_flight.isdisjoint(ready.row.code for ready in rows):
            self.writer.wait()  # a case of the chunk being written: read it once it is stored
        existing = self._existing([ready.row.code for ready in rows])
        new, changed = [], []
        for ready in rows:
            old = existing.get(ready.row.code)
            if old is None:
                new.append(ready)
            elif old[1] == ready.digest:
                self.report.unchanged += 1
            else:
                changed.append((old[0], ready.row, ready.digest))
        inserts = self._prepare_insert(new)
        first_id = new[0].new[0] if new else None
        prepared = prepare_write(*inserts, expected_head=self.chain_tail)
        self.chain_tail = None if changed else prepared.tail  # updates are chained when written

        def write():
            if first_id is not None:
                self._check_ids(first_id)
            prepared.write()
            for case_id, row, digest in changed:
                self._update(case_id, row, digest)

        self.writer.submit(write)
        self.chunk = CHUNK["postgresql" if is_postgres() else "sqlite"]
        self.in_flight = {ready.row.code for ready in rows}
        if self.progress:
            self.progress(self.report, self.fraction)

    @staticmethod
    def _check_ids(first_id):
        """SQLite, inside the writing transaction: no case was stored meanwhile with the ids given."""
        if not is_postgres() and reserve_ids(Case, 1)[0] > first_id:
            raise RuntimeError("Cases were added by someone else during the import; import the file again")

    @staticmethod
    def _existing(codes):
        """{code: (id, digest)} of the stored cases among `codes` (plain SQL: a third of the ORM's cost):
        one query with an array on PostgreSQL, lists of 900 on SQLite."""
        table = Case._meta.table_name
        if is_postgres():
            sql, param = f'SELECT code, id, digest FROM "{table}" WHERE code = ANY(%s)', codes
            return {code: (id_, digest) for code, id_, digest in db.execute_sql(sql, (param,))}
        found = {}
        for i in range(0, len(codes), 900):  # SQLite's historical limit is 999 parameters
            part = codes[i : i + 900]
            sql = f'SELECT code, id, digest FROM "{table}" WHERE code IN ({", ".join("?" * len(part))})'
            found.update((code, (id_, digest)) for code, id_, digest in db.execute_sql(sql, part))
        return found

    def _prepare_insert(self, rows):
        """The new cases and their contacts as prepared inserts (made as the rows were read: ids
        given, personal data encrypted, audit states made); nothing is written yet."""
        if not rows:
            return ()
        self.report.created += len(rows)
        contacts = [ready.new[2] for ready in rows if ready.new[2] is not None]
        return (
            prepared_insert(self.new_rows.case, [ready.new[1] for ready in rows]),
            prepared_insert(self.new_rows.contact, contacts),
        )

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
