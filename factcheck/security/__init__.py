"""Sign-in and response headers: lockout after failed logins (django-axes), two-factor
authentication (django-otp), sign-in through the newsroom's identity provider
(mozilla-django-oidc), and the headers every response carries (README, "Security").

A face, like the views: it uses the domain (roles) and is used by settings and urls."""
