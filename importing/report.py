"""The outcome of an import: counts, and the rows rejected or warned about, by line."""

import dataclasses
import json

from flask_babel import gettext as _

MAX_LISTED = 100_000  # rows listed in a report; the counts stay exact beyond it
MAX_QUOTED = 120  # characters of an offending value quoted beside its reason


def quote(value):
    """An offending value as the report quotes it: trimmed, at most MAX_QUOTED characters (escaped
    where it is shown: the pages escape it, the command line prints it as text); None for what may
    be personal data shifted into another column (anything with an @, or with 9 digits or more)."""
    text = " ".join(str(value).split())
    if "@" in text or sum(c.isdigit() for c in text) >= 9:
        return None
    return text if len(text) <= MAX_QUOTED else text[: MAX_QUOTED - 1] + "…"


def _entry(line, reason, value):
    entry = {"line": line, "reason": str(reason)}
    quoted = quote(value) if value is not None and str(value).strip() else None
    if quoted:
        entry["value"] = quoted
    return entry


@dataclasses.dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)
    rejected_total: int = 0
    warnings_total: int = 0

    def reject(self, line, reason, value=None):
        """Row `line` is not imported, for `reason`; `value` is the offending value, quoted beside it
        (never a personal one: names, phones and e-mails are not quoted)."""
        self.rejected_total += 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append(_entry(line, reason, value))

    def warn(self, line, reason, value=None):
        self.warnings_total += 1
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(_entry(line, reason, value))

    def finished_message(self):
        """What a finished import's job says (the counts; the rows are in the report)."""
        return _(
            "Import finished: %(c)d created, %(u)d updated, %(n)d unchanged, %(r)d rejected.",
            c=self.created,
            u=self.updated,
            n=self.unchanged,
            r=self.rejected_total,
        )

    @property
    def processed(self):
        return self.created + self.updated + self.unchanged + self.rejected_total

    def to_dict(self):
        out = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "warnings": self.warnings,
        }
        if self.rejected_total > len(self.rejected):
            out["rejected_total"] = self.rejected_total
        if self.warnings_total > len(self.warnings):
            out["warnings_total"] = self.warnings_total
        return out

    def sort(self):
        """Rejected rows and warnings in line order (they may be found in two processes)."""
        self.rejected.sort(key=lambda r: r["line"])
        self.warnings.sort(key=lambda r: r["line"])

    def to_json(self):
        return json.dumps(self.to_dict(), ensure_ascii=False)
