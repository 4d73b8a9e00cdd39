"""The ios_remediate module's run: open the session, push (or only read), turn the outcome into its result.

The module keeps its documentation and argument spec; this is what it does with them.
"""

from __future__ import annotations

import os

from ansible.module_utils.basic import missing_required_lib
from ansible_collections.sitekit.core.plugins.module_utils import ios_push, ios_remediation, ios_ssh


def _day0_hint(bootstrap: str | None) -> str:
    return (f"a device that was never set up answers no SSH: type its day-0 bootstrap ({bootstrap}) on its console "
            "first" if bootstrap else "")


def run(module) -> None:
    """exit_json or fail_json, with the result the module's RETURN documents."""
    if not ios_ssh.HAS_NETMIKO:
        module.fail_json(msg=missing_required_lib("netmiko"))
    if not ios_remediation.HAS_HIER_CONFIG:
        module.fail_json(msg=missing_required_lib("hier_config"))
    p = module.params
    name = p["name"] or p["host"]
    if not 1 <= p["rollback_minutes"] <= 120:
        module.fail_json(msg=f"{name}: rollback_minutes must be 1-120 (IOS revert timer)")
    intended = p["intended_config"]
    if p["src"]:
        if not os.path.isfile(p["src"]):
            module.fail_json(msg=f"{name}: intended configuration {p['src']} does not exist")
        with open(p["src"], encoding="utf-8") as fh:
            intended = fh.read()
    policy = ios_remediation.Policy(p["include"], p["exclude"], p["management"])
    result = {"changed": False, "commands": [], "applied": [], "management": [], "deferred": [], "saved": False,
              "rollback": None}
    try:
        with ios_ssh.Session(name, p["host"], p["port"], p["username"], p["password"], p["enable_secret"],
                             p["host_key_checking"], p["known_hosts"], p["timeout"], p["private_key"], p["allow_agent"],
                             hint=_day0_hint(p["bootstrap"])) as session:
            if intended is None:
                running = session.running_config()
                if p["return_running"]:
                    result["running_config"] = running
                module.exit_json(**result)
            pushed = ios_push.push(session, intended, policy, check=module.check_mode, save=p["save"],
                                   allow_management=p["allow_management_change"],
                                   session_address=p["session_address"] or p["host"],
                                   rollback_minutes=p["rollback_minutes"])
    except ios_ssh.DeviceError as exc:
        result.update(applied=[ios_ssh.mask(c) for c in exc.applied], failed_line=exc.line,
                      commands=[ios_ssh.mask(c) for c in exc.commands])
        module.fail_json(msg=str(exc), **result)
    except ValueError as exc:  # an intended configuration the scope would cut
        module.fail_json(msg=f"{name}: {exc}", **result)
    except Exception as exc:  # noqa: BLE001 - anything else still names the device
        module.fail_json(msg=f"{name}: {type(exc).__name__}: {exc}", **result)
    result.update(changed=pushed["changed"], commands=[ios_ssh.mask(c) for c in pushed["commands"]],
                  applied=[ios_ssh.mask(c) for c in pushed["applied"]], management=pushed["management"],
                  deferred=pushed["deferred"], saved=pushed["saved"], rollback=pushed["rollback"])
    if p["return_running"]:
        result["running_config"] = pushed["running"]
    if module._diff:
        result["diff"] = {"before": ios_ssh.mask(pushed["before"]), "after": ios_ssh.mask(pushed["after"]),
                          "before_header": f"{name} running", "after_header": f"{name} intended"}
    if pushed.get("refused"):
        module.warn(f"{name}: the push would change the management path ({pushed['management'][:6]}); it is refused "
                    "unless allow_management_change")
    if pushed["deferred"]:
        module.warn(f"{name}: kept for a push through the new management address: {pushed['deferred']}")
    module.exit_json(**result)
