"""The texts of invitations and reminders, made at sending time: the unit and the procedure, the link,
the date it locks, that answers are confidential and taking part voluntary; nothing else personal."""

import dataclasses

from flask_babel import gettext as _
from markupsafe import Markup

import formatting
from models import MessagePurpose

SMS_LIMIT = 134  # characters: two concatenated SMS segments of UCS-2 (67 each; Vietnamese needs UCS-2)


@dataclasses.dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def _opening(purpose, unit, procedure):
    if purpose == MessagePurpose.REMINDER:
        return _(
            "This is a reminder: we have not yet received your answers to the survey of satisfaction with "
            "the public service you received from %(unit)s for the procedure “%(procedure)s”.",
            unit=unit,
            procedure=procedure,
        )
    return _(
        "%(unit)s invites you to take part in the survey of satisfaction with the public service you "
        "received for the procedure “%(procedure)s”.",
        unit=unit,
        procedure=procedure,
    )


def email(purpose, unit, procedure, url, locks_at):
    """The e-mail of an invitation or a reminder, in plain text and HTML."""
    if purpose == MessagePurpose.REMINDER:
        subject = _("Reminder: survey of satisfaction with the public service of %(unit)s", unit=unit)
    else:
        subject = _("Survey of satisfaction with the public service of %(unit)s", unit=unit)
    paragraphs = [
        _("Dear Sir or Madam,"),
        _opening(purpose, unit, procedure),
        _("Please answer before %(date)s by opening this link:", date=formatting.date(locks_at)),
    ]
    closing = [
        _(
            "Taking part is voluntary. Your answers are confidential: they are used only for statistics and "
            "have no effect on your dossier."
        ),
        _("This link is for you alone: please do not forward it. If you did not expect this message, ignore it."),
        _("Thank you for your time."),
        unit,
    ]
    text = "\n\n".join([*paragraphs, url, *closing]) + "\n"
    html = Markup(
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{subject}</title></head>'
        '<body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#222">{paragraphs}'
        '<p><a href="{url}" style="display:inline-block;padding:10px 18px;background:#1f5fa8;color:#fff;'
        'text-decoration:none;border-radius:4px">{button}</a></p><p style="font-size:13px">{url}</p>'
        "{closing}</body></html>"
    ).format(
        subject=subject,
        paragraphs=Markup("").join(Markup("<p>{}</p>").format(p) for p in paragraphs),
        url=url,
        button=_("Open the survey"),
        closing=Markup("").join(Markup("<p>{}</p>").format(p) for p in closing),
    )
    return Email(subject, text, str(html))


def sms(purpose, unit, url, locks_at):
    """The SMS of an invitation or a reminder: at most SMS_LIMIT characters, the unit's name shortened
    if need be (the link and the date never are)."""
    date = formatting.date(locks_at)[:5]  # dd/mm: the lock is days away, the year goes without saying
    for room in range(len(unit), -1, -1):
        name = unit[:room].rstrip() + ("…" if room < len(unit) else "")
        if purpose == MessagePurpose.REMINDER:
            text = _(
                "Reminder: %(unit)s asks you to rate its service (voluntary, confidential) by %(date)s: %(url)s",
                unit=name,
                date=date,
                url=url,
            )
        else:
            text = _(
                "%(unit)s asks you to rate its service (voluntary, confidential) by %(date)s: %(url)s",
                unit=name,
                date=date,
                url=url,
            )
        if len(text) <= SMS_LIMIT:
            return text
    return text
