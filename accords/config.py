"""Configuration from one place: defaults, then a TOML file, then ACCORDS_* variables, then flags."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from loaders.namespaces import SEEDS_DIR

DEFAULT_CONFIG_FILE = Path("accords.toml")


class ConfigError(Exception):
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
    public_base: str = "https://w3id.org/accords/"
    service_allowlist: tuple[str, ...] = ("https://query.wikidata.org/sparql",)
    wikidata_endpoint: str = "https://query.wikidata.org/sparql"
    service_timeout: float = 10.0
    service_cache_ttl: float = 3600.0  # seconds a SERVICE answer is reused; 0: no cache
    service_cache_bytes: int = 32_000_000  # per server worker
    result_cache_bytes: int = 64_000_000  # complete query results kept per server worker; 0: off
    backend: str = ""  # URL of an external SPARQL endpoint to query instead of the local store
    reasoner: str = "fast"
    extra: dict[str, Any] = field(default_factory=dict)


def _coerce(name: str, value: Any, default: Any) -> Any:
    try:
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
    except (TypeError, ValueError) as error:
        raise ConfigError(f"setting {name!r}: cannot use {value!r} ({error})") from error


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
    """Merge the layers; a later layer wins. Flags set to None are ignored."""
    environ = os.environ if environ is None else environ
    defaults = Settings()
    known = {f.name: getattr(defaults, f.name) for f in fields(Settings) if f.name != "extra"}
    values: dict[str, Any] = {}

    path = config_file or Path(environ.get("ACCORDS_CONFIG", DEFAULT_CONFIG_FILE))
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
            values[name] = _coerce(name, value, known[name])
        values["extra"] = {k: v for k, v in data.items() if k != "accords" and k not in section}
        _check_services(path, values["extra"].get("services", {}))

    for name, default in known.items():
        variable = "ACCORDS_" + name.upper()
        if variable in environ:
            values[name] = _coerce(variable, environ[variable], default)

    for name, value in (flags or {}).items():
        if value is not None:
            values[name] = _coerce(name, value, known[name])
    return replace(defaults, **values)
