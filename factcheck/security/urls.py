"""The identity provider's two URLs (under /oidc/); they answer 404 while OIDC is off."""

from django.urls import path

from factcheck.security.oidc import SignInCallbackView, SignInRequestView

urlpatterns = [
    path("authenticate/", SignInRequestView.as_view(), name="oidc_authentication_init"),
    path("callback/", SignInCallbackView.as_view(), name="oidc_authentication_callback"),
]
