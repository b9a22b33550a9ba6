"""The helper process that reads large case files: its errors reach the importer, and a file it could
not finish changes nothing."""

import os
import signal
import threading

import pytest

import importing.case_rows
import importing.cases
import importing.helper
from importing import import_file
from importing.helper import HelperFailed
from models import AuditRecord, Case, audit

HEADER = "ma_ho_so,ma_don_vi,ma_thu_tuc,hinh_thuc_nop,ngay_tiep_nhan\n"


@pytest.fixture(autouse=True)
def case_reader(monkeypatch):
    """Here, the helper reads every file (this overrides the folder's two-way fixture)."""
    monkeypatch.setattr(importing.cases, "HELPER_MIN_BYTES", 0)
    return "helper"


@pytest.fixture
def cases_file(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(HEADER + "".join(f"H-{i},X01,1.000001,truc_tiep,01/10/2026\n" for i in range(50)), "utf-8")
    return str(path)


def _state():
    return Case.select().count(), AuditRecord.select().count()


def test_an_error_in_the_helper_is_raised_by_the_import_and_writes_nothing(
    app, reference_data, cases_file, monkeypatch
):
    parse = importing.case_rows.CaseParser.parse

    def failing(self, line, values, report):
        if line == 30:
            raise ValueError("broken on line 30")
        return parse(self, line, values, report)

    monkeypatch.setattr(importing.case_rows.CaseParser, "parse", failing)
    before = _state()
    with app.app_context(), pytest.raises(ValueError, match="broken on line 30"):
        import_file("cases", cases_file)
    assert _state() == before
    assert audit.verify()[0]


def test_a_helper_that_dies_fails_the_import_and_writes_nothing(app, reference_data, cases_file, monkeypatch):
    parse = importing.case_rows.CaseParser.parse

    def dying(self, line, values, report):
        if line == 30:
            os._exit(9)  # as if killed: no message, the pipe closes
        return parse(self, line, values, report)

    monkeypatch.setattr(importing.case_rows.CaseParser, "parse", dying)
    before = _state()
    with app.app_context(), pytest.raises(HelperFailed, match="exit code 9"):
        import_file("cases", cases_file)
    assert _state() == before
    assert audit.verify()[0]


def test_the_helper_gives_the_same_cases_as_the_importing_process(app, reference_data, cases_file, monkeypatch):
    with app.app_context():
        report = import_file("cases", cases_file)
    assert (report.created, report.rejected_total) == (50, 0)
    assert sorted(c.code for c in Case.select()) == sorted(f"H-{i}" for i in range(50))
    assert audit.verify()[0]
    monkeypatch.setattr(importing.cases, "HELPER_MIN_BYTES", 10**15)
    with app.app_context():
        again = import_file("cases", cases_file)  # read in this process: every row is unchanged
    assert (again.created, again.unchanged) == (0, 50)


def test_an_import_failing_while_the_helper_waits_ends_it_whatever_signals_the_worker_handles(
    app, reference_data, cases_file, monkeypatch
):
    """An rq worker's warm-shutdown handler for SIGTERM is inherited by the fork: the helper must still
    end when the importer stops it, and the import fail at once instead of waiting for ever."""
    monkeypatch.setattr(importing.helper, "SLOTS", 1)
    monkeypatch.setattr(importing.helper, "BATCH", 5)
    monkeypatch.setattr(importing.cases, "FIRST_CHUNK", 5)

    def broken(first_id):
        raise RuntimeError("the write failed")

    monkeypatch.setattr(importing.cases.CaseImporter, "_check_ids", staticmethod(broken))
    previous = signal.signal(signal.SIGTERM, lambda *args: None)  # as rq's worker does
    outcome = {}

    def run():
        with app.app_context():
            try:
                import_file("cases", cases_file)
            except RuntimeError as exc:
                outcome["error"] = str(exc)

    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(60)
        assert not thread.is_alive(), "the import hangs"
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert outcome == {"error": "the write failed"}
    assert _state()[0] == 0
