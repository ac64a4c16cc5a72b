"""One registry for every download, and conditional GET for downloads and feeds.

A domain registers an exporter under a scope ("meeting") and a name ("participants.xlsx"); the
one download route of that scope looks it up, checks the permission, answers 304 when the
client's copy is current (without building anything), and otherwise builds and sends the file
with its media type, file name and ETag.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote

from flask import Response, request

from planner.core.permissions import Permission
from planner.core.text import strip_diacritics


@dataclass(frozen=True)
class Exporter:
    name: str                                   # the file's name in the URL: "participants.xlsx"
    media_type: str
    build: Callable[[Any], bytes | Iterable[bytes]]
    filename: Callable[[Any], str]              # the name the browser saves it under
    version: Callable[[Any], str]               # cheap: changes whenever the content would
    permission: Permission = Permission.view
    label: Any = ""                             # for lists of downloads
    inline: bool = False                        # shown in the browser (PDF) instead of saved
    scope: str = ""                             # set by register()


_REGISTRY: dict[str, dict[str, Exporter]] = {}
# scope -> what to note when a file of that scope is built for a reader (the audit of classified downloads)
_AUDITORS: dict[str, Callable[[Exporter, Any, Any], None]] = {}


def register(scope: str, exporter: Exporter) -> Exporter:
    exporter = replace(exporter, scope=scope)
    _REGISTRY.setdefault(scope, {})[exporter.name] = exporter
    return exporter


def audit_builds(scope: str, auditor: Callable[[Exporter, Any, Any], None]) -> None:
    """auditor(exporter, subject, user) runs each time a file of this scope is built for a reader
    (not for a 304): the one place where downloads of classified content reach the audit log."""
    _AUDITORS[scope] = auditor


def exporter(scope: str, name: str) -> Exporter | None:
    return _REGISTRY.get(scope, {}).get(name)


def exporters(scope: str) -> list[Exporter]:
    return sorted(_REGISTRY.get(scope, {}).values(), key=lambda e: e.name)


def strong_etag(*parts: object) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:32]
    return f'"{digest}"'


def not_modified(etag: str, last_modified: datetime | None = None) -> bool:
    """Whether the client's cached copy is current (If-None-Match wins over If-Modified-Since)."""
    if request.if_none_match:
        return request.if_none_match.contains(etag.strip('"'))
    if last_modified is not None and request.if_modified_since is not None:
        return last_modified.replace(microsecond=0) <= request.if_modified_since
    return False


def conditional(
    etag: str,
    build: Callable[[], bytes | Iterable[bytes]],
    *,
    media_type: str,
    last_modified: datetime | None = None,
    cache_control: str = "private, no-cache",
    headers: dict[str, str] | None = None,
) -> Response:
    """304 without calling build() when the client is current; else the built body with validators."""
    common = {"ETag": etag, "Cache-Control": cache_control, **(headers or {})}
    if last_modified is not None:
        common["Last-Modified"] = format_datetime(last_modified.replace(microsecond=0), usegmt=True)
    current = not_modified(etag, last_modified)
    response = Response(status=304) if current else Response(build(), mimetype=media_type)
    for key, value in common.items():
        response.headers[key] = value
    return response


def live_state(state: dict[str, Any]) -> Response:
    """A live state (the speakers' clock, a hall display) as JSON with an ETag (304 when the client has it)
    and the server's clock, so that the browser can count down smoothly from the server's timestamps."""
    body = json.dumps(state, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    response = conditional(strong_etag(body), lambda: body.encode("utf-8"), media_type="application/json",
                           cache_control="no-cache")
    response.headers["X-Server-Time"] = str(int(time.time() * 1000))
    return response


def content_disposition(filename: str, inline: bool = False) -> str:
    """RFC 6266: an ASCII fallback and the real (Vietnamese) name as filename*."""
    ascii_name = strip_diacritics(filename).encode("ascii", "ignore").decode() or "download"
    ascii_name = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in ascii_name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def stored_file(data: bytes, *, media_type: str, filename: str, etag: str) -> Response:
    """A stored upload as a download: its real type, an attachment, no sniffing, no script, not cached."""
    response = Response(data, mimetype=media_type)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["ETag"] = f'"{etag}"'
    return response


def send(exporter: Exporter, subject: Any, user: Any = None) -> Response:
    """Answer a download of this exporter for this subject (a meeting, say), for this reader."""
    etag = strong_etag(exporter.name, exporter.version(subject))

    def build() -> bytes | Iterable[bytes]:
        auditor = _AUDITORS.get(exporter.scope)
        if auditor is not None:
            auditor(exporter, subject, user)
        return exporter.build(subject)

    return conditional(
        etag,
        build,
        media_type=exporter.media_type,
        headers={
            "Content-Disposition": content_disposition(exporter.filename(subject), exporter.inline),
            "X-Content-Type-Options": "nosniff",
        },
    )


def send_named(scope: str, name: str, subject: Any, user: Any) -> Response:
    """The one download route of a scope's files (``/meetings/<id>/exports/<name>`` for scope "meeting"): the
    exporter of that name, if the user's role allows it (else 403), unknown names 404."""
    from flask_babel import gettext as _

    from planner.core.errors import Forbidden, NotFound

    found = exporter(scope, name)
    if found is None:
        raise NotFound(_("Not found."))
    if user is None or not user.can(found.permission, getattr(subject, "organization_id", None)):
        raise Forbidden(_("You may not download this file."))
    return send(found, subject, user)
