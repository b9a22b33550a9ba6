"""Enumerators as the assignment of work sees them: modes, availability and units covered."""

import collections
import dataclasses

from models import EnumeratorProfile, EnumeratorUnit, Modes, User, db


@dataclasses.dataclass(frozen=True)
class Enumerator:
    id: int
    username: str
    full_name: str
    phone: bool  # works by phone
    f2f: bool  # works face to face, in the units covered
    available: bool
    units: frozenset

    def suits(self, mode, unit_id):
        """Can take a case of this mode and unit."""
        return self.phone if mode == Modes.PHONE else (self.f2f and unit_id in self.units)


def enumerators():
    """{user id: Enumerator} of every active enumerator; one without a profile works by phone."""
    profiles = {p.user_id: p for p in EnumeratorProfile.select()}
    covered = collections.defaultdict(set)
    for user_id, unit_id in EnumeratorUnit.select(EnumeratorUnit.user, EnumeratorUnit.unit).tuples():
        covered[user_id].add(unit_id)
    out = {}
    for user in User.enumerators():
        p = profiles.get(user.id)
        out[user.id] = Enumerator(
            user.id,
            user.username,
            user.full_name,
            p.phone if p else True,
            p.f2f if p else False,
            p.available if p else True,
            frozenset(covered[user.id]),
        )
    return out


def set_available(user_id, available):
    """Mark an enumerator back (available) or absent (given no new work until marked back); audited.
    Returns True when this changed their state."""
    with db.atomic():
        profile = EnumeratorProfile.get_or_none(EnumeratorProfile.user == user_id)
        if profile is None:
            if available:
                return False  # without a profile an enumerator is available already
            EnumeratorProfile(user=user_id, available=False).save(force_insert=True)
            return True
        if profile.available == available:
            return False
        profile.available = available
        profile.save()
        return True


def is_absent(user_id):
    """Whether the enumerator is marked absent."""
    profile = EnumeratorProfile.get_or_none(EnumeratorProfile.user == user_id)
    return profile is not None and not profile.available
