"""Every import test of this folder runs twice: with the file read in the importing process, and by the
forked helper process that reads large files (importing.helper), so both paths give the same results."""

import pytest

import importing.cases


@pytest.fixture(autouse=True, params=["in_process", "helper"])
def case_reader(request, monkeypatch):
    """Which reader the case import uses; the helper is forced for files of any size."""
    monkeypatch.setattr(importing.cases, "HELPER_MIN_BYTES", 0 if request.param == "helper" else 10**15)
    return request.param
