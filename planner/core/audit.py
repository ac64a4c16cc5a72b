"""The audit log: one entry per change, written by services, never edited or deleted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, event, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from planner.core.models import Base, UTCDateTime, utcnow
from planner.extensions import db


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_org_time", "organization_id", "created_at"),
        # The time of the latest entry of some actions, per meeting or per organization, is one index
        # lookup: calendar feeds take the time of a deletion (which leaves no row behind) from here.
        Index("ix_audit_entries_meeting_action_time", "meeting_id", "action", "created_at"),
        Index("ix_audit_entries_org_action_time", "organization_id", "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"), index=True
    )
    # Plain id, not a foreign key: an entry must outlive the meeting it speaks of.
    meeting_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


def _actor() -> tuple[int | None, str, str | None]:
    """Who is acting: the signed-in user (or API token's user), else the command line."""
    if not has_request_context():
        return None, "cli", None
    from flask import g

    user = getattr(g, "api_user", None)
    if user is None and current_user and current_user.is_authenticated:
        user = current_user
    address = request.remote_addr
    if user is None:
        return None, "anonymous", address
    return user.id, user.email, address


def record(
    session: Session,
    *,
    organization_id: int | None,
    action: str,
    object_type: str,
    object_id: Any = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    meeting_id: int | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Add one audit entry to the session; the caller's commit makes it durable with the change."""
    actor_id, label, address = _actor()
    entry = AuditEntry(
        organization_id=organization_id,
        meeting_id=meeting_id,
        actor_id=actor_id,
        actor_label=actor_label or label,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=summary,
        changes=_jsonable(changes) if changes else None,
        address=address,
    )
    session.add(entry)
    if meeting_id is not None and has_request_context():
        from flask import g

        # for the page-view audit: a request that already wrote about this meeting needs no second entry
        g.setdefault("audited_meetings", set()).add(meeting_id)
    return entry


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [old, new]}."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@event.listens_for(Session, "before_flush")
def _refuse_audit_edits(session: Session, _context, _instances) -> None:
    """The log is append-only: nothing in the application may edit or delete an entry."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEntry):
            raise PermissionError("audit entries cannot be changed or deleted")


def entries(
    organization_id: int,
    *,
    action: str | None = None,
    actor: str | None = None,
    meeting_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
    clearance: str | None = None,
) -> tuple[list[AuditEntry], int]:
    """One organization's entries, newest first, with the total for paging. With a clearance, the
    entries about meetings and agenda items classified above it are left out: their summaries carry
    titles that the reader may not see."""
    query = select(AuditEntry).where(AuditEntry.organization_id == organization_id)
    if clearance is not None:
        query = query.where(*_within_clearance(clearance))
    if action:
        query = query.where(AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor_label.ilike(f"%{actor.strip()}%"))
    if meeting_id is not None:
        query = query.where(AuditEntry.meeting_id == meeting_id)
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if until is not None:
        query = query.where(AuditEntry.created_at <= until)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


def _within_clearance(clearance: str) -> list[Any]:
    """Conditions that keep out entries of classified meetings and items above the clearance. The
    tables are taken by name from the metadata: core imports no domain."""
    from planner.core.permissions import visible_levels

    levels = visible_levels(clearance)
    tables = db.metadata.tables
    meetings, items = tables["meetings"], tables["agenda_items"]
    hidden_meetings = select(meetings.c.id).where(meetings.c.classification.not_in(levels))
    hidden_items = select(items.c.public_id).where(items.c.classification.not_in(levels))
    conditions = [AuditEntry.meeting_id.is_(None) | AuditEntry.meeting_id.not_in(hidden_meetings),
                  ~((AuditEntry.object_type == "agenda_item") & AuditEntry.object_id.in_(hidden_items))]
    speeches = tables.get("speeches")
    if speeches is not None:
        hidden_speeches = (select(speeches.c.public_id).join(items, items.c.id == speeches.c.agenda_item_id)
                           .where(items.c.classification.not_in(levels)))
        conditions.append(~((AuditEntry.object_type == "speech") & AuditEntry.object_id.in_(hidden_speeches)))
    votes = tables.get("votes")
    if votes is not None:
        hidden_votes = (select(votes.c.public_id).join(items, items.c.id == votes.c.agenda_item_id)
                        .where(items.c.classification.not_in(levels)))
        conditions.append(~((AuditEntry.object_type == "vote") & AuditEntry.object_id.in_(hidden_votes)))
    consultations = tables.get("consultations")
    if consultations is not None:
        hidden_consultations = select(consultations.c.public_id).where(consultations.c.classification.not_in(levels))
        conditions.append(~((AuditEntry.object_type == "consultation")
                            & AuditEntry.object_id.in_(hidden_consultations)))
    return conditions


def actions(organization_id: int) -> list[str]:
    return list(db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.organization_id == organization_id)
        .distinct().order_by(AuditEntry.action)
    ))
