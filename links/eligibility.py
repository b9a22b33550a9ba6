"""Which of a period's cases get a self-administered survey link, and through which channel (pure
rules; the service reads the facts from the database)."""

from models import Channels, LinkChannels

# Why a returned dossier of the period gets no link (counted in the report)
ONLINE, POSTAL, NO_CONTACT, NO_EMAIL, NO_PHONE = "online", "postal", "no_contact", "no_email", "no_phone"


def channel_for(settings, wanted, submitted, has_email, has_phone):
    """(channel, None) of the link a case gets, or (None, reason) when the rules give it none.

    `wanted` is the channel asked for (None: e-mail when the applicant left one, else SMS); a QR slip
    or the kiosk needs no address, so `require_contact` does not apply to them."""
    if submitted == Channels.ONLINE and not settings["online"]:
        return None, ONLINE
    if submitted == Channels.POSTAL and not settings["postal"]:
        return None, POSTAL
    if wanted in (LinkChannels.QR, LinkChannels.KIOSK):
        return wanted, None
    if wanted == LinkChannels.EMAIL:
        return (LinkChannels.EMAIL, None) if has_email else (None, NO_EMAIL)
    if wanted == LinkChannels.SMS:
        return (LinkChannels.SMS, None) if has_phone else (None, NO_PHONE)
    if has_email:
        return LinkChannels.EMAIL, None
    if has_phone:
        return LinkChannels.SMS, None
    return (None, NO_CONTACT) if settings["require_contact"] else (LinkChannels.QR, None)
