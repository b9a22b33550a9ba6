"""Writes an import's chunks in a thread of its own, one at a time, while the next chunk is prepared:
the database inserts (which release the GIL) overlap the Python work of parsing and encrypting."""

import contextvars
import threading

from models import db


class ChunkWriter:
    """`threaded=False` writes each chunk at once, in the calling thread."""

    def __init__(self, threaded=True):
        self.threaded = threaded
        self._thread = None
        self._error = None

    def submit(self, write):
        """Run `write()` in the writer thread, in a transaction of its own, once the previous one is done."""
        self.wait()
        if not self.threaded:
            with db.atomic():
                write()
            return
        context = contextvars.copy_context()  # the app context and the audit trail's actor come along
        self._thread = threading.Thread(target=context.run, args=(self._run, write), name="import-writer")
        self._thread.start()

    def _run(self, write):
        try:
            db.connect(reuse_if_open=True)
            with db.atomic():
                write()
        except BaseException as exc:  # raised again in the importing thread by wait()
            self._error = exc
        finally:
            if not db.is_closed():
                db.close()

    def wait(self):
        """Wait for the chunk being written; raise its error, if any."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error
