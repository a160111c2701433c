"""A stand-in for Wikidata in the tests: a real SPARQL server (``oxigraph serve``) on loopback.

TEST DATA, NOT FACTS. The dataset below is shaped like Wikidata's RDF (``wd:``, ``wdt:``,
``p:``/``ps:``/``pq:`` statements with ranks, ``rdfs:label``, ``schema:description``) so that
the federated queries, the snapshot and the reconciliation can be tested without the internet.
Only the QIDs of ``loaders/reference/`` are real (Mali Q912, Russia Q159, Bamako Q3703,
Moscow Q649, Vladimir Putin Q7747); every other QID is made up, in the range Q900000000+, and
every description says "[test fixture]". Dates and populations are fixture values too.

``CountingProxy`` sits in front of the server to count the calls that reach it, note their
User-Agent, and play a slow or failing endpoint on demand.
"""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from accords.bench.servers import Spawned, oxigraph_program, start_oxigraph
from tests.fixtures import reply, serve_http, stop_http

FAKE_GOITA = "Q900000001"  # a made-up item labelled like the seed's unlinked person
FAKE_ROSATOM = "Q900000002"  # a made-up company labelled like the seed's unlinked organization
FAKE_SHIP = "Q900000003"  # a made-up item with the same label but not a company
FAKE_MEDVEDEV = "Q900000004"  # a made-up former head of state, to have an ended statement

PREFIXES = """\
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix wds: <http://www.wikidata.org/entity/statement/> .
@prefix wdt: <http://www.wikidata.org/prop/direct/> .
@prefix p: <http://www.wikidata.org/prop/> .
@prefix ps: <http://www.wikidata.org/prop/statement/> .
@prefix pq: <http://www.wikidata.org/prop/qualifier/> .
@prefix wikibase: <http://wikiba.se/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

DATA = (
    PREFIXES
    + f"""
# ---- classes (made-up QIDs; the reconciler reads their English labels)
wd:Q900000101 rdfs:label "human"@en, "être humain"@fr .
wd:Q900000102 rdfs:label "state corporation"@en, "corporation d'État"@fr .
wd:Q900000103 rdfs:label "ship"@en, "navire"@fr .
wd:Q900000104 rdfs:label "sovereign state"@en, "État souverain"@fr .
wd:Q900000105 rdfs:label "city"@en, "ville"@fr .

# ---- Mali
wd:Q912 rdfs:label "Mali"@en, "Mali"@fr ;
    schema:description "country in West Africa [test fixture]"@en,
        "pays d'Afrique de l'Ouest [test fixture]"@fr ;
    wdt:P31 wd:Q900000104 ; wdt:P36 wd:Q3703 ; wdt:P35 wd:{FAKE_GOITA} ;
    wdt:P1082 "22000000"^^xsd:decimal ; wdt:P530 wd:Q159 ;
    p:P31 wds:Q912-P31 ; p:P36 wds:Q912-P36 ; p:P35 wds:Q912-P35 ;
    p:P1082 wds:Q912-P1082-2009, wds:Q912-P1082-2022 ; p:P530 wds:Q912-P530 .
wds:Q912-P31 ps:P31 wd:Q900000104 ; wikibase:rank wikibase:NormalRank .
wds:Q912-P36 ps:P36 wd:Q3703 ; wikibase:rank wikibase:NormalRank .
wds:Q912-P35 ps:P35 wd:{FAKE_GOITA} ; pq:P580 "2021-06-07T00:00:00Z"^^xsd:dateTime ;
    wikibase:rank wikibase:NormalRank .
wds:Q912-P1082-2009 ps:P1082 "14500000"^^xsd:decimal ; pq:P585 "2009-04-01T00:00:00Z"^^xsd:dateTime ;
    wikibase:rank wikibase:NormalRank .
wds:Q912-P1082-2022 ps:P1082 "22000000"^^xsd:decimal ; pq:P585 "2022-01-01T00:00:00Z"^^xsd:dateTime ;
    wikibase:rank wikibase:PreferredRank .
wds:Q912-P530 ps:P530 wd:Q159 ; wikibase:rank wikibase:NormalRank .

# ---- Russia
wd:Q159 rdfs:label "Russia"@en, "Russie"@fr ;
    schema:description "country in Eastern Europe and Asia [test fixture]"@en ;
    wdt:P31 wd:Q900000104 ; wdt:P36 wd:Q649 ; wdt:P35 wd:Q7747 ;
    wdt:P1082 "146000000"^^xsd:decimal ; wdt:P530 wd:Q912 ;
    p:P31 wds:Q159-P31 ; p:P36 wds:Q159-P36 ; p:P35 wds:Q159-P35-2008, wds:Q159-P35-2012 ;
    p:P1082 wds:Q159-P1082 ; p:P530 wds:Q159-P530 .
wds:Q159-P31 ps:P31 wd:Q900000104 ; wikibase:rank wikibase:NormalRank .
wds:Q159-P36 ps:P36 wd:Q649 ; wikibase:rank wikibase:NormalRank .
wds:Q159-P35-2008 ps:P35 wd:{FAKE_MEDVEDEV} ; pq:P580 "2008-05-07T00:00:00Z"^^xsd:dateTime ;
    pq:P582 "2012-05-07T00:00:00Z"^^xsd:dateTime ; wikibase:rank wikibase:NormalRank .
wds:Q159-P35-2012 ps:P35 wd:Q7747 ; pq:P580 "2012-05-07T00:00:00Z"^^xsd:dateTime ;
    wikibase:rank wikibase:NormalRank .
wds:Q159-P1082 ps:P1082 "146000000"^^xsd:decimal ; pq:P585 "2021-01-01T00:00:00Z"^^xsd:dateTime ;
    wikibase:rank wikibase:NormalRank .
wds:Q159-P530 ps:P530 wd:Q912 ; wikibase:rank wikibase:NormalRank .

# ---- places and people
wd:Q3703 rdfs:label "Bamako"@en, "Bamako"@fr ; schema:description "capital of Mali [test fixture]"@en ;
    wdt:P31 wd:Q900000105 ; wdt:P17 wd:Q912 .
wd:Q649 rdfs:label "Moscow"@en, "Moscou"@fr ; schema:description "capital of Russia [test fixture]"@en ;
    wdt:P31 wd:Q900000105 ; wdt:P17 wd:Q159 .
wd:Q7747 rdfs:label "Vladimir Putin"@en, "Vladimir Poutine"@fr ; wdt:P31 wd:Q900000101 .
wd:{FAKE_MEDVEDEV} rdfs:label "Dmitry Medvedev"@en, "Dmitri Medvedev"@fr ;
    schema:description "former head of state [test fixture]"@en ; wdt:P31 wd:Q900000101 .

# ---- for the reconciliation: the seed's unlinked person and company, and a decoy
wd:{FAKE_GOITA} rdfs:label "Assimi Goïta"@fr, "Assimi Goïta"@en ;
    schema:description "Malian military officer [test fixture]"@en, "officier malien [test fixture]"@fr ;
    wdt:P31 wd:Q900000101 .
wd:{FAKE_ROSATOM} rdfs:label "Rosatom"@en, "Rosatom"@fr ; skos:altLabel "ROSATOM"@fr ;
    schema:description "Russian nuclear company [test fixture]"@en ;
    wdt:P31 wd:Q900000102 ; wdt:P17 wd:Q159 .
wd:{FAKE_SHIP} rdfs:label "Rosatom"@en ; schema:description "a ship [test fixture]"@en ;
    wdt:P31 wd:Q900000103 .
"""
)


class FakeWikidata(Spawned):
    """``oxigraph serve`` loaded with DATA (a ``bench.servers.Spawned``); ``endpoint``: its query URL."""

    @property
    def endpoint(self) -> str:
        return self.url + "/query"


def start_fake_wikidata(workdir: Path) -> FakeWikidata:
    """Write the fixture, load it into a new oxigraph database, serve it on a free loopback port."""
    data = workdir / "wikidata-fixture.ttl"
    data.write_text(DATA, encoding="utf-8")
    location = workdir / "oxigraph-db"
    subprocess.run(
        [oxigraph_program(), "load", "--location", str(location), "--file", str(data)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    server = start_oxigraph(location, workdir / "oxigraph.log")
    return FakeWikidata("fake Wikidata (oxigraph)", server.url, server.process, server.log)


@dataclass
class Call:
    method: str
    query: str
    user_agent: str
    accept: str


@dataclass
class CountingProxy:
    """An HTTP hop in front of an endpoint: counts calls; ``delay`` and ``fail`` play a bad endpoint."""

    target: str
    delay: float = 0.0
    fail: int = 0  # answer this HTTP status instead of forwarding (0: forward)
    calls: list[Call] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/query"

    def start(self) -> CountingProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self._forward()

            def do_POST(self) -> None:  # noqa: N802
                self._forward()

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                from urllib.parse import parse_qs, urlsplit

                query = parse_qs(urlsplit(self.path).query).get("query", [""])[0]
                if body:
                    query = parse_qs(body.decode()).get("query", [body.decode()])[0]
                proxy.calls.append(
                    Call(
                        self.command,
                        query,
                        self.headers.get("User-Agent", ""),
                        self.headers.get("Accept", ""),
                    )
                )
                if proxy.delay:
                    time.sleep(proxy.delay)
                if proxy.fail:
                    self._send(proxy.fail, "text/plain", b"the fixture endpoint fails on purpose")
                    return
                target = proxy.target + ("?" + urlsplit(self.path).query if urlsplit(self.path).query else "")
                headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")}
                request = urllib.request.Request(target, data=body, headers=headers, method=self.command)
                opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
                try:
                    with opener.open(request, timeout=30) as response:
                        self._send(response.status, response.headers["Content-Type"], response.read())
                except urllib.error.HTTPError as error:
                    self._send(error.code, error.headers.get("Content-Type", "text/plain"), error.read())

            def _send(self, status: int, content_type: str, body: bytes) -> None:
                reply(self, status, content_type, body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = serve_http(Handler)
        return self

    def stop(self) -> None:
        stop_http(self.server)
