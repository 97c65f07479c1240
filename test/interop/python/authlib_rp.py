"""A Python relying party on authlib (Debian's python3-authlib) against Guestlist.

Reads one JSON object on stdin (issuer, client, the person, what to do), drives the hosted
pages with requests as a browser without JavaScript would, and prints what it observed as JSON.
Every check authlib makes (the ID token's signature against the JWKS, iss, aud, nonce, exp)
raises on failure, and the script then exits non-zero with the reason.
"""
import base64
import json
import secrets
import sys
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlparse

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, JsonWebToken
from authlib.oidc.core import CodeIDToken


class FormReader(HTMLParser):
    """The forms of a page: action and the inputs that carry a value."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name") and attrs.get("value") is not None:
            self.forms[-1]["fields"][attrs["name"]] = attrs["value"]


def follow(browser, response, redirect_uri):
    """Follows redirects by hand until a page, or the app's callback (returned as a URL)."""
    for _ in range(20):
        location = response.headers.get("location")
        if response.status_code not in (301, 302, 303, 307, 308) or not location:
            return response, None
        target = urljoin(response.url, location)
        if target.startswith(redirect_uri):
            return response, target
        response = browser.get(target, allow_redirects=False)
    raise RuntimeError("too many redirects")


def submit(browser, page, action_part, fields, redirect_uri):
    reader = FormReader()
    reader.feed(page.text)
    form = next((f for f in reader.forms if action_part in f["action"]), None)
    if form is None:
        raise RuntimeError(f"no form with {action_part} on {page.url}: {page.text[:800]}")
    data = {**form["fields"], **fields}
    response = browser.post(urljoin(page.url, form["action"]), data=data, allow_redirects=False)
    return follow(browser, response, redirect_uri)


def validate_id_token(id_token, jwks, alg, issuer, client_id, nonce):
    # Only the algorithm this client registered is accepted, as a careful RP pins it.
    claims = JsonWebToken([alg]).decode(
        id_token,
        JsonWebKey.import_key_set(jwks),
        claims_cls=CodeIDToken,
        claims_options={"iss": {"essential": True, "value": issuer}},
        claims_params={"nonce": nonce, "client_id": client_id},
    )
    claims.validate()
    head = id_token.split(".")[0]
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    return header, dict(claims)


def main():
    job = json.load(sys.stdin)
    issuer = job["issuer"]
    client = job["client"]
    redirect_uri = client["redirect_uri"]
    metadata = requests.get(f"{issuer}/.well-known/openid-configuration").json()
    jwks = requests.get(metadata["jwks_uri"]).json()
    observed = {"id_token_signing_alg_values_supported": metadata["id_token_signing_alg_values_supported"]}

    session = OAuth2Session(
        client["client_id"],
        client["client_secret"],
        scope=job["scope"],
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    code_verifier = generate_token(48)
    nonce = secrets.token_urlsafe(16)
    url, state = session.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=code_verifier, nonce=nonce, **job.get("params", {})
    )
    observed["authorization_url_has_pkce"] = "code_challenge" in parse_qs(urlparse(url).query)

    # The hosted pages, as a browser without JavaScript would use them.
    browser = requests.Session()
    page, callback = follow(browser, browser.get(url, allow_redirects=False), redirect_uri)
    if callback is None:
        page, callback = submit(browser, page, job["form"]["path"], job["form"]["fields"], redirect_uri)
    if callback is None and "/mfa/skip" in page.text:
        # The second factor offered once after sign-up: declined.
        page, callback = submit(browser, page, "/mfa/skip", {}, redirect_uri)
    if callback is None:
        raise RuntimeError(f"no callback to the app; the page at {page.url} says: {page.text[:800]}")

    token = session.fetch_token(metadata["token_endpoint"], authorization_response=callback, state=state, code_verifier=code_verifier)
    header, claims = validate_id_token(token["id_token"], jwks, client["alg"], issuer, client["client_id"], nonce)
    observed["id_token_alg"] = header["alg"]
    observed["id_token_kid_in_jwks"] = any(key.get("kid") == header.get("kid") for key in jwks["keys"])
    observed["claims"] = {name: claims.get(name) for name in ("sub", "email", "email_verified", "roles", "sid")}

    observed["userinfo"] = session.get(metadata["userinfo_endpoint"]).json()

    introspection = metadata["introspection_endpoint"]
    revocation = metadata["revocation_endpoint"]
    observed["introspected_access_token"] = session.introspect_token(introspection, token=token["access_token"]).json()

    if job.get("refresh"):
        refresh_token = token["refresh_token"]
        refreshed = session.refresh_token(metadata["token_endpoint"], refresh_token=refresh_token)
        observed["refreshed"] = {
            "new_access_token": refreshed["access_token"] != token["access_token"],
            "id_token_alg": validate_id_token(refreshed["id_token"], jwks, client["alg"], issuer, client["client_id"], nonce)[0]["alg"]
            if "id_token" in refreshed
            else None,
        }
        current_refresh = refreshed.get("refresh_token", refresh_token)
        revoked = session.revoke_token(revocation, token=current_refresh, token_type_hint="refresh_token")
        observed["revocation_status"] = revoked.status_code
        observed["introspected_revoked_refresh_token"] = session.introspect_token(introspection, token=current_refresh).json()
        again = requests.post(
            metadata["token_endpoint"],
            data={"grant_type": "refresh_token", "refresh_token": current_refresh},
            auth=(client["client_id"], client["client_secret"]),
        )
        observed["refresh_after_revocation"] = {"status": again.status_code, "error": again.json().get("error")}

    print(json.dumps(observed))


if __name__ == "__main__":
    main()
