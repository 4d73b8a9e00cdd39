"""ansible.builtin.template's lookup without its deep copy of every variable of the host.

ansible-core 2.19's lib/ansible/plugins/lookup/template.py copies the task's variables with ``deepcopy`` before each
render (its own FIXME asks for "a chainmap with a sacrificial bottom layer"). On a host of the site that copy is the
whole site model in hostvars: in a profiled no-op of the Linux tier, 45 lookups spent 14.7 s of the workers' CPU in
deepcopy. This lookup runs the builtin's code unchanged and only answers its ``deepcopy`` with a layer in front of
the variables: the values it adds (template_path, ansible_managed, template_vars) go into that layer, the host's
variables are read where they are.
"""

from __future__ import annotations

DOCUMENTATION = r"""
name: template
short_description: Render a template to a string, like ansible.builtin.template, without copying every variable
description:
  - Returns, for each template named, its text rendered with Jinja2; the same search path, variables
    (C(template_path), C(template_fullpath), C(ansible_managed) unless set) and options as
    P(ansible.builtin.template#lookup), whose code renders it.
  - The difference is cost. The builtin lookup deep-copies every variable of the host before each render (the
    whole site model, with hostvars); this one puts the variables it adds in a layer in front of the host's
    variables and copies nothing. Used by every sitekit role that renders a file's content for a module such
    as M(sitekit.core.files).
  - A template that changes a container it reads (C(.append()), C(.update())) changes ansible-core's lazy copy of
    it, as with the builtin lookup; the task's variables stay as they were.
version_added: "0.2.0"
author: sitekit maintainers (!UNKNOWN)
options:
  _terms:
    description: Template files, searched as ansible.builtin.template searches them (the role's C(templates/) first).
    required: true
    type: list
    elements: str
  template_vars:
    description: Variables available to the template only, in front of the host's.
    type: dict
    default: {}
  variable_start_string:
    description: The string marking the beginning of a print statement.
    type: str
    default: '{{'
  variable_end_string:
    description: The string marking the end of a print statement.
    type: str
    default: '}}'
  comment_start_string:
    description: The string marking the beginning of a comment.
    type: str
    default: '{#'
  comment_end_string:
    description: The string marking the end of a comment.
    type: str
    default: '#}'
  trim_blocks:
    description: Remove the first newline after a block tag (not after a variable tag).
    type: bool
    default: true
seealso:
  - plugin: ansible.builtin.template
    plugin_type: lookup
"""

EXAMPLES = r"""
- name: Squid's configuration
  sitekit.core.files:
    files:
      - path: /etc/squid/squid.conf
        content: "{{ lookup('sitekit.core.template', 'squid.conf.j2') }}"
"""

RETURN = r"""
_raw:
  description: Each template's rendered text.
  type: list
  elements: str
"""

from collections import ChainMap  # noqa: E402

from ansible.plugins.lookup.template import LookupModule as BuiltinTemplateLookup  # noqa: E402


class _SharedVariables(ChainMap):
    """The task's variables as the builtin lookup sees them: its ``deepcopy`` gets an empty layer in front."""

    def __deepcopy__(self, memo):
        return ChainMap({}, *self.maps)


class LookupModule(BuiltinTemplateLookup):
    def run(self, terms, variables=None, **kwargs):
        return super().run(terms, _SharedVariables(variables if variables is not None else {}), **kwargs)
