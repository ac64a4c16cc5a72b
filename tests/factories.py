"""The test data every package needs, built through the services (as a user would build it, so that the
rules and the audit entries apply): small factories with sensible defaults and keyword overrides, each
returning the model it made. They run in the caller's request context and commit as the services do.

    org = factories.organization(name="Văn phòng Tỉnh ủy Quảng Nam")
    admin = factories.user(org, role="admin", clearance="secret")
    m = factories.meeting(org, by=admin, days=2, rooms=["Hội trường A"])
    an = factories.participant(m, "Nguyễn Văn An", precedence=1)
    report = factories.item(m, "Báo cáo chính trị", "08:00", "09:00", by=admin, presiding=[an])
    factories.speech(report, an, by=admin, title="Báo cáo chính trị")
    factories.released(m, by=admin)
    factories.minutes(m, by=admin, status="approved")

A package's scene (a congress with its bodies, a year of meetings for the reports) is its own; it takes the
common parts from here.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

PASSWORD = "correct-horse-battery-42"
FIRST_DAY = date(2026, 12, 3)   # a Thursday, the first day of most test meetings

_serial = itertools.count(1)


def local(day: int, clock: str | time, first: date = FIRST_DAY) -> datetime:
    """Day 1, 2… from ``first`` at a local time, naive (the services take it as the meeting's own time)."""
    if isinstance(clock, str):
        hours, minutes = (int(p) for p in clock.split(":"))
        clock = time(hours, minutes)
    return datetime.combine(first + timedelta(days=day - 1), clock)


def serial() -> int:
    """A number not given out before in this run: for names that must differ (organizations, e-mails)."""
    return next(_serial)


def _public_id(thing: Any) -> str:
    return thing if isinstance(thing, str) else thing.public_id


def organization(**data: Any):
    from planner.accounts import services

    data.setdefault("name", f"Văn phòng số {serial()}")
    data.setdefault("city", "Đà Nẵng")
    data.setdefault("body_code", "VPTU")
    return services.create_organization(**data)


def user(org, role: str = "viewer", clearance: str = "internal", *, email: str | None = None,
         name: str | None = None, password: str | None = PASSWORD, language: str = "vi", by=None):
    """A member of ``org``; ``by=None`` sets the account up as the command line does. ``password=None``
    leaves it invited (no slow hash): pass a password only when the test signs in."""
    from planner.accounts import services

    n = serial()
    made, _setup = services.create_user(org, by=by, email=email or f"user{n}@example.vn",
                                        name=name or f"Người dùng {n}", role=role, clearance=clearance,
                                        language=language, password=password)
    return made


def office(role: str = "organizer", clearance: str = "secret", *, password: str | None = PASSWORD,
           email: str | None = None, **org: Any):
    """An organization and one member of it: (org, user)."""
    made = organization(**org)
    return made, user(made, role=role, clearance=clearance, password=password, email=email)


def meeting(org, by=None, *, title: str = "Hội nghị tổng kết công tác năm 2026", kind: str = "conference",
            starts_on: date = FIRST_DAY, days: int = 1, rooms: Iterable[str | tuple[str, int]] = (), **data: Any):
    """A meeting of ``org`` lasting ``days`` days (unless ``ends_on`` is given), with ``rooms`` by name (or
    (name, capacity)), in that order."""
    from planner.meetings import services

    data.setdefault("ends_on", starts_on + timedelta(days=days - 1))
    made = services.create_meeting(org, by, title=title, kind=kind, starts_on=starts_on, **data)
    for room in rooms:
        name, capacity = (room, None) if isinstance(room, str) else room
        services.add_room(made, name=name, capacity=capacity)
    return made


def participant(meeting, name: str | tuple[str, str, str] | None = None, *, person=None,
                allow_duplicate: bool = True, reuse_person: bool = False, **data: Any):
    """A participant of ``meeting``: ``name`` is a full name, or (family, middle, given) when the middle
    name has more than one word; other fields as the service takes them (precedence, category, title…)."""
    from planner.delegates import services

    if isinstance(name, tuple):
        data.update(family_name=name[0], middle_name=name[1], given_name=name[2])
    elif name is not None:
        data["full_name"] = name
    elif person is None and not {"full_name", "given_name"} & data.keys():
        data["full_name"] = f"Nguyễn Văn Đại Biểu {serial()}"
    return services.add_participant(meeting, {} if person is not None else data, person=person,
                                    reuse_person=reuse_person, allow_duplicate=allow_duplicate and not reuse_person)


def item(meeting, title: str = "Báo cáo tình hình kinh tế - xã hội năm 2026", start: str | time = "08:00",
         end: str | time = "09:00", *, by=None, day: int = 1, kind: str = "report", session=None, room=None,
         presiding: Iterable[Any] = (), **data: Any):
    """An agenda item on day ``day`` of the meeting, from ``start`` to ``end`` (local "HH:MM" or a time);
    ``session``, ``room`` and ``presiding`` take models or public ids."""
    from planner.agenda import services

    data.update(title=title, kind=kind, starts_at=local(day, start, meeting.starts_on),
                ends_at=local(day, end, meeting.starts_on))
    if session is not None:
        data["parent_id"] = _public_id(session)
    if room is not None:
        data["room_id"] = _public_id(room)
    presiding = [_public_id(p) for p in presiding]
    if presiding:
        data["presiding_ids"] = presiding
    return services.create_item(meeting, data, user=by)


def released(meeting, by=None, *, note: str = ""):
    """The meeting's agenda as it stands, released (published) as a numbered version: the release."""
    from planner.agenda import services

    return services.publish(meeting, user=by, note=note)


def speech(item, speaker, by=None, **data: Any):
    """A speech of ``speaker`` (a participant or its public id) on ``item``; fields as the service takes them."""
    from planner.speeches import services

    return services.add_speech(item, {"participant_id": _public_id(speaker), **data}, user=by)


def minutes(meeting, by, kind: str = "minutes", *, status: str | None = None, recipients: dict | None = None):
    """The meeting's minutes (or notice) generated from what happened; ``recipients`` saved into it (a
    classified record states its drafter and copies before approval), then taken to ``status``."""
    from planner.minutes import services

    record = services.generate(meeting, kind, user=by)
    if recipients is not None:
        record = services.save(record, {"recipients": recipients}, user=by, version=record.version)
    if status is not None:
        record = services.set_status(record, status, user=by, version=record.version)
    return record
