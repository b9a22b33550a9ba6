"""Users and roles."""

import datetime

from flask_login import UserMixin
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField
from werkzeug.security import check_password_hash, generate_password_hash

from .audited import AuditedModel
from .base import BaseModel, now
from .vocabulary import Roles


class Role(BaseModel):
    code = CharField(max_length=32, primary_key=True)
    name = CharField(max_length=100)

    def __str__(self):
        return self.name


class User(UserMixin, AuditedModel):
    audit_redacted = ("password_hash",)
    LOCKED_BY_ADMIN = datetime.datetime(9999, 12, 31)  # `locked_until` of an account locked until unlocked

    username = CharField(max_length=64, unique=True)
    full_name = CharField(max_length=200)
    role = ForeignKeyField(Role, backref="users", column_name="role", on_delete="RESTRICT")
    password_hash = CharField(max_length=255)
    active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    last_login_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    def __str__(self):
        return f"{self.full_name} ({self.username})"

    @property
    def is_active(self):
        return self.active

    @property
    def role_code(self):
        return self.role_id

    @property
    def locked_by_admin(self):
        return self.locked_until is not None and self.locked_until >= self.LOCKED_BY_ADMIN

    def lock(self):
        """Locked until an administrator unlocks it (audited)."""
        self.locked_until = self.LOCKED_BY_ADMIN
        self.save()

    def unlock(self):
        """Unlocked, and the count of failed sign-ins cleared (audited)."""
        self.locked_until = None
        self.failed_logins = 0
        self.save()

    def set_password(self, password):
        # scrypt, Werkzeug's default memory-hard KDF
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    @classmethod
    def enumerators(cls):
        """Active enumerators, by username."""
        return (
            cls.select()
            .where((cls.role == Roles.ENUMERATOR) & (cls.active == True))
            .order_by(  # noqa: E712
                cls.username
            )
        )

    @classmethod
    def names(cls, ids=None):
        """{id: full name} of these users (all when `ids` is None)."""
        query = cls.select(cls.id, cls.full_name)
        if ids is not None:
            query = query.where(cls.id.in_(list(ids)))
        return dict(query.tuples())
