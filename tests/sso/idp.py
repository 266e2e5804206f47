"""A real OpenID provider on loopback for the single sign-on tests (tests/sso/provider: node's
oidc-provider, installed by `.ci/run` with `npm ci`), and a browser-like walk through its pages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.processes import free_port, wait_for

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"


def provider_installed() -> bool:
    return shutil.which("node") is not None and (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir()


class _Forms(HTMLParser):
    """The forms of a page: action and the inputs' names and values."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif tag in ("input", "button") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "")


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class OpenIDProvider:
    """The provider process, its signing key (so that a test can forge what a misbehaving provider
    would send) and its people, whose claims a test may change between log-ins."""

    def __init__(self, tmp_path: Path, clients: list[dict]):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "oasis-test-key"
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key))
        jwk.update(kid=self.kid, use="sig", alg="RS256")
        self.accounts_file = tmp_path / "accounts.json"
        self.people: dict[str, dict] = {}
        self.save_people()
        self.log = open(tmp_path / "provider.log", "w")  # noqa: SIM115 (closed by stop)
        self.process = subprocess.Popen(
            ["node", str(PROVIDER_DIR / "provider.mjs")],
            cwd=PROVIDER_DIR,
            env={
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "PORT": str(self.port),
                "CLIENTS": json.dumps(clients),
                "JWKS": json.dumps({"keys": [jwk]}),
                "ACCOUNTS_FILE": str(self.accounts_file),
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._answers, timeout=30, what="the OpenID provider to start")
        self.discovery = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=5).json()

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the OpenID provider exited: {Path(self.log.name).read_text()}")
        try:
            return requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1).ok
        except requests.ConnectionError:
            return False

    def save_people(self) -> None:
        self.accounts_file.write_text(json.dumps(self.people))

    def set_person(self, login: str, **claims) -> None:
        self.people[login] = claims
        self.save_people()

    def sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()

    def log_in(self, authorize_url: str, login: str) -> str:
        """Walk the provider's log-in and consent pages as a browser would, starting at the
        authorization request the app redirected to; returns the URL the provider sends the
        browser back to (the app's callback with code and state)."""
        browser = requests.Session()
        url = authorize_url
        for _ in range(12):
            response = browser.get(url, allow_redirects=False, timeout=10)
            while response.status_code in (302, 303):
                location = urljoin(url, response.headers["Location"])
                if not location.startswith(self.issuer):
                    return location
                url = location
                response = browser.get(url, allow_redirects=False, timeout=10)
            forms = forms_of(response.text)
            if not forms:
                raise AssertionError(f"the provider showed no form at {url}: {response.text[:500]}")
            form = forms[0]
            fields = dict(form["fields"])
            if "login" in fields or re.search(r'name="login"', response.text):
                fields.update(login=login, password="any")  # the development log-in takes any password
            action = urljoin(url, form["action"])
            response = browser.post(action, data=fields, allow_redirects=False, timeout=10)
            if response.status_code not in (302, 303):
                raise AssertionError(f"the provider answered {response.status_code}: {response.text[:500]}")
            url = urljoin(action, response.headers["Location"])
            if not url.startswith(self.issuer):
                return url
        raise AssertionError("the provider's pages did not send the browser back")
