"""Charts drawn on the server as SVG: a sparkline, horizontal bars (stacked), a heat map and lines.
No script, no style element and no external reference: the only address in the markup is the SVG
namespace; colours are attributes, so a strict Content-Security-Policy allows them inline."""

from markupsafe import Markup, escape

NS = "http://www.w3.org/2000/svg"
SERIES = ("#1f6fb2", "#e67e22", "#198754", "#c0392b", "#6f42c1", "#20c997", "#795548", "#6c757d")
DONE, LEFT, NEW, SEEN = "#198754", "#dee2e6", "#c0392b", "#adb5bd"
AXIS, GRID, INK = "#6c757d", "#e9ecef", "#212529"
HEAT = ((245, 183, 177), (252, 234, 167), (169, 223, 191))  # light red, yellow, green
ROW, LABEL, VALUE = 20, 170, 70  # bar chart: row height, label column, value column (px)


def _plain(value):
    return "–" if value is None else str(value)


def _svg(width, height, label, body, fixed=False):
    size = f'width="{width}" height="{height}"' if fixed else 'width="100%"'
    return Markup(
        f'<svg xmlns="{NS}" viewBox="0 0 {width} {height}" {size} role="img" aria-label="{escape(label)}"'
        f' font-family="system-ui, sans-serif" font-size="11"><title>{escape(label)}</title>{body}</svg>'
    )


def _short(text, length=28):
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def _text(x, y, text, anchor="start", fill=INK, size=None):
    extra = f' font-size="{size}"' if size else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}"{extra}>{escape(text)}</text>'


def sparkline(values, label, low=0.0, high=1.0, width=96, height=24):
    """A small line of values (None leaves a gap) scaled to [low, high], the last point marked."""
    pad = 3
    count = len(values)
    step = (width - 2 * pad) / max(count - 1, 1)

    def point(i, v):
        v = min(max(v, low), high)
        return pad + i * step, height - pad - (v - low) / ((high - low) or 1) * (height - 2 * pad)

    body, run = [f'<line x1="0" y1="{height - 1}" x2="{width}" y2="{height - 1}" stroke="{GRID}"/>'], []
    for i, v in enumerate([*values, None]):
        if v is None:
            if len(run) == 1:
                body.append(f'<circle cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}" r="1.5" fill="{SERIES[0]}"/>')
            elif run:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                body.append(f'<polyline points="{points}" fill="none" stroke="{SERIES[0]}" stroke-width="1.5"/>')
            run = []
        else:
            run.append(point(i, v))
    last = next(((i, v) for i, v in reversed(list(enumerate(values))) if v is not None), None)
    if last:
        x, y = point(*last)
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{SERIES[0]}"/>')
    return _svg(width, height, label, "".join(body), fixed=True)


def bars(rows, label, maximum=None, width=560):
    """Horizontal bars, one row per (label, [(value, colour, title)], text): the segments stacked from
    the left on a common scale (`maximum`, else the largest total)."""
    totals = [sum(v or 0 for v, _c, _t in segments) for _l, segments, _x in rows]
    top = maximum or max(totals, default=0) or 1
    span = width - LABEL - VALUE
    body = []
    for i, (name, segments, text) in enumerate(rows):
        y = i * ROW
        body.append(f"<g><title>{escape(name)}</title>{_text(LABEL - 6, y + 14, _short(name), 'end')}")
        x = LABEL
        for value, colour, title in segments:
            length = span * min(value or 0, top) / top
            if length > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{length:.1f}" height="{ROW - 6}" fill="{colour}">'
                    f"<title>{escape(title)}</title></rect>"
                )
            x += length
        body.append(_text(width - VALUE + 6, y + 14, text) + "</g>")
    return _svg(width, max(len(rows), 1) * ROW, label, "".join(body))


def _heat(value):
    """A light colour from red (0) through yellow (0.5) to green (1), dark text stays legible."""
    v = min(max(value, 0.0), 1.0)
    start, end = (HEAT[0], HEAT[1]) if v < 0.5 else (HEAT[1], HEAT[2])
    t = v * 2 if v < 0.5 else (v - 0.5) * 2
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(start, end, strict=True))


def heatmap(row_labels, column_labels, values, label, fmt=_plain, width=560):
    """A grid: rows by columns, each cell coloured by its value in [0, 1] and written with `fmt`; None
    is left blank."""
    head, cell = 36, ROW + 2
    columns = max(len(column_labels), 1)
    span = (width - LABEL) / columns
    body = [_text(LABEL + (j + 0.5) * span, 14, _short(c, 14), "middle", AXIS) for j, c in enumerate(column_labels)]
    for i, name in enumerate(row_labels):
        y = head + i * cell
        body.append(f"<g><title>{escape(name)}</title>{_text(LABEL - 6, y + 15, _short(name), 'end')}</g>")
        for j, value in enumerate(values[i]):
            x = LABEL + j * span
            if value is None:
                body.append(f'<rect x="{x + 1:.1f}" y="{y}" width="{span - 2:.1f}" height="{cell - 2}" fill="{GRID}"/>')
                continue
            body.append(
                f'<rect x="{x + 1:.1f}" y="{y}" width="{span - 2:.1f}" height="{cell - 2}" fill="{_heat(value)}">'
                f"<title>{escape(name)} · {escape(column_labels[j])}: {escape(fmt(value))}</title></rect>"
                + _text(x + span / 2, y + 15, fmt(value), "middle")
            )
    return _svg(width, head + max(len(row_labels), 1) * cell, label, "".join(body))


def lines(x_labels, series, label, low=0.0, high=1.0, fmt=_plain, width=560, height=220):
    """Lines over x_labels, one per (name, values) (None leaves a gap), on [low, high] with five grid
    lines, and a legend below."""
    left, right, top, bottom = 48, 12, 10, 24
    legend = 16 * ((len(series) + 2) // 3)
    plot_h = height - top - bottom
    step = (width - left - right) / max(len(x_labels) - 1, 1)

    def y_of(v):
        return top + plot_h - (min(max(v, low), high) - low) / ((high - low) or 1) * plot_h

    body = []
    for k in range(5):
        v = low + (high - low) * k / 4
        y = y_of(v)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 4, y + 4, fmt(v), "end", AXIS))
    every = max(1, (len(x_labels) + 7) // 8)
    for i, x_label in enumerate(x_labels):
        if i % every == 0 or i == len(x_labels) - 1:
            body.append(_text(left + i * step, height - bottom + 14, x_label, "middle", AXIS))
    for n, (name, values) in enumerate(series):
        colour = SERIES[n % len(SERIES)]
        points = [(left + i * step, y_of(v), v) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in points)
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y, v in points:
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(name)}: {escape(fmt(v))}</title></circle>"
            )
        lx, ly = 10 + (n % 3) * (width // 3), height + 12 + 16 * (n // 3)
        body.append(f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" fill="{colour}"/>')
        body.append(_text(lx + 14, ly, _short(name, 32)))
    return _svg(width, height + legend + 4, label, "".join(body))
