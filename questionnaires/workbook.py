"""A questionnaire's definition written back as an XLSForm workbook (survey, choices, settings): read
again, it gives the same definition."""

from openpyxl import Workbook

from .xlsform import CHOICES, GROUP, SETTINGS, SURVEY, TRANSLATED, walk


def _column(head, suffix):
    return f"{head}::{suffix}" if suffix else head


def write(definition, path):
    default = definition["default_language"]
    stored = definition["languages"] or {default: ""}
    languages = dict(sorted(stored.items(), key=lambda kv: (kv[0] != default, kv[0])))  # the default first
    used = {head: any(_texts(definition, head)) for head in TRANSLATED}
    translated = [
        (head, code, _column(head, suffix)) for head in TRANSLATED if used[head] for code, suffix in languages.items()
    ]
    columns = [
        "type",
        "name",
        *[c for _h, _code, c in translated if _h == "label"],
        *[c for h, _code, c in translated if h == "hint"],
    ]
    columns += ["required", "relevant", "constraint", *[c for h, _code, c in translated if h == "constraint_message"]]
    columns += ["element", "alert", "recheck"]

    book = Workbook()
    survey = book.active
    survey.title = SURVEY
    survey.append(columns)
    for row in _rows(definition["items"], translated):
        survey.append([row.get(c, "") for c in columns])

    choices = book.create_sheet(CHOICES)
    labels = [(code, _column("label", suffix)) for code, suffix in languages.items()]
    choices.append(["list_name", "name", *[c for _code, c in labels]])
    for list_name, entries in definition["choices"].items():
        for entry in entries:
            choices.append([list_name, entry["name"], *[entry["label"].get(code, "") for code, _c in labels]])

    settings = book.create_sheet(SETTINGS)
    settings.append(["form_id", "version", "form_title"])
    settings.append([definition["form_id"], definition["version"], definition["title"]])
    book.save(path)


def _texts(definition, head):
    for item in walk(definition["items"]):
        yield bool(item.get(head))


def _rows(items, translated):
    for item in items:
        texts = {column: item.get(head, {}).get(code, "") for head, code, column in translated}
        if item["type"] == GROUP:
            yield {"type": "begin_group", "name": item["name"], "relevant": item.get("relevant") or "", **texts}
            yield from _rows(item["children"], translated)
            yield {"type": "end_group"}
            continue
        kind = f"{item['type']} {item['list']}" if item.get("list") else item["type"]
        yield {
            "type": kind,
            "name": item["name"],
            "required": "yes" if item["required"] else "",
            "relevant": item.get("relevant") or "",
            "constraint": item.get("constraint") or "",
            "element": item.get("element") or "",
            "alert": " ".join(item.get("alert") or ()),
            "recheck": str(item["recheck"]) if item.get("recheck") else "",
            **texts,
        }
