"""Response rates of self-administered links by channel (pure arithmetic, reused by the results).

A link counts in its channel's denominator once it has reached the citizen (sent: mailed, texted,
printed, at the kiosk), whatever became of it since: answered, declined (a refusal) or locked
(not answered in time, seed 000) all count; one still waiting counts too. A link closed because the
case was answered through another channel (an interview) is neither a response nor a non-response
of its channel and is left out; a link never sent is not in the citizen's hands and is left out."""

import dataclasses

from models import LinkChannels, LinkStatus

REACHED = (LinkStatus.SENT, LinkStatus.ANSWERED, LinkStatus.DECLINED, LinkStatus.LOCKED)


@dataclasses.dataclass(frozen=True)
class Rate:
    answered: int
    sent: int

    @property
    def rate(self):
        """answered ÷ sent, from 0 to 1; None when nothing was sent."""
        return response_rate(self.answered, self.sent)


def response_rate(answered, sent):
    """answered ÷ sent (0 to 1), or None when nothing was sent."""
    if answered < 0 or sent < 0 or answered > sent:
        raise ValueError("answered must be between 0 and sent")
    return answered / sent if sent else None


def by_channel(rows):
    """{channel: Rate} from rows (channel, status, was sent, count), every channel present (a
    channel without a link has Rate(0, 0)), with the total of all channels under None."""
    answered = dict.fromkeys(LinkChannels.ALL, 0)
    sent = dict.fromkeys(LinkChannels.ALL, 0)
    for channel, status, was_sent, count in rows:
        answered.setdefault(channel, 0)
        sent.setdefault(channel, 0)
        if not was_sent or status not in REACHED:
            continue
        sent[channel] += count
        if status == LinkStatus.ANSWERED:
            answered[channel] += count
    rates = {c: Rate(answered[c], sent[c]) for c in answered}
    rates[None] = Rate(sum(answered.values()), sum(sent.values()))
    return rates
