"""The lab's docker objects belong to the checkout that started them (tools/lab/containers.py): every clone
names them alike, so ``make lab-down`` removes this checkout's only and ``make lab`` refuses names another
checkout's lab holds. docker here is a fake on PATH (tests/unit/data/fake_docker.py) that keeps its objects in a
JSON file and logs every call."""

from __future__ import annotations

import json
import os
import sys

import pytest
from sitekit_paths import REPO

sys.path.insert(0, str(REPO / "tools" / "lab"))
import containers  # noqa: E402
import context  # noqa: E402
import lab  # noqa: E402

OTHER = "/home/someone/other-clone"


@pytest.fixture
def docker(monkeypatch, tmp_path):
    """The fake docker: ``objects(containers, networks)`` ({name: labels}) sets what exists; ``state()``, ``calls()``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(
        f'#!/bin/sh\nexec "{sys.executable}" "{REPO}/tests/unit/data/fake_docker.py" "$@"\n'
    )
    (bin_dir / "docker").chmod(0o755)
    state, log = tmp_path / "docker.json", tmp_path / "docker.log"
    log.touch()
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_DOCKER_STATE", str(state))
    monkeypatch.setenv("FAKE_DOCKER_LOG", str(log))

    class Fake:
        def objects(self, containers: dict, networks: dict, **endpoints):
            """``endpoints``: the fake's "endpoints" and "release_after" (tests/unit/data/fake_docker.py)."""
            state.write_text(json.dumps({"containers": containers, "networks": networks, **endpoints}))

        def state(self) -> dict:
            return json.loads(state.read_text())

        def calls(self) -> list[list[str]]:
            return [json.loads(line) for line in log.read_text().splitlines()]

    return Fake()


def labels(repo: str | None) -> dict:
    """The labels of a lab object made by the checkout ``repo`` (None: before objects named their checkout)."""
    return {"org.sitekit.lab": context.PREFIX, **({"org.sitekit.lab.repo": repo} if repo is not None else {})}


def lab_of(repo: str | None) -> dict:
    """A whole lab as the checkout ``repo`` starts it (the same names in every clone), beside docker's own objects."""
    return {
        "containers": {**{spec["name"]: labels(repo) for spec in containers.plan().values()}, "unrelated": {}},
        "networks": {**dict.fromkeys(containers.networks(), labels(repo)), "bridge": {}},
    }


def run_files(monkeypatch, tmp_path) -> list:
    """lab.down's run files, moved under tmp_path (written): a test never touches the real lab's."""
    monkeypatch.setattr(lab.daemons, "stop_all", lambda: [])  # the daemons' pid files are this checkout's own
    files = []
    for owner, name in ((lab, "ENDPOINTS"), (lab.transport, "KNOWN_HOSTS"), (lab, "CONVERGED"), (lab, "PREPARED")):
        path = tmp_path / name.lower()
        path.write_text("run\n")
        monkeypatch.setattr(owner, name, path)
        files.append(path)
    return files


def test_down_leaves_the_lab_another_checkout_started(docker):
    theirs = lab_of(OTHER)
    docker.objects(**theirs)
    assert containers.remove_all() == []
    assert {k: docker.state()[k] for k in theirs} == theirs
    assert not [call for call in docker.calls() if "rm" in call]


def test_down_removes_this_checkouts_lab_and_nothing_else(docker, monkeypatch):
    ours, theirs = lab_of(str(REPO)), f"{context.PREFIX}-retired"  # another checkout's, under a name ours lost
    docker.objects(containers={**ours["containers"], theirs: labels(OTHER)}, networks=ours["networks"])
    gone = containers.remove_all()
    assert sorted(gone) == sorted(n for kind in ours.values() for n, tags in kind.items() if tags)
    assert {k: docker.state()[k] for k in ("containers", "networks")} == {
        "containers": {"unrelated": {}, theirs: labels(OTHER)}, "networks": {"bridge": {}}}
    monkeypatch.setattr(containers, "REPO", OTHER)  # make lab-down in the other checkout
    assert containers.remove_all() == [theirs]


def test_down_leaves_a_lab_from_before_the_checkout_label_and_says_how_to_remove_it(
    docker, monkeypatch, tmp_path, capsys
):
    old = lab_of(None)
    docker.objects(**old)
    run_files(monkeypatch, tmp_path)
    lab.down()
    assert {k: docker.state()[k] for k in old} == old
    out = capsys.readouterr().out
    pve1, admin = context.container_name("pve1"), containers.admin_network()["name"]
    assert "made by a lab from before labs named their checkout" in out and pve1 in out
    removal = out.split("remove them: ")[1].splitlines()[0]
    assert removal.startswith("docker rm -f ") and f" {pve1} " in f"{removal} " and f" {admin}" in removal


@pytest.mark.parametrize("theirs", [OTHER, None], ids=["another checkout", "before the checkout label"])
def test_up_refuses_the_names_another_lab_holds_and_touches_nothing(docker, theirs):
    taken = context.container_name("pve1")
    docker.objects(containers={taken: labels(theirs)}, networks={})
    with pytest.raises(SystemExit) as refused:
        containers.refuse_others()
    message = str(refused.value)
    assert taken in message and "one lab runs at a time" in message
    assert (f"the lab of the checkout {OTHER} (make lab-down there)" if theirs else f"docker rm -f {taken}") in message
    assert docker.state()["containers"] == {taken: labels(theirs)}
    assert all(call[:2] in (["ps", "-a"], ["network", "ls"]) for call in docker.calls())


def test_up_goes_on_with_its_own_lab_and_refuses_another_checkouts_network(docker):
    docker.objects(**lab_of(str(REPO)))
    containers.refuse_others()  # its own lab: nothing to refuse
    network = next(iter(containers.networks()))  # the first ensure_networks meets
    docker.objects(containers={}, networks={network: labels(OTHER)})
    with pytest.raises(SystemExit, match=f"docker network {network} belongs to the lab of another checkout: {OTHER}"):
        containers.ensure_networks()


# `docker rm -f` returns before the engine lets go of every endpoint: `network rm` then fails with "has active
# endpoints" (a CI run's make lab-down failed so, and left the admin network behind).
def stale(removed: list[str]) -> dict:
    """Every lab network still holding an endpoint of each container ``removed``."""
    return {network: list(removed) for network in containers.networks()}


def test_down_waits_for_the_endpoints_docker_releases_late(docker):
    ours = lab_of(str(REPO))
    names = [spec["name"] for spec in containers.plan().values()]
    docker.objects(**ours, endpoints=stale(names[:2]), release_after=3)
    gone = containers.remove_all()
    assert set(containers.networks()) <= set(gone)
    assert docker.state()["networks"] == {"bridge": {}}
    assert not [call for call in docker.calls() if call[:2] == ["network", "disconnect"]]
    assert sum(call[:2] == ["network", "rm"] for call in docker.calls()) == 4


def test_down_forces_off_the_stale_endpoints_of_its_own_containers_only_after_waiting(docker, monkeypatch):
    monkeypatch.setattr(containers, "ENDPOINT_RELEASE_SECONDS", 0)
    names = [spec["name"] for spec in containers.plan().values()]
    docker.objects(**lab_of(str(REPO)), endpoints=stale(names[:1]))
    containers.remove_all()
    assert docker.state()["networks"] == {"bridge": {}}
    forced = [call for call in docker.calls() if call[:2] == ["network", "disconnect"]]
    assert sorted(call[3] for call in forced) == sorted(containers.networks())
    assert {call[4] for call in forced} == {names[0]} and all(call[2] == "-f" for call in forced)


def test_down_never_disconnects_a_container_it_did_not_start(docker, monkeypatch):
    monkeypatch.setattr(containers, "ENDPOINT_RELEASE_SECONDS", 0)
    admin = containers.admin_network()["name"]
    ours = lab_of(str(REPO))
    ours["containers"]["someones-debugger"] = {}
    docker.objects(**ours, endpoints={admin: ["someones-debugger"]})
    with pytest.raises(SystemExit, match=f"in use by containers that still exist.*{admin}: someones-debugger"):
        containers.remove_all()
    state = docker.state()
    assert set(state["networks"]) == {"bridge", admin}
    assert "someones-debugger" in state["containers"] and state["endpoints"][admin] == ["someones-debugger"]
    assert not [call for call in docker.calls() if call[:2] == ["network", "disconnect"]]


def test_down_names_the_network_docker_will_not_remove(docker, monkeypatch):
    monkeypatch.setattr(containers, "ENDPOINT_RELEASE_SECONDS", 0)
    admin = containers.admin_network()["name"]
    names = [spec["name"] for spec in containers.plan().values()]
    docker.objects(**lab_of(str(REPO)), endpoints={admin: [names[0], "ghost"]})
    monkeypatch.setattr(containers, "endpoints", lambda network: [names[0]] if network == admin else [])  # ghost: unseen
    with pytest.raises(SystemExit, match=f"docker would not remove {admin}: .*has active endpoints"):
        containers.remove_all()


def test_down_after_an_interrupted_down_forces_off_the_endpoints_of_containers_already_gone(docker, monkeypatch):
    """A down killed between `rm -f` and `network rm` leaves this checkout's networks with endpoints of containers
    docker no longer has; the next down removes them (the old rule called them foreign: not removed by this run)."""
    monkeypatch.setattr(containers, "ENDPOINT_RELEASE_SECONDS", 0)
    names = [spec["name"] for spec in containers.plan().values()]
    ours = lab_of(str(REPO))
    ours["containers"] = {"unrelated": {}}  # the lab's containers went in the interrupted run
    docker.objects(**ours, endpoints=stale(names[:2]))
    gone = containers.remove_all()
    assert sorted(gone) == sorted(containers.networks())
    assert docker.state()["networks"] == {"bridge": {}}
    forced = [call for call in docker.calls() if call[:2] == ["network", "disconnect"]]
    assert {call[4] for call in forced} == set(names[:2])


def test_down_never_disconnects_a_container_that_exists_again_under_a_lab_name(docker, monkeypatch):
    """A container made since, under a lab container's name (by hand, or another checkout's up), is live: kept."""
    monkeypatch.setattr(containers, "ENDPOINT_RELEASE_SECONDS", 0)
    admin = containers.admin_network()["name"]
    names = [spec["name"] for spec in containers.plan().values()]
    ours = lab_of(str(REPO))
    ours["containers"] = {names[0]: labels(OTHER)}
    docker.objects(**ours, endpoints={admin: [names[0]]})
    with pytest.raises(SystemExit, match=f"in use by containers that still exist.*{admin}: {names[0]}"):
        containers.remove_all()
    assert docker.state()["endpoints"][admin] == [names[0]] and admin in docker.state()["networks"]
    assert not [call for call in docker.calls() if call[:2] == ["network", "disconnect"]]


def test_down_removes_its_run_files_even_when_docker_keeps_a_network(docker, monkeypatch, tmp_path):
    """The endpoints file and markers name a lab that is no longer whole: gone, whatever docker kept."""
    monkeypatch.setattr(containers, "ENDPOINT_RELEASE_SECONDS", 0)
    files = run_files(monkeypatch, tmp_path)
    admin = containers.admin_network()["name"]
    ours = lab_of(str(REPO))
    ours["containers"]["someones-debugger"] = {}
    docker.objects(**ours, endpoints={admin: ["someones-debugger"]})
    with pytest.raises(SystemExit, match="in use by containers that still exist"):
        lab.down()
    assert not [f for f in files if f.exists()] and admin in docker.state()["networks"]


def test_up_tells_each_container_as_it_comes_and_labels_it_this_checkouts(docker):
    """A cold start creates the containers one by one (seconds each): a line per container, not a silent minute."""
    docker.objects(containers={}, networks=lab_of(str(REPO))["networks"])
    lines, calls_at_line = [], []

    def report(line):
        lines.append(line)
        calls_at_line.append(len(docker.calls()))

    states = containers.ensure_containers(report=report)
    plan = containers.plan()
    assert states == dict.fromkeys(plan, "created")
    assert [line.split(" (")[0] for line in lines] == [f"{host}: created" for host in plan]
    assert calls_at_line == sorted(set(calls_at_line)) and calls_at_line[0] < len(docker.calls())  # as they come
    assert all(docker.state()["containers"][spec["name"]] == labels(str(REPO)) for spec in plan.values())
