"""E-mail through SMTP (alerts now, survey invitations next): one message, plain text and HTML."""

import email.message
import email.policy
import email.utils
import smtplib

TIMEOUT = 20  # seconds for the SMTP server to answer
# Headers are not folded at 78 characters: Python's folding splits a Vietnamese subject into encoded
# words with the spaces between them outside, and mail readers drop those ("Sở Tư pháp" read as
# "SởTưpháp"). Bodies go as quoted-printable, whatever the server's 8BITMIME.
POLICY = email.policy.default.clone(max_line_length=998)


class MailUnavailable(Exception):
    """The SMTP server could not be reached or refused the message."""


def configured(config):
    return bool(config.get("MAIL_SERVER"))


def send(config, to, subject, text, html=None):
    """Send one message with the app's SMTP settings (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS,
    MAIL_USERNAME, MAIL_PASSWORD, MAIL_FROM); MailUnavailable when it cannot."""
    message = email.message.EmailMessage(policy=POLICY)
    message["From"] = config.get("MAIL_FROM") or "sipas@localhost"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = email.utils.make_msgid(domain="sipas")
    message.set_content(text, cte="quoted-printable")
    if html:
        message.add_alternative(html, subtype="html", cte="quoted-printable")
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=TIMEOUT) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailUnavailable(str(exc)) from exc
