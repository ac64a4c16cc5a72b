"""The dossier in the one exporter registry (scope "meeting"): ``dossier.zip``, served by the meeting's download
route (``/meetings/<id>/exports/dossier.zip`` and its twin under /api/v1).

Its build checks and audits at once, then returns a generator kept in the request's context, so the
response streams the ZIP as each document is made. A refusal (minutes not approved, no clearance) is raised
before the first byte, as an error page or a problem+json answer with the reason.
"""

from __future__ import annotations

import uuid

from flask import g, stream_with_context
from flask_babel import lazy_gettext as _l

from planner.accounts.models import User
from planner.archive import services
from planner.core import exports
from planner.core.permissions import Permission
from planner.core.web import request_user
from planner.extensions import db
from planner.meetings.models import Meeting


def _build(meeting: Meeting):
    user = request_user()
    services.start(meeting, user)  # a refusal is an error answer, before any byte is sent
    meeting_id, user_id = meeting.id, user.id

    def generate():
        # Flask pushes the request's context again for the stream, after the view's teardown closed its
        # database session: the meeting and the user are read anew, and the user the exporters ask for
        # (request_user) is the one of this session.
        fresh_user = db.session.get(User, user_id)
        if getattr(g, "api_user", None) is not None:
            g.api_user = fresh_user
        if g.get("_login_user") is not None:
            g._login_user = fresh_user
        yield from services.write(db.session.get(Meeting, meeting_id), fresh_user)

    return stream_with_context(generate())


DOSSIER = exports.Exporter(
    name="dossier.zip", media_type="application/zip", build=_build, filename=services.zip_name,
    # Every build is audited and dated: never answered 304 from a client's copy.
    version=lambda _meeting: uuid.uuid4().hex,
    permission=Permission.organize, label=_l("Dossier for the archive (ZIP)"), scope="meeting")

# Registered by the package's setup.
EXPORTERS = (DOSSIER,)
