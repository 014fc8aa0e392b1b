"""fetch_url: SSRF refusals, redirects, limits and timeouts, against a real local HTTP server."""

import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from factcheck.importing.fetch import Fetched, FetchError, fetch_url

ARTICLE = Path(__file__).resolve().parent / "fixtures" / "articles" / "01_bbc_2015_obama_gun_laws.html"
LOCAL = ["127.0.0.1/32"]
ONLY_WEB = "Refused: only http:// and https:// addresses can be fetched, not "


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, str]] = []  # (path, Host header), replaced per server

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", content_type="text/plain", **headers):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location):
        self._send(302, Location=location)

    def do_GET(self):
        self.seen.append((self.path, self.headers.get("Host", "")))
        route = getattr(self, "route_" + self.path.strip("/").split("?")[0].replace("-", "_"), None)
        if route is None:
            self._send(404, b"not here")
        else:
            route()

    def route_article(self):
        self._send(200, ARTICLE.read_bytes(), "text/html; charset=UTF-8")

    def route_echo(self):
        body = f"{self.headers['Host']}|{self.headers['User-Agent']}|{self.headers['Accept']}".encode()
        self._send(200, body)

    def route_to_article(self):
        self._redirect("/article")

    def route_to_private(self):
        self._redirect("http://10.0.0.1/")

    def route_to_metadata(self):
        self._redirect("http://169.254.169.254/latest/meta-data")

    def route_loop(self):
        self._redirect("/loop")

    def route_big(self):
        self._send(200, b"x" * 5000)

    def route_big_chunked(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for _ in range(20):
            self.wfile.write(b"%x\r\n%s\r\n" % (500, b"y" * 500))
        self.wfile.write(b"0\r\n\r\n")

    def route_gzip(self):
        self._send(200, gzip.compress(b"hello " * 100), Content_Encoding="gzip")

    def route_gzip_bomb(self):
        self._send(200, gzip.compress(b"\0" * 10_000_000), Content_Encoding="gzip")

    def route_slow(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "20")
        self.end_headers()
        self._trickle(b"z" * 20)

    def route_slow_headers(self):
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        self._trickle(b"X-Padding: " + b"p" * 40)

    def _trickle(self, data):
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.15)
        except OSError:
            pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the client hanging up on a big or slow answer is the point of those tests


@pytest.fixture(scope="module")
def server():
    seen = []
    handler = type("RecordingHandler", (Handler,), {"seen": seen})
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    httpd.seen = seen
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def local(settings):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = LOCAL


@pytest.fixture
def no_local(settings):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = []


def resolving_to(address):
    """A stand-in for socket.getaddrinfo that resolves every name to ``address``."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET

    def resolve(host, port, *args, **kwargs):
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    return resolve


def no_dns(host, *args, **kwargs):
    raise AssertionError(f"no DNS lookup expected, got one for {host}")


def refused(url, **kwargs):
    kwargs.setdefault("resolver", no_dns)
    with pytest.raises(FetchError) as caught:
        fetch_url(url, **kwargs)
    return caught.value.message


# --- fetching through the local server -------------------------------------------------------------


def test_fetches_a_saved_news_page(server, local):
    result = fetch_url(server.base + "/article")
    assert isinstance(result, Fetched)
    assert result.content == ARTICLE.read_bytes()
    assert (result.content_type, result.charset) == ("text/html", "utf-8")
    assert result.url == server.base + "/article"


def test_sends_user_agent_accept_and_host(server, local):
    host, agent, accept = fetch_url(server.base + "/echo").content.decode().split("|")
    assert host == server.base.removeprefix("http://")
    assert agent == "FactcheckDesk/1.0 (+article import)"
    assert accept.startswith("text/html, application/xhtml+xml")


def test_connects_to_the_validated_ip_with_the_original_host(server, settings):
    port = server.server_address[1]
    result = fetch_url(
        f"http://news.example.test:{port}/echo",
        allowed_networks=LOCAL,
        resolver=resolving_to("127.0.0.1"),
    )
    assert result.content.decode().split("|")[0] == f"news.example.test:{port}"
    assert ("/echo", f"news.example.test:{port}") in server.seen


def test_follows_a_local_redirect(server, local):
    result = fetch_url(server.base + "/to-article")
    assert result.url == server.base + "/article"
    assert result.content == ARTICLE.read_bytes()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/to-private", "Refused: 10.0.0.1 is a private address."),
        ("/to-metadata", "Refused: 169.254.169.254 is a link-local (cloud metadata) address."),
    ],
)
def test_refuses_a_redirect_to_an_internal_address(server, local, path, message):
    assert refused(server.base + path) == message


def test_refuses_a_redirect_loop(server, local):
    message = refused(server.base + "/loop", max_redirects=3)
    assert message == f"Refused: more than 3 redirects, starting at {server.base}/loop."
    assert [path for path, _ in server.seen].count("/loop") >= 4


def test_reports_a_404(server, local):
    assert refused(server.base + "/nothing-here") == f"The server answered 404 for {server.base}/nothing-here."


@pytest.mark.parametrize("path", ["/big", "/big-chunked", "/gzip-bomb"])
def test_refuses_a_body_over_the_size_limit(server, local, path):
    assert refused(server.base + path, max_bytes=1000) == (
        f"Refused: {server.base}{path} is larger than the limit of 1,000 bytes."
    )


def test_decompresses_gzip(server, local):
    assert fetch_url(server.base + "/gzip").content == b"hello " * 100


@pytest.mark.parametrize("path", ["/slow", "/slow-headers"])
def test_times_out_on_a_trickling_server(server, local, path):
    started = time.monotonic()
    assert refused(server.base + path, timeout=0.5) == f"Timed out after 0.5 s fetching {server.base}{path}."
    assert time.monotonic() - started < 1.5


def test_settings_give_the_defaults(server, settings):
    settings.IMPORT_FETCH_ALLOWED_NETWORKS = LOCAL
    settings.IMPORT_FETCH_MAX_BYTES = 100
    assert "larger than the limit of 100 bytes" in refused(server.base + "/big")
    settings.IMPORT_FETCH_MAX_REDIRECTS = 1
    assert "more than 1 redirects" in refused(server.base + "/loop")


# --- refusals before any connection ----------------------------------------------------------------


def test_refuses_loopback_even_though_the_server_is_up(server, no_local):
    before = len(server.seen)
    assert refused(server.base + "/article") == "Refused: 127.0.0.1 is a loopback address."
    assert len(server.seen) == before


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.1.2.3/", "Refused: 10.1.2.3 is a private address."),
        ("http://169.254.169.254/", "Refused: 169.254.169.254 is a link-local (cloud metadata) address."),
        ("http://[::1]/", "Refused: ::1 is a loopback address."),
        ("http://[::ffff:127.0.0.1]/", "Refused: 127.0.0.1 is a loopback address."),
        ("http://0.0.0.0/", "Refused: 0.0.0.0 is an unspecified address."),
        ("http://100.64.0.1/", "Refused: 100.64.0.1 is a non-public address."),
        ("http://[fe80::1]/", "Refused: fe80::1 is a link-local address."),
        ("http://224.0.0.1/", "Refused: 224.0.0.1 is a multicast address."),
        ("http://[2002:7f00:1::]/", "Refused: 2002:7f00:1:: is a loopback address."),
        ("ftp://example.org/file", ONLY_WEB + "“ftp://example.org/file”."),
        ("file:///etc/passwd", ONLY_WEB + "“file:///etc/passwd”."),
        ("javascript:alert(1)", ONLY_WEB + "“javascript:alert(1)”."),
        (
            "http://user:pass@example.org/",
            "Refused: addresses with a user name or password (user:pass@) are not allowed.",
        ),
        ("not a url", ONLY_WEB + "“not a url”."),
        ("", "Refused: no URL was given."),
        ("http:///path", "Refused: http:///path has no host name."),
        ("http://example.org:99999/", "Refused: http://example.org:99999/ is not a valid URL."),
        ("http://exa mple.org/", "Refused: http://exa mple.org/ has an invalid host name."),
    ],
)
def test_refuses(no_local, url, message):
    assert refused(url) == message


def test_refuses_a_name_that_resolves_to_a_private_address(no_local):
    message = refused("http://intranet.example.org/", resolver=resolving_to("192.168.1.5"))
    assert message == "Refused: intranet.example.org resolves to a private address (192.168.1.5)."


def test_refuses_if_any_resolved_address_is_private(no_local):
    def resolve(host, port, *args):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ("93.184.215.14", "10.0.0.5")]

    assert refused("https://example.internal/", resolver=resolve) == (
        "Refused: example.internal resolves to a private address (10.0.0.5)."
    )


def test_reports_a_name_that_does_not_resolve(no_local):
    def resolve(host, *args):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    assert refused("http://nowhere.invalid/", resolver=resolve) == (
        "Could not find the server nowhere.invalid (the name does not resolve)."
    )


def test_allowed_networks_do_not_open_everything(server):
    assert refused("http://10.0.0.1/", allowed_networks=LOCAL) == "Refused: 10.0.0.1 is a private address."


# --- https: the name is used for SNI and the certificate, the connection goes to the validated IP -----


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=news.example.test"]
        + ["-addext", "subjectAltName=DNS:news.example.test"],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    sni = []
    context.sni_callback = lambda sock, name, ctx: sni.append(name)
    seen = []
    httpd = QuietServer(("127.0.0.1", 0), type("TLSHandler", (Handler,), {"seen": seen}))
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    httpd.cert, httpd.sni, httpd.port = cert, sni, httpd.server_address[1]
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_https_checks_the_certificate_against_the_host_name(tls_server, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.cert))  # trust the test certificate
    url = f"https://news.example.test:{tls_server.port}/echo"
    result = fetch_url(url, allowed_networks=LOCAL, resolver=resolving_to("127.0.0.1"))
    assert result.content.decode().startswith(f"news.example.test:{tls_server.port}|")
    assert "news.example.test" in tls_server.sni

    wrong = f"https://other.example.test:{tls_server.port}/echo"
    message = refused(wrong, allowed_networks=LOCAL, resolver=resolving_to("127.0.0.1"))
    assert message.startswith(f"Could not fetch {wrong}: the secure connection failed")

    monkeypatch.delenv("SSL_CERT_FILE")  # a self-signed certificate is not trusted by default
    message = refused(url, allowed_networks=LOCAL, resolver=resolving_to("127.0.0.1"))
    assert message.startswith(f"Could not fetch {url}: the secure connection failed")


def test_reads_a_chunked_body_within_the_limit(server, local):
    assert fetch_url(server.base + "/big-chunked", max_bytes=10_000).content == b"y" * 10_000
