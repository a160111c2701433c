"""Configuration from one place: defaults, then a TOML file, then ACCORDS_* variables, then flags."""

from __future__ import annotations

import argparse
import ipaddress
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, NamedTuple

from accords.errors import AccordsError
from accords.loaders.vocabulary import SEEDS_DIR

DEFAULT_CONFIG_FILE = Path("accords.toml")


def _machine_memory_mb(share: float = 0.75) -> int:
    """``share`` of this machine's physical memory, in MB (the default bound of all query processes)."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 4096
    return max(int(total * share / (1024 * 1024)), 256)


class ConfigError(AccordsError):
    """A configuration file or variable that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Every setting of Accords, with its default."""

    store: Path = Path("var")
    sources: tuple[Path, ...] = (SEEDS_DIR,)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    query_processes: int = 2  # query processes per server worker: its concurrent queries
    query_timeout: float = 10.0
    max_result_rows: int = 100_000
    max_result_bytes: int = 50_000_000
    max_request_bytes: int = 256 * 1024
    max_query_depth: int = 100  # nesting of { ( [ in a query
    max_query_variables: int = 1000  # distinct variables in a query
    max_query_memory_mb: int = 1024  # heap of one query process; past it the query is stopped
    max_total_memory_mb: int = field(default_factory=_machine_memory_mb)  # all query processes
    queue_timeout: float = 5.0  # seconds a query waits for a free query process; then 503
    request_timeout: float = 10.0  # seconds a client has to send a request's head and body; then 408
    client_timeout: float = 10.0  # seconds a connection may stall, reading or writing; then closed
    public_base: str = "https://w3id.org/accords/"
    # The address users reach the server at, for the absolute URLs of the service description
    # and VoID (never taken from a request's Host header); "": http://host:port.
    server_url: str = ""
    service_allowlist: tuple[str, ...] = ("https://query.wikidata.org/sparql",)
    wikidata_endpoint: str = "https://query.wikidata.org/sparql"
    service_timeout: float = 10.0
    service_max_calls: int = 20  # SERVICE calls one query may send out (cache hits not counted)
    service_failure_ttl: float = 5.0  # seconds a failed SERVICE call is answered from memory
    service_cache_ttl: float = 3600.0  # seconds a SERVICE answer is reused; 0: no cache
    service_cache_bytes: int = 32_000_000  # per server worker
    result_cache_bytes: int = 64_000_000  # complete query results kept per server worker; 0: off
    client_query_seconds: float = 60.0  # query time per minute for one client; 0: no budget
    client_concurrent_queries: int = 8  # queries one client may have running at once
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks whose X-Forwarded-For is believed
    backend: str = ""  # URL of an external SPARQL endpoint to query instead of the local store
    # What the backend does with SERVICE: "on" (calls any host: Accords refuses SERVICE),
    # "off" (its federation is turned off), "allowlist" (it calls only service_allowlist).
    backend_federation: str = "on"
    # The named graph holding the merge, for a store with no default graph of its own (Virtuoso):
    # `build --push` writes the merge there, `serve --backend` queries it as the default graph.
    backend_default_graph: str = ""
    reasoner: str = "fast"
    full_entailment: bool = False  # builds also store graph/inferred-full, for entailment=full queries
    entailment: str = "filtered"  # what a query gets when it does not say: filtered or full
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def server_root(self) -> str:
        """The address users reach the server at, without a final '/'."""
        if self.server_url:
            return self.server_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


class Limit(NamedTuple):
    """A limit a server admin tunes: its setting, flag value type and help, and how it is reported."""

    setting: str  # also its flag: --max-result-rows for max_result_rows
    kind: type
    metavar: str
    help: str
    reported_as: str  # its name in /health, with its unit (counts have none)
    service_term: str | None = None  # its term in the service description, if it is there


LIMITS: tuple[Limit, ...] = (
    Limit(
        "query_timeout",
        float,
        "SECONDS",
        "time limit of a query",
        "query_timeout_seconds",
        "queryTimeoutSeconds",
    ),
    Limit("workers", int, "N", "server processes", "workers"),
    Limit(
        "query_processes",
        int,
        "N",
        "query processes per server process: its concurrent queries",
        "query_processes_per_worker",
    ),
    Limit(
        "max_result_rows",
        int,
        "N",
        "rows of a result, past which it is cut",
        "max_result_rows",
        "maxResultRows",
    ),
    Limit(
        "max_result_bytes",
        int,
        "BYTES",
        "bytes of a result, past which it is cut",
        "max_result_bytes",
        "maxResultBytes",
    ),
    Limit(
        "max_request_bytes",
        int,
        "BYTES",
        "bytes of a request's query string or body; 413 past it",
        "max_request_bytes",
        "maxRequestBytes",
    ),
    Limit(
        "max_query_depth",
        int,
        "N",
        "nesting of { ( [ in a query; 400 past it",
        "max_query_depth",
        "maxQueryDepth",
    ),
    Limit(
        "max_query_variables",
        int,
        "N",
        "distinct variables in a query; 400 past it",
        "max_query_variables",
        "maxQueryVariables",
    ),
    Limit(
        "max_query_memory_mb",
        int,
        "MB",
        "heap of one query process, 0: none; 503 past it",
        "max_query_memory_mb",
        "maxQueryMemoryMB",
    ),
    Limit(
        "max_total_memory_mb",
        int,
        "MB",
        "memory of all query processes together (default 3/4 of the machine's); "
        "the newest query gets 503 past it",
        "max_total_memory_mb",
        "maxTotalMemoryMB",
    ),
    Limit(
        "queue_timeout",
        float,
        "SECONDS",
        "time a query waits for a free query process; 503 with Retry-After past it",
        "queue_timeout_seconds",
        "queueTimeoutSeconds",
    ),
    Limit(
        "request_timeout",
        float,
        "SECONDS",
        "time a client has to send a request's line, headers and body; 408 past it",
        "request_timeout_seconds",
    ),
    Limit(
        "client_timeout",
        float,
        "SECONDS",
        "time a connection may stall reading or writing before it is closed",
        "client_timeout_seconds",
    ),
    Limit(
        "service_timeout",
        float,
        "SECONDS",
        "time limit of a SERVICE call",
        "service_timeout_seconds",
        "serviceTimeoutSeconds",
    ),
    Limit(
        "client_query_seconds",
        float,
        "SECONDS",
        "query time per minute for one client, 0: no budget; 429 past it",
        "client_query_seconds_per_minute",
        "clientQuerySecondsPerMinute",
    ),
    Limit(
        "client_concurrent_queries",
        int,
        "N",
        "queries one client may have running at once; 429 past it",
        "client_concurrent_queries",
        "clientConcurrentQueries",
    ),
    Limit(
        "trusted_proxies",
        str,
        "ADDRESSES",
        "comma-separated addresses or networks of proxies whose X-Forwarded-For names the client",
        "trusted_proxies",
    ),
    Limit(
        "service_max_calls",
        int,
        "N",
        "SERVICE calls one query may send out; 502 past it",
        "service_max_calls",
    ),
)


# Bounds of the numeric settings: a count of at least 1, a size or TTL of at least 0 (0: off
# or no limit, as documented beside the setting), a time limit above 0. Floats must be finite.
AT_LEAST_ONE = frozenset(
    {
        "workers",
        "query_processes",
        "max_result_rows",
        "max_result_bytes",
        "max_request_bytes",
        "max_query_depth",
        "max_query_variables",
        "service_max_calls",
        "client_concurrent_queries",
        "max_total_memory_mb",
    }
)
AT_LEAST_ZERO = frozenset(
    {
        "max_query_memory_mb",
        "service_cache_ttl",
        "service_failure_ttl",
        "service_cache_bytes",
        "result_cache_bytes",
        "client_query_seconds",
    }
)
ABOVE_ZERO = frozenset(
    {"query_timeout", "service_timeout", "queue_timeout", "request_timeout", "client_timeout"}
)
PORTS = frozenset({"port"})  # a TCP port: 1 to 65535
CHOICES = {"backend_federation": ("on", "off", "allowlist"), "entailment": ("filtered", "full")}


def _convert(value: Any, default: Any) -> Any:
    """``value`` as the type of ``default``; ValueError or TypeError if it is not one."""
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes"}
    if isinstance(default, int):
        return int(value)
    if isinstance(default, float):
        return float(value)
    if isinstance(default, Path):
        return Path(value)
    if isinstance(default, tuple):
        items = value if isinstance(value, list | tuple) else str(value).split(",")
        kind = type(default[0]) if default else str
        return tuple(kind(item.strip() if isinstance(item, str) else item) for item in items)
    return str(value)


def _out_of_bounds(name: str, value: Any) -> str | None:
    """Why ``value`` cannot be setting ``name``, or None if it can."""
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if name in AT_LEAST_ONE and value < 1:
        return "must be at least 1"
    if name in AT_LEAST_ZERO and value < 0:
        return "must be at least 0"
    if name in ABOVE_ZERO and value <= 0:
        return "must be more than 0"
    if name == "server_url" and value and not value.startswith(("http://", "https://")):
        return "must be an http:// or https:// URL"
    if name in PORTS and not 0 < value < 65536:
        return "a port is a number from 1 to 65535"
    if name == "trusted_proxies":
        try:
            for address in value:
                ipaddress.ip_network(address, strict=False)
        except ValueError as error:
            return str(error)
    if name in CHOICES and value not in CHOICES[name]:
        return "must be one of " + ", ".join(CHOICES[name])
    return None


def _coerce(label: str, name: str, value: Any, default: Any) -> Any:
    """``value`` for setting ``name``, or ConfigError naming ``label`` (where it was set)."""
    try:
        converted = _convert(value, default)
    except (TypeError, ValueError) as error:
        expected = {int: "an integer", float: "a number"}.get(type(default))
        reason = f"expected {expected}" if expected else str(error)
        raise ConfigError(f"{label}: cannot use {value!r} ({reason})") from error
    problem = _out_of_bounds(name, converted)
    if problem:
        raise ConfigError(f"{label}: cannot use {value!r} ({problem})")
    return converted


def _check_services(path: Path, services: Any) -> None:
    """``[services]``: the URL actually called for each allow-listed SERVICE IRI."""
    if not isinstance(services, dict) or not all(
        isinstance(iri, str) and isinstance(url, str) and url.startswith(("http://", "https://"))
        for iri, url in services.items()
    ):
        raise ConfigError(
            f'{path}: [services] maps a SERVICE IRI to the http(s) URL to call, e.g. "IRI" = "URL"'
        )


def load_settings(
    config_file: Path | None = None,
    environ: dict[str, str] | None = None,
    flags: dict[str, Any] | None = None,
) -> Settings:
    """Merge the layers; a later layer wins. Flags (named as settings) set to None are ignored.

    A value that is not of the setting's type, or out of its bounds, is a ConfigError naming
    where it was set: the file and key, the variable, or the flag.
    """
    variables: Mapping[str, str] = os.environ if environ is None else environ
    defaults = Settings()
    known = {f.name: getattr(defaults, f.name) for f in fields(Settings) if f.name != "extra"}
    values: dict[str, Any] = {}

    path = config_file or Path(variables.get("ACCORDS_CONFIG", DEFAULT_CONFIG_FILE))
    if config_file is not None or path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ConfigError(f"{path}: {error.strerror}") from error
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: {error}") from error
        section = data.get("accords", {k: v for k, v in data.items() if not isinstance(v, dict)})
        for key, value in section.items():
            name = key.replace("-", "_")
            if name not in known:
                raise ConfigError(f"{path}: unknown setting {key!r}")
            values[name] = _coerce(f"{path}: setting {key!r}", name, value, known[name])
        values["extra"] = {k: v for k, v in data.items() if k != "accords" and k not in section}
        _check_services(path, values["extra"].get("services", {}))

    for name, default in known.items():
        variable = "ACCORDS_" + name.upper()
        if variable in variables:
            values[name] = _coerce(variable, name, variables[variable], default)

    for name, value in (flags or {}).items():
        if value is not None:
            values[name] = _coerce("--" + name.replace("_", "-"), name, value, known[name])
    return replace(defaults, **values)


def settings_from(args: argparse.Namespace, **flags: object) -> Settings:
    """The settings of a subcommand: its ``--config`` file and ``--store`` flag, then ``flags``."""
    config = Path(args.config) if args.config else None
    return load_settings(config_file=config, flags={"store": args.store, **flags})
