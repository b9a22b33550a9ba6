"""Import of the reference lists: units (with their hierarchy) and procedures."""

from flask_babel import gettext as _

from models import Procedure, Unit, UnitLevel, db

from .table import TOO_LONG, NotText, match_columns, normalize_header
from .values import clean_text, parse_flag

UNIT_SPEC = {
    "code": (True, "ma_don_vi", "unit_code"),
    "name": (True, "ten_don_vi", "unit_name"),
    "level": (True, "cap", "level"),
    "parent": (False, "ma_don_vi_cha", "parent_code"),
}
PROCEDURE_SPEC = {
    "code": (True, "ma_thu_tuc", "procedure_code"),
    "name": (True, "ten_thu_tuc", "procedure_name"),
    "field": (False, "linh_vuc", "field"),
    "immediate": (False, "tra_ket_qua_ngay", "immediate_result"),
}


def _keep_nothing(values):
    pass


def _reader(table, spec):
    cols = match_columns(table.header, spec)

    def get(values, field):
        index = cols.get(field)
        return values[index] if index is not None and index < len(values) else ""

    return get


def _clean_rows(table, spec, limits, report, missing, dropped):
    """Yield (line, values, get, texts) for rows that decode, fit `limits` and have a code and name;
    the (line, values) of the others go to `dropped`."""
    get = _reader(table, spec)
    for line, values in table.rows():
        if isinstance(values, NotText):
            report.reject(line, _("The row is not valid UTF-8 text."))
            dropped.append((line, values))
            continue
        if values is TOO_LONG:
            report.reject(line, _("A value of this row is longer than 1,048,576 characters, or a quote is left open."))
            continue
        try:
            texts = {field: clean_text(get(values, field), size) for field, size in limits.items()}
        except ValueError:
            long = next((f for f, size in limits.items() if len(" ".join(str(get(values, f)).split())) > size), None)
            report.reject(line, _("A value is longer than allowed."), get(values, long) if long else None)
            dropped.append((line, values))
            continue
        if not texts["code"] or not texts["name"]:
            report.reject(line, missing)
            dropped.append((line, values))
            continue
        yield line, values, get, texts


def _save_if_changed(obj, values, report):
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if obj.id is None:
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
        report.created += 1
    elif changed:
        for k, v in changed.items():
            setattr(obj, k, v)
        obj.save()
        report.updated += 1
    else:
        report.unchanged += 1


def _keep_in_order(dropped, keep):
    """The rejected rows' values to `keep`, in file order (a reference list is small: held whole)."""
    for _line, values in sorted(dropped, key=lambda item: item[0]):
        keep(values)


def import_units(table, report, progress=None, keep=_keep_nothing):
    levels = {}
    for level in UnitLevel.select():
        levels[normalize_header(level.code)] = level.id
        levels[normalize_header(level.name)] = level.id
    rows, originals, dropped = {}, {}, []
    for line, values, get, texts in _clean_rows(
        table,
        UNIT_SPEC,
        {"code": 64, "name": 300, "parent": 64},
        report,
        _("Unit code and name are required."),
        dropped,
    ):
        code, name, parent = texts["code"], texts["name"], texts["parent"]
        level_id = levels.get(normalize_header(get(values, "level")))
        if level_id is None:
            report.reject(
                line, _("Unknown unit level; expected so, xa, huyen, nganh_doc or tinh."), get(values, "level")
            )
            dropped.append((line, values))
            continue
        if code in rows:
            report.warn(line, _("Unit code repeated in the file; this later row is used."))
        rows[code] = (line, name, level_id, parent)
        originals[code] = values
    stored = {c for (c,) in Unit.select(Unit.code).tuples()}
    stored_parent = Unit.alias()
    parents = dict(
        Unit.select(Unit.code, stored_parent.code).join(stored_parent, on=(Unit.parent == stored_parent.id)).tuples()
    )
    parents.update({code: p for code, (_l, _n, _lv, p) in rows.items()})  # the file overrides the database
    for code, (line, _n, _lv, parent) in list(rows.items()):
        if parent == code or _cycles(code, parents):
            report.reject(line, _("The parent chain of this unit loops back to itself."), code)
            dropped.append((line, originals[code]))
            del rows[code]
    changed = True
    while changed:  # a unit whose parent was rejected is rejected too, never attached elsewhere
        changed = False
        for code, (line, _n, _lv, parent) in list(rows.items()):
            if parent and parent not in rows and parent not in stored:
                report.reject(line, _("Parent unit %(code)s does not exist.", code=parent), parent)
                dropped.append((line, originals[code]))
                del rows[code]
                changed = True
    with db.atomic():
        current = {u.code: u for u in Unit.select().where(Unit.code.in_(list(rows)))} if rows else {}
        ids = dict(Unit.select(Unit.code, Unit.id).tuples())
        codes = {v: k for k, v in ids.items()}
        # Parents before children, so that each unit is written once with its parent set.
        for code in sorted(rows, key=lambda c: _depth(c, parents)):
            line, name, level_id, parent = rows[code]
            unit = current.get(code)
            if unit is not None and (unit.name, unit.level_id, codes.get(unit.parent_id)) == (name, level_id, parent):
                report.unchanged += 1
                continue
            if unit is None:
                unit = Unit(code=code)
                report.created += 1
            else:
                report.updated += 1
            unit.name, unit.level, unit.parent = name, level_id, ids.get(parent) if parent else None
            unit.save()
            ids[code] = unit.id
            codes[unit.id] = code
    _keep_in_order(dropped, keep)
    if progress:
        progress(report, 1.0)
    return report


def _depth(code, parents):
    depth, current = 0, parents.get(code)
    while current in parents:
        depth += 1
        current = parents.get(current)
    return depth


def _cycles(code, parents):
    seen = {code}
    current = parents.get(code)
    while current:
        if current in seen:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def import_procedures(table, report, progress=None, keep=_keep_nothing):
    rows, dropped = {}, []
    for line, values, get, texts in _clean_rows(
        table,
        PROCEDURE_SPEC,
        {"code": 64, "name": 1000, "field": 300},
        report,
        _("Procedure code and name are required."),
        dropped,
    ):
        code, name, field = texts["code"], texts["name"], texts["field"]
        try:
            immediate = parse_flag(get(values, "immediate"))
        except ValueError:
            report.reject(
                line, _("Unreadable immediate-result flag; use 1/có/x or leave it empty."), get(values, "immediate")
            )
            dropped.append((line, values))
            continue
        if code in rows:
            report.warn(line, _("Procedure code repeated in the file; this later row is used."))
        rows[code] = {"name": name, "field": field, "immediate_result": immediate}
    with db.atomic():
        existing = {p.code: p for p in Procedure.select().where(Procedure.code.in_(list(rows)))} if rows else {}
        for code, values in rows.items():
            _save_if_changed(existing.get(code) or Procedure(code=code), values, report)
    _keep_in_order(dropped, keep)
    if progress:
        progress(report, 1.0)
    return report
