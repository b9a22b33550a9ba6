"""Sending an SMS (or Zalo message) through a pluggable sender: an HTTP gateway that takes
{to, text, reference} as JSON with a bearer token and answers {"id"}; no gateway, no sender (the
outbox is then exported as a file for a bulk-SMS service)."""

import json
import urllib.error
import urllib.request

TIMEOUT = 15  # seconds for the gateway to answer


class SmsUnavailable(Exception):
    """The gateway could not be reached or refused the message (its text says why)."""


class Sender:
    """What the outbox needs of an SMS channel: send one text, return the gateway's id of it."""

    def send(self, to, text, reference):
        raise NotImplementedError


class HttpGateway(Sender):
    """POST {to, text, reference} as JSON to `url` with `Authorization: Bearer <token>`; a 2xx answer
    is sent (its JSON "id", if any, returned), anything else SmsUnavailable."""

    def __init__(self, url, token=None, timeout=TIMEOUT):
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, to, text, reference):
        body = json.dumps({"to": to, "text": text, "reference": reference}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            raise SmsUnavailable(f"HTTP {exc.code}: {exc.read(500).decode(errors='replace')}") from exc
        except (OSError, ValueError) as exc:
            raise SmsUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return _reference(answer)


def _reference(answer):
    """The gateway's id of the message from its JSON answer, or None."""
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        return None
    ident = data.get("id") if isinstance(data, dict) else None
    return None if ident is None else str(ident)[:200]


def sender(config):
    """The configured SMS sender, or None (no SMS_GATEWAY_URL: the outbox is exported instead)."""
    if not config.get("SMS_GATEWAY_URL"):
        return None
    return HttpGateway(config["SMS_GATEWAY_URL"], config.get("SMS_GATEWAY_TOKEN"))
