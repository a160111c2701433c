"""The wheel, installed (not editable) in a throwaway venv, works from any folder.

Offline: the wheel is built with ``--no-build-isolation`` from a copy of the checkout, installed
with ``--no-deps`` into a new venv that sees this venv's packages (a ``.pth`` line, which adds the
folder but not this venv's editable install of Accords). An audit hook in the new venv records
every file a process of it opens in the checkout: run time must read only the installed package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from accords.bench.servers import LOOPBACK, Spawned, free_port, wait_until_answers
from tests.fixtures import COMPETENCY_DIR, PROJECT_ROOT

NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv*", "var", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "node_modules"
)
# sitecustomize of the new venv: every process it starts (the CLI, gunicorn's workers, the query
# processes) writes the checkout files it opens to $ACCORDS_TEST_OPEN_LOG, one per line.
AUDIT_HOOK = """\
import os, sys
_log = os.environ.get("ACCORDS_TEST_OPEN_LOG")
if _log:
    _fd = os.open(_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    _roots = tuple(os.environ["ACCORDS_TEST_FORBIDDEN"].split(os.pathsep))
    _allowed = tuple(os.environ["ACCORDS_TEST_ALLOWED"].split(os.pathsep))

    def _hook(event, args):
        if event == "open" and isinstance(args[0], (str, bytes)):
            path = os.path.abspath(os.fsdecode(args[0]))
            if path.startswith(_roots) and not path.startswith(_allowed):
                os.write(_fd, (path + "\\n").encode())

    sys.addaudithook(_hook)
"""


@dataclass
class Installed:
    """The built wheel, the venv it is installed in, and a folder outside the checkout to run in."""

    wheel: Path
    venv: Path
    workdir: Path
    env: dict[str, str]
    opened_log: Path

    @property
    def accords(self) -> Path:
        return self.venv / "bin" / "accords"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.accords), *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def checkout_files_opened(self) -> list[str]:
        return sorted(set(self.opened_log.read_text().splitlines())) if self.opened_log.exists() else []


def _check(command: list[str], **options: object) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **options)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=NOT_SOURCES)
    dist = root / "dist"
    pip = [sys.executable, "-m", "pip"]
    _check(
        [*pip, "wheel", "-q", "--no-build-isolation", "--no-deps", "--no-index", "-w", str(dist), str(source)]
    )
    (wheel,) = dist.glob("accords-*.whl")

    venv = root / "venv"
    _check([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    new_python = str(venv / "bin" / "python")
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    new_site = Path(
        subprocess.run([new_python, "-c", purelib], capture_output=True, text=True).stdout.strip()
    )
    (new_site / "test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    (new_site / "sitecustomize.py").write_text(AUDIT_HOOK)
    _check([new_python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)])

    workdir = root / "elsewhere"
    workdir.mkdir()
    opened_log = root / "opened.log"
    env = {
        "HOME": str(root),
        "PATH": "/usr/local/bin:/usr/bin:/bin",  # not the venv's bin: nothing is activated
        "LANG": "C.UTF-8",
        "ACCORDS_TEST_OPEN_LOG": str(opened_log),
        "ACCORDS_TEST_FORBIDDEN": os.pathsep.join([str(PROJECT_ROOT), str(source)]),
        "ACCORDS_TEST_ALLOWED": os.pathsep.join([sys.prefix, str(PROJECT_ROOT / ".venv")]),
    }
    return Installed(wheel, venv, workdir, env, opened_log)


def test_the_wheel_holds_one_namespaced_package_with_its_data(installed: Installed) -> None:
    names = zipfile.ZipFile(installed.wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"accords", "accords-0.1.0.dist-info"}
    for needed in (
        "accords/ontology/accords.ttl",
        "accords/ontology/topics.ttl",
        "accords/ontology/shapes.ttl",
        "accords/seeds/000_054c372ceee383ed.txt",
        "accords/seeds/000_054c372ceee383ed.yaml",
        "accords/server/templates/editor.html",
        "accords/server/static/yasgui/yasgui.min.js",
        "accords/loaders/extraction/gold/009_egypt_russia.txt",
        *(f"accords/server/examples/{path.name}" for path in COMPETENCY_DIR.glob("*.rq")),
    ):
        assert needed in names
    assert not [name for name in names if "/tests/" in name or name.startswith("tests/")]


def test_build_and_query_from_another_folder(installed: Installed) -> None:
    where = subprocess.run(
        [str(installed.python), "-c", "import accords; print(accords.__file__)"],
        cwd=installed.workdir,
        env=installed.env,
        capture_output=True,
        text=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(installed.venv), where.stderr

    built = installed.run("build")
    assert built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    assert (installed.workdir / "var").is_dir()

    query = (COMPETENCY_DIR / "2-energy-and-security.rq").read_text(encoding="utf-8")
    answer = installed.run("query", query, "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    rows = answer.stdout.splitlines()
    assert rows[0].startswith("domain,")
    assert sorted(row.split(",")[0] for row in rows[1:]) == ["energy", "security"]
    assert installed.checkout_files_opened() == []


@pytest.fixture
def served(installed: Installed) -> Iterator[Spawned]:
    """``accords serve`` in an empty folder: it builds ./var from the packaged seeds first."""
    port = free_port()
    folder = installed.workdir / "empty"
    folder.mkdir()
    log = installed.workdir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(installed.accords), "serve", "--host", LOOPBACK, "--port", str(port), "--workers", "1"],
            cwd=folder,
            env=installed.env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Spawned("accords serve", f"http://{LOOPBACK}:{port}", process, log)
    try:
        wait_until_answers(server, server.url + "/health", timeout=120)
        yield server
    finally:
        server.stop()


def test_serve_from_another_folder(installed: Installed, served: Spawned) -> None:
    with requests.Session() as http:
        health = http.get(served.url + "/health", timeout=30)
        assert health.status_code == 200
        assert health.json()["status"] == "ok"

        query = (
            "PREFIX acc: <https://w3id.org/accords/ontology#> SELECT ?a WHERE { ?a a acc:EnergyAgreement }"
        )
        answer = http.get(served.url + "/sparql", params={"query": query}, timeout=30)
        assert answer.status_code == 200, answer.text
        (binding,) = answer.json()["results"]["bindings"]
        assert binding["a"]["value"].endswith("/mali-russian-federation/2025-06/energy")

        editor = http.get(served.url + "/", headers={"Accept": "text/html"}, timeout=30)
        assert editor.status_code == 200
        data = editor.text.split('id="accords-examples">', 1)[1].split("</script>", 1)[0]
        queries = {example["query"] for example in json.loads(data)["examples"]}
        assert queries == {path.read_text(encoding="utf-8") for path in COMPETENCY_DIR.glob("*.rq")}
        script = http.get(served.url + "/static/editor/yasgui/yasgui.min.js", timeout=30)
        assert script.status_code == 200

    assert (installed.workdir / "empty" / "var" / "current").exists()
    assert "Traceback" not in served.log_text()
    assert installed.checkout_files_opened() == []
