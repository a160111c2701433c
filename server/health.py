"""``/health``: is the store there and answering, and what is in it.

``/health?build=STAMP[,STAMP…]`` answers 503 unless the current build is one of those: the
check a load balancer runs to take out a replica serving another build.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from accords.config import LIMITS, Settings
from accords.loaders.namespaces import SOURCE_GRAPH_PREFIX
from accords.server.engine.jobs import ExecutionError
from accords.server.services import current_services

blueprint = Blueprint("health", __name__)


@blueprint.get("/health")
def health() -> Response | tuple[Response, int]:
    services = current_services()
    settings = services.settings
    processes = services.executors.counts()
    memory = getattr(services.executors, "memory", None)  # no query processes with --backend
    extra = {"query_memory": memory()} if memory is not None else {}
    try:
        statistics = services.builds.statistics()
    except ExecutionError as error:
        body = {"status": "unavailable", "reason": error.message, "query_processes": processes}
        return jsonify(body), 503
    graphs = statistics["graphs"]
    expected = [b for b in request.args.get("build", "").split(",") if b]
    if expected and statistics["build"] not in expected:  # a balancer takes out a replica so
        body = {"status": "other build", "build": statistics["build"], "expected": expected}
        return jsonify(body), 503
    reasoning = statistics["info"].get("reasoning", {})
    return jsonify(
        status="ok",
        store={
            "build": statistics["build"],
            "built_at": statistics["info"].get("built_at"),
            "quads": sum(graphs.values()),
            "distinct_triples": statistics["distinct_triples"],
            "named_graphs": len(graphs),
            "graphs": graphs,
            "summary": statistics["info"],
        },
        reasoning={
            "reasoned_graphs": reasoning.get("graphs", []),
            "source_graphs_reasoned": sum(g.startswith(SOURCE_GRAPH_PREFIX) for g in graphs),
            "not_reasoned": reasoning.get("as_is", []),  # --graph-as-is and the Wikidata snapshot
            "full_entailment": bool(reasoning.get("full_entailment")),
            "fallback": reasoning.get("fallback"),
        },
        query_processes=processes,
        **extra,
        limits=limits(settings),
    )


def limits(settings: Settings) -> dict[str, int | float]:
    """Every limit of the server, its unit in its name (counts have none)."""
    return {limit.reported_as: getattr(settings, limit.setting) for limit in LIMITS}
