"""A cases file read, parsed, fingerprinted and encrypted by a helper process, so that the importing
process only looks up, audits and writes the rows: the two halves of the work run on two cores.

The helper is forked (it inherits the parser, the cipher and the app context, and never touches the
importer's database connection). It pickles each batch of ready rows into a slot of an anonymous
shared memory ring (gone with the two processes: nothing reaches the disk) and sends the slot's
number through a pipe; the importer frees the slot once it has read it. The helper thus reads on
while the importer writes a chunk, at most SLOTS batches ahead, and neither waits on the other's
Python code (a batch sent through the pipe itself would need a thread here to receive it, which
would stall the importer's writes while it holds the interpreter)."""

import gc
import mmap
import multiprocessing
import os
import pickle
import signal
import traceback

from .table import TOO_LONG

BATCH = 2000  # ready rows per batch (about 2 MB pickled)
SLOTS = 32  # batches the helper may be ahead: more than a chunk of the importer (see importing.cases)
SLOT_BYTES = 8 << 20  # a batch larger than this (long texts) goes through the pipe itself


REJECT, WARN, KEEP = "reject", "warn", "keep"  # what a note of the helper is


class _Notes:
    """Rejections, warnings and the rejected rows' values found in the helper, sent with their batch and
    replayed in order."""

    def __init__(self):
        self.items = []

    def reject(self, line, reason, value=None):
        self.items.append((REJECT, line, str(reason), value))

    def warn(self, line, reason, value=None):
        self.items.append((WARN, line, str(reason), value))

    def keep(self, line, values):
        self.items.append((KEEP, line, None, values))

    def take(self):
        items, self.items = self.items, []
        return items


class HelperFailed(RuntimeError):
    """The helper process stopped with an error (its traceback is the message)."""


class _Ring:
    """SLOTS slots of shared memory, used in turn; a semaphore counts the free ones."""

    def __init__(self, fork):
        self.memory = mmap.mmap(-1, SLOTS * SLOT_BYTES)  # anonymous and shared with the forked helper
        self.free = fork.Semaphore(SLOTS)
        self.next = 0
        self.importer = os.getpid()

    def put(self, conn, message):
        """In the helper: the message into the next slot (or the pipe, if too large), its slot sent.
        Waiting for a free slot, the helper ends itself if the importer is gone."""
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) > SLOT_BYTES:
            conn.send(("pipe", data))
            return
        while not self.free.acquire(timeout=1):
            if os.getppid() != self.importer:
                os._exit(1)
        slot = self.next
        self.next = (slot + 1) % SLOTS
        start = slot * SLOT_BYTES
        self.memory[start : start + len(data)] = data
        conn.send((slot, len(data)))

    def get(self, conn):
        """In the importer: the next message (slots are read in the order they were filled)."""
        where, size = conn.recv()
        if where == "pipe":
            return pickle.loads(size)
        start = where * SLOT_BYTES
        try:
            return pickle.loads(self.memory[start : start + size])
        finally:
            self.free.release()

    def close(self):
        self.memory.close()


def _produce(conn, ring, table, parse, make, context):
    # The signal handlers of the process that forked us (an rq worker's warm shutdown, say) are not
    # ours: the importer stops the helper with SIGTERM, and that must simply end it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    gc.disable()  # a process of its own, gone with the import, making no reference cycles (see importing.collector)
    notes = _Notes()
    try:
        with context():
            batch = []
            for line, values in table.rows():
                row = parse(line, values, notes)
                if row is not None:
                    batch.append(make(line, row))
                elif values is not TOO_LONG:  # a row the reader could split is kept (see importing.rejected)
                    notes.keep(line, values)
                if len(batch) >= BATCH or len(notes.items) >= BATCH:
                    ring.put(conn, (batch, notes.take(), table.fraction_done()))
                    batch = []
            ring.put(conn, (batch, notes.take(), 1.0))
        ring.put(conn, None)
    except BaseException as exc:
        try:
            ring.put(conn, exc)
        except Exception:  # an exception that does not pickle: its traceback as text
            ring.put(conn, HelperFailed("".join(traceback.format_exception(exc))))
    finally:
        conn.close()


def ready_rows_in_helper(table, parse, make, report, on_fraction, context, keep):
    """Every `make(line, parse(line, values, notes))` of `table`'s rows that parse, in file order, made
    by a forked helper inside `with context():`; rejections and warnings go to `report`, the values of
    rejected rows to `keep`, the share of the file read to `on_fraction`. An error in the helper is
    raised here."""
    fork = multiprocessing.get_context("fork")
    receiving, sending = fork.Pipe(duplex=False)
    ring = _Ring(fork)
    process = fork.Process(
        target=_produce, args=(sending, ring, table, parse, make, context), name="import-reader", daemon=True
    )
    process.start()
    sending.close()
    try:
        while True:
            try:
                message = ring.get(receiving)
            except (EOFError, OSError):
                process.join(timeout=5)
                raise HelperFailed(f"The import's reader process stopped (exit code {process.exitcode})") from None
            if message is None:
                return
            if isinstance(message, BaseException):
                raise message
            batch, notes, fraction = message
            for note, line, reason, value in notes:
                if note == KEEP:
                    keep(value)
                else:
                    (report.reject if note == REJECT else report.warn)(line, reason, value)
            on_fraction(fraction)
            yield from batch
    finally:
        if process.is_alive():
            process.terminate()
        process.join(5)
        if process.is_alive():  # never wait for it for ever
            process.kill()
            process.join(5)
        receiving.close()
        ring.close()


def worth_a_helper(size, min_bytes):
    """A helper pays for itself on a file of `min_bytes` or more, where fork is available."""
    return size >= min_bytes and "fork" in multiprocessing.get_all_start_methods()
