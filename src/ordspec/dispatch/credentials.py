"""Credentials come from the environment only, and never leave it except in request headers.

ORDSPEC_TOKEN is the access token for every broker; ORDSPEC_<BROKER>_TOKEN
(ORDSPEC_GROWW_TOKEN, ...) overrides it for one broker. smallcase also needs
ORDSPEC_SMALLCASE_SECRET (the x-gateway-secret), Kite ORDSPEC_KITE_API_KEY (its
Authorization is "token KEY:TOKEN"). Nothing here is read from a
file, and every text ordspec prints or journals passes through redact().
"""

from __future__ import annotations

import os

REDACTED = "***"


class Credentials:
    def __init__(self, broker, environ=None, public=None):
        env = os.environ if environ is None else environ
        self.broker = broker
        self.public = {k: v or "" for k, v in (public or {}).items()}  # header values that are no secret (a client id)
        own = f"ORDSPEC_{broker.name.upper()}_TOKEN"
        self.values: dict[str, str | None] = {"token": env.get(own) or env.get("ORDSPEC_TOKEN") or None}
        self.sources = {"token": f"{own} or ORDSPEC_TOKEN"}  # what to set, when it is missing
        self.read_from = {"token": own if env.get(own) else "ORDSPEC_TOKEN"}  # which variable a value came from
        for name, variable in broker.setting("dispatch.secrets").items():
            self.values[name] = env.get(variable) or None
            self.sources[name] = self.read_from[name] = variable

    def missing(self) -> list[str]:
        return [self.sources[name] for name, value in self.values.items() if not value]

    def problems(self) -> list[str]:
        """What makes a credential that is set unusable in an HTTP header, naming its variable, never its value."""
        out = []
        for name, value in self.values.items():
            if not value:
                continue
            variable = self.read_from[name]
            if "\r" in value or "\n" in value:
                out.append(f"{variable} holds a line break (CR or LF): a header cannot carry it; set it to the token alone")
            elif not value.isascii():
                at = next(i for i, c in enumerate(value) if not c.isascii())
                out.append(f"{variable} holds a character that is not ASCII (at position {at + 1}): HTTP headers carry ASCII only")
            elif not value.isprintable():
                at = next(i for i, c in enumerate(value) if not c.isprintable())
                out.append(f"{variable} holds a control character (at position {at + 1}): a header cannot carry it")
            elif value != value.strip():
                out.append(f"{variable} starts or ends with a blank, which HTTP would drop: set it to the token alone")
        return out

    def headers(self, redacted: bool = False) -> dict[str, str]:
        """The auth headers; redacted, a value that is set is *** and one that is not names its variable."""
        out = {}
        for header, template in self.broker.setting("dispatch.auth").items():
            if redacted:
                values = {k: REDACTED if v else f"<unset: {self.sources[k]}>" for k, v in self.values.items()}
            else:
                values = {k: v or "" for k, v in self.values.items()}
            out[header] = template.format(**self.public, **values)
        return out

    def redact(self, text):
        if not isinstance(text, str):
            return text
        for value in self.values.values():
            if value and len(value) >= 4:
                text = text.replace(value, REDACTED)
        return text

    def scrub(self, value):
        """A copy of a broker's answer (text or parsed JSON) with every secret redacted."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {self.scrub(k): self.scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        return value

    def jwt_claims(self) -> dict | None:
        """The claims of the token, if it is a JWT (smallcase: a guest token says {"guest": true})."""
        from ordspec.jwt import claims

        return claims(self.values.get("token") or "")
