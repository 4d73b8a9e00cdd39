"""ansible-core set up once for the static checks: the project's ansible.cfg, CLI arguments of a
plain run (no check mode), the plugin loaders with the installed collections."""

from __future__ import annotations

import contextlib
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


# What Jinja's generated code depends on, besides the source: the environment's syntax and options.
_ENV_OPTIONS = ("block_start_string", "variable_start_string", "comment_start_string", "line_statement_prefix",
                "line_comment_prefix", "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline",
                "optimized", "autoescape", "finalize", "is_async")


@contextlib.contextmanager
def compiled_once():
    """Within the block, Jinja compiles each template source once per environment configuration.

    ansible-core parses and compiles a template string again for every host and task that renders it
    (about 5,700 compilations of 220 sources for the rcr Windows tier: half the rendering time). The code
    object depends only on the source and the environment's options, so it is reused and bound to the
    calling environment as Jinja's own bytecode cache does (jinja2.bccache); the rendered values are the
    same (checked: identical TaskCalls for the rcr tier with and without)."""
    from ansible._internal._templating._jinja_bits import AnsibleEnvironment, _TemplateCompileContext
    original = AnsibleEnvironment.compile
    cache: dict[tuple, object] = {}

    def compile_(self, source, name=None, filename=None, raw=False, defer_init=False):
        if not isinstance(source, str):
            return original(self, source, name, filename, raw, defer_init)
        context = _TemplateCompileContext.current(optional=True)
        key = (str(source), name, filename, raw, defer_init, bool(context and context.escape_backslashes), type(self),
               tuple(self.extensions), *(getattr(self, option) for option in _ENV_OPTIONS))
        if key not in cache:
            cache[key] = original(self, source, name, filename, raw, defer_init)
        return cache[key]

    AnsibleEnvironment.compile = compile_
    try:
        yield
    finally:
        AnsibleEnvironment.compile = original
