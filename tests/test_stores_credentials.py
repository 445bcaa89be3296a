"""Publishing to a Graph Store that asks for credentials (`sparql_user`, `sparql_password`), as
Virtuoso's `/sparql-graph-crud-auth` does: the scheme is the one the engine asks for, and a large
body is sent once, with its credentials, never first without them (an engine may answer 401 and
close the connection before reading it)."""

from __future__ import annotations

import hashlib
import threading
from base64 import b64encode
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from werkzeug.datastructures import Authorization

from apwps.errors import StoreError
from apwps.stores.sparql import SparqlStore

USER, PASSWORD, REALM, NONCE = (
    "curator",
    "s3cret-pass",
    "SPARQL",
    "5ebe2294ecd0e0f08eab7690d2a6ee69",
)


@dataclass
class GraphStore:
    """A Graph Store endpoint on a free loopback port that demands one auth scheme."""

    scheme: str
    url: str = ""
    puts: list[tuple[str, int]] = field(default_factory=list)  # (path, body bytes) accepted
    unauthorised_bodies: int = 0  # bodies that arrived without valid credentials


def _digest_ok(auth: Authorization, method: str) -> bool:
    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    ha1 = md5(f"{USER}:{REALM}:{PASSWORD}")
    ha2 = md5(f"{method}:{auth.uri}")
    expected = md5(f"{ha1}:{auth.nonce}:{auth.nc}:{auth.cnonce}:{auth.qop}:{ha2}")
    return auth.username == USER and auth.response == expected


def _handler(store: GraphStore) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _authorised(self) -> bool:
            auth = Authorization.from_header(self.headers.get("Authorization"))
            if auth is None or auth.type != store.scheme:
                return False
            if store.scheme == "basic":
                return auth.username == USER and auth.password == PASSWORD
            return _digest_ok(auth, self.command)

        def _challenge(self) -> None:
            self.send_response(401)
            if store.scheme == "basic":
                self.send_header("WWW-Authenticate", f'Basic realm="{REALM}"')
            else:
                self.send_header(
                    "WWW-Authenticate",
                    f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth", algorithm="MD5"',
                )
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_HEAD(self) -> None:
            if not self._authorised():
                self._challenge()
                return
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_PUT(self) -> None:
            size = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(size)
            if not self._authorised():
                store.unauthorised_bodies += 1
                self._challenge()
                return
            store.puts.append((self.path, len(body)))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture(params=["basic", "digest"])
def graph_store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    store = GraphStore(request.param)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(store))
    store.url = f"http://127.0.0.1:{server.server_address[1]}/store"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield store
    server.shutdown()
    server.server_close()


BODY = b'<http://example.org/s> <http://example.org/p> "x" .\n'
LARGE = b"".join(
    f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n'.encode() for i in range(60_000)
)


def _remote(store: GraphStore, password: str = PASSWORD) -> SparqlStore:
    return SparqlStore(
        store.url.replace("/store", "/query"),
        graph_store_url=store.url,
        timeout_s=10,
        user=USER,
        password=password,
    )


def test_each_put_carries_credentials_in_the_scheme_asked_for(graph_store: GraphStore) -> None:
    remote = _remote(graph_store)
    remote.put_graph("https://w3id.org/apwps/graph/a", BODY)
    remote.put_graph(None, LARGE)
    assert [size for _, size in graph_store.puts] == [len(BODY), len(LARGE)]
    assert graph_store.puts[0][0].endswith("graph=https%3A%2F%2Fw3id.org%2Fapwps%2Fgraph%2Fa")
    assert graph_store.puts[1][0].endswith("?default")
    assert graph_store.unauthorised_bodies == 0, "a body was sent before its credentials"


def test_a_wrong_password_is_refused_and_never_shown(graph_store: GraphStore) -> None:
    wrong = "not-the-password-42"
    with pytest.raises(StoreError) as refused:
        _remote(graph_store, password=wrong).put_graph(None, BODY)
    assert "401" in str(refused.value)
    assert wrong not in str(refused.value) and PASSWORD not in str(refused.value)
    assert b64encode(f"{USER}:{wrong}".encode()).decode() not in str(refused.value)
    assert graph_store.puts == []


def test_without_a_user_no_credentials_are_sent(graph_store: GraphStore) -> None:
    remote = SparqlStore(graph_store.url, graph_store_url=graph_store.url, timeout_s=10)
    with pytest.raises(StoreError, match="refused the data: 401"):
        remote.put_graph(None, BODY)
    assert graph_store.unauthorised_bodies == 1
