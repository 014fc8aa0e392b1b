"""A fake OpenID Connect provider on 127.0.0.1 for sign-in tests (no network needed).

It serves discovery, JWKS, the token endpoint (authorization code + PKCE) and userinfo, and
signs ID tokens with its own RSA key (RS256), as Entra, Google and Okta do. A test chooses the
person's claims, sends the desk's browser through /oidc/authenticate/, and hands the callback
the code the provider would have redirected with."""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "desk-client"
CLIENT_SECRET = "desk-secret"  # noqa: S105 - the fake provider's


class FakeProvider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.claims: dict = {}  # the signed-in person's, set by the test
        self.id_token_only: set[str] = set()  # claims that go in the ID token, not in userinfo
        self.userinfo_extra: dict = {}  # what userinfo says beyond (or instead of) the claims
        self.codes: dict[str, dict] = {}  # code -> {"nonce", "challenge", "redirect_uri"}
        self.token_requests: list[dict] = []
        self.audience = CLIENT_ID
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # noqa: N802 - http.server's naming
                if self.path == "/.well-known/openid-configuration":
                    return self._json(200, provider.discovery())
                if self.path == "/jwks":
                    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    return self._json(200, {"keys": [{**public, "kid": provider.kid, "alg": "RS256", "use": "sig"}]})
                if self.path == "/userinfo":
                    if self.headers.get("Authorization") != "Bearer access-for-test":
                        return self._json(401, {"error": "invalid_token"})
                    claims = {k: v for k, v in provider.claims.items() if k not in provider.id_token_only}
                    return self._json(200, {**claims, **provider.userinfo_extra})
                return self._json(404, {"error": "not found"})

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                provider.token_requests.append(form)
                if self.path != "/token":
                    return self._json(404, {"error": "not found"})
                grant = provider.codes.pop(form.get("code", ""), None)
                if (
                    grant is None
                    or form.get("client_id") != CLIENT_ID
                    or form.get("client_secret") != CLIENT_SECRET
                    or form.get("redirect_uri") != grant["redirect_uri"]
                    or _challenge(form.get("code_verifier", "")) != grant["challenge"]
                ):
                    return self._json(400, {"error": "invalid_grant"})
                return self._json(200, provider.tokens(grant["nonce"]))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def discovery(self) -> dict:
        return {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "jwks_uri": f"{self.base}/jwks",
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def authorize(self, params: dict) -> str:
        """What the provider does when the browser arrives with the desk's request: the person
        signs in there, and a code goes back to the desk's redirect_uri."""
        assert params["client_id"] == CLIENT_ID and params["response_type"] == "code"
        assert params["code_challenge_method"] == "S256"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "nonce": params["nonce"],
            "challenge": params["code_challenge"],
            "redirect_uri": params["redirect_uri"],
        }
        return code

    def tokens(self, nonce: str) -> dict:
        now = int(time.time())
        claims = {k: v for k, v in self.claims.items() if k in self.id_token_only or k in ("sub", "email")}
        payload = {"iss": self.base, "aud": self.audience, "iat": now, "exp": now + 300, "nonce": nonce, **claims}
        id_token = jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})
        return {"access_token": "access-for-test", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
