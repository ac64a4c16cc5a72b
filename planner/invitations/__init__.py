"""Invitations: the delegates' personal links, sending the invitation e-mails and the replies."""

from __future__ import annotations

from flask import Flask


def setup(app: Flask) -> None:
    """The invitations page of a meeting (a meeting tab), the invitation letter's page, its API routes and
    downloads; the delegate's link for the QR code on printed letters; what the home page's to-dos say of
    invitations and replies."""
    from flask_babel import lazy_gettext as _l

    from planner import api as api_frame
    from planner.core import exports as core_exports
    from planner.core.permissions import Permission
    from planner.documents import links
    from planner.invitations import api, exports, services, todos, views
    from planner.meetings.tabs import register_tab
    from planner.reports import services as reports_services

    app.register_blueprint(views.bp)
    api_frame.register_blueprint(api.blp)
    for exporter in exports.EXPORTERS:
        core_exports.register(exporter.scope, exporter)
    register_tab("invitations.page", _l("Invitations"), 45, Permission.organize)
    links.register_personal_link(services.current_link_url)
    reports_services.ORGANIZER_TODOS.add(todos.invitation_todos)
    reports_services.ORGANIZER_TODOS.add(todos.reply_todos)

    from planner.core import queue
    from planner.invitations import jobs

    queue.register("invitations.send", jobs.send_batch, attempts=5, delay=30)
