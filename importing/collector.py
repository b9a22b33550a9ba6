"""Python's cyclic garbage collector paused while a file is imported."""

import contextlib
import gc


@contextlib.contextmanager
def collector_paused():
    """The cyclic collector off during the block, back on after (if it was on). An import makes
    hundreds of thousands of short-lived tuples but no reference cycles (a test checks that what it
    leaves to the collector does not grow with the file); the collector, set off by every 700 new
    objects, would walk the rows in hand again and again (about 7 % of a large import's time)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
