"""Fetch a web page for import, SSRF-safe: http(s) only, every address of every hop (redirects too)
must be public unless in IMPORT_FETCH_ALLOWED_NETWORKS, and the connection goes to the validated IP
(no second DNS lookup: no rebinding), with the original Host header and, for https, SNI + cert check."""

from __future__ import annotations

import codecs
import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote, urljoin, urlsplit

import urllib3.exceptions
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.response import HTTPResponse
from urllib3.util.ssl_match_hostname import CertificateError

USER_AGENT = "FactcheckDesk/1.0 (+article import)"
ACCEPT = (
    "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, application/json, "
    "text/plain;q=0.8, */*;q=0.5"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_SIZE = 64 * 1024
_HOST_RE = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")
_SAFE_IN_PATH = "/%:@!$&'()*+,;=~"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_KINDS = (
    ("is_loopback", "a loopback"),
    ("is_link_local", "a link-local"),
    ("is_multicast", "a multicast"),
    ("is_unspecified", "an unspecified"),
    ("is_private", "a private"),
    ("is_reserved", "a reserved"),
)
_NETWORK_ERRORS = (OSError, ValueError, http.client.HTTPException, urllib3.exceptions.HTTPError)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[..., Sequence[tuple[Any, ...]]]


class FetchError(Exception):
    """A fetch was refused or failed; ``message`` is meant for people."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Fetched:
    url: str  # final URL after redirects
    content: bytes
    content_type: str  # e.g. "text/html", without parameters; "" if the server sent none
    charset: str | None  # from the Content-Type header, if any (and known to Python)


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII, lower case, without brackets
    port: int
    request_target: str  # path and query, percent-encoded
    ips: tuple[str, ...]  # validated addresses, in resolver order


class _Watchdog:
    """At the deadline, shuts the current socket down, so no blocking read (headers too) outlives it."""

    def __init__(self, deadline: float):
        self.deadline, self.fired = deadline, False
        self.sock: socket.socket | None = None
        self.timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self.timer.daemon = True
        self.timer.start()

    def remaining(self) -> float:
        return max(self.deadline - time.monotonic(), 0.001)

    def expired(self) -> bool:
        return self.fired or time.monotonic() >= self.deadline

    def _fire(self) -> None:
        self.fired = True
        if self.sock is not None:  # on the descriptor, also under TLS; OSError once it is closed
            with contextlib.suppress(OSError):
                socket.socket.shutdown(self.sock, socket.SHUT_RDWR)


def fetch_url(
    url: str,
    *,
    timeout: float | None = None,
    max_bytes: int | None = None,
    max_redirects: int | None = None,
    allowed_networks: Iterable[str] | None = None,
    resolver: Resolver | None = None,
) -> Fetched:
    """Fetch ``url``, following redirects; raise FetchError when refused or failed."""
    timeout = float(timeout if timeout is not None else getattr(settings, "IMPORT_FETCH_TIMEOUT", 10))
    max_bytes = int(max_bytes if max_bytes is not None else getattr(settings, "IMPORT_FETCH_MAX_BYTES", 5_000_000))
    if max_redirects is None:
        max_redirects = int(getattr(settings, "IMPORT_FETCH_MAX_REDIRECTS", 5))
    if allowed_networks is None:
        allowed_networks = getattr(settings, "IMPORT_FETCH_ALLOWED_NETWORKS", [])
    try:
        networks = [ipaddress.ip_network(value, strict=False) for value in allowed_networks]
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"IMPORT_FETCH_ALLOWED_NETWORKS: {exc}") from exc
    dog = _Watchdog(time.monotonic() + timeout)
    current = url.strip() if isinstance(url, str) else ""
    try:
        for _hop in range(max_redirects + 1):
            target = _check_url(current, networks, resolver or socket.getaddrinfo)
            try:
                if dog.expired():  # a slow resolver counts too
                    raise TimeoutError
                status, headers, body = _exchange(target, dog, max_bytes, current)
            except _NETWORK_ERRORS as exc:
                raise _failure(exc, dog, timeout, current) from exc
            location = headers.get("Location") if status in REDIRECT_STATUSES else None
            if location is None:
                if not 200 <= status < 300:
                    raise FetchError(f"The server answered {status} for {current}.")
                content_type, charset = _parse_content_type(headers.get("Content-Type", ""))
                return Fetched(url=current, content=body, content_type=content_type, charset=charset)
            with contextlib.suppress(UnicodeError):  # http.client decodes headers as latin-1
                location = location.encode("latin-1").decode("utf-8")
            current = urljoin(current, location.strip())
        raise FetchError(f"Refused: more than {max_redirects} redirects, starting at {url}.")
    finally:
        dog.timer.cancel()


def _check_url(url: str, networks: list[Network], resolver: Resolver) -> _Target:
    """Apply every rule to ``url`` and return where to connect, or raise FetchError."""
    if not url:
        raise FetchError("Refused: no URL was given.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"Refused: {url} is not a valid URL.") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"Refused: only http:// and https:// addresses can be fetched, not “{url}”.")
    if "@" in parts.netloc:
        raise FetchError("Refused: addresses with a user name or password (user:pass@) are not allowed.")
    host = parts.hostname or ""
    if not host or port == 0:
        raise FetchError(f"Refused: {url} has no host name." if not host else f"Refused: {url} is not a valid URL.")
    port = port or (443 if scheme == "https" else 80)
    literal = _as_ip(host)
    if literal is None:
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            host = ""
        if not _HOST_RE.fullmatch(host) or len(host) > 254:
            raise FetchError(f"Refused: {url} has an invalid host name.")
        try:
            ips = [_as_ip(str(info[4][0])) for info in resolver(host, port, 0, socket.SOCK_STREAM)]
        except (OSError, UnicodeError, IndexError, TypeError):
            ips = []
        if not ips or None in ips:
            raise FetchError(f"Could not find the server {host} (the name does not resolve).")
    else:
        ips = [literal]
    for ip in cast(list[IPAddress], ips):
        if kind := _forbidden_kind(ip, networks):
            if literal is not None:
                raise FetchError(f"Refused: {ip} is {kind} address.")
            raise FetchError(f"Refused: {host} resolves to {kind} address ({ip}).")
    request_target = quote(parts.path or "/", safe=_SAFE_IN_PATH)
    if parts.query:
        request_target += "?" + quote(parts.query, safe=_SAFE_IN_PATH + "?")
    return _Target(scheme, host, port, request_target, tuple(dict.fromkeys(str(ip) for ip in ips)))


def _as_ip(text: str) -> IPAddress | None:
    """Parse an IP literal, turning IPv4-mapped IPv6 (::ffff:127.0.0.1) into plain IPv4."""
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    return (ip.ipv4_mapped or ip) if isinstance(ip, ipaddress.IPv6Address) else ip


def _forbidden_kind(ip: IPAddress, networks: list[Network]) -> str | None:
    """Why ``ip`` may not be contacted ("a private", …), or None if it may."""
    if any(ip in network for network in networks):
        return None
    candidates: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):  # IPv4 carried inside IPv6: 6to4, NAT64
        candidates += [ip.sixtofour] if ip.sixtofour else []
        candidates += [ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)] if ip in _NAT64 else []
    for candidate in candidates:
        if candidate == ipaddress.IPv4Address("169.254.169.254"):
            return "a link-local (cloud metadata)"
        for attribute, kind in _KINDS:
            if getattr(candidate, attribute):
                return kind
        if not candidate.is_global:
            return "a non-public"
    return None


def _exchange(target: _Target, dog: _Watchdog, max_bytes: int, url: str) -> tuple[int, Any, bytes]:
    """One GET to the validated IP; the body is read only for a 2xx answer."""
    conn = _connect(target, dog)
    response: HTTPResponse | None = None
    try:
        host_header = f"[{target.host}]" if ":" in target.host else target.host
        if target.port != (443 if target.scheme == "https" else 80):
            host_header += f":{target.port}"
        headers = {"Host": host_header, "User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"}
        conn.timeout = dog.remaining()
        conn.request("GET", target.request_target, headers=headers, preload_content=False)
        response = conn.getresponse()
        body = _read_body(response, dog, max_bytes, url) if 200 <= response.status < 300 else b""
        if dog.expired():  # the watchdog's shutdown can look like a clean end of the body
            raise TimeoutError
        return response.status, response.headers, body
    finally:
        if response is not None:
            response.close()
        conn.close()


def _connect(target: _Target, dog: _Watchdog) -> HTTPConnection:
    """Connect to the first validated address that answers (never re-resolving the name)."""
    name = target.host.rstrip(".")
    for number, ip in enumerate(target.ips, start=1):
        conn: HTTPConnection = (
            HTTPSConnection(ip, target.port, timeout=dog.remaining(), server_hostname=name, assert_hostname=name)
            if target.scheme == "https"
            else HTTPConnection(ip, target.port, timeout=dog.remaining())
        )
        try:
            conn.connect()
        except (OSError, ValueError, urllib3.exceptions.HTTPError):  # ValueError: certificate name mismatch
            conn.close()
            if number == len(target.ips) or dog.expired():
                raise
            continue
        dog.sock = conn.sock  # if the deadline passed meanwhile, the tiny socket timeout ends it
        return conn
    raise AssertionError("unreachable: a target always has an address")


def _read_body(response: HTTPResponse, dog: _Watchdog, max_bytes: int, url: str) -> bytes:
    """Stream the (decoded) body in chunks, checking the deadline and the size as it grows."""
    too_big = FetchError(f"Refused: {url} is larger than the limit of {max_bytes:,} bytes.")
    length = (response.headers.get("Content-Length") or "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise too_big
    body = bytearray()
    while len(body) <= max_bytes:
        if dog.expired():
            raise TimeoutError
        # urllib3 2.6+ caps decompressed output at the amount asked for, so gzip bombs stay small.
        chunk = response.read1(min(CHUNK_SIZE, max_bytes + 1 - len(body)), decode_content=True)
        if not chunk:
            return bytes(body)
        body += chunk
    raise too_big


def _failure(exc: Exception, dog: _Watchdog, timeout: float, url: str) -> FetchError:
    """Turn a network-level exception into a FetchError with a readable message."""
    if isinstance(exc, urllib3.exceptions.NewConnectionError) and not dog.expired():
        return FetchError(f"Could not connect to the server for {url}.")
    if dog.expired() or isinstance(exc, TimeoutError | urllib3.exceptions.TimeoutError):
        return FetchError(f"Timed out after {timeout:g} s fetching {url}.")
    if isinstance(exc, ssl.SSLError | urllib3.exceptions.SSLError | CertificateError):
        return FetchError(f"Could not fetch {url}: the secure connection failed ({exc}).")
    return FetchError(f"Could not fetch {url}: the connection failed ({type(exc).__name__}).")


def _parse_content_type(value: str) -> tuple[str, str | None]:
    """Split "text/html; charset=UTF-8" into ("text/html", "utf-8"); unknown charsets become None."""
    mime, *params = value.split(";")
    charset = None
    for param in params:
        name, _, val = param.partition("=")
        val = val.strip().strip("\"'").lower()
        if name.strip().lower() == "charset" and val:
            with contextlib.suppress(LookupError, ValueError):
                codecs.lookup(val)
                charset = val
    return mime.strip().lower(), charset
