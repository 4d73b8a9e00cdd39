"""The step gate of the tag grammar (README.md, section Tags): what every step of a role needs runs for any of its steps.

``tags: ["{{ ansible_run_tags | sitekit.core.step_gate('cisco_ios') }}"]`` on the tasks a role's steps all
need (facts from the site model, detection) and on a dynamic role include: ``['always']`` when ``--tags``
names a step ``role::<role>:<step>`` of that role, else ``[]``. Such tasks carry no step tag, so
``--skip-tags role::<role>:<step>`` leaves them in, and another role's tags leave them out.
"""

from __future__ import annotations


def step_gate(run_tags, role: str) -> list[str]:
    """``['always']`` when one of ``run_tags`` (the run's ``--tags``) is a step of ``role``, else ``[]``."""
    prefix = f"role::{role}:"
    return ["always"] if any(str(tag).startswith(prefix) for tag in run_tags or []) else []


class FilterModule:
    def filters(self):
        return {"step_gate": step_gate}
