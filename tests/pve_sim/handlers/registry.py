"""The handler table and the dispatcher (which also lets due tasks finish first)."""

from __future__ import annotations

from ..state import ApiError, Cluster

HANDLERS: dict = {}


def api(method: str, template: str):
    def register(fn):
        HANDLERS[(method, template)] = fn
        return fn
    return register


def dispatch(cluster: Cluster, method: str, template: str, params: dict, user: str):
    handler = HANDLERS.get((method, template))
    if handler is None:
        raise ApiError(501, f"Method '{method} {template}' not implemented by the simulator")
    with cluster.lock:
        cluster.tasks.tick()
        return handler(cluster, params, user)


class Total(list):
    """A list answer with PVE's ``total`` attribute (result attrib 'total' of RESTEnvironment)."""

    def __init__(self, items, total: int):
        super().__init__(items)
        self.total = total
