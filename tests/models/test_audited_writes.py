"""Audited writes are one mechanism: every write to an audited table leaves its audit records in the same
transaction, and a write that would bypass the trail fails loudly, changing nothing."""

import datetime
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import (
    ALL_MODELS,
    AuditedModel,
    AuditRecord,
    Case,
    Contact,
    Period,
    UnauditedWrite,
    Unit,
    UnitLevel,
    audit,
    bulk,
    db,
)
from models.audited import delete_rows, insert_rows, update_rows
from models.bulk import copy_line, reserve_ids

AUDITED = [m for m in ALL_MODELS if issubclass(m, AuditedModel)]


@pytest.fixture
def unit(app):
    return Unit.create(code="U1", name="UBND xã A", level=UnitLevel.get(UnitLevel.code == "xa"))


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m.__name__)
def test_query_level_writes_to_an_audited_table_are_refused(app, model):
    for write in (
        lambda: model.update({model._meta.primary_key: 0}),
        lambda: model.delete(),
        lambda: model.insert_many([]),
        lambda: model.insert({}),
        lambda: model.replace({}),
        lambda: bulk.insert_rows(model, ("id",), [(1,)]),
    ):
        with pytest.raises(UnauditedWrite):
            write()


def test_a_refused_write_changes_nothing(app, unit):
    records = AuditRecord.select().count()
    with pytest.raises(UnauditedWrite):
        Unit.update(name="Tên khác").where(Unit.id == unit.id).execute()
    assert Unit.get_by_id(unit.id).name == "UBND xã A"
    assert AuditRecord.select().count() == records


def test_bulk_insert_writes_one_create_record_per_row_with_personal_data_redacted(app, unit):
    from models import Procedure

    procedure = Procedure.create(code="P1", name="Khai sinh")
    ids = reserve_ids(Case, 2)
    stamp = "2026-10-01 08:00:00"
    rows = [(i, f"HS-{i}", unit.id, procedure.id, "direct", stamp, False, False, "fp", stamp, stamp) for i in ids]
    insert_rows(
        Case,
        (
            "id",
            "code",
            "unit_id",
            "procedure_id",
            "channel",
            "received_at",
            "is_late",
            "has_phone",
            "digest",
            "created_at",
            "updated_at",
        ),
        iter(rows),
    )
    insert_rows(Contact, ("case_id", "phone_enc", "phone_hash"), [(ids[0], b"\x01secret", "abc")])
    created = list(AuditRecord.select().where(AuditRecord.model.in_(["case", "contact"])).order_by(AuditRecord.seq))
    assert [(r.action, r.model, r.object_id) for r in created] == [
        ("create", "case", str(ids[0])),
        ("create", "case", str(ids[1])),
        ("create", "contact", str(ids[0])),
    ]
    assert json.loads(created[0].after)["code"] == f"HS-{ids[0]}"
    assert json.loads(created[0].after)["digest"] == audit.REDACTED
    assert json.loads(created[2].after) == {
        "case_id": ids[0],
        "phone_enc": audit.REDACTED,
        "phone_hash": audit.REDACTED,
    }
    assert audit.verify()[0]


def test_bulk_update_records_only_what_changed_and_skips_unchanged_rows(app, unit):
    other = Unit.create(code="U2", name="UBND xã B", level=unit.level_id)
    before = AuditRecord.select().count()
    changed = update_rows(
        Unit,
        [
            (unit.id, {"name": unit.name, "code": "U1"}, {"name": "UBND phường A", "code": "U1"}),
            (other.id, {"name": other.name}, {"name": other.name}),
        ],
    )
    assert changed == 1
    assert Unit.get_by_id(unit.id).name == "UBND phường A"
    record = AuditRecord.select().order_by(AuditRecord.seq.desc()).get()
    assert AuditRecord.select().count() == before + 1
    assert (record.action, record.object_id) == ("update", str(unit.id))
    assert (json.loads(record.before), json.loads(record.after)) == ({"name": "UBND xã A"}, {"name": "UBND phường A"})


def test_bulk_delete_records_the_state_before(app, unit):
    periods = [Period.create(month=f"2026-0{m}") for m in (1, 2)]
    assert delete_rows(Period, periods) == 2
    assert Period.select().count() == 0
    deleted = list(AuditRecord.select().where(AuditRecord.action == "delete").order_by(AuditRecord.seq))
    assert [json.loads(r.before)["month"] for r in deleted] == ["2026-01", "2026-02"]


def test_a_failed_bulk_write_leaves_neither_rows_nor_records(app, unit):
    before = AuditRecord.select().count()
    with pytest.raises(RuntimeError, match="the rest of the change failed"), db.atomic():
        update_rows(Unit, [(unit.id, {"name": unit.name}, {"name": "Đổi tên"})])
        raise RuntimeError("the rest of the change failed")
    assert Unit.get_by_id(unit.id).name == "UBND xã A"
    assert AuditRecord.select().count() == before


@settings(max_examples=200, deadline=None)
@given(
    seq=st.integers(min_value=0, max_value=10**9),
    object_id=st.one_of(st.none(), st.text()),
    before=st.one_of(st.none(), st.dictionaries(st.text(), st.one_of(st.integers(), st.text(), st.none()))),
    after=st.one_of(st.none(), st.dictionaries(st.text(), st.one_of(st.integers(), st.text(), st.none()))),
    actor=st.text(min_size=1),
)
def test_the_fast_chain_hashes_exactly_as_verify_does(seq, object_id, before, after, actor):
    at = datetime.datetime(2026, 11, 24, 8, 30, 1, 123456)
    [record] = audit._chain(
        [("update", "unit", object_id, before, after)], (seq, "f" * 64), (actor, "admin", "web"), at
    )
    expected = audit.chain_hash(
        seq + 1, at, actor, "admin", "web", "update", "unit", object_id, audit.dump(before), audit.dump(after), "f" * 64
    )
    assert record[-1] == expected


def test_records_chained_ahead_are_chained_again_when_another_writer_came_between(app, unit):
    head = audit.head()
    ahead = audit.Prechained([("create", "unit", "99", None, {"code": "U99"})], head)
    Period.create(month="2026-03")  # another writer appends to the chain meanwhile
    with db.atomic():
        ahead.append()
    assert audit.verify()[0]
    last = AuditRecord.select().order_by(AuditRecord.seq.desc()).get()
    assert (last.object_id, last.seq) == ("99", head[0] + 2)


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(),
    st.datetimes(),
    st.dates(),
    st.binary(max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(row=st.dictionaries(st.text(min_size=1, max_size=12), _values, min_size=1, max_size=12))
def test_the_bulk_state_encoder_writes_what_dump_writes_of_the_snapshot(row):
    """Bulk writes encode audit states by hand (models.audit.state_encoder); the text must be the same
    as the general path's: the snapshot dict (personal data redacted) through `dump`."""
    columns = list(row)
    redacted = set(columns[: len(columns) // 3])
    snapshot = {
        c: (None if v is None else audit.REDACTED) if c in redacted else audit.audit_value(v) for c, v in row.items()
    }
    encode = audit.state_encoder(columns, redacted)
    assert encode(tuple(row.values())) == audit.dump(snapshot)


_texts = st.one_of(st.none(), st.just(""), st.text(), st.text(alphabet="\"{},:\\ \n\r'xyếĐ", max_size=30))


@settings(max_examples=300, deadline=None)
@given(
    entries=st.lists(
        st.tuples(
            st.sampled_from(["create", "update", "delete", "import_run"]),
            st.sampled_from(["case", "contact", "period", 'odd "name"']),
            _texts,
            _texts,
            _texts,
        ),
        min_size=1,
        max_size=6,
    ),
    actor=st.tuples(_texts.filter(bool), st.sampled_from(["system", "supervisor"]), st.sampled_from(["cli", "web"])),
    at=st.datetimes(),
)
def test_audit_records_are_sent_as_the_generic_copy_line_writes_them(entries, actor, at):
    """Audit records go to COPY through their own line maker (models.audit.record_line); the text must
    be the generic encoder's, field for field (quotes, NULL against "", line breaks in a state)."""
    records = list(audit._chain(entries, (41, "f" * 64), actor, at))
    line = audit.record_line()
    assert [line(r) for r in records] == [copy_line(r) for r in records]


def test_bulk_inserted_rows_keep_their_dates_and_times_as_the_orm_writes_them(app):
    """Rows written in bulk store dates and times as the ORM does (same text, same value read back)."""
    level = UnitLevel.get_or_create(code="xa", defaults={"name": "Cấp xã"})[0]
    [pk] = reserve_ids(Unit, 1)
    created = datetime.datetime(2026, 10, 1, 8, 0, 0)
    insert_rows(
        Unit,
        ("id", "code", "name", "level_id", "active", "created_at", "updated_at"),
        [(pk, "B1", "UBND xã B", level.id, True, created, created)],
    )
    orm = Unit.create(code="B2", name="UBND xã C", level=level, created_at=created)
    stored = {u.code: u.created_at for u in Unit.select().where(Unit.code.in_(["B1", "B2"]))}
    assert stored == {"B1": created, "B2": created}
    texts = db.execute_sql('SELECT code, CAST(created_at AS TEXT) FROM "unit" WHERE id IN (%s, %s)' % (pk, orm.id))
    assert len({text for _code, text in texts}) == 1
    record = AuditRecord.select().where(AuditRecord.model == "unit", AuditRecord.object_id == str(pk)).get()
    assert json.loads(record.after)["created_at"] == "2026-10-01 08:00:00"


@pytest.fixture
def statements(caplog):
    """The SQL peewee sends inside the block: `with statements() as sql:` (a list, filled as sent)."""
    import contextlib
    import logging

    @contextlib.contextmanager
    def capture():
        sql = []
        caplog.clear()
        caplog.set_level(logging.DEBUG, logger="peewee")
        try:
            yield sql
        finally:
            caplog.set_level(logging.WARNING, logger="peewee")
            sql += [" ".join(r.msg[0].split()) for r in caplog.records if isinstance(r.msg, tuple)]

    return capture


def last_change():
    record = AuditRecord.select().order_by(AuditRecord.seq.desc()).first()
    return record.action, json.loads(record.before), json.loads(record.after)


def test_a_row_locked_in_its_transaction_is_saved_without_reading_it_again(app, unit, statements):
    with db.atomic():
        row = Unit.locked(unit.id)
        row.name = "UBND xã B"
        with statements() as sql:
            row.save()
    assert [q.split(" ")[0] for q in sql if '"unit"' in q] == ["UPDATE"]  # no second read
    assert not [q for q in sql if "SAVEPOINT" in q]  # the caller's transaction: no savepoint of its own
    assert last_change() == ("update", {"name": "UBND xã A"}, {"name": "UBND xã B"})
    assert audit.verify()[0]


def test_a_row_is_read_again_when_what_was_locked_may_no_longer_be_it(app, unit, statements):
    with db.atomic():  # written through another object since it was locked: the trail says what it wrote
        row = Unit.locked(unit.id)
        other = Unit.get_by_id(unit.id)
        other.name = "B"
        other.save()
        row.name = "C"
        row.save()
    assert last_change() == ("update", {"name": "B"}, {"name": "C"})

    with db.atomic():  # locked in a savepoint that has ended (its lock may be gone)
        with db.atomic():
            row = Unit.locked(unit.id)
        row.name = "D"
        with statements() as sql:
            row.save()
    assert [q.split(" ")[0] for q in sql if '"unit"' in q] == ["SELECT", "UPDATE"]
    assert last_change() == ("update", {"name": "C"}, {"name": "D"})

    with db.atomic():  # locked by an earlier transaction, changed by another since
        row = Unit.locked(unit.id)
    fresh = Unit.get_by_id(unit.id)
    fresh.name = "E"
    fresh.save()
    with db.atomic():
        row.name = "F"
        row.save()
    assert last_change() == ("update", {"name": "E"}, {"name": "F"})

    with db.atomic():  # locked, then a delete (which may cascade): read again
        row = Unit.locked(unit.id)
        Period.create(month="2026-09").delete_instance()
        row.name = "G"
        with statements() as sql:
            row.save()
    assert [q.split(" ")[0] for q in sql if '"unit"' in q] == ["SELECT", "UPDATE"]
    assert audit.verify()[0]


def test_a_failed_write_in_a_savepoint_of_the_caller_leaves_the_transaction_going(app):
    from peewee import IntegrityError

    with db.atomic():
        Period.create(month="2026-10")
        with pytest.raises(IntegrityError), db.atomic():
            Period.create(month="2026-10")  # unique month: refused, rolled back to the savepoint
        Period.create(month="2026-11")
    assert [p.month for p in Period.select().order_by(Period.month)] == ["2026-10", "2026-11"]
    assert [r.action for r in AuditRecord.select().where(AuditRecord.model == "period")] == ["create", "create"]
    assert audit.verify()[0]
