"""Speakers lists, time control in the hall, submitted texts."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The speakers' pages and API routes; the speakers counted in the agenda's conflicts, and the texts
    shown on a delegate's page."""
    from flask_babel import lazy_gettext as _l

    from planner import api as api_frame
    from planner.agenda import services as agenda_services
    from planner.delegates import documents as delegate_documents
    from planner.meetings.tabs import register_tab
    from planner.speeches import api, services, views

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    register_tab("speeches.control", _l("Speakers"), 50)
    agenda_services.SPEAKERS.add(services.item_speakers)
    delegate_documents.DOCUMENT_SOURCES.add(services.TEXTS_FOR_DELEGATES)
