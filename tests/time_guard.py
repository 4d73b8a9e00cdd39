"""A call that does not end fails its test instead of hanging the suite.

A group named '/' once made the site loader walk the whole filesystem as its group_vars: CI stopped at 96 %
until it was killed. SIGALRM interrupts Python code (the walk is Python), in the main thread of a worker.
"""

from __future__ import annotations

import contextlib
import signal


class Hung(BaseException):
    """Not an Exception: load_site turns every Exception into a problem of the site."""


@contextlib.contextmanager
def within(seconds: float):
    def expired(*_):
        raise Hung(f"did not end within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
