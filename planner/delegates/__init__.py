"""Delegates: people and their participation in a meeting in protocol order, imports, check-in at the door,
invitations and the delegate's personal page."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The delegates' pages, the delegate's personal page and the invitations, the check-in desk, their API
    routes and downloads; and the delegate's link for the QR code on printed letters."""
    from flask_babel import lazy_gettext as _l

    from planner import api as api_frame
    from planner.core import exports
    from planner.core.permissions import Permission
    from planner.delegates import api, door, invitations, portal, services, views
    from planner.documents import links
    from planner.meetings.services import register_people_resolver
    from planner.meetings.tabs import register_tab

    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(door.bp)
    api_frame.register_blueprint(api.blp)
    register_tab("delegates.participants", _l("Delegates"), 40)
    register_tab("portal.invitations", _l("Invitations"), 45, Permission.organize)
    register_tab("door.desk", _l("Check-in"), 47, Permission.organize)
    for exporter in views.EXPORTERS:
        exports.register(exporter.scope, exporter)
    links.register_personal_link(invitations.current_link_url)
    # Chairs and secretaries chosen from the directory or the office's staff become participants first.
    register_people_resolver(services.resolve_people)
