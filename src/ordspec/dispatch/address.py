"""The base URL of a dispatch (--base-url): checked before anything is read or sent.

A request's path and query are appended to it (dispatch/render.py) and the
journal keys requests by it (journal.normal_url), so it is an http or https
URL with a host, perhaps a port and a path, and nothing else: no query, no
fragment, no credentials, no dot segments, no spaces or control characters.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit


def base_url(text: str) -> str:
    """An http(s) scheme, a host and port, perhaps a path: what a request's path is appended to."""
    shown = repr(text) if len(text) <= 80 else repr(text[:77] + "...")
    if not text.isascii() or not text.isprintable() or any(c.isspace() for c in text):
        raise ValueError(f"{shown} holds a space, a control or a non-ASCII character: write the URL in ASCII, such as https://host")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as e:
        raise ValueError(f"{shown} is not a URL ({e}): write one such as https://host or http://127.0.0.1:8765") from None
    host = parts.hostname or ""
    if not text.lower().startswith(("http://", "https://")):
        problem = "it does not start with http:// or https://"
    elif not host:
        problem = "it names no host"
    elif parts.username is not None or parts.password is not None:
        problem = "it carries a user name or password (credentials come from the environment, never the URL)"
    elif parts.query or parts.fragment or "?" in text or "#" in text:
        problem = "it has a query or fragment (the request's own path and query are appended to it)"
    elif any(segment in (".", "..") for segment in parts.path.split("/")):
        problem = "its path has a . or .. segment"
    elif port == 0:
        problem = "port 0 is not a port"
    else:
        problem = None
        if parts.netloc.split("@")[-1].startswith("["):
            try:
                ipaddress.IPv6Address(host)
            except ValueError:
                problem = f"{host} is not an IPv6 address"
        elif not re.fullmatch(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?", host) or ".." in host:
            problem = f"{host} is not a host name"
    if problem:
        raise ValueError(f"{shown}: {problem}; write a URL such as https://host or http://127.0.0.1:8765")
    return text
