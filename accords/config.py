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


# Bounds of the numeric settings: a count of at least 1, a size or TTL of at least 0 (0: off
# or no limit, as documented beside the setting), a time limit above 0. Floats must be finite.
AT_LEAST_ONE = "at least 1"
AT_LEAST_ZERO = "at least 0"
ABOVE_ZERO = "above 0"
PORT = "port"  # a TCP port: 1 to 65535
URL = "url"  # an http:// or https:// URL, or "" (none)


def _row(
    default: Any = None,
    *,
    factory: Any = None,
    bounds: str | tuple[str, ...] | None = None,
    limit: tuple[str, str, str] | None = None,
    service_term: str | None = None,
    flag: tuple[str | None, str] | None = None,
) -> Any:
    """A setting: its default (or a factory), its bounds (or its choices) and, for a limit a
    server admin tunes, (flag metavar, help, name in /health) and its service description term;
    for another flag of ``accords serve``, (flag metavar, help)."""
    metadata = {"bounds": bounds, "limit": limit, "service_term": service_term, "flag": flag}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Settings:
    """Every setting of Accords, one row each: name, type and default, bounds, and for a limit
    its flag's help and its names in /health and the service description."""

    store: Path = _row(Path("var"), flag=(None, "store directory; built first if empty"))
    sources: tuple[Path, ...] = _row((SEEDS_DIR,))
    host: str = _row("127.0.0.1", flag=(None, "address to listen on"))
    port: int = _row(8000, bounds=PORT, flag=(None, "port to listen on, 1 to 65535"))
    query_timeout: float = _row(
        10.0,
        bounds=ABOVE_ZERO,
        limit=("SECONDS", "time limit of a query", "query_timeout_seconds"),
        service_term="queryTimeoutSeconds",
    )
    workers: int = _row(2, bounds=AT_LEAST_ONE, limit=("N", "server processes", "workers"))
    query_processes: int = _row(  # query processes per server worker: its concurrent queries
        2,
        bounds=AT_LEAST_ONE,
        limit=(
            "N",
            "query processes per server process: its concurrent queries",
            "query_processes_per_worker",
        ),
    )
    max_result_rows: int = _row(
        100_000,
        bounds=AT_LEAST_ONE,
        limit=("N", "rows of a result, past which it is cut", "max_result_rows"),
        service_term="maxResultRows",
    )
    max_result_bytes: int = _row(
        50_000_000,
        bounds=AT_LEAST_ONE,
        limit=("BYTES", "bytes of a result, past which it is cut", "max_result_bytes"),
        service_term="maxResultBytes",
    )
    max_request_bytes: int = _row(
        256 * 1024,
        bounds=AT_LEAST_ONE,
        limit=("BYTES", "bytes of a request's query string or body; 413 past it", "max_request_bytes"),
        service_term="maxRequestBytes",
    )
    max_query_depth: int = _row(  # nesting of { ( [ in a query
        100,
        bounds=AT_LEAST_ONE,
        limit=("N", "nesting of { ( [ in a query; 400 past it", "max_query_depth"),
        service_term="maxQueryDepth",
    )
    max_query_variables: int = _row(  # distinct variables in a query
        1000,
        bounds=AT_LEAST_ONE,
        limit=("N", "distinct variables in a query; 400 past it", "max_query_variables"),
        service_term="maxQueryVariables",
    )
    max_query_memory_mb: int = _row(  # heap of one query process; past it the query is stopped
        1024,
        bounds=AT_LEAST_ZERO,
        limit=("MB", "heap of one query process, 0: none; 503 past it", "max_query_memory_mb"),
        service_term="maxQueryMemoryMB",
    )
    max_total_memory_mb: int = _row(  # all query processes
        factory=_machine_memory_mb,
        bounds=AT_LEAST_ONE,
        limit=(
            "MB",
            "memory of all query processes together (default 3/4 of the machine's); "
            "the newest query gets 503 past it",
            "max_total_memory_mb",
        ),
        service_term="maxTotalMemoryMB",
    )
    queue_timeout: float = _row(  # seconds a query waits for a free query process; then 503
        5.0,
        bounds=ABOVE_ZERO,
        limit=(
            "SECONDS",
            "time a query waits for a free query process; 503 with Retry-After past it",
            "queue_timeout_seconds",
        ),
        service_term="queueTimeoutSeconds",
    )
    request_timeout: float = _row(  # seconds a client has to send a request's head and body; then 408
        10.0,
        bounds=ABOVE_ZERO,
        limit=(
            "SECONDS",
            "time a client has to send a request's line, headers and body; 408 past it",
            "request_timeout_seconds",
        ),
    )
    client_timeout: float = _row(  # seconds a connection may stall, reading or writing; then closed
        10.0,
        bounds=ABOVE_ZERO,
        limit=(
            "SECONDS",
            "time a connection may stall reading or writing before it is closed",
            "client_timeout_seconds",
        ),
    )
    public_base: str = _row("https://w3id.org/accords/")
    # The address users reach the server at, for the absolute URLs of the service description
    # and VoID (never taken from a request's Host header); "": http://host:port.
    server_url: str = _row(
        "",
        bounds=URL,
        flag=("URL", "the address users reach the server at, for absolute URLs (default http://HOST:PORT)"),
    )
    service_allowlist: tuple[str, ...] = _row(("https://query.wikidata.org/sparql",))
    wikidata_endpoint: str = _row("https://query.wikidata.org/sparql")
    service_timeout: float = _row(
        10.0,
        bounds=ABOVE_ZERO,
        limit=("SECONDS", "time limit of a SERVICE call", "service_timeout_seconds"),
        service_term="serviceTimeoutSeconds",
    )
    service_max_calls: int = _row(  # SERVICE calls one query may send out (cache hits not counted)
        20,
        bounds=AT_LEAST_ONE,
        limit=("N", "SERVICE calls one query may send out; 502 past it", "service_max_calls"),
    )
    service_failure_ttl: float = _row(
        5.0, bounds=AT_LEAST_ZERO
    )  # seconds a failed SERVICE call is remembered
    service_cache_ttl: float = _row(
        3600.0, bounds=AT_LEAST_ZERO
    )  # seconds a SERVICE answer is reused; 0: none
    service_cache_bytes: int = _row(32_000_000, bounds=AT_LEAST_ZERO)  # per server worker
    result_cache_bytes: int = _row(64_000_000, bounds=AT_LEAST_ZERO)  # results kept per worker; 0: off
    client_query_seconds: float = _row(
        60.0,
        bounds=AT_LEAST_ZERO,
        limit=(
            "SECONDS",
            "query time per minute for one client, 0: no budget; 429 past it",
            "client_query_seconds_per_minute",
        ),
        service_term="clientQuerySecondsPerMinute",
    )
    client_concurrent_queries: int = _row(
        8,
        bounds=AT_LEAST_ONE,
        limit=("N", "queries one client may have running at once; 429 past it", "client_concurrent_queries"),
        service_term="clientConcurrentQueries",
    )
    trusted_proxies: tuple[str, ...] = _row(  # addresses/networks whose X-Forwarded-For is believed
        (),
        limit=(
            "ADDRESSES",
            "comma-separated addresses or networks of proxies whose X-Forwarded-For names the client",
            "trusted_proxies",
        ),
    )
    backend: str = _row(
        "", bounds=URL, flag=("URL", "evaluate queries on this external SPARQL endpoint, not the local store")
    )
    # What the backend does with SERVICE: "on" (calls any host: Accords refuses SERVICE),
    # "off" (its federation is turned off), "allowlist" (it calls only service_allowlist).
    backend_federation: str = _row(
        "on",
        bounds=("on", "off", "allowlist"),
        flag=(
            None,
            "what the backend does with SERVICE: on (any host: Accords refuses SERVICE), off, "
            "or allowlist (only the allow-listed endpoints)",
        ),
    )
    # The named graph holding the merge, for a store with no default graph of its own (Virtuoso):
    # `build --push` writes the merge there, `serve --backend` queries it as the default graph.
    backend_default_graph: str = _row("")
    reasoner: str = _row("fast")
    full_entailment: bool = _row(False)  # builds also store graph/inferred-full, for entailment=full
    entailment: str = _row("filtered", bounds=("filtered", "full"))  # when a query does not say
    extra: dict[str, Any] = _row(factory=dict)

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


class Flag(NamedTuple):
    """A flag of ``accords serve``: its setting (--max-result-rows for max_result_rows), its value's
    type, metavar and choices, and its help (with the default, where there is one)."""

    setting: str
    kind: type
    metavar: str | None
    choices: tuple[str, ...] | None
    help: str


def _kind(default: Any) -> type:
    """The type of a flag's value: a list is typed comma-separated, a path as text."""
    return str if isinstance(default, tuple | Path) else type(default)


def _plain(value: Any) -> str:
    """A default as one types it: 10, not 10.0; a list comma-separated."""
    if isinstance(value, tuple):
        return ",".join(str(item) for item in value) or "none"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _flag(name: str, metavar: str | None, text: str) -> Flag:
    default = getattr(_DEFAULTS, name)
    choices = BOUNDS.get(name)
    return Flag(
        name,
        _kind(default),
        metavar,
        choices if isinstance(choices, tuple) else None,
        f"{text} (default {_plain(default)})" if default != "" else text,
    )


_DEFAULTS = Settings()
BOUNDS: dict[str, str | tuple[str, ...]] = {
    f.name: f.metadata["bounds"] for f in fields(Settings) if f.metadata.get("bounds")
}
LIMITS: tuple[Limit, ...] = tuple(
    Limit(f.name, _kind(getattr(_DEFAULTS, f.name)), metavar, text, reported_as, f.metadata["service_term"])
    for f in fields(Settings)
    if f.metadata["limit"]
    for metavar, text, reported_as in [f.metadata["limit"]]
)
# Every flag of ``accords serve``: each limit, and the other settings that have one.
SERVE_FLAGS: tuple[Flag, ...] = tuple(
    _flag(f.name, metavar, text)
    for f in fields(Settings)
    if f.metadata["limit"] or f.metadata["flag"]
    for metavar, text, *_ in [f.metadata["limit"] or f.metadata["flag"]]
)


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


def out_of_bounds(name: str, value: Any) -> str | None:
    """Why ``value`` cannot be setting ``name``, or None if it can."""
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    bounds = BOUNDS.get(name)
    if bounds == AT_LEAST_ONE and value < 1:
        return "must be at least 1"
    if bounds == AT_LEAST_ZERO and value < 0:
        return "must be at least 0"
    if bounds == ABOVE_ZERO and value <= 0:
        return "must be more than 0"
    if bounds == URL and value and not value.startswith(("http://", "https://")):
        return "must be an http:// or https:// URL"
    if bounds == PORT and not 0 < value < 65536:
        return "a port is a number from 1 to 65535"
    if name == "trusted_proxies":
        try:
            for address in value:
                ipaddress.ip_network(address, strict=False)
        except ValueError as error:
            return str(error)
    if isinstance(bounds, tuple) and value not in bounds:
        return "must be one of " + ", ".join(bounds)
    return None


def _coerce(label: str, name: str, value: Any, default: Any) -> Any:
    """``value`` for setting ``name``, or ConfigError naming ``label`` (where it was set)."""
    try:
        converted = _convert(value, default)
    except (TypeError, ValueError) as error:
        expected = {int: "an integer", float: "a number"}.get(type(default))
        reason = f"expected {expected}" if expected else str(error)
        raise ConfigError(f"{label}: cannot use {value!r} ({reason})") from error
    problem = out_of_bounds(name, converted)
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
