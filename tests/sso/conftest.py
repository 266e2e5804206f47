from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests

from .idp import OpenIDProvider, provider_installed

CLIENT_ID = "service-oasis"
CLIENT_SECRET = "a-client-secret-for-the-tests"
CALLBACK = "http://testserver/oidc/callback/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    if not provider_installed():
        pytest.skip("the test OpenID provider is not installed: npm ci --prefix tests/sso/provider (.ci/run does it)")
    idp = OpenIDProvider(
        tmp_path_factory.mktemp("idp"),
        clients=[
            {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [CALLBACK]},
            {"client_id": "another-app", "client_secret": "another-secret", "redirect_uris": [CALLBACK]},
        ],
    )
    yield idp
    idp.stop()


@pytest.fixture
def sso(settings, provider):
    """Single sign-on configured as the README says, with the provider's discovery document."""
    settings.OASIS_SSO = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_ISSUER = provider.discovery["issuer"]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = provider.discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = provider.discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = provider.discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = provider.discovery["jwks_uri"]
    settings.OIDC_CLOCK_SKEW_SECONDS = 60
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "sso.backends.OpenIDConnectBackend"]
    provider.people.clear()
    provider.save_people()
    return provider


def sign_in(client, provider, login: str, *, next_url: str = ""):
    """The browser's way: the app's sign-in link, the provider's pages, back to the app's callback.
    Returns (the callback's response, the callback URL)."""
    start = client.get("/oidc/authenticate/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start
    back = provider.log_in(start["Location"], login)
    parts = urlsplit(back)
    assert parts.path == "/oidc/callback/"
    return client.get(f"{parts.path}?{parts.query}"), f"{parts.path}?{parts.query}"


class TokenEndpointProxy:
    """Stands between the app and the provider's token endpoint and changes the ID token on its
    way back: what an attacker in the middle, or a misbehaving provider, would hand the app."""

    def __init__(self, upstream: str):
        self.upstream = upstream
        self.rewrite = lambda id_token: id_token
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = requests.post(
                    proxy.upstream,
                    data=body,
                    headers={"Content-Type": self.headers.get("Content-Type", "")},
                    timeout=10,
                )
                tokens = answer.json()
                if "id_token" in tokens:
                    tokens["id_token"] = proxy.rewrite(tokens["id_token"])
                out = json.dumps(tokens).encode()
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/token"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def token_proxy(sso, settings):
    proxy = TokenEndpointProxy(sso.discovery["token_endpoint"])
    settings.OIDC_OP_TOKEN_ENDPOINT = proxy.url
    yield proxy
    proxy.stop()
