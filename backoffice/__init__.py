"""The back office: Flask-Admin views for the Department of Home Affairs' staff."""

import os

import flask_admin.babel
from flask import Blueprint
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from models import (
    AuditRecord,
    Case,
    EnumeratorProfile,
    EnumeratorUnit,
    Period,
    Procedure,
    SampleCase,
    SecurityEvent,
    Unit,
    User,
)

from .alerts import AlertView
from .audit import AuditView
from .case_page import CasePageView
from .cases import CaseView
from .dashboard import DashboardView
from .flags import FlagView
from .home import HomeView
from .imports import ImportView
from .interview_imports import InterviewImportView
from .jobs import JobView
from .kiosks import KioskView
from .links import LinksView
from .outbox import OutboxView
from .personal_data import PersonalDataViewsView
from .questionnaires import QuestionnaireView
from .rechecks import DiscrepancyView, RecheckView
from .reference import EnumeratorProfileView, EnumeratorUnitView, PeriodView, ProcedureView, UnitView, UserView
from .results import ResultsView
from .review import ReviewView
from .sample import SampleView
from .sampling import AssignmentBoardView, SamplingView
from .security_log import SecurityLogView

# Our corrections of Flask-Admin's own Vietnamese ("50 mặt hàng" for 50 rows a page, "hồ sơ" for a
# record where a hồ sơ is a dossier…), in translations/vi/LC_MESSAGES/admin.po.
OVERRIDES = os.path.join(os.path.dirname(__file__), "translations")


class _AdminDomain(type(flask_admin.babel.domain)):
    """Flask-Admin's translation domain, with our catalog read last: Babel lets the catalog merged
    last win, and Flask-Admin would otherwise read its own after ours."""

    @property
    def translation_directories(self):
        return [d for d in super().translation_directories if d != OVERRIDES] + [OVERRIDES]


flask_admin.babel.domain.__class__ = _AdminDomain


def init_app(app):
    # A blueprint without routes, so that the back office's templates (admin/…) are found.
    app.register_blueprint(Blueprint("backoffice", __name__, template_folder="templates"))
    admin = Admin(
        app,
        name="SIPAS",
        url="/admin",
        index_view=HomeView(name=_l("Home"), url="/admin"),
        theme=Bootstrap4Theme(base_template="admin/sipas_base.html", swatch="flatly", fluid=True),
    )
    data = _l("Data")
    admin.add_view(CaseView(Case, name=_l("Cases"), category=data, endpoint="cases"))
    admin.add_view(CasePageView(name=_l("Case"), endpoint="case"))
    admin.add_view(ImportView(name=_l("Import"), category=data, endpoint="imports"))
    admin.add_view(PeriodView(Period, name=_l("Survey periods"), category=data, endpoint="periods"))
    survey = _l("Sampling")
    admin.add_view(SamplingView(name=_l("Allocation and draw"), category=survey, endpoint="sampling"))
    admin.add_view(QuestionnaireView(name=_l("Questionnaires"), category=survey, endpoint="questionnaires"))
    admin.add_view(AlertView(name=_l("Alerts"), category=survey, endpoint="alerts"))
    admin.add_view(ReviewView(name=_l("Interviews to review"), category=survey, endpoint="review"))
    admin.add_view(FlagView(name=_l("Suspicion flags"), category=survey, endpoint="flags"))
    admin.add_view(OutboxView(name=_l("Outbox"), category=survey, endpoint="outbox"))
    admin.add_view(InterviewImportView(name=_l("Import answers"), category=survey, endpoint="interview_imports"))
    admin.add_view(LinksView(name=_l("Survey links"), category=survey, endpoint="links"))
    admin.add_view(KioskView(name=_l("Kiosks"), category=survey, endpoint="kiosks"))
    admin.add_view(SampleView(SampleCase, name=_l("Drawn sample"), category=survey, endpoint="sample"))
    admin.add_view(AssignmentBoardView(name=_l("Assignments"), category=survey, endpoint="assignments"))
    admin.add_view(
        EnumeratorProfileView(EnumeratorProfile, name=_l("Enumerators"), category=survey, endpoint="enumerators")
    )
    admin.add_view(
        EnumeratorUnitView(EnumeratorUnit, name=_l("Units covered face to face"), category=survey, endpoint="coverage")
    )
    figures = _l("Results")
    admin.add_view(ResultsView(name=_l("Monthly results"), category=figures, endpoint="results"))
    admin.add_view(DashboardView(name=_l("Dashboards"), category=figures, endpoint="dashboards"))
    rechecks = _l("Re-checks")
    admin.add_view(RecheckView(name=_l("Re-check sample"), category=rechecks, endpoint="rechecks"))
    admin.add_view(DiscrepancyView(name=_l("Re-check comparison"), category=rechecks, endpoint="discrepancies"))
    admin.add_view(JobView(name=_l("Jobs"), endpoint="jobs"))
    lists = _l("Lists")
    admin.add_view(UnitView(Unit, name=_l("Units"), category=lists, endpoint="units"))
    admin.add_view(ProcedureView(Procedure, name=_l("Procedures"), category=lists, endpoint="procedures"))
    system = _l("System")
    admin.add_view(UserView(User, name=_l("Users"), category=system, endpoint="users"))
    admin.add_view(AuditView(AuditRecord, name=_l("Audit trail"), category=system, endpoint="audit"))
    admin.add_view(SecurityLogView(SecurityEvent, name=_l("Security log"), category=system, endpoint="security"))
    admin.add_view(
        PersonalDataViewsView(AuditRecord, name=_l("Personal data views"), category=system, endpoint="privacy")
    )
    return admin
