"""Sign-in and response-header settings, read from the environment (README, "Security").

Imported by newsroom/settings.py; kept apart so that file stays readable. The code that uses
them is in factcheck/security/.
"""

from datetime import timedelta
from urllib.parse import urlparse

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from newsroom.env import env_bool, env_int, env_list, env_str

# --- Lockout after failed logins (django-axes), for the desk's and the admin's login alike ---
# N failures for one username from one address lock that pair: further attempts are refused,
# the right password included, until the cool-off has passed or an administrator unlocks it
# in the back office (Axes > Access attempts). LOGIN_COOLOFF_MINUTES=0: only an administrator.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 30)
# Reverse proxies in front of the desk that append the client's address to X-Forwarded-For
# (0: the connection's own address is the client's).
LOGIN_PROXY_COUNT = env_int("LOGIN_PROXY_COUNT", 0)
if LOGIN_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured(f"LOGIN_FAILURE_LIMIT={LOGIN_FAILURE_LIMIT} must be at least 1.")
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES) if LOGIN_COOLOFF_MINUTES > 0 else None
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a successful login clears that pair's failures
AXES_LOCKOUT_CALLABLE = "factcheck.security.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "factcheck.security.lockout.client_ip"
AXES_WHITELIST_CALLABLE = "factcheck.security.lockout.not_a_password_attempt"  # the OIDC callback
AXES_VERBOSE = False

# --- Two-factor authentication (django-otp: TOTP apps, one-time recovery codes) ---
# REQUIRE_2FA=1: editors and staff must have confirmed an authenticator before any desk or
# admin page. Anyone who has enrolled is asked for a code at every sign-in, whatever this says.
REQUIRE_2FA = env_bool("REQUIRE_2FA", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Fact-check desk")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the back office lists devices, never their secrets or recovery codes

# --- Sign-in through the newsroom's identity provider (OpenID Connect, mozilla-django-oidc) ---
# On when OIDC_RP_CLIENT_ID is set. Endpoints come from OIDC_OP_DISCOVERY_URL (the issuer, or
# its /.well-known/openid-configuration), or each one explicitly (explicit ones win).
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_OP_DISCOVERY_URL = env_str("OIDC_OP_DISCOVERY_URL")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "your organisation's account")
# The claim listing a person's groups or roles, and which of them give which desk group:
# "factcheck-editors=Editors,factcheck-reviewers=Reviewers". Empty: roles are given in the admin.
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_ROLE_MAP = env_str("OIDC_ROLE_MAP")
OIDC_ALLOWED_DOMAINS = [domain.lower() for domain in env_list("OIDC_ALLOWED_DOMAINS")]
# 1 when the provider enforces its own multi-factor sign-in: a session opened through it then
# counts as verified for REQUIRE_2FA.
OIDC_SATISFIES_2FA = env_bool("OIDC_SATISFIES_2FA", False)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_USE_PKCE = True
OIDC_CREATE_USER = True
OIDC_AUTHENTICATE_CLASS = "factcheck.security.oidc.SignInRequestView"
OIDC_CALLBACK_CLASS = "factcheck.security.oidc.SignInCallbackView"
OIDC_REDIRECT_REQUIRE_HTTPS = False  # "next" is a path on this site; the callback URL follows the request's scheme
if OIDC_ENABLED:
    _missing = [
        name
        for name, value in [
            ("OIDC_RP_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
            (
                "OIDC_OP_DISCOVERY_URL or OIDC_OP_AUTHORIZATION_ENDPOINT",
                OIDC_OP_DISCOVERY_URL or OIDC_OP_AUTHORIZATION_ENDPOINT,
            ),
            ("OIDC_OP_DISCOVERY_URL or OIDC_OP_TOKEN_ENDPOINT", OIDC_OP_DISCOVERY_URL or OIDC_OP_TOKEN_ENDPOINT),
            ("OIDC_OP_DISCOVERY_URL or OIDC_OP_USER_ENDPOINT", OIDC_OP_DISCOVERY_URL or OIDC_OP_USER_ENDPOINT),
        ]
        if not value
    ]
    if OIDC_RP_SIGN_ALGO[:2] in ("RS", "ES", "PS") and not (OIDC_OP_DISCOVERY_URL or OIDC_OP_JWKS_ENDPOINT):
        _missing.append(f"OIDC_OP_DISCOVERY_URL or OIDC_OP_JWKS_ENDPOINT (for {OIDC_RP_SIGN_ALGO})")
    if _missing:
        raise ImproperlyConfigured(
            f"OIDC_RP_CLIENT_ID is set, so sign-in through OpenID Connect needs {', '.join(_missing)}."
        )
    for _name in ("OIDC_OP_DISCOVERY_URL", "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT"):
        _url = globals()[_name]
        if _url and urlparse(_url).scheme not in ("http", "https"):
            raise ImproperlyConfigured(f"{_name}={_url!r} is not an http(s) URL.")
for _pair in OIDC_ROLE_MAP.split(","):
    if _pair.strip() and (_pair.count("=") != 1 or not all(part.strip() for part in _pair.split("="))):
        raise ImproperlyConfigured(
            f"OIDC_ROLE_MAP has {_pair.strip()!r}; write provider-group=DeskGroup pairs separated by commas, "
            "e.g. factcheck-editors=Editors,factcheck-reviewers=Reviewers."
        )

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair before any password is checked
    "factcheck.security.permissions.OneQueryPermissions",  # fills the permission cache ModelBackend reads
    "django.contrib.auth.backends.ModelBackend",
    *(["factcheck.security.oidc.DeskOIDCBackend"] if OIDC_ENABLED else []),
]

# --- Response headers (factcheck/security/headers.py, django-csp) ---
# No inline script anywhere (Swagger UI's start-up script is served as a file, see newsroom/urls.py).
# Style attributes stay allowed (style-src-attr): ratings carry the colour an editor chose in the
# admin; an attribute cannot load a script or read the page. <style> elements are not allowed.
# img-src allows data: for Bootstrap's own inline SVG icons and the empty favicon.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Powerful browser features nobody on the desk needs, denied to the page and anything it embeds
# (only features Chromium knows: it warns about any other name).
_DENIED = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = dict.fromkeys(_DENIED, "()") | {"fullscreen": "(self)"}  # a video's own fullscreen button
