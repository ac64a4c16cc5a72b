"""The invitation letters: one a participant (or one for all), with the time, the presiding persons and
the contact.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date

from planner.accounts.models import User
from planner.agenda import services as agenda_services
from planner.core.text import position_line
from planner.delegates import protocol
from planner.delegates.models import Participant
from planner.documents import links
from planner.documents import services as document_services
from planner.documents.model import (
    Heading,
    OfficialDocument,
    Paragraph,
    QrCode,
    Run,
    Signature,
    Table,
    TableColumn,
    TableRow,
    runs,
)
from planner.meetings.models import Meeting
from planner.minutes import compose
from planner.minutes import services as minutes_services
from planner.minutes.documents.base import Context, word
from planner.minutes.documents.record import _noun_title
from planner.minutes.models import InvitationLetter, InvitationMode

# Invitation letters -------------------------------------------------------------------------------------------

def _when(meeting: Meeting, language: str, starts_at: datetime | None, ends_at: datetime | None) -> str:
    def at(moment: datetime | None, day: date) -> str:
        weekday = format_date(day, "EEEE", locale=compose.lang(language))
        weekday = weekday[:1].lower() + weekday[1:] if compose.lang(language) == "vi" else weekday
        text = f"{weekday}, {compose.day_text(day, language)}"
        return f"{compose.clock(moment, language)}, {text}" if moment is not None else text

    first = at(starts_at, meeting.starts_on)
    if meeting.ends_on == meeting.starts_on:
        return first
    return word(language, "time_range").format(start=first, end=at(None, meeting.ends_on))


def _you(participant: Participant | None, language: str) -> str:
    if participant is None:
        return word(language, "you_all")
    if compose.lang(language) == "en":
        return "you"
    return compose.honorific(compose.Person(participant.full_name, honorific=participant.honorific), language)


def _letter_body(meeting: Meeting, ctx: Context, letter: InvitationLetter, participant: Participant | None,
                 facts: dict[str, Any], link: str | None) -> list[Any]:
    language = ctx.language
    you = _you(participant, language)
    issuer = document_services.issuer_in_sentence(ctx.org, "invitation", ctx.settings)
    body: list[Any] = [Paragraph(runs(word(language, "invites").format(issuer=issuer, you=you,
                                                                      what=_noun_title(meeting, language))))]

    def item(label: str, text: str) -> None:
        # After the label the entry begins with a capital, as "Kính gửi: Đồng chí …" and the list rows do.
        text = compose.sentence(text)
        if text:
            body.append(Paragraph(runs("- ", Run(f"{label}: ", bold=True), text[:1].upper() + text[1:])))

    item(word(language, "presiding"), "; ".join(compose.person_text(p, language, capital=True)
                                                for p in facts["presiding"]))
    if participant is not None:
        item(word(language, "attendees"), letter.addressee)
    item(word(language, "time"), facts["when"])
    item(word(language, "place"), ", ".join(p for p in (meeting.venue, meeting.city) if p))
    item(word(language, "content"), letter.content or meeting.description[:2000])
    item(word(language, "prepare").format(you=you), letter.preparation)
    item(word(language, "contact"), contact_text(letter, language))
    if link:
        caption = word(language, "qr_each" if participant is not None else "qr_all").format(you=you)
        body.append(QrCode(link, caption + ":"))
    body.append(Paragraph(runs(word(language, "closing").format(you=you))))
    return body


def letter_presiding(meeting: Meeting, items: list[Any]) -> list[Participant]:
    """Who presides, as the invitation names it: the meeting's presiding persons, failing that the chairs of
    its sessions (a conference chaired session by session), each once, in the programme's order."""
    chosen = list(meeting.presiding)
    if chosen:
        return chosen
    seen: set[int] = set()
    for item in sorted(items, key=lambda i: (i.starts_at, i.position, i.id)):
        if getattr(item.kind, "value", item.kind) != "session" or getattr(item.status, "value", item.status) == \
                "cancelled":
            continue
        for person in item.presiding:
            if person.id not in seen:
                seen.add(person.id)
                chosen.append(person)
    return chosen


def contact_text(letter: InvitationLetter, language: str) -> str:
    """``đồng chí Lê Thị Mai - Chuyên viên Văn phòng, điện thoại: 0236 3822 123``."""
    contact = (letter.contact or "").strip().rstrip(".")
    phone = (letter.contact_phone or "").strip()
    if phone:
        contact = f"{contact}, {word(language, 'phone')}: {phone}" if contact else f"{word(language, 'phone')}: {phone}"
    return contact


def invitation_documents(meeting: Meeting, user: User | None, *, programme_link: str | None = None,
                         today: date | None = None, mode: InvitationMode | None = None, number: str | None = None,
                         draft: bool = False, with_links: bool = True) -> list[OfficialDocument]:
    """One letter per invited participant (with their personal link as a QR code, when the delegates' link
    service gives one), or one letter for all with the list of invitees. ``mode`` overrides the letter's own:
    the dossier files the letter for all (one copy and its list, no personal links issued).

    ``number`` and ``today`` are the issue's (invitations.services.issuing); an unissued letter is a ``draft`` (DỰ THẢO,
    no number). ``with_links`` False asks for no personal link (nothing is made: for comparing contents)."""
    ctx = Context(meeting)
    language = ctx.language
    letter = minutes_services.invitation_letter(meeting)
    today = today or minutes_services.local_today(meeting)
    items = agenda_services.list_items(meeting, user)
    starts_at, _ends_at = minutes_services._bounds(meeting, items)
    presiding = [compose.Person(p.full_name, p.title, p.honorific) for p in letter_presiding(meeting, items)]
    facts = {"presiding": presiding, "when": _when(meeting, language, starts_at, None)}
    lines = document_services.signers(ctx.org, "invitation", language, ctx.settings)
    signatures = [Signature(side, line.get("authority", ""), line.get("position", ""), line.get("name", ""))
                  for side, line in lines.items() if any(line.values())]
    recipients = document_services.recipients(ctx.org, "invitation", ctx.settings)
    if recipients is None:
        recipients = [word(language, "as_above")]
    people = [p for members in protocol.delegation_order(minutes_services.invited(meeting), _delegation,
                                                          alone=lambda p: not p.delegation.strip())
              for p in members]
    summary = [meeting.title]
    # A classified meeting's letters state the drafter and the copies: one per invitee and the file copy.
    drafter = (ctx.settings.profile_overrides or {}).get("drafter_code", "")
    copies = len(people) + 1 if ctx.classification else None

    if (mode or letter.mode) is InvitationMode.all:
        body = _letter_body(meeting, ctx, letter, None, facts, programme_link)
        rows = [TableRow(cells=[runs(str(n)), runs(compose.person_text(_person(p), language, capital=True,
                                                                       with_title=False)),
                                runs(position_line(p.title, p.unit))]) for n, p in enumerate(people, start=1)]
        body += [Heading(word(language, "list")),
                 Table([TableColumn(word(language, "no"), 0.5, "center"), TableColumn(word(language, "name"), 2.2),
                        TableColumn(word(language, "office"), 3.3)], rows)]
        addressee = [f"{word(language, 'dear')}: {letter.addressee or word(language, 'dear_all_default')}"]
        return [ctx.document(document_type="invitation", number=number, day=today, summary=summary, body=body,
                             signatures=signatures, recipients=list(recipients), draft=draft, addressee=addressee,
                             drafter=drafter, copies=copies)]

    documents = []
    for participant in people:
        link = links.personal_link(participant) if with_links else None
        addressee = [f"{word(language, 'dear')}: " + compose.person_text(_person(participant), language, capital=True)]
        body = _letter_body(meeting, ctx, letter, participant, facts, link)
        documents.append(ctx.document(document_type="invitation", number=number, day=today, summary=summary,
                                      body=body, signatures=signatures, recipients=list(recipients), draft=draft,
                                      addressee=addressee, drafter=drafter, copies=copies))
    return documents


def presiding_names(names: list[str], language: str) -> str:
    """``Đồng chí A`` or ``Các đồng chí A, B và C`` (after "Chủ trì:", as the performer column writes its
    speakers): the honorific once, as a Vietnamese list writes it."""
    if compose.lang(language) != "vi" or not names:
        return ", ".join(names)
    if len(names) == 1:
        return f"Đồng chí {names[0]}"
    return f"{word(language, 'comrades').capitalize()} {compose.join(names, language)}"


def speakers_text(names: list[str], language: str) -> str:
    """Several speakers as one list: ``Các đồng chí A, B và C`` rather than ``Đồng chí A, Đồng chí B, …``
    (the honorific once, as the session heading writes its chairs)."""
    prefix = "Đồng chí "
    if compose.lang(language) == "vi" and len(names) > 1 and all(n.startswith(prefix) for n in names):
        return presiding_names([n[len(prefix):] for n in names], language)
    return ", ".join(names)


def _delegation(participant: Participant) -> str:
    return participant.delegation.strip() or f"~{participant.id}"


def _person(participant: Participant) -> compose.Person:
    return compose.Person(participant.full_name, position_line(participant.title, participant.unit),
                          participant.honorific)
