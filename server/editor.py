"""The query editor: a YASGUI page on ``/`` (and on ``/sparql`` for a browser, via server.sparql).

The page holds no inline script, so it works under ``script-src 'self'``: the code that
starts YASGUI is ``static/editor.js``, and what it needs (the endpoint, the example
queries) travels in a ``<script type="application/json">`` data block.

Example queries, one tab each, come from the first folder that holds ``*.rq`` files:
``server/examples/`` (the competency questions of the seed); each file starts with a ``# title``
comment line. With none, one built-in example is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import Blueprint, Request, Response, render_template, request

from accords.loaders.namespaces import ACC

blueprint = Blueprint(
    "editor",
    __name__,
    template_folder="templates",
    static_folder="static",
    # Own URL prefix, so the page works whatever the app does with its own /static.
    static_url_path="/static/editor",
)

SERVER_DIR = Path(__file__).resolve().parent
EXAMPLE_FOLDERS: tuple[Path, ...] = (SERVER_DIR / "examples",)
MAX_EXAMPLES = 50
MAX_EXAMPLE_BYTES = 64 * 1024
MAX_TAB_NAME = 40

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
BUILTIN_QUERY = (
    f"SELECT ?agreement ?label WHERE {{ ?agreement a <{ACC['Agreement']}> ; <{RDFS}label> ?label }} LIMIT 20"
)
NEW_TAB_QUERY = f"""PREFIX acc: <{ACC}>
PREFIX rdfs: <{RDFS}>

SELECT * WHERE {{
  ?s ?p ?o
}} LIMIT 10
"""

# Security headers come from server.security, whose policy is written for this page:
# YASGUI writes style attributes and a <style> element (style-src 'unsafe-inline'),
# and needs no 'unsafe-eval'.


@dataclass(frozen=True)
class Example:
    """One example query, shown as one editor tab."""

    id: str
    name: str
    title: str
    query: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "example"


def _tab_name(title: str) -> str:
    if len(title) <= MAX_TAB_NAME:
        return title
    return title[: MAX_TAB_NAME - 1].rstrip() + "…"


def _short_name(stem: str) -> str | None:
    """A tab name from a file name like ``1-agreements-of-the-visit``."""
    match = re.fullmatch(r"(\d+)[-_ ]+(.+)", stem)
    if not match:
        return None
    words = re.sub(r"[-_]+", " ", match.group(2)).strip()
    return f"{int(match.group(1))}. {words[:1].upper()}{words[1:]}" if words else None


def read_example(path: Path) -> Example | None:
    """The example in one ``.rq`` file, titled by its first ``# title`` line.

    The tab's name comes from a numbered file name (``3-institution.rq`` is "3.
    Institution"), else from the title, shortened.
    """
    try:
        if path.stat().st_size > MAX_EXAMPLE_BYTES:
            return None
        query = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not query.strip():
        return None
    first = query.lstrip().splitlines()[0].strip()
    title = first.lstrip("#").strip() if first.startswith("#") else ""
    title = title or path.stem.replace("_", " ").replace("-", " ")
    name = _tab_name(_short_name(path.stem) or title)
    return Example(id="example-" + _slug(path.stem), name=name, title=title, query=query)


def _natural(path: Path) -> tuple:
    """Sort 2-… before 10-…."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", path.name))


def load_examples(folders: Iterable[Path] | None = None) -> list[Example]:
    """The examples of the first folder that has any, else the built-in one."""
    for folder in EXAMPLE_FOLDERS if folders is None else folders:
        if not folder.is_dir():
            continue
        examples = [
            example
            for path in sorted(folder.glob("*.rq"), key=_natural)[:MAX_EXAMPLES]
            if (example := read_example(path)) is not None
        ]
        if examples:
            return examples
    return [
        Example(
            id="example-agreements",
            name="Agreements",
            title="Agreements and their labels",
            query=BUILTIN_QUERY,
        )
    ]


def endpoint_path(req: Request | None = None) -> str:
    """The endpoint's path on this server (same origin; respects a mount prefix)."""
    req = req or request
    return req.script_root.rstrip("/") + "/sparql"


def render_editor() -> Response:
    """The editor page (the application adds its security headers)."""
    examples = load_examples()
    data = {
        "endpoint": endpoint_path(),
        "newTabQuery": NEW_TAB_QUERY,
        "examples": [asdict(example) for example in examples],
    }
    response = Response(
        render_template("editor.html", data=data, endpoint=data["endpoint"], examples=examples),
        mimetype="text/html",
    )
    response.headers["Vary"] = "Accept"
    return response


@blueprint.get("/")
def editor() -> Response:
    return render_editor()
