"""The API play of playbooks/proxmox.yml builds the site model once per run, not once per pve_* task.

Ansible templates the play's module_defaults for every task, and Jinja resolves every name a template
mentions before it renders it; resolving the play var ``proxmox_api`` builds the site model (about
0.1-0.2 s a task). Once the pre_task has set ``proxmox_api_connection``, the template must not touch
``proxmox_api``; without the fact (a run started past it, --start-at-task) it still falls back to it.
"""

from __future__ import annotations

import shlex

import pytest
import yaml
from ansible.plugins.loader import init_plugin_loader
from ansible.template import Templar, trust_as_template
from sitekit_paths import REPO

GROUP = "group/sitekit.core.proxmox"


def connection_template(playbook: str) -> str:
    plays = yaml.safe_load((REPO / "playbooks" / playbook).read_text())
    return next(p["module_defaults"][GROUP] for p in plays if p.get("hosts") == "localhost" and GROUP in p.get("module_defaults", {}))


@pytest.fixture
def render(tmp_path):
    init_plugin_loader()
    marker = tmp_path / "evaluated"

    def _render(template: str, **facts) -> tuple[dict, bool]:
        # proxmox_api as the play declares it, lazily: evaluating it leaves a mark (the pipe lookup)
        command = repr(f"touch {shlex.quote(str(marker))}; echo from-model")
        api = "{{ {'api_host': lookup('ansible.builtin.pipe', " + command + ")} }}"
        variables = {"proxmox_api": trust_as_template(api), "proxmox_api_secret": "placeholder", **facts}
        out = Templar(variables=variables).template(trust_as_template(template))
        return out, marker.exists()

    return _render


def test_the_fact_set_once_is_used_and_the_model_is_not_built_again(render):
    out, evaluated = render(connection_template("proxmox.yml"), proxmox_api_connection={"api_host": "from-fact"})
    assert out == {"api_host": "from-fact", "api_token_secret": "placeholder"}
    assert not evaluated, "module_defaults resolved proxmox_api (the site model) although the fact is set"


def test_without_the_fact_the_connection_comes_from_the_model(render):
    out, evaluated = render(connection_template("proxmox.yml"))
    assert out == {"api_host": "from-model", "api_token_secret": "placeholder"} and evaluated
