"""QR codes (segno) of the addresses a citizen opens: inline SVG for printed pages, SVG and PNG files."""

import io

import segno

ERROR = "m"  # 15 % of the code may be smudged or folded and it still reads


def _code(url):
    return segno.make(url, error=ERROR, micro=False)


def svg_inline(url):
    """An <svg> element that scales to its box (a viewBox, no fixed size): for a page's markup."""
    return _code(url).svg_inline(scale=1, border=2, omitsize=True)


def svg_file(url, scale=10):
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="svg", scale=scale, border=4)
    return buffer.getvalue()


def png_file(url, scale=12):
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
