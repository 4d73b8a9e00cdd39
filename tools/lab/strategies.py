"""The strategy and the connections of each play of a playbook in a lab run, as ansible-playbook resolves them.

    python tools/lab/strategies.py [PLAYBOOK] [INVENTORY]   → JSON lines {play, hosts, strategy, connections}

The environment is a lab run's (tools/lab/transport.py strategy_env, so SITEKIT_LAB_STRATEGY applies):
ansible-core reads ANSIBLE_STRATEGY once, when it is imported, so each environment needs its own
process. A play's connections are its ``connection`` keyword, else each host's ``ansible_connection``
(the inventory's variables, group_vars included), else ``ssh``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def plays(playbook: Path, inventory: Path) -> list[dict]:
    os.environ.setdefault("ANSIBLE_CONFIG", str(REPO / "ansible.cfg"))
    from ansible.inventory.manager import InventoryManager
    from ansible.parsing.dataloader import DataLoader
    from ansible.playbook import Playbook
    from ansible.plugins.loader import init_plugin_loader
    from ansible.template import Templar
    from ansible.vars.manager import VariableManager

    init_plugin_loader([str(REPO / "collections")])
    loader = DataLoader()
    inventory_manager = InventoryManager(loader=loader, sources=[str(inventory)])
    variables = VariableManager(loader=loader, inventory=inventory_manager)
    groups = inventory_manager.get_groups_dict()
    out = []
    for play in Playbook.load(str(playbook), variable_manager=variables, loader=loader).get_plays():
        pattern = Templar(loader=loader, variables={"groups": groups}).template(play.hosts)
        hosts = inventory_manager.get_hosts(pattern)
        connections = {play.connection or variables.get_vars(host=h, include_hostvars=False).get("ansible_connection", "ssh")
                       for h in hosts}
        out.append({"play": play.get_name(), "hosts": sorted(h.name for h in hosts),
                    "strategy": play.strategy, "connections": sorted(connections)})
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import transport

    os.environ.update(transport.strategy_env())
    book = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "playbooks" / "site.yml"
    inv = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "inventories" / "lab"
    for row in plays(book.resolve(), inv.resolve()):
        print(json.dumps(row))
