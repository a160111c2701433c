"""Settings: the layers (defaults, file, ACCORDS_* variables, flags), bad values, /health's limits."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient

from accords.bench.servers import accords_env
from accords.config import LIMITS, ConfigError, Settings, load_settings
from tests.fixtures import PROJECT_ROOT

# A value for the file, the environment and a flag of each limit, all different.
LAYER_VALUES = {
    "query_timeout": (3.0, 4.0, 5.0),
    "workers": (3, 4, 5),
    "query_processes": (3, 4, 5),
    "max_result_rows": (30, 40, 50),
    "max_result_bytes": (3000, 4000, 5000),
    "max_request_bytes": (300, 400, 500),
    "max_query_depth": (13, 14, 15),
    "max_query_variables": (23, 24, 25),
    "max_query_memory_mb": (300, 400, 0),
    "service_timeout": (1.5, 2.5, 3.5),
    "service_max_calls": (6, 7, 8),
    "max_total_memory_mb": (600, 700, 800),
    "queue_timeout": (0.5, 1.5, 2.5),
    "request_timeout": (4.0, 5.0, 6.0),
    "client_timeout": (7.0, 8.0, 9.0),
    "client_query_seconds": (10.0, 20.0, 0.0),
    "client_concurrent_queries": (3, 4, 5),
}
LIST_LIMITS = {"trusted_proxies"}  # comma-separated in a variable or flag, a TOML list in a file
HEALTH_LIMITS = {
    "query_timeout_seconds",
    "service_timeout_seconds",
    "service_max_calls",
    "max_result_rows",
    "max_result_bytes",
    "max_request_bytes",
    "max_query_depth",
    "max_query_variables",
    "max_query_memory_mb",
    "query_processes_per_worker",
    "workers",
    "max_total_memory_mb",
    "queue_timeout_seconds",
    "request_timeout_seconds",
    "client_timeout_seconds",
    "client_query_seconds_per_minute",
    "client_concurrent_queries",
    "trusted_proxies",
}


def serve(*args: str, **environment: str) -> subprocess.CompletedProcess:
    """Run ``accords serve`` with only the ACCORDS_* variables given (no config file)."""
    return subprocess.run(
        [sys.executable, "-m", "accords.cli", "serve", *args],
        cwd=PROJECT_ROOT,
        env=accords_env(os.devnull, **environment),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_every_limit_has_a_flag() -> None:
    assert {name for name, *_ in LIMITS} == set(LAYER_VALUES) | LIST_LIMITS


def test_trusted_proxies_from_each_layer(tmp_path: Path) -> None:
    config = tmp_path / "accords.toml"
    config.write_text('[accords]\ntrusted_proxies = ["10.0.0.0/8", "127.0.0.9"]\n')
    assert load_settings(config, {}).trusted_proxies == ("10.0.0.0/8", "127.0.0.9")
    environ = {"ACCORDS_TRUSTED_PROXIES": "192.0.2.1, 192.0.2.2"}
    assert load_settings(config, environ).trusted_proxies == ("192.0.2.1", "192.0.2.2")
    assert load_settings(config, environ, {"trusted_proxies": "::1"}).trusted_proxies == ("::1",)
    with pytest.raises(ConfigError, match=r"^--trusted-proxies: cannot use 'proxy\.example' \("):
        load_settings(config, environ, {"trusted_proxies": "proxy.example"})


@pytest.mark.parametrize("name", LAYER_VALUES)
def test_a_flag_wins_over_the_variable_and_the_file(tmp_path: Path, name: str) -> None:
    in_file, in_environment, in_flag = LAYER_VALUES[name]
    config = tmp_path / "accords.toml"
    config.write_text(f"[accords]\n{name} = {in_file}\n")
    environ = {"ACCORDS_" + name.upper(): str(in_environment)}
    assert getattr(load_settings(config, {}), name) == in_file
    assert getattr(load_settings(config, environ), name) == in_environment
    assert getattr(load_settings(config, environ, {name: in_flag}), name) == in_flag
    assert getattr(load_settings(config, environ, {name: None}), name) == in_environment


@pytest.mark.parametrize(
    ("layer", "value", "message"),
    [
        ("flag", -1, r"^--max-query-depth: cannot use -1 \(must be at least 1\)$"),
        ("flag", "deep", r"^--max-query-depth: cannot use 'deep' \(expected an integer\)$"),
        ("variable", "0", r"^ACCORDS_MAX_QUERY_DEPTH: cannot use '0' \(must be at least 1\)$"),
        ("file", "-2", r"accords\.toml: setting 'max_query_depth': cannot use -2 \(must be at least 1\)$"),
    ],
)
def test_a_bad_value_names_where_it_was_set(tmp_path: Path, layer: str, value, message: str) -> None:
    config = tmp_path / "accords.toml"
    config.write_text(f"[accords]\nmax_query_depth = {value}\n" if layer == "file" else "")
    environ = {"ACCORDS_MAX_QUERY_DEPTH": value} if layer == "variable" else {}
    flags = {"max_query_depth": value} if layer == "flag" else {}
    with pytest.raises(ConfigError, match=message):
        load_settings(config, environ, flags)


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("query_processes", 0, "must be at least 1"),
        ("workers", 0, "must be at least 1"),
        ("max_result_rows", -5, "must be at least 1"),
        ("max_query_memory_mb", -1, "must be at least 0"),
        ("query_timeout", 0, "must be more than 0"),
        ("service_timeout", "nan", "must be a finite number"),
        ("service_timeout", "soon", "expected a number"),
        ("queue_timeout", 0, "must be more than 0"),
        ("max_total_memory_mb", 0, "must be at least 1"),
        ("port", 70000, "a port is a number from 1 to 65535"),
    ],
)
def test_a_limit_out_of_its_bounds_is_refused(name: str, value, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        load_settings(environ={}, flags={name: value})


def test_zero_is_no_memory_limit() -> None:
    assert load_settings(environ={}, flags={"max_query_memory_mb": 0}).max_query_memory_mb == 0


@pytest.mark.parametrize(
    ("args", "environment", "code", "message"),
    [
        (
            ["--max-result-rows", "-5"],
            {},
            1,
            "accords serve: --max-result-rows: cannot use -5 (must be at least 1)",
        ),
        (
            ["--service-timeout", "0"],
            {},
            1,
            "accords serve: --service-timeout: cannot use 0.0 (must be more than 0)",
        ),
        (
            [],
            {"ACCORDS_QUERY_PROCESSES": "many"},
            1,
            "accords serve: ACCORDS_QUERY_PROCESSES: cannot use 'many' (expected an integer)",
        ),
        (
            ["--max-query-variables", "lots"],
            {},
            2,
            "accords serve: error: argument --max-query-variables: invalid int value: 'lots'",
        ),
        (["--port", "70000"], {}, 2, "accords serve: --port 70000: a port is a number from 1 to 65535"),
        (
            ["--backend", "ftp://example.invalid/sparql"],
            {},
            1,
            "accords serve: --backend: cannot use 'ftp://example.invalid/sparql' "
            "(must be an http:// or https:// URL)",
        ),
        (
            [],
            {"ACCORDS_PORT": "0"},
            1,
            "accords serve: ACCORDS_PORT: cannot use '0' (a port is a number from 1 to 65535)",
        ),
    ],
)
def test_serve_with_a_bad_limit_says_so_in_one_line(
    tmp_path: Path, args: list[str], environment: dict[str, str], code: int, message: str
) -> None:
    result = serve("--store", str(tmp_path / "none"), *args, **environment)
    assert result.returncode == code, result.stderr
    assert result.stderr.strip().splitlines()[-1] == message
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "none").exists()  # stopped before building a store


def test_health_lists_every_limit_with_its_unit(
    server_client: FlaskClient, server_settings: Settings
) -> None:
    limits = server_client.get("/health").get_json()["limits"]
    assert set(limits) == HEALTH_LIMITS
    assert limits["max_query_depth"] == server_settings.max_query_depth
    assert limits["query_processes_per_worker"] == server_settings.query_processes
    assert limits["service_timeout_seconds"] == server_settings.service_timeout
    assert limits["max_query_memory_mb"] == server_settings.max_query_memory_mb


def test_serve_flags_reach_the_server_over_the_environment(server_live_factory, server_store: Path) -> None:
    live = server_live_factory(
        server_store,
        "--workers",
        "1",
        "--query-processes",
        "1",
        "--max-query-depth",
        "7",
        "--max-query-variables",
        "9",
        "--max-query-memory-mb",
        "512",
        "--service-timeout",
        "3",
        "--max-result-rows",
        "11",
        "--max-result-bytes",
        "123456",
        "--max-request-bytes",
        "4096",
        "--service-max-calls",
        "6",
        "--max-total-memory-mb",
        "900",
        "--queue-timeout",
        "1.5",
        "--request-timeout",
        "6",
        "--client-timeout",
        "7",
        "--client-query-seconds",
        "30",
        "--client-concurrent-queries",
        "3",
        "--trusted-proxies",
        "127.0.0.9,10.0.0.0/8",
        ACCORDS_MAX_QUERY_DEPTH="50",
        ACCORDS_MAX_RESULT_ROWS="77",
    )
    session = requests.Session()
    session.trust_env = False  # no proxy between the test and the loopback server
    with session:
        limits = session.get(live.base_url + "/health", timeout=10).json()["limits"]
        nested = "ASK { " + "{ " * 8 + "}" * 8 + " }"
        refused = session.get(live.base_url + "/sparql", params={"query": nested}, timeout=10)
    assert limits == {
        "query_timeout_seconds": 10.0,
        "service_timeout_seconds": 3.0,
        "service_max_calls": 6,
        "max_result_rows": 11,
        "max_result_bytes": 123456,
        "max_request_bytes": 4096,
        "max_query_depth": 7,
        "max_query_variables": 9,
        "max_query_memory_mb": 512,
        "query_processes_per_worker": 1,
        "workers": 1,
        "max_total_memory_mb": 900,
        "queue_timeout_seconds": 1.5,
        "request_timeout_seconds": 6.0,
        "client_timeout_seconds": 7.0,
        "client_query_seconds_per_minute": 30.0,
        "client_concurrent_queries": 3,
        "trusted_proxies": ["127.0.0.9", "10.0.0.0/8"],
    }
    assert refused.status_code == 400 and "max_query_depth" in refused.text


def test_a_port_in_use_is_said_in_one_line(tmp_path: Path) -> None:
    """No gunicorn retries for seconds: one line naming the port and the flag."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = serve("--store", str(tmp_path / "none"), "--port", str(port))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"accords serve: port {port} is in use: choose another with --port"
    ]
    assert time.monotonic() - started < 30  # gunicorn's retries took 5 s; here no wait at all
    assert not (tmp_path / "none").exists()
