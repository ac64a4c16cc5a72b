"""The document pack of a meeting (tài liệu hội nghị): uploads, versions, audience, the delegates' copies."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The pack's pages and API routes, its tab, its downloads (documents.zip, handout.pdf), the pack on the
    delegate's page (one list with the speeches' texts), and the documents the minutes list as used."""
    from flask_babel import lazy_gettext as _l

    from planner import api as api_frame
    from planner.core import exports as core_exports
    from planner.delegates import documents as delegate_documents
    from planner.meeting_documents import api, exports, views
    from planner.meeting_documents.services import copies, pack
    from planner.meetings.tabs import register_tab
    from planner.minutes import services as minutes_services

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    register_tab("meeting_documents.index", _l("Documents"), 55)
    for exporter in exports.EXPORTERS:
        core_exports.register("meeting", exporter)
    delegate_documents.DOCUMENT_SOURCES.add(copies.PACK_FOR_DELEGATES)
    minutes_services.DOCUMENTS_USED.add(pack.titles_used)
