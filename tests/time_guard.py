"""A call that does not end fails its test instead of hanging the suite.

A group named '/' once made the site loader walk the whole filesystem as its group_vars: CI stopped at 96 %
until it was killed. SIGALRM interrupts Python code (the walk is Python), in the main thread of a worker. The
handler raises pytest's failure, a BaseException: load_site turns every Exception into a problem of the site,
and Hypothesis reports (and keeps) the example that failed this way.
"""

from __future__ import annotations

import contextlib
import signal

import pytest


@contextlib.contextmanager
def within(seconds: float):
    def expired(*_):
        pytest.fail(f"did not end within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
