"""Sending a table as a CSV or XLSX download, the export itself recorded in the audit trail."""

from flask import Response, stream_with_context

from exports import CSV, MIMETYPES, csv_chunks, file_chunks, xlsx_file
from models import audit, db, now


def send_table(stem, headers, rows, fmt, what, detail):
    """Answer with the table `headers` + `rows` (an iterable read once) as `fmt`, named
    `<stem>_<date-time>.<fmt>`; `what` (a table name) and `detail` (filters, format: never personal
    data) go into the audit trail's "export" record: who, what, when."""
    audit.record_event("export", what, None, {"format": fmt, **detail})
    filename = f"{stem}_{now():%Y-%m-%d_%H-%M}.{fmt}"
    if fmt == CSV:
        body = stream_with_context(_connected(csv_chunks(headers, rows)))
    else:
        body = file_chunks(xlsx_file(headers, rows, title=stem))
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


def export_detail(**filters):
    """The filters of an export as the audit trail keeps them (empty ones left out)."""
    return {"filters": {k: str(v) for k, v in filters.items() if v not in (None, "")}}


def _connected(chunks):
    """Stream with a database connection of its own: the request's is closed once the view returns
    (Flask tears the app context down before a streamed body is read)."""
    db.connect(reuse_if_open=True)
    try:
        yield from chunks
    finally:
        db.close()
