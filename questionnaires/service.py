"""Questionnaire versions stored, published and retired (transactions, audited), and read back."""

import hashlib
import json

from models import Questionnaire, QuestionnaireStatus, QuestionnaireVersion, db, now

from . import workbook, xlsform


class QuestionnaireError(Exception):
    """A refused step; the message (English, translated by the caller) says why; nothing changed."""


def canonical(definition):
    return json.dumps(definition, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(definition):
    return hashlib.sha256(canonical(definition).encode()).hexdigest()


def import_form(source, file_type=None):
    """Store the questionnaire of a workbook as a new draft version: (version, created). The same
    form_id and version again with the same content changes nothing (created False); with other
    content it is refused: a version, once stored, is what interviews may have used (as ODK Central)."""
    definition = xlsform.read(source, file_type)
    fingerprint = digest(definition)
    with db.atomic():
        form = Questionnaire.get_or_none(Questionnaire.form_id == definition["form_id"])
        if form is None:
            form = Questionnaire.create(form_id=definition["form_id"], title=definition["title"][:300])
        existing = QuestionnaireVersion.get_or_none(
            (QuestionnaireVersion.questionnaire == form) & (QuestionnaireVersion.version == definition["version"])
        )
        if existing is not None:
            if existing.digest == fingerprint:
                return existing, False
            raise QuestionnaireError(
                f"version {definition['version']} of {definition['form_id']} exists with other content: "
                "change the version"
            )
        version = QuestionnaireVersion.create(
            questionnaire=form,
            version=definition["version"],
            title=definition["title"][:300],
            definition=canonical(definition),
            digest=fingerprint,
        )
    return version, True


def find(form_id, version=None):
    """A stored version (the latest stored when `version` is None), or QuestionnaireError."""
    query = QuestionnaireVersion.of_form(form_id)
    if version is not None:
        query = query.where(QuestionnaireVersion.version == version)
    found = query.first()
    if found is None:
        raise QuestionnaireError(f"no questionnaire {form_id}" + (f" version {version}" if version else ""))
    return found


def export_form(form_id, path, version=None):
    """Write a stored version back as an XLSForm workbook."""
    found = find(form_id, version)
    workbook.write(found.definition_dict(), path)
    return found


def publish(version):
    """Make a draft the version new interviews get; it never changes afterwards."""
    if version.status != QuestionnaireStatus.DRAFT:
        raise QuestionnaireError(f"{version} is {version.status}: only a draft can be published")
    version.status, version.published_at = QuestionnaireStatus.PUBLISHED, now()
    version.save()
    return version


def retire(version):
    """No new interview gets this version; those that used it keep it."""
    if version.status != QuestionnaireStatus.PUBLISHED:
        raise QuestionnaireError(f"{version} is {version.status}: only a published version can be retired")
    version.status, version.retired_at = QuestionnaireStatus.RETIRED, now()
    version.save()
    return version


def summary(version):
    """What `questionnaire import --json` prints: the form and its questions in form order."""
    definition = version.definition_dict()
    return {
        "form_id": definition["form_id"],
        "version": definition["version"],
        "title": definition["title"],
        "questions": [
            {
                "name": q["name"],
                "type": q["type"],
                "required": q["required"],
                "relevant": q["relevant_all"],
                "element": q["element"],
                "choices": [c["name"] for c in definition["choices"][q["list"]]] if q.get("list") else None,
            }
            for q in xlsform.questions(definition)
        ],
    }
