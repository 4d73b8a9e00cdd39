"""A fake docker CLI for the lab harness's tests: its containers and networks are {name: labels} in the JSON file
$FAKE_DOCKER_STATE; every call is logged to $FAKE_DOCKER_LOG (one JSON list a line); a call it does not know fails.

Knows: ps -a / network ls with label filters (ANDed, as docker does) and -q (ids are names) or --format
({{.Names}}, {{.Name}}, {{.Label "key"}}); container/network inspect NAME; inspect --format {{.Name}} ID...;
rm -f NAME...; network rm NAME...; network inspect --format '{{range .Containers}}{{.Name}} {{end}}' NAME;
network disconnect -f NETWORK CONTAINER; create --name NAME [--label K=V]... (the container, with its labels);
network connect and start of a known container (logged only).

Endpoints: the optional state key "endpoints" ({network: [container]}) lists endpoints docker still holds, which
`rm -f` does not clear (a removed container's stale endpoint, or another container's); `network rm` of a network
with endpoints fails as docker does ("has active endpoints") and removes the others it was given. "release_after"
(optional) clears every endpoint once that many `network rm` calls have failed (docker releasing them late).
"""

import json
import os
import re
import sys

STATE, ARGS = os.environ["FAKE_DOCKER_STATE"], sys.argv[1:]
with open(os.environ["FAKE_DOCKER_LOG"], "a") as log:
    log.write(json.dumps(ARGS) + "\n")
with open(STATE) as handle:
    state = json.load(handle)


def listing(kind: str, rest: list[str]) -> None:
    filters = [value.removeprefix("label=") for flag, value in zip(rest, rest[1:], strict=False) if flag == "--filter"]
    fmt = rest[rest.index("--format") + 1] if "--format" in rest else "{{.Name}}"
    for name, labels in state[kind].items():
        if all(f in labels if "=" not in f else labels.get(f.split("=", 1)[0]) == f.split("=", 1)[1] for f in filters):
            line = re.sub(r'\{\{\.Label "([^"]+)"\}\}', lambda m, labels=labels: labels.get(m.group(1), ""), fmt)
            print(re.sub(r"\{\{\.Names?\}\}", name, line))


def inspect(kind: str, name: str) -> None:
    if name not in state[kind]:
        sys.exit(f"Error: No such {kind[:-1]}: {name}")
    labels = state[kind][name]
    print(
        json.dumps(
            [
                {
                    "Name": name,
                    "Labels": labels,
                    "Config": {"Labels": labels},
                    "State": {"Running": True},
                    "NetworkSettings": {"Networks": {}},
                }
            ]
        )
    )


def save() -> None:
    with open(STATE, "w") as handle:
        json.dump(state, handle)


def remove(kind: str, names: list[str]) -> None:
    for name in names:
        if state[kind].pop(name, None) is None:
            sys.exit(f"Error: No such {kind[:-1]}: {name}")
    save()


def remove_networks(names: list[str]) -> None:
    held = state.get("endpoints", {})
    busy = [n for n in names if held.get(n)]
    for name in names:
        if name not in busy:
            state["networks"].pop(name, None)
    if busy and "release_after" in state:
        state["release_after"] -= 1
        if state["release_after"] <= 0:
            state["endpoints"] = {}
    save()
    if busy:
        sys.exit("\n".join(f"Error response from daemon: error while removing network: network {n} has active endpoints"
                           for n in busy))


def disconnect(network: str, container: str) -> None:
    held = state.get("endpoints", {}).get(network, [])
    if container not in held:
        sys.exit(f"Error response from daemon: container {container} is not connected to network {network}")
    held.remove(container)
    save()


def create(rest: list[str]) -> None:
    name = rest[rest.index("--name") + 1]
    if name in state["containers"]:
        sys.exit(f'Error response from daemon: Conflict. The container name "/{name}" is already in use')
    labels = [value.partition("=") for flag, value in zip(rest, rest[1:], strict=False) if flag == "--label"]
    state["containers"][name] = {key: value for key, _, value in labels}
    save()
    print(name)


def known(name: str) -> None:
    if name not in state["containers"]:
        sys.exit(f"Error response from daemon: No such container: {name}")


match ARGS:
    case ["ps", "-a", *rest] | ["ps", "-aq", *rest]:
        listing("containers", rest)
    case ["network", "ls", *rest]:
        listing("networks", rest)
    case ["container", "inspect", name]:
        inspect("containers", name)
    case ["network", "inspect", name]:
        inspect("networks", name)
    case ["inspect", "--format", "{{.Name}}", *names]:
        print("\n".join(f"/{n}" for n in names))
    case ["network", "inspect", "--format", "{{range .Containers}}{{.Name}} {{end}}", name]:
        if name not in state["networks"]:
            sys.exit(f"Error: No such network: {name}")
        print(" ".join(state.get("endpoints", {}).get(name, [])))
    case ["network", "disconnect", "-f", network, container]:
        disconnect(network, container)
    case ["network", "inspect", "--format", "{{.Name}}", *names]:
        print("\n".join(n for n in names if n in state["networks"]))
        if missing := [n for n in names if n not in state["networks"]]:
            sys.exit("\n".join(f"Error: No such network: {n}" for n in missing))
    case ["rm", "-f", *names]:
        remove("containers", names)
    case ["network", "rm", *names]:
        remove_networks(names)
    case ["create", *rest]:
        create(rest)
    case ["network", "connect", *_, container]:
        known(container)
    case ["start", name]:
        known(name)
    case _:
        sys.exit(f"fake docker: unknown call {ARGS}")
