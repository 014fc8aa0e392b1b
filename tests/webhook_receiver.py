"""A webhook receiver on 127.0.0.1 answering scripted status codes, and the endpoints, the
published claim and the queued deliveries the webhook tests point at it."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from factcheck import webhooks
from factcheck.models import Claim, Event, WebhookDelivery, WebhookEndpoint

S = Claim.Status
State = WebhookDelivery.State
ALL_EVENTS = ["verdict.published", "verdict.corrected", "claim.returned"]


def render(claim):
    return {"id": claim.pk, "text": claim.text, "status": claim.status}


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the client gave up on a slow answer: a broken pipe here is expected


class Receiver:
    """A webhook receiver answering a scripted sequence of status codes (the last one repeats).

    ``processed`` holds the bodies it accepted, each delivery id once, as a real receiver should."""

    def __init__(self, *codes: int, delay: float = 0.0, secret: str = ""):
        self.codes, self.delay, self.secret = list(codes) or [200], delay, secret
        self.requests: list[tuple] = []  # (headers, body)
        self.processed: dict[str, dict] = {}
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((self.headers, body))
                code = receiver.codes.pop(0) if len(receiver.codes) > 1 else receiver.codes[0]
                if receiver.delay:
                    receiver.release.wait(receiver.delay)
                if 200 <= code < 300:
                    receiver.processed.setdefault(self.headers["X-Factcheck-Delivery"], json.loads(body))
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "7")
                self.end_headers()
                self.wfile.write(b"answer.")

            def log_message(self, *args):
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/factcheck"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/down"


def make_endpoint(url="http://127.0.0.1:9/unused", events=None, active=True, name="CMS") -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name=name, url=url, events=ALL_EVENTS if events is None else events, active=active, secret="s3cret-for-tests"
    )


@pytest.fixture
def approved(make_claim) -> Event:
    claim = make_claim(S.PUBLISHED)
    # These tests are about the CMS's webhooks: the emails the workflow queued in the same
    # outbox on the way (tests/test_notifications.py covers them) are set aside.
    WebhookDelivery.objects.exclude(transport=WebhookDelivery.Transport.CMS).delete()
    return Event.objects.get(claim=claim, action="approve")


def queue_one(event: Event) -> WebhookDelivery:
    [delivery] = webhooks.queue_for_event(event, render)
    return delivery
