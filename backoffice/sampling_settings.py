"""A period's sampling settings as labelled, validated fields (the command line keeps JSON): the
rules of exclusion, the minimum, the repeat window, the split by mode per unit level, the expected
response rates and the reserve."""

import json

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional

from models import Modes, UnitLevel
from sampling.messages import RULE_LABELS
from sampling.settings import DEFAULTS, RULES, merged

DEFAULT_LEVEL = "default"


def _percent(share):
    return round(100 * share, 2)


def settings_form(period, formdata=None):
    """The form of a period's settings, filled from its merged settings (or from the posted data)."""
    levels = list(UnitLevel.select().order_by(UnitLevel.sort_order, UnitLevel.code))

    class SettingsForm(FlaskForm):
        repeat_days = IntegerField(
            _l("Do not sample again a phone sampled in the last … days"),
            validators=[InputRequired(), NumberRange(min=0, max=3650)],
        )
        minimum = IntegerField(
            _l("Minimum interviews per unit (never more than it has)"),
            validators=[InputRequired(), NumberRange(min=0, max=100_000)],
        )
        rate_phone = DecimalField(
            _l("Expected response rate by phone (%)"),
            places=2,
            validators=[InputRequired(), NumberRange(min=1, max=100)],
        )
        rate_f2f = DecimalField(
            _l("Expected response rate face to face (%)"),
            places=2,
            validators=[InputRequired(), NumberRange(min=1, max=100)],
        )
        reserve = DecimalField(
            _l("Reserve drawn beyond the issued sample, as a percentage of it"),
            places=2,
            validators=[InputRequired(), NumberRange(min=0, max=1000)],
        )

    for rule in RULES:
        setattr(SettingsForm, f"rule_{rule}", BooleanField(RULE_LABELS[rule]))
    SettingsForm.phone_default = DecimalField(
        _l("Share by phone, other levels (%)"), places=2, validators=[InputRequired(), NumberRange(min=0, max=100)]
    )
    for level in levels:
        setattr(
            SettingsForm,
            f"phone_{level.id}",
            DecimalField(
                _l("Share by phone, %(level)s (%%; empty: as other levels)", level=level.name),
                places=2,
                validators=[Optional(), NumberRange(min=0, max=100)],
            ),
        )

    current = merged(period.settings)
    data = {
        "repeat_days": current["repeat_days"],
        "minimum": current["minimum"],
        "rate_phone": _percent(current["response_rate"][Modes.PHONE]),
        "rate_f2f": _percent(current["response_rate"][Modes.F2F]),
        "reserve": _percent(current["reserve_ratio"]),
        "phone_default": _percent(_phone_share(current["modes"][DEFAULT_LEVEL])),
        **{f"rule_{r}": current["rules"][r] for r in RULES},
        **{
            f"phone_{lv.id}": _percent(_phone_share(current["modes"][lv.code]))
            for lv in levels
            if lv.code in current["modes"]
        },
    }
    form = SettingsForm(formdata=formdata, data=data) if formdata is not None else SettingsForm(data=data)
    form.levels = levels
    form.rule_fields = [getattr(form, f"rule_{r}") for r in RULES]
    form.level_fields = [form.phone_default] + [getattr(form, f"phone_{lv.id}") for lv in levels]
    return form


def _phone_share(shares):
    total = sum(shares.values())
    return shares.get(Modes.PHONE, 0) / total if total else 0


def settings_json(form, stored=None):
    """The settings a valid form describes, as stored on the period (checked by sampling.settings);
    what else the period's stored settings hold (the self-administered survey rules) is kept."""

    def split(phone_percent):
        phone = float(phone_percent) / 100
        return {Modes.PHONE: phone, Modes.F2F: round(1 - phone, 6)}

    modes = {DEFAULT_LEVEL: split(form.phone_default.data)}
    for level in form.levels:
        value = getattr(form, f"phone_{level.id}").data
        if value is not None:
            modes[level.code] = split(value)
    settings = {
        **{k: v for k, v in (json.loads(stored) if stored else {}).items() if k not in DEFAULTS},
        "rules": {r: bool(getattr(form, f"rule_{r}").data) for r in RULES},
        "repeat_days": form.repeat_days.data,
        "minimum": form.minimum.data,
        "modes": modes,
        "response_rate": {Modes.PHONE: float(form.rate_phone.data) / 100, Modes.F2F: float(form.rate_f2f.data) / 100},
        "reserve_ratio": float(form.reserve.data) / 100,
    }
    text = json.dumps(settings, ensure_ascii=False, sort_keys=True)
    merged(text)  # the domain's own checks: a SettingsError if anything is off
    return text
