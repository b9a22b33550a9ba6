"""A questionnaire's items as a page shows them, in one language: labels with the case's facts filled
in, choices, and the rules (relevant, constraint, required) the page and the server both apply."""

import re

from .xlsform import DEFAULT_LANGUAGE, GROUP

# What a label may name from the case, as {name}: never the applicant's personal data
PLACEHOLDERS = ("unit", "procedure", "receiving_officer", "handling_officer")
PLACEHOLDER_RE = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
UNKNOWN = "…"


def text(texts, language):
    """A translated text in `language`, else the default language's, else any."""
    if not texts:
        return ""
    return texts.get(language) or texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()))


def fill(label, facts):
    """`{unit}`, `{procedure}`, `{receiving_officer}`, `{handling_officer}` replaced by the case's."""
    return PLACEHOLDER_RE.sub(lambda m: str(facts.get(m.group(1)) or UNKNOWN), label)


def items(definition, language=DEFAULT_LANGUAGE, facts=None):
    """[item] in form order, groups with their children: each a dict with `kind` ("group" or the
    question type), `name`, `label`, `hint`, `choices` [(name, label)], `required`, `relevant`,
    `constraint`, `message`."""
    facts = facts or {}

    def build(entries):
        out = []
        for entry in entries:
            item = {
                "kind": entry["type"],
                "name": entry["name"],
                "label": fill(text(entry.get("label"), language), facts),
                "relevant": entry.get("relevant"),
            }
            if entry["type"] == GROUP:
                item["children"] = build(entry["children"])
            else:
                choices = definition["choices"].get(entry.get("list") or "", [])
                item.update(
                    hint=fill(text(entry.get("hint"), language), facts),
                    required=entry.get("required", False),
                    constraint=entry.get("constraint"),
                    message=text(entry.get("constraint_message"), language),
                    choices=[(c["name"], fill(text(c["label"], language), facts)) for c in choices],
                )
            out.append(item)
        return out

    return build(definition["items"])
