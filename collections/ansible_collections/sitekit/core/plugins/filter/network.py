"""Filters of the network tier: a device's intended data and its IOS configuration.

``hostvars | sitekit.core.network_intent(groups, inventory_hostname)`` builds the typed view of
plugins/plugin_utils/site/network/ and hands it to Jinja as plain data (``typed.to_vars``);
``intent | sitekit.core.ios_render`` prints it with
templates/ios/*.j2 and ``intent | sitekit.core.ios_bootstrap`` its day-0 console bootstrap. The tests and tools/render_network.py call the same two functions,
so what is reviewed in the golden files is exactly what the roles push.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from ansible_collections.sitekit.core.plugins.plugin_utils import ios_validate as _validate
from ansible_collections.sitekit.core.plugins.plugin_utils.site.model import Site
from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import device_intent, site_with_secrets
from ansible_collections.sitekit.core.plugins.plugin_utils.site.play_cache import PlayModels
from ansible_collections.sitekit.core.plugins.plugin_utils.site.typed import to_vars

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# One model per play (the whole site: a device's intent reads its links' other ends), not one per call: the
# role builds every device's intent in one template, and validation reads the same model.
_MODELS = PlayModels(None)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True, undefined=jinja2.StrictUndefined, autoescape=False)


def ios_render(intent: dict) -> str:
    """The full IOS configuration of a device from its intended data."""
    name = "ios/switch.j2" if intent["kind"] == "switch" else "ios/router.j2"
    return _environment().get_template(name).render(intent=intent)


def ios_bootstrap(intent: dict) -> str:
    """The day-0 console bootstrap of a device (name, domain, RSA key, SSH v2, management path, user)."""
    return _environment().get_template("ios/bootstrap.j2").render(intent=intent)


def render_site(site: Site, secrets: dict | None = None) -> dict[str, str]:
    """{host: configuration} for every switch and router of a site."""
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import network_devices

    if secrets is not None:
        site = site_with_secrets(site, secrets)
    return {host: ios_render(to_vars(device_intent(site, host))) for host in network_devices(site)}


def network_intent(hostvars, groups: dict, host: str) -> dict:
    """``hostvars | sitekit.core.network_intent(groups, inventory_hostname)``."""
    return to_vars(device_intent(_MODELS.site(hostvars, groups), host))


def network_devices(hostvars, groups: dict) -> list[str]:
    """Every switch and router of the site, in the model's order: ``hostvars | sitekit.core.network_devices(groups)``."""
    from ansible_collections.sitekit.core.plugins.plugin_utils.site.network import network_devices as devices

    return devices(Site.from_hostvars(hostvars, groups, site_keys=(), host_keys=()))


def network_configs(hostvars, groups: dict, fact: str) -> dict:
    """{device: its rendered configuration} from the fact ``fact`` of every network device that has it."""
    return {h: hostvars[h][fact] for h in network_devices(hostvars, groups) if fact in hostvars[h]}


def ios_problems(configs: dict, hostvars, groups: dict) -> list[str]:
    """Validation problems of rendered configurations ({host: text}); [] when all is well."""
    return [str(p) for p in _validate.validate(_MODELS.site(hostvars, groups), configs)]


class FilterModule:
    def filters(self):
        return {"network_intent": network_intent, "ios_render": ios_render, "ios_bootstrap": ios_bootstrap,
                "ios_problems": ios_problems,
                "network_devices": network_devices, "network_configs": network_configs}
