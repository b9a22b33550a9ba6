"""Questionnaires authored in XLSForm: each form and its versions (a published version never
changes), and which form a case gets by how its dossier was submitted and by interview mode."""

import json

from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from .audited import AuditedModel
from .base import now
from .vocabulary import QuestionnaireStatus

_parsed = {}  # (version id, digest) -> the definition of a published or retired version (never changed)
PARSED_MAX = 64


class PublishedVersionChanged(Exception):
    """A published questionnaire version was about to change: interviews rely on it as it is."""


class Questionnaire(AuditedModel):
    form_id = CharField(max_length=64, unique=True)  # XLSForm settings: form_id
    title = CharField(max_length=300)
    created_at = DateTimeField(default=now)

    def __str__(self):
        return self.form_id


class QuestionnaireVersion(AuditedModel):
    questionnaire = ForeignKeyField(Questionnaire, backref="versions", on_delete="RESTRICT")
    version = CharField(max_length=64)  # XLSForm settings: version
    title = CharField(max_length=300)
    definition = TextField()  # JSON: questions in form order, choices, labels by language
    digest = CharField(max_length=64)  # SHA-256 of the canonical definition: a re-import is recognised
    status = CharField(max_length=16, default=QuestionnaireStatus.DRAFT)
    created_at = DateTimeField(default=now)
    published_at = DateTimeField(null=True)
    retired_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("questionnaire", "version"), True),)

    def __str__(self):
        return f"{self.questionnaire.form_id} {self.version}"

    def definition_dict(self):
        """The definition as a dict; a published or retired version's is parsed once (it never changes).
        The definition is read here when the version was read without it (id, status and digest)."""
        if self.status == QuestionnaireStatus.DRAFT:
            return json.loads(self._definition_text())
        key = (self.id, self.digest)
        found = _parsed.get(key)
        if found is None:
            if len(_parsed) >= PARSED_MAX:
                _parsed.clear()
            found = _parsed[key] = json.loads(self._definition_text())
        return found

    def _definition_text(self):
        text = self.__data__.get("definition")
        if text is None:
            cls = type(self)
            text = cls.select(cls.definition).where(cls.id == self.id).scalar()
        return text

    def save(self, *args, **kwargs):
        """Refuse any change of a published version's content (its status may still move on)."""
        if self.id is not None:
            stored = type(self).get_or_none(type(self).id == self.id)
            if (
                stored is not None
                and stored.status != QuestionnaireStatus.DRAFT
                and (stored.definition != self.definition or stored.version != self.version)
            ):
                raise PublishedVersionChanged(str(stored))
        return super().save(*args, **kwargs)

    @classmethod
    def of_form(cls, form_id):
        return (
            cls.select(cls, Questionnaire)
            .join(Questionnaire)
            .where(Questionnaire.form_id == form_id)
            .order_by(cls.created_at.desc(), cls.id.desc())
        )

    @classmethod
    def current(cls, form_id):
        """The latest published version of a form, the one new interviews get; None if there is none."""
        return cls.of_form(form_id).where(cls.status == QuestionnaireStatus.PUBLISHED).first()


class FormRule(AuditedModel):
    """Which form a case gets: by the dossier's submission channel (in person / online) and the
    interview mode."""

    channel = CharField(max_length=16)  # Channels
    mode = CharField(max_length=8)  # Modes
    questionnaire = ForeignKeyField(Questionnaire, backref="rules", on_delete="RESTRICT")

    class Meta:
        indexes = ((("channel", "mode"), True),)

    @classmethod
    def form_for(cls, channel, mode):
        rule = cls.get_or_none((cls.channel == channel) & (cls.mode == mode))
        return rule.questionnaire if rule else None
