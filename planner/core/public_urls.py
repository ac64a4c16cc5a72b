"""Addresses printed on paper: made from the configured public base URL, never from the request.

A letter, a booklet or a sheet of links is read long after it was printed, by people outside the
intranet the clerk works on: a QR code must lead where those people can go. The request a clerk makes
arrives at whatever address the clerk used (``http://10.0.0.5:8000``, ``localhost`` behind a tunnel),
so printed addresses start from ``PUBLIC_BASE_URL`` (e.g. ``https://hop.vptu.danang.gov.vn`` or
``https://intranet.example.vn/planner``), set by the operator. Without it nothing addressable is printed
and the pages say why.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _


def base_url() -> str | None:
    """The configured public base URL without a trailing slash, or None when unset or unusable."""
    raw = str(current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment \
            or any(ch.isspace() for ch in raw):
        return None
    return raw.rstrip("/")


def problem() -> str | None:
    """Why printed matter carries no QR code or link (None when the base URL is usable)."""
    raw = str(current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if not raw:
        return _("No public address is configured (PUBLIC_BASE_URL): printed letters and sheets carry no QR code "
                 "or link, because the address this page was opened at may not be reachable by those who read "
                 "the paper. The operator sets PUBLIC_BASE_URL (for example https://hop.example.gov.vn) in the "
                 "server's environment or instance configuration.")
    if base_url() is None:
        return _("The configured public address (PUBLIC_BASE_URL) is not a web address such as "
                 "https://hop.example.gov.vn: printed letters and sheets carry no QR code or link until the "
                 "operator corrects it.")
    return None


def url(endpoint: str, **values: Any) -> str | None:
    """The public address of an endpoint (its path under the base URL), or None without a base URL.

    Built from the URL map alone, so that it works the same inside a request, a job or a command, and
    never reads the host, port, scheme or script root of the current request."""
    base = base_url()
    if base is None:
        return None
    adapter = current_app.url_map.bind("localhost", script_name="/", url_scheme="https")
    return base + adapter.build(endpoint, values, force_external=False)


def webcal(url: str) -> str:
    """The webcal:// form of a feed's address: a calendar app subscribes to it instead of downloading once."""
    _scheme, sep, rest = url.partition("://")
    return f"webcal://{rest}" if sep else url
