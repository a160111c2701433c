"""``accords bench wrk`` at a tiny scale (20 articles, 1 s per query), and the requests its wrk
script sends. Needs Debian's wrk (installed by .ci/install-tools) and the oxigraph CLI."""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from accords.bench.wrk_bench import Query, Targets, drive, queries, wrk_script
from tests.fixtures import serve_http, stop_http

TITLES = [q.title for q in queries(Targets(("urn:x:a",), "urn:x:s"))]


def test_the_bench_prints_a_ratio_per_query_after_the_servers_agreed(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "accords.cli", "bench", "wrk", "--articles", "20", "--seconds", "1"]
        + ["--runs", "1", "--work", str(tmp_path), "--json", str(tmp_path / "out.json")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "answers: both servers give the same rows for every query" in done.stderr
    lines = done.stdout.splitlines()
    for title in TITLES:
        row = next(line for line in lines if line.startswith(f"| {title} |"))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 8, row  # title, rows, then q/s, q/s, ratio in each mode
        assert int(cells[1]) > 0, row  # the query found something
        for ratio in (cells[4], cells[7]):
            assert float(ratio.split()[0]) >= 0, row
    assert any(line.startswith("| **geometric mean** |") for line in lines)
    assert any(line.startswith("Load average (1 min, after each measurement): ") for line in lines)
    assert (tmp_path / "out.json").is_file()


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
    bodies: list[str] = []
    lock = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        with self.lock:
            self.bodies.append(body)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


def test_in_unique_mode_every_request_carries_a_values_row_of_its_own(tmp_path: Path) -> None:
    query = Query("q", "q", "SELECT ?s WHERE { {nonce} ?s ?p ?o } LIMIT 1")
    server = serve_http(_Recorder)
    try:
        url = f"http://127.0.0.1:{server.server_port}/sparql"
        _Recorder.bodies = []
        drive(url, wrk_script(query, True, tmp_path / "unique.lua"), 1)
        unique = list(_Recorder.bodies)
        _Recorder.bodies = []
        drive(url, wrk_script(query, False, tmp_path / "repeated.lua"), 1)
        repeated = list(_Recorder.bodies)
    finally:
        stop_http(server)
    assert len(unique) > 10 and len(set(unique)) == len(unique)
    assert all(body.startswith("SELECT ?s WHERE { VALUES ?nonce { ") for body in unique)
    assert len(repeated) > 10 and set(repeated) == {query.text(1)}
