"""Bar charts of shares (0-1) drawn as inline SVG on the server (pure: no script, no font, no file
loaded from anywhere), each bar with its value and, when known, its 95% interval as a whisker."""

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 680
LABEL_WIDTH = 250
VALUE_WIDTH = 70
ROW = 24
BAR = 14
TOP = 18  # room for the scale's labels
TICKS = (0, 0.25, 0.5, 0.75, 1)
BAR_COLOUR = "#2f6f9f"
EMPTY_COLOUR = "#999"


@dataclass
class Bar:
    label: str
    share: float | None  # 0-1, None when nothing was answered
    value: str  # the share as the page writes it ("" when None)
    ci: list | None = None  # [low, high]


def bars(items, title, tick_labels=None, marks=()):
    """An SVG of horizontal bars, one per Bar; `tick_labels` names TICKS (0 %, 25 %, …); `marks` are
    shares drawn as dashed lines across the plot (e.g. grade thresholds)."""
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP + ROW * len(items) + 4
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" font-family="sans-serif" '
        'font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for i, tick in enumerate(TICKS):
        x = _x(tick, plot)
        out.append(f'<line x1="{x}" y1="{TOP - 4}" x2="{x}" y2="{height - 2}" stroke="#ddd"/>')
        if tick_labels:
            out.append(f'<text x="{x}" y="{TOP - 7}" text-anchor="middle" fill="#555">{escape(tick_labels[i])}</text>')
    for mark in marks:
        x = _x(mark, plot)
        out.append(f'<line x1="{x}" y1="{TOP - 4}" x2="{x}" y2="{height - 2}" stroke="#b55" stroke-dasharray="3 3"/>')
    for row, item in enumerate(items):
        y = TOP + ROW * row
        middle = y + ROW / 2
        out.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{middle + 4:.1f}" text-anchor="end">{escape(_short(item.label))}</text>'
        )
        if item.share is None:
            out.append(f'<text x="{LABEL_WIDTH + 4}" y="{middle + 4:.1f}" fill="{EMPTY_COLOUR}">–</text>')
            continue
        width = max(_x(item.share, plot) - LABEL_WIDTH, 0)
        out.append(
            f'<rect x="{LABEL_WIDTH}" y="{middle - BAR / 2:.1f}" width="{width:.1f}" height="{BAR}" '
            f'fill="{BAR_COLOUR}"/>'
        )
        if item.ci and None not in item.ci:
            low, high = _x(item.ci[0], plot), _x(item.ci[1], plot)
            out.append(
                f'<line x1="{low:.1f}" y1="{middle:.1f}" x2="{high:.1f}" y2="{middle:.1f}" stroke="#222"/>'
                f'<line x1="{low:.1f}" y1="{middle - 4:.1f}" x2="{low:.1f}" y2="{middle + 4:.1f}" stroke="#222"/>'
                f'<line x1="{high:.1f}" y1="{middle - 4:.1f}" x2="{high:.1f}" y2="{middle + 4:.1f}" stroke="#222"/>'
            )
        out.append(f'<text x="{LABEL_WIDTH + plot + 6}" y="{middle + 4:.1f}">{escape(item.value)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _x(share, plot):
    return round(LABEL_WIDTH + min(max(share, 0), 1) * plot, 1)


def _short(label, limit=42):
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"
