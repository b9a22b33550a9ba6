"""What inserting a file's row as a new case takes, made as the row is read (by the import's helper
process for a large file): its id, the case and contact rows as the database takes them, and their
audit states. Rows that turn out to exist already leave their id unused (a gap, never a clash)."""

import contextlib

from models import Case, Contact, db, is_postgres, now
from models.audited import RowPreparer
from models.bulk import reserve_ids
from models.cases import is_late

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
ID_BLOCK = 2000  # PostgreSQL: ids taken from the sequence at a time


class CaseIds:
    """Ids for new cases, in file order. SQLite: after the largest stored id when the import began
    (checked again by each writing transaction); PostgreSQL: from the sequence, in blocks."""

    def __init__(self):
        self._block = []
        self._database = None
        self._next = None if is_postgres() else reserve_ids(Case, 1)[0]

    @contextlib.contextmanager
    def in_helper(self):
        """Around the forked helper's work: it never uses the importer's connection, but one of its own."""
        if is_postgres():
            self._database = type(db.obj)(db.obj.database, **db.obj.connect_params)
        try:
            yield
        finally:
            if self._database is not None:
                self._database.close()
                self._database = None

    def __call__(self):
        if self._next is not None:
            self._next += 1
            return self._next - 1
        if not self._block:
            self._block = self._reserve()[::-1]
        return self._block.pop()

    def _reserve(self):
        if self._database is None:
            return reserve_ids(Case, ID_BLOCK)
        table = Case._meta.table_name
        cur = self._database.execute_sql(
            f"SELECT nextval(pg_get_serial_sequence('\"{table}\"', 'id')) FROM generate_series(1, %s)", (ID_BLOCK,)
        )
        self._database.commit()
        return [r[0] for r in cur.fetchall()]


class NewCaseRows:
    """A function: the parts of a ready row -> (case id, case item, contact item or None), where an item
    is what `models.audited.prepared_insert` gathers."""

    def __init__(self, ids):
        self.ids = ids
        self.case = RowPreparer(Case, CASE_COLUMNS)
        self.contact = RowPreparer(Contact, CONTACT_COLUMNS)

    def __call__(self, r, digest, name_enc, phone_enc, email_enc, phone_hash):
        case_id, stamp = self.ids(), now()
        case = self.case(
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
                digest,
                stamp,
                stamp,
            )
        )
        contact = None
        if name_enc or phone_enc or email_enc:
            contact = self.contact((case_id, name_enc, phone_enc, email_enc, phone_hash))
        return case_id, case, contact
