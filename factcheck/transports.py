"""How a message leaves the desk: an HTTP POST of JSON, or an email. One attempt
each, no retries (the outbox in ``factcheck.webhooks`` retries)."""

from dataclasses import dataclass

import urllib3
from django.conf import settings
from django.core.mail import EmailMessage

USER_AGENT = "FactcheckDesk-Webhooks/1.0"


@dataclass(frozen=True)
class Sent:
    ok: bool
    code: int | None = None  # the HTTP answer, when there was one
    error: str = ""  # for people


def timeout() -> float:
    return float(getattr(settings, "WEBHOOK_TIMEOUT", 10))


def post_json(url: str, body: bytes, headers: dict[str, str]) -> Sent:
    """One POST, no retries, no redirects."""
    seconds = timeout()
    with urllib3.PoolManager(retries=False) as pool:
        try:
            response = pool.request(
                "POST", url, body=body, headers=headers, redirect=False, preload_content=False,
                timeout=urllib3.Timeout(connect=seconds, read=seconds),
            )  # fmt: skip
        except urllib3.exceptions.NewConnectionError as exc:
            return Sent(False, None, f"Could not connect to the receiver ({exc.__context__ or exc}).")
        except urllib3.exceptions.TimeoutError:
            return Sent(False, None, f"Timed out after {seconds:g} s waiting for the receiver.")
        except (urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
            return Sent(False, None, f"The connection failed ({type(exc).__name__}: {exc}).")
        try:
            if 200 <= response.status < 300:
                return Sent(True, response.status)
            try:
                excerpt = response.read(300).decode("utf-8", "replace").strip()
            except (urllib3.exceptions.HTTPError, OSError):
                excerpt = ""
            location = response.headers.get("Location", "")
            return Sent(False, response.status, f"to {location}." if location else excerpt)
        finally:
            response.close()


def send_email(message: dict) -> Sent:
    """``message``: {"subject", "body", "to": [...]} as the outbox froze it."""
    recipients = [address for address in message.get("to", []) if isinstance(address, str) and address]
    if not recipients:
        return Sent(True)
    email = EmailMessage(
        str(message.get("subject", "")), str(message.get("body", "")), settings.DEFAULT_FROM_EMAIL, recipients
    )
    try:
        email.send(fail_silently=False)
    except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors
        return Sent(False, None, f"The mail server refused or failed ({type(exc).__name__}: {exc}).")
    return Sent(True)
