# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation of the Proxmox VE API options every pve_* module shares.

Follows ``module_utils/pve_client.py``: ``pve_argument_spec()`` (types, defaults, env
fallbacks, no_log), ``PVE_REQUIRED_ONE_OF`` / ``PVE_REQUIRED_TOGETHER`` and ``PveClient``
(how the options reach proxmoxer). Keep both in step: validate-modules compares them.
"""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  api_host:
    description:
      - Address (name or IP) of the Proxmox VE API, reached at C(https://<api_host>:<api_port>/api2/json).
      - A C(host:port) value takes its port from here instead of O(api_port) (proxmoxer splits it).
      - When not set, the E(PROXMOX_HOST) environment variable of the process that runs the module is used
        (the controller's environment with C(delegate_to=localhost)).
    type: str
    required: true
  api_port:
    description:
      - TCP port of the API.
      - When not set, E(PROXMOX_PORT) is used, then the default.
    type: int
    default: 8006
  api_user:
    description:
      - User in C(name@realm) form.
      - With token authentication it is the owner of the token; every request then carries
        C(Authorization) C(PVEAPIToken=<api_user>!<api_token_id>=<api_token_secret>).
      - When not set, E(PROXMOX_USER) is used, then the default.
    type: str
    default: root@pam
  api_password:
    description:
      - Password of O(api_user). Used only when O(api_token_id) is not set; proxmoxer then logs in
        (C(POST /access/ticket)) once, when the module starts.
      - One of O(api_password) and O(api_token_id) is required.
      - Never logged (C(no_log)). When not set, E(PROXMOX_PASSWORD) is used.
    type: str
  api_token_id:
    description:
      - Name of the API token of O(api_user) (the part after C(!), e.g. C(sitekit) for C(root@pam!sitekit)).
      - Takes precedence over O(api_password) when both are set; requires O(api_token_secret).
      - Not a secret, so it is logged. When not set, E(PROXMOX_TOKEN_ID) is used.
    type: str
  api_token_secret:
    description:
      - Secret (UUID) of the API token. Required together with O(api_token_id).
      - Never logged (C(no_log)). When not set, E(PROXMOX_TOKEN_SECRET) is used.
    type: str
  validate_certs:
    description:
      - Check the API's TLS certificate (the C(verify) of python-requests) against O(ca_path), else
        python-requests' CA bundle. A node's certificate is signed by the cluster's own CA (C(pve-root-ca),
        made at installation), which no public bundle holds - give O(ca_path) or O(api_fingerprint).
      - V(false) sends the token or password to whatever answers at O(api_host); for throwaway test clusters only.
      - When not set, E(PROXMOX_VALIDATE_CERTS) is used, then the default.
    type: bool
    default: true
  ca_path:
    description:
      - CA certificate(s) (PEM file on the host that runs the module) the API's certificate must chain to, with its
        name checked against O(api_host) - on a cluster, a copy of C(/etc/pve/pve-root-ca.pem) from any node.
      - Used when O(validate_certs) is true and O(api_fingerprint) is not set.
      - When not set, E(PROXMOX_CA_PATH) is used.
    type: path
  api_fingerprint:
    description:
      - SHA-256 fingerprint of the API's certificate, as C(pvenode cert info) or the node's certificate view shows it
        (32 hex bytes separated by colons). The connection goes on only when the certificate presented has exactly
        this fingerprint; neither its chain nor its name is then checked (the way PVE pins a PBS or a cluster join).
      - Needs token authentication (O(api_token_id)) - proxmoxer requests a password ticket on a connection of its
        own that the pin would not cover.
      - A renewed certificate (e.g. by C(pvenode cert set) or ACME) needs the new fingerprint.
      - When not set, E(PROXMOX_FINGERPRINT) is used.
    type: str
  api_timeout:
    description:
      - Seconds one HTTP request to the API may take (python-requests timeout). No environment fallback.
      - How long a module waits for a PVE task (clone, restore, start) is that module's own C(timeout).
    type: int
    default: 30
requirements:
  - proxmoxer (2.3.0 in the sitekit toolchain)
  - requests
notes:
  - Precedence of each connection value is the task argument (or C(module_defaults)), then the environment
    variable, then the default.
  - The API is always reached over HTTPS; an unreachable API or a refused request fails the task with the
    method and path (C(GET /version), C(PUT /storage/nas-backup)…) and the API's error message.
  - "Tasks (UPIDs) are waited for with status reads 10 ms apart at first, then twice as long each time up to 2 s.
    A task that ends C(WARNINGS: n) is accepted and its warning lines become the module's warnings (as
    community.proxmox accepts it); one that ends with an error fails the module with the error and the UPID; one
    still running at the module's C(timeout) fails it and returns the UPID (C(upid)), the task going on."
"""

    ACTION_GROUP = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/sitekit.core.proxmox) in C(module_defaults) to set the connection options once per play.
    support: full
    membership:
      - sitekit.core.proxmox
"""

    # Extended after ansible.builtin.action_common_attributes.flow (which describes these attributes): their support.
    IN_WORKER = r"""
options: {}
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller
    support: full
    details: On a local connection without become or C(environment) (the API play on localhost) the action plugin
      runs the module's code in Ansible's worker, without a module process; elsewhere it runs the module.
  async:
    description: Supports being used with the C(async) keyword
    support: none
  bypass_host_loop:
    description: Forces a 'global' task that does not execute per host
    support: none
"""
