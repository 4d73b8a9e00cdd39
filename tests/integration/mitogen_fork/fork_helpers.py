"""Functions the test runs in mitogen contexts (served to them by the master, so a module of its own)."""

from __future__ import annotations

import sys

import mitogen.core
import mitogen.parent


@mitogen.core.takes_econtext
def make_fork_parent(econtext):
    """What ansible_mitogen.target.init_child does: a fork parent beside the context."""
    mitogen.parent.upgrade_router(econtext)
    return econtext.router.fork()


@mitogen.core.takes_econtext
def fork_while_importing(name, econtext):
    """Ask the master for `name` the way ModuleForwarder._on_get_module does for a child's import,
    then fork a task child (target.spawn_isolated_child) before the answer arrives."""
    mitogen.parent.upgrade_router(econtext)
    if name:
        econtext.importer._request_module(name, lambda: None)
    return econtext.router.fork()


def import_value(name):
    __import__(name)
    return sys.modules[name].VALUE
