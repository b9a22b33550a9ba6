"""Fixtures of the re-check tests: approved interviews, a second auditor, fabrication flags."""

import pytest

from fieldwork import review
from models import InterviewFlag, Period, Role, Roles, User


@pytest.fixture
def approved(submitted_interview, users):
    """approved(username="dtv1", **answers): an interview of October submitted and approved, with no
    fabrication flag (done in seconds, quality/ flags each too short: a test adds flags with `flag`)."""

    def make(username="dtv1", **answers):
        interview = review.approve(submitted_interview(username, **answers).id, users["supervisor"])
        InterviewFlag.delete().where(InterviewFlag.interview == interview.id).execute()
        return interview

    return make


@pytest.fixture
def second_auditor(app, password_hash):
    return User.create(
        username="auditor2", full_name="Test auditor 2", role=Role.get_by_id(Roles.AUDITOR), password_hash=password_hash
    )


@pytest.fixture
def flag():
    """flag(interview, kind="too_short"): a fabrication flag row, as quality/ would write it."""

    def make(interview, kind="too_short"):
        return InterviewFlag.create(interview=interview, period=Period.get(Period.month == "2026-10"), kind=kind)

    return make
