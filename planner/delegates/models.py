"""The people directory and the participants (delegates, guests, staff…) of a meeting.

Names are kept as family, middle and given name apart; the collation key (ICU ``vi``) and the
folded search text are computed on every write, so SQL can order and search by them.
"""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.attributes import get_history

from planner.core.models import (
    Base,
    IdMixin,
    PublicIdMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    enum_column,
    new_public_id,
)
from planner.core.text import collation_key, fold, full_name, name_collation_key, normalize

if TYPE_CHECKING:
    from planner.accounts.models import User
    from planner.meetings.models import Meeting

# Precedence: 1 is the highest rank. A person's default_precedence of DEFAULT_PRECEDENCE means none; protocol
# ranks from DEFAULT_PRECEDENCE on are those of the categories (after every ranked person).
DEFAULT_PRECEDENCE = 10_000
_WORDS = re.compile(r"\w+")


class ParticipantCategory(StrEnum):
    guest = "guest"
    leader = "leader"
    delegate = "delegate"
    press = "press"
    staff = "staff"
    observer = "observer"


PARTICIPANT_CATEGORY_LABELS = {
    ParticipantCategory.guest: _l("Guest"),
    ParticipantCategory.leader: _l("Leader"),
    ParticipantCategory.delegate: _l("Delegate"),
    ParticipantCategory.press: _l("Press"),
    ParticipantCategory.staff: _l("Staff"),
    ParticipantCategory.observer: _l("Observer"),
}


class Rsvp(StrEnum):
    invited = "invited"
    accepted = "accepted"
    declined = "declined"
    no_reply = "no_reply"


RSVP_LABELS = {
    Rsvp.invited: _l("Not answered yet"),
    Rsvp.accepted: _l("Accepted"),
    Rsvp.declined: _l("Declined"),
    Rsvp.no_reply: _l("No reply"),
}


class AttendanceStatus(StrEnum):
    present = "present"
    excused = "excused"   # vắng có lý do
    absent = "absent"     # vắng không lý do


ATTENDANCE_LABELS = {
    AttendanceStatus.present: _l("Present"),
    AttendanceStatus.excused: _l("Excused"),
    AttendanceStatus.absent: _l("Absent"),
}


def sentinel_public_id() -> Mapped[str]:
    """PublicIdMixin's column, marked as the insert sentinel: a unique value made by Python before the INSERT,
    by which SQLAlchemy matches the ids RETURNING gives back to the rows sent. Without one, SQLite (whose
    rowids carry no order SQLAlchemy may rely on) falls back to one INSERT per row: an import of 3,000
    delegates sent 6,000 statements; with it, a few multi-row INSERTs, as on PostgreSQL."""
    return mapped_column(String(32), unique=True, default=new_public_id, insert_sentinel=True)


class Gender(StrEnum):
    female = "female"
    male = "male"


GENDER_LABELS = {Gender.female: _l("Female"), Gender.male: _l("Male")}


class EducationLevel(StrEnum):
    """The highest degree (trình độ chuyên môn), as a credentials report counts the delegates."""

    secondary = "secondary"        # trung học
    vocational = "vocational"      # trung cấp
    college = "college"            # cao đẳng
    university = "university"      # đại học
    master = "master"              # thạc sĩ
    doctorate = "doctorate"        # tiến sĩ


EDUCATION_LABELS = {
    EducationLevel.secondary: _l("Secondary school"),
    EducationLevel.vocational: _l("Vocational school"),
    EducationLevel.college: _l("College"),
    EducationLevel.university: _l("University degree"),
    EducationLevel.master: _l("Master's degree"),
    EducationLevel.doctorate: _l("Doctorate"),
}


class Person(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    """Someone in the organization's directory, reused across meetings."""

    __tablename__ = "people"
    __table_args__ = (Index("ix_people_org_name_key", "organization_id", "name_key"),)

    public_id: Mapped[str] = sentinel_public_id()

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    family_name: Mapped[str] = mapped_column(String(120), default="")
    middle_name: Mapped[str] = mapped_column(String(120), default="")
    given_name: Mapped[str] = mapped_column(String(120))
    honorific: Mapped[str] = mapped_column(String(40), default="")  # đồng chí, ông, bà, Mr, Ms
    title: Mapped[str] = mapped_column(Text, default="")  # chức vụ, often long
    unit: Mapped[str] = mapped_column(String(500), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    default_precedence: Mapped[int] = mapped_column(Integer, default=DEFAULT_PRECEDENCE)
    # Optional facts a congress's credentials report counts (the delegates' structure).
    gender: Mapped[Gender | None] = enum_column(Gender, nullable=True)
    ethnicity: Mapped[str] = mapped_column(String(60), default="")       # dân tộc: Kinh, Tày, Ê Đê…
    birth_year: Mapped[int | None] = mapped_column(Integer)
    education_level: Mapped[EducationLevel | None] = enum_column(EducationLevel, nullable=True)
    # Derived on write (see _derive_person_keys): ordering and diacritic-insensitive search in SQL.
    name_key: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    unit_key: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    name_folded: Mapped[str] = mapped_column(String(400), default="", index=True)
    unit_folded: Mapped[str] = mapped_column(String(500), default="")
    search_folded: Mapped[str] = mapped_column(Text, default="")

    participations: Mapped[list[Participant]] = relationship(back_populates="person", lazy="select")

    @property
    def full_name(self) -> str:
        return full_name(self.family_name, self.middle_name, self.given_name)


PERSON_TEXT_FIELDS = ("family_name", "middle_name", "given_name", "honorific", "title", "unit", "email", "phone")


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _derive_person_keys(_mapper, _connection, person: Person) -> None:
    for attr, value in person_columns({attr: getattr(person, attr) for attr in PERSON_TEXT_FIELDS}).items():
        setattr(person, attr, value)


def person_columns(values: dict[str, Any]) -> dict[str, Any]:
    """A person's text as stored (normalised; missing is empty) and the columns derived from it: what
    _derive_person_keys sets on a model before its INSERT or UPDATE, and the values of a bulk insert, which
    runs no mapper event (the import of people new to the directory)."""
    row = {attr: normalize(values.get(attr)) for attr in PERSON_TEXT_FIELDS}
    name = full_name(row["family_name"], row["middle_name"], row["given_name"])
    row.update(name_key=name_collation_key(row["given_name"], row["family_name"], row["middle_name"]),
               unit_key=collation_key(row["unit"]), name_folded=fold(name), unit_folded=fold(row["unit"]),
               search_folded=search_text(name, row["title"], row["unit"]))
    return row


def search_text(*parts: str | None) -> str:
    """The folded words of the parts, punctuation dropped, so that a search word can match a word's start."""
    return " | ".join(w for w in (" ".join(_WORDS.findall(fold(p))) for p in parts if p) if w)


_BADGE_SIGNS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_badge_code() -> str:
    """Short, unambiguous code printed under the badge's QR code and typed at the door."""
    # 32 signs: a random byte's low five bits pick one evenly (one call for the code, not eight of choice()).
    return "".join(_BADGE_SIGNS[b & 31] for b in secrets.token_bytes(8))


class Participant(IdMixin, PublicIdMixin, TimestampMixin, VersionedMixin, Base):
    """A person at one meeting, with the title and unit they hold as of this meeting."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("meeting_id", "person_id", name="uq_participants_meeting_person"),
        UniqueConstraint("meeting_id", "badge_code", name="uq_participants_meeting_badge"),
        # One index per list order, so that a page of any order is read from the index (see protocol.py).
        Index("ix_participants_meeting_protocol", "meeting_id", "protocol_rank", "name_key", "id"),
        Index("ix_participants_meeting_name", "meeting_id", "name_key", "id"),
        Index("ix_participants_meeting_unit", "meeting_id", "unit_key", "protocol_rank", "name_key", "id"),
    )

    public_id: Mapped[str] = sentinel_public_id()
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(500), default="")
    category: Mapped[ParticipantCategory] = enum_column(ParticipantCategory, default=ParticipantCategory.delegate)
    delegation: Mapped[str] = mapped_column(String(255), default="")  # đoàn
    # The office's own number (1 is the highest), or None: then the title's tier or the category orders.
    precedence: Mapped[int | None] = mapped_column(Integer, default=None)
    seat: Mapped[str] = mapped_column(String(32), default="")
    rsvp: Mapped[Rsvp] = enum_column(Rsvp, default=Rsvp.invited)
    badge_code: Mapped[str] = mapped_column(String(16), default=new_badge_code)
    note: Mapped[str] = mapped_column(Text, default="")
    # Derived on write (see derive_participant_keys), kept in step with the person's name: the person's
    # name key copied here so that every list order is one index of this table, the key of the unit
    # as of this meeting, and the folded name, title and unit for diacritic-insensitive search.
    name_key: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    unit_key: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    search_folded: Mapped[str] = mapped_column(Text, default="")
    # The place in protocol order before the name decides (protocol.protocol_rank): the precedence, else
    # the tier of the title, else the category's place.
    protocol_rank: Mapped[int] = mapped_column(Integer, default=DEFAULT_PRECEDENCE + 100)

    meeting: Mapped[Meeting] = relationship()
    person: Mapped[Person] = relationship(lazy="joined", innerjoin=True, back_populates="participations")
    attendance: Mapped[list[ParticipantAttendance]] = relationship(
        back_populates="participant", order_by="ParticipantAttendance.day", cascade="all, delete-orphan",
        passive_deletes=True, lazy="select",
    )

    @property
    def full_name(self) -> str:
        return self.person.full_name

    @property
    def honorific(self) -> str:
        return self.person.honorific

    def attendance_on(self, day: date) -> ParticipantAttendance | None:
        return next((a for a in self.attendance if a.day == day), None)


def derive_participant_keys(participant: Participant) -> None:
    """Recompute a participant's derived columns from its person and its own title and unit."""
    person = participant.person
    if person is None:
        return
    for attr in ("title", "unit", "delegation", "seat"):
        setattr(participant, attr, normalize(getattr(participant, attr)))
    names = (person.family_name, person.middle_name, person.given_name)
    for attr, value in participant_keys(names, participant.title, participant.unit, participant.precedence,
                                        participant.category).items():
        setattr(participant, attr, value)


def participant_keys(names: tuple[str, str, str], title: str, unit: str, precedence: int | None,
                     category: ParticipantCategory | str | None) -> dict[str, Any]:
    """A participant's derived columns from its person's (normalised) family, middle and given name and its
    own (normalised) title, unit, precedence and category: what derive_participant_keys sets on a model, as
    values for a bulk insert too."""
    from planner.delegates.protocol import protocol_rank

    family_name, middle_name, given_name = names
    name = full_name(family_name, middle_name, given_name)
    return {"name_key": name_collation_key(given_name, family_name, middle_name),
            "unit_key": collation_key(unit), "search_folded": search_text(name, title, unit),
            "protocol_rank": protocol_rank(precedence, title, category)}


_NAME_FIELDS = ("family_name", "middle_name", "given_name")


@event.listens_for(Session, "before_flush")
def _keep_participant_keys(session: Session, _context, _instances) -> None:
    """New or changed participants, and every participant of a renamed person, get fresh keys."""
    dirty = session.dirty  # computed anew on each access: once, or an import of 3,000 rows is quadratic
    for obj in (*session.new, *dirty):
        if isinstance(obj, Participant):
            derive_participant_keys(obj)
        # get_history, not inspect(obj).attrs: that one builds a view of every attribute on each call
        elif isinstance(obj, Person) and obj in dirty and any(get_history(obj, name).has_changes()
                                                              for name in _NAME_FIELDS):
            for participant in obj.participations:
                derive_participant_keys(participant)


class ParticipantAttendance(IdMixin, TimestampMixin, Base):
    """Whether a participant was there on one day of the meeting: checked in, excused or absent."""

    __tablename__ = "participant_attendance"
    __table_args__ = (
        # Two check-ins at the same moment (two doors, a double scan) must count once.
        UniqueConstraint("participant_id", "day", name="uq_participant_attendance_participant_day"),
    )

    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)  # a day of the meeting, in its own time zone
    status: Mapped[AttendanceStatus] = enum_column(AttendanceStatus, default=AttendanceStatus.present)
    reason: Mapped[str] = mapped_column(Text, default="")
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    participant: Mapped[Participant] = relationship(back_populates="attendance")
    checked_in_by: Mapped[User | None] = relationship()
