"""ansible-core set up once for the static checks: the project's ansible.cfg, CLI arguments of a
plain run (no check mode), the plugin loaders with the installed collections."""

from __future__ import annotations

import functools
import os

from sitekit_paths import REPO


@functools.cache
def loaders():
    """(module_loader, action_loader, fragment_loader), initialised once per process."""
    os.environ.setdefault("ANSIBLE_CONFIG", str(REPO / "ansible.cfg"))
    os.environ.setdefault("ANSIBLE_DEPRECATION_WARNINGS", "False")
    from ansible import context
    from ansible.module_utils.common.collections import ImmutableDict
    from ansible.plugins.loader import action_loader, fragment_loader, init_plugin_loader, module_loader
    if not context.CLIARGS:
        context.CLIARGS = ImmutableDict(check=False, diff=False, syntax=False, start_at_task=None, verbosity=0,
                                        tags=("all",), skip_tags=())
    init_plugin_loader()
    return module_loader, action_loader, fragment_loader
