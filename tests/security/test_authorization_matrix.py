"""The authorization matrix: every route of the app, taken from ``app.url_map``, for every method, as
each role — anonymous, viewer, secretary, organizer, admin, an admin of another organization, and an
admin without the clearance of a classified meeting — against one scene; and the same for the JSON API
with each role's bearer token, another organization's, none, and a revoked one.

A route missing from the tables fails the test: add it with its access rule. The rules:

    public           anyone, signed in or not
    token            a secret in the URL is the key (delegate link, feed, hall display): no session needed
    signed-in        any signed-in user; acts on the user's own things
    staff-read       Permission.view in the organization (viewer and up)
    minutes-write    Permission.take_minutes (secretary and up)
    organizer-write  Permission.organize (organizer and up)
    admin-only       Permission.manage_organization

Expected answers: anonymous on a staff page is sent to /login (302); a role without the permission
gets 403; another organization's object, or a meeting above the user's clearance, is not found (404).
An allowed role gets anything but those (a bare form POST may well answer 400 or 422: the point is
that it got past the guard), and never a 5xx.

The uncleared admin's URLs point at the classified meeting; every other role's at the published,
unclassified one. Routes that destroy their object run last, and an allowed role that finds the object
already gone (deleted by the allowed role before it) is counted as allowed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from planner.extensions import db
from tests.security.scene import DAY, ROLES, SecurityScene, build

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PUBLIC, TOKEN, SIGNED_IN = "public", "token", "signed-in"
STAFF_READ, MINUTES_WRITE, ORGANIZER_WRITE, ADMIN_ONLY = "staff-read", "minutes-write", "organizer-write", "admin-only"

ALLOWED_ROLES = {
    STAFF_READ: {"viewer", "secretary", "organizer", "admin"},
    MINUTES_WRITE: {"secretary", "organizer", "admin"},
    ORGANIZER_WRITE: {"organizer", "admin"},
    ADMIN_ONLY: {"admin"},
}


@dataclass(frozen=True)
class Rule:
    access: str
    # an allowed role may find nothing here (404): the URL names something the scene cannot hold
    # (an import in progress, a mailing batch) or that needs more than a bare request
    missing_ok: bool = False
    # what a public or token route answers
    status: int | tuple[int, ...] = 200


def r(access: str, **kw: Any) -> Rule:
    return Rule(access, **kw)


# rule pattern -> {method: Rule}; "*" stands for every method of the route.
WEB: dict[str, dict[str, Rule]] = {
    # accounts
    "/": {"GET": r(PUBLIC, status=(200, 302))},
    "/healthz": {"GET": r(PUBLIC)},
    "/static/<path:filename>": {"GET": r(PUBLIC)},
    "/login": {"GET": r(PUBLIC, status=(200, 302)), "POST": r(PUBLIC, status=(200, 302, 400, 422))},
    "/logout": {"POST": r(PUBLIC, status=(302,))},
    "/language": {"POST": r(PUBLIC, status=(302, 400))},
    "/setup/<token>": {"*": r(PUBLIC, status=(404, 302))},
    "/organization/switch": {"POST": r(SIGNED_IN, missing_ok=True)},   # no organization chosen
    "/account": {"GET": r(STAFF_READ)},
    "/account/password": {"POST": r(STAFF_READ)},
    "/account/tokens": {"POST": r(STAFF_READ)},
    "/account/tokens/<public_id>/revoke": {"POST": r(STAFF_READ)},   # the admin's token; others: 404
    "/admin/audit": {"GET": r(ADMIN_ONLY)},
    "/admin/documents": {"*": r(ADMIN_ONLY)},
    "/admin/documents/letterhead": {"POST": r(ADMIN_ONLY)},
    "/admin/documents/letterhead/remove": {"POST": r(ADMIN_ONLY)},
    "/admin/documents/sample.<any(pdf, docx):fmt>": {"GET": r(ADMIN_ONLY)},
    "/admin/organization": {"*": r(ADMIN_ONLY)},
    "/admin/users": {"*": r(ADMIN_ONLY)},
    "/admin/users/<public_id>": {"*": r(ADMIN_ONLY)},
    "/admin/users/<public_id>/invitation": {"POST": r(ADMIN_ONLY)},
    # meetings and the work calendar
    "/meetings": {"GET": r(STAFF_READ)},
    "/meetings/new": {"*": r(ORGANIZER_WRITE)},
    "/calendar/month": {"GET": r(STAFF_READ)},
    "/calendar/week": {"GET": r(STAFF_READ)},
    "/calendar/week/print": {"GET": r(STAFF_READ)},
    # written consultations and the members' links
    "/consultations": {"GET": r(STAFF_READ)},
    "/consultations/new": {"*": r(ORGANIZER_WRITE)},
    "/consultations/<consultation_id>": {"GET": r(STAFF_READ)},
    "/consultations/<consultation_id>/edit": {"*": r(ORGANIZER_WRITE)},
    "/consultations/<consultation_id>/members": {"POST": r(ORGANIZER_WRITE)},
    "/consultations/<consultation_id>/members/meeting": {"POST": r(ORGANIZER_WRITE)},
    "/consultations/<consultation_id>/members/<member_id>/delete": {"POST": r(ORGANIZER_WRITE)},
    "/consultations/<consultation_id>/members/<member_id>/link": {"POST": r(ORGANIZER_WRITE)},
    "/consultations/<consultation_id>/members/<member_id>/revoke": {"POST": r(ORGANIZER_WRITE)},
    "/consultations/<consultation_id>/documents": {"POST": r(ORGANIZER_WRITE)},
    "/consultations/<consultation_id>/documents/<document_id>": {"GET": r(STAFF_READ)},
    "/consultations/<consultation_id>/documents/<document_id>/delete": {"POST": r(ORGANIZER_WRITE)},
    "/consultations/<consultation_id>/send": {"POST": r(ORGANIZER_WRITE)},
    "/consultations/<consultation_id>/close": {"POST": r(ORGANIZER_WRITE)},
    "/consultations/<consultation_id>/delete": {"POST": r(ORGANIZER_WRITE)},
    "/consultations/<consultation_id>/exports/<name>": {"GET": r(STAFF_READ)},
    "/c/<token>": {"GET": r(TOKEN)},
    "/c/<token>/answer": {"POST": r(TOKEN, status=(200, 302, 400, 409, 422))},
    "/c/<token>/documents/<document_id>": {"GET": r(TOKEN)},
    "/meetings/<meeting_id>": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/edit": {"*": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/status": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/delete": {"*": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/rooms": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/rooms/<room_id>": {"*": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/rooms/<room_id>/delete": {"*": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/occurrences": {"GET": r(STAFF_READ)},
    # the meeting is not recurring: its occurrences do not exist
    "/meetings/<meeting_id>/occurrences/<day>/cancel": {"POST": r(ORGANIZER_WRITE, missing_ok=True)},
    "/meetings/<meeting_id>/occurrences/<day>/move": {"*": r(ORGANIZER_WRITE, missing_ok=True)},
    "/meetings/<meeting_id>/occurrences/<day>/restore": {"POST": r(ORGANIZER_WRITE, missing_ok=True)},
    # agenda
    "/meetings/<meeting_id>/agenda": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/agenda/new": {"*": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/agenda/timetable": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/agenda/<item_id>/place": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/agenda/copy": {"*": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/agenda/reorder": {"POST": r(ORGANIZER_WRITE, missing_ok=True)},  # no item named
    "/meetings/<meeting_id>/agenda/<item_id>/edit": {"*": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/agenda/<item_id>/delete": {"*": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/agenda/<item_id>/day": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/agenda/<item_id>/move": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/agenda/<item_id>/shift": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/agenda/<item_id>/status": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/agenda/<item_id>/speakers": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/agenda/<item_id>/calendar.ics": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/programme": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/releases": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/releases/<int:number>": {"GET": r(STAFF_READ)},
    "/p/<code>": {"GET": r(PUBLIC)},
    "/p/<code>/programme.pdf": {"GET": r(PUBLIC, status=(200, 404))},  # 404 until a version is published
    # delegates
    "/people": {"GET": r(STAFF_READ)},
    "/people/new": {"*": r(ORGANIZER_WRITE)},
    "/people/<person_id>": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/people/<person_id>/delete": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/participants": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/participants/new": {"*": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/participants/add": {"POST": r(ORGANIZER_WRITE, missing_ok=True)},  # no person
    "/meetings/<meeting_id>/participants/<participant_id>": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/participants/<participant_id>/attendance": {"POST": r(MINUTES_WRITE)},
    "/meetings/<meeting_id>/participants/<participant_id>/delete": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/participants/attendance-sheet": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/participants/export.<kind>": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/participants/import": {"*": r(ORGANIZER_WRITE)},
    # no import is in progress under this key
    "/meetings/<meeting_id>/participants/import/<key>": {"*": r(ORGANIZER_WRITE, missing_ok=True)},
    "/meetings/<meeting_id>/participants/import/<key>/cancel": {"POST": r(ORGANIZER_WRITE, missing_ok=True)},
    "/meetings/<meeting_id>/participants/import/<key>/preview": {"*": r(ORGANIZER_WRITE, missing_ok=True)},
    # invitations, the delegate's link, the door
    "/meetings/<meeting_id>/invitation": {"*": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/invitation/issue": {"POST": r(ORGANIZER_WRITE)},
    # an issue's letters: the scene issues none, so an allowed role finds no such issue
    "/meetings/<meeting_id>/invitation/issues/<issue_id>.<any(pdf, docx):fmt>": {"GET": r(ORGANIZER_WRITE,
                                                                                        missing_ok=True)},
    "/meetings/<meeting_id>/invitations": {"GET": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/invitations/send": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/invitations/links": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/invitations/print": {"GET": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/invitations/<participant_id>/link": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/invitations/<participant_id>/revoke": {"POST": r(ORGANIZER_WRITE)},
    # no mailing batch has been started
    "/meetings/<meeting_id>/invitations/batches/<batch_id>": {"GET": r(ORGANIZER_WRITE, missing_ok=True)},
    "/meetings/<meeting_id>/invitations/batches/<batch_id>/continue": {"POST": r(ORGANIZER_WRITE, missing_ok=True)},
    "/meetings/<meeting_id>/invitations/batches/<batch_id>/stop": {"POST": r(ORGANIZER_WRITE, missing_ok=True)},
    "/d/<token>": {"GET": r(TOKEN)},
    "/d/<token>/calendar": {"POST": r(TOKEN, status=(200, 302, 400))},
    "/d/<token>/documents/<kind>/<ref>": {"GET": r(TOKEN)},
    # the scene's text is the delegate's own, under embargo: they may download it, but it is not on their
    # page's list, which is what the reader shows (a PDF of the pack: tests/meeting_documents/test_portal.py)
    "/d/<token>/documents/<kind>/<ref>/read": {"GET": r(TOKEN, status=(200, 302, 404))},
    "/d/<token>/rsvp": {"POST": r(TOKEN, status=(200, 302, 400, 422))},
    "/d/<token>/notes/<any(item, document):kind>/<ref>": {"POST": r(TOKEN, status=(302, 400))},
    "/d/<token>/speak/<item_id>": {"POST": r(TOKEN, status=(200, 302, 400, 409, 422))},
    "/d/<token>/vote/<vote_id>": {"POST": r(TOKEN, status=(302, 400))},
    "/meetings/<meeting_id>/door": {"GET": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/door/check-in": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/door/counts": {"GET": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/door/search": {"GET": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/door/undo": {"POST": r(ORGANIZER_WRITE)},
    # speeches and the hall
    "/meetings/<meeting_id>/speakers": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/speakers/control": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/speakers/displays": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/speakers/displays/<display_id>/revoke": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/speakers/displays/<display_id>/untimed": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/speakers/live": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/speakers/reorder": {"POST": r(ORGANIZER_WRITE, missing_ok=True)},  # no item
    "/meetings/<meeting_id>/speakers/statistics": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/speakers/contributions": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/speeches/<speech_id>/decision": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/speakers/summaries": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/speeches/<speech_id>": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/speeches/<speech_id>/delete": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/speeches/<speech_id>/summary": {"POST": r(MINUTES_WRITE)},
    "/meetings/<meeting_id>/speeches/<speech_id>/texts": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/speeches/<speech_id>/texts/<text_id>": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/speeches/<speech_id>/texts/<text_id>/flags": {"POST": r(ORGANIZER_WRITE)},
    "/hall/<token>": {"GET": r(TOKEN)},
    "/hall/<token>/state": {"GET": r(TOKEN)},
    # the document pack (its audience and classification: tests/meeting_documents/test_access.py)
    "/meetings/<meeting_id>/documents": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/documents/send": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/documents/<document_id>": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/documents/<document_id>/versions": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/documents/<document_id>/file": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/documents/<document_id>/move": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/documents/<document_id>/delete": {"POST": r(ORGANIZER_WRITE)},
    # votes and the congress bodies
    "/meetings/<meeting_id>/votes": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/votes/<vote_id>": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/votes/<vote_id>/open": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/votes/<vote_id>/counts": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/votes/<vote_id>/choices": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/votes/<vote_id>/progress": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/votes/<vote_id>/close": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/votes/<vote_id>/correction": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/votes/<vote_id>/delete": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/bodies": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/bodies/<any(presidium, secretariat, credentials_committee, counting_committee):kind>":
        {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/bodies/<any(presidium, secretariat, credentials_committee, counting_committee):kind>"
    "/vote": {"POST": r(ORGANIZER_WRITE)},
    # minutes, notice, documents
    "/meetings/<meeting_id>/minutes": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/notice": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/<any(minutes, notice):kind>/generate": {"POST": r(MINUTES_WRITE)},
    "/meetings/<meeting_id>/<any(minutes, notice):kind>/correction": {"POST": r(MINUTES_WRITE)},
    "/meetings/<meeting_id>/<any(minutes, notice):kind>/revisions": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/<any(minutes, notice):kind>/revisions/<int:number>/restore":
        {"POST": r(MINUTES_WRITE)},
    "/meetings/<meeting_id>/<any(minutes, notice):kind>/sections/<key>": {"POST": r(MINUTES_WRITE)},
    "/meetings/<meeting_id>/<any(minutes, notice):kind>/sections": {"POST": r(MINUTES_WRITE)},
    "/meetings/<meeting_id>/<any(minutes, notice):kind>/status": {"POST": r(MINUTES_WRITE)},
    "/meetings/<meeting_id>/<any(minutes, notice):kind>/editions/<int:edition>.<any(pdf, docx):fmt>":
        {"GET": r(STAFF_READ, missing_ok=True)},
    # which co-chair signs the minutes
    "/meetings/<meeting_id>/minutes/signer": {"POST": r(MINUTES_WRITE)},
    "/meetings/<meeting_id>/exports/<name>": {"GET": r(STAFF_READ)},
    # printing
    "/meetings/<meeting_id>/jobs/<job_id>": {"GET": r(STAFF_READ, missing_ok=True)},  # no job in the scene
    "/meetings/<meeting_id>/print": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/print/booklet": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/print/booklet/again": {"POST": r(STAFF_READ)},   # each reader's own booklet
    # the booklet has no logo yet
    "/meetings/<meeting_id>/print/booklet/logo": {"GET": r(STAFF_READ, missing_ok=True),
                                                  "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/print/booklet/logo/delete": {"POST": r(ORGANIZER_WRITE)},
    # a page image exists only once the booklet page has drawn it
    "/meetings/<meeting_id>/print/booklet/pages/<name>": {"GET": r(STAFF_READ, missing_ok=True)},
    "/meetings/<meeting_id>/print/seating": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/print/seating/assign": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/print/seating/clear": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/print/seating/seat": {"POST": r(ORGANIZER_WRITE)},
    # the archive
    "/meetings/<meeting_id>/dossier": {"GET": r(ORGANIZER_WRITE)},
    # the scene's meeting is not over: refused with the reason (409) to those who may build it. Whose copy is
    # downloaded (each reader their own, never another's) is tests/archive/test_dossier_job.py's
    "/meetings/<meeting_id>/dossier/build": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/dossier/dossier.zip": {"GET": r(ORGANIZER_WRITE)},
    # reports
    "/reports": {"GET": r(STAFF_READ)},
    "/reports/statistics.xlsx": {"GET": r(STAFF_READ)},
    # elections
    "/meetings/<meeting_id>/elections": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/elections/credentials": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/elections/credentials/sign": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/elections/<election_id>": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/elections/<election_id>/candidates": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/elections/<election_id>/candidates/<candidate_id>/delete": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/elections/<election_id>/rounds": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/elections/<election_id>/report/sign": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/elections/<election_id>/rounds/<round_id>": {"GET": r(STAFF_READ),
                                                                         "POST": r(MINUTES_WRITE)},
    "/meetings/<meeting_id>/elections/<election_id>/rounds/<round_id>/correction": {"POST": r(MINUTES_WRITE)},
    "/meetings/<meeting_id>/elections/<election_id>/rounds/<round_id>/sign": {"POST": r(MINUTES_WRITE)},
    # calendars and feeds
    "/feeds": {"GET": r(STAFF_READ)},
    "/feeds/mine": {"POST": r(STAFF_READ)},
    "/feeds/mine/revoke": {"POST": r(STAFF_READ)},
    "/feeds/settings": {"POST": r(ADMIN_ONLY)},
    "/feeds/<token_id>/revoke": {"POST": r(ADMIN_ONLY)},
    "/feeds/<any(m, p, u):kind>/<token>.ics": {"GET": r(TOKEN)},
    "/feeds/public/<code>.ics": {"GET": r(PUBLIC)},
    "/feeds/public/<code>/<item_id>.ics": {"GET": r(PUBLIC)},
    "/meetings/<meeting_id>/calendar": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/calendar.ics": {"GET": r(STAFF_READ)},
    "/meetings/<meeting_id>/calendar/links": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/calendar/personal": {"POST": r(ORGANIZER_WRITE)},
    "/meetings/<meeting_id>/calendar/<token_id>/revoke": {"POST": r(ORGANIZER_WRITE)},
}

API: dict[str, dict[str, Rule]] = {
    "/api/v1/openapi.json": {"GET": r(PUBLIC)},
    "/api/v1/organization": {"GET": r(STAFF_READ), "PATCH": r(ADMIN_ONLY)},
    "/api/v1/meetings": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/api/v1/meetings/<meeting_id>": {"GET": r(STAFF_READ), "PATCH": r(ORGANIZER_WRITE),
                                      "DELETE": r(ORGANIZER_WRITE)},
    "/api/v1/meetings/<meeting_id>/rooms": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/api/v1/meetings/<meeting_id>/rooms/<room_id>": {"GET": r(STAFF_READ), "PATCH": r(ORGANIZER_WRITE),
                                                      "DELETE": r(ORGANIZER_WRITE)},
    "/api/v1/meetings/<meeting_id>/occurrences": {"GET": r(STAFF_READ)},
    "/api/v1/meetings/<meeting_id>/occurrences/<original_date>": {
        "GET": r(STAFF_READ, missing_ok=True), "PUT": r(ORGANIZER_WRITE, missing_ok=True),
        "DELETE": r(ORGANIZER_WRITE, missing_ok=True)},
    "/api/v1/meetings/<meeting_id>/agenda-items": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/api/v1/agenda-items/<item_id>": {"GET": r(STAFF_READ), "PATCH": r(ORGANIZER_WRITE),
                                       "DELETE": r(ORGANIZER_WRITE)},
    "/api/v1/meetings/<meeting_id>/conflicts": {"GET": r(STAFF_READ)},
    "/api/v1/meetings/<meeting_id>/releases": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/api/v1/meetings/<meeting_id>/participants": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/api/v1/meetings/<meeting_id>/participants/import": {"POST": r(ORGANIZER_WRITE)},
    # attendance alone needs take_minutes (an empty PATCH is that); other fields need organize
    "/api/v1/participants/<participant_id>": {"GET": r(STAFF_READ), "PATCH": r(MINUTES_WRITE),
                                              "DELETE": r(ORGANIZER_WRITE)},
    "/api/v1/participants/<participant_id>/check-in": {"POST": r(ORGANIZER_WRITE)},
    "/api/v1/meetings/<meeting_id>/check-in": {"POST": r(ORGANIZER_WRITE)},
    "/api/v1/participants/<participant_id>/feed-token": {"POST": r(ORGANIZER_WRITE),
                                                         "DELETE": r(ORGANIZER_WRITE)},
    "/api/v1/participants/<participant_id>/link": {"POST": r(ORGANIZER_WRITE)},
    "/api/v1/agenda-items/<item_id>/speeches": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/api/v1/agenda-items/<item_id>/speech-requests": {"POST": r(ORGANIZER_WRITE)},
    "/api/v1/speeches/<speech_id>": {"GET": r(STAFF_READ), "PATCH": r(MINUTES_WRITE),
                                     "DELETE": r(ORGANIZER_WRITE)},
    "/api/v1/meetings/<meeting_id>/invitation/issues": {"GET": r(ORGANIZER_WRITE), "POST": r(ORGANIZER_WRITE)},
    "/api/v1/meetings/<meeting_id>/minutes": {"GET": r(STAFF_READ), "POST": r(MINUTES_WRITE),
                                              "PATCH": r(MINUTES_WRITE)},
    "/api/v1/meetings/<meeting_id>/minutes/correction": {"POST": r(MINUTES_WRITE)},
    "/api/v1/meetings/<meeting_id>/minutes/revisions": {"GET": r(STAFF_READ)},
    "/api/v1/meetings/<meeting_id>/minutes/editions/<int:edition>.<any(pdf, docx):fmt>":
        {"GET": r(STAFF_READ, missing_ok=True)},
    "/api/v1/meetings/<meeting_id>/notice": {"GET": r(STAFF_READ), "POST": r(MINUTES_WRITE),
                                             "PATCH": r(MINUTES_WRITE)},
    "/api/v1/meetings/<meeting_id>/notice/correction": {"POST": r(MINUTES_WRITE)},
    "/api/v1/meetings/<meeting_id>/notice/revisions": {"GET": r(STAFF_READ)},
    "/api/v1/meetings/<meeting_id>/notice/editions/<int:edition>.<any(pdf, docx):fmt>":
        {"GET": r(STAFF_READ, missing_ok=True)},
    "/api/v1/meetings/<meeting_id>/exports/<name>": {"GET": r(STAFF_READ)},
    "/api/v1/meetings/<meeting_id>/documents": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/api/v1/documents/<document_id>": {"GET": r(STAFF_READ), "PATCH": r(ORGANIZER_WRITE),
                                        "DELETE": r(ORGANIZER_WRITE)},
    "/api/v1/documents/<document_id>/versions": {"POST": r(ORGANIZER_WRITE)},
    "/api/v1/documents/<document_id>/file": {"GET": r(STAFF_READ)},
    "/api/v1/reports/statistics": {"GET": r(STAFF_READ)},
    "/api/v1/agenda-items/<item_id>/votes": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/api/v1/votes/<vote_id>": {"GET": r(STAFF_READ), "PATCH": r(ORGANIZER_WRITE)},
    # elections
    "/api/v1/meetings/<meeting_id>/elections": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/api/v1/elections/<election_id>": {"GET": r(STAFF_READ), "PATCH": r(ORGANIZER_WRITE)},
    "/api/v1/elections/<election_id>/candidates": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/api/v1/candidates/<candidate_id>": {"DELETE": r(ORGANIZER_WRITE)},
    "/api/v1/elections/<election_id>/rounds": {"GET": r(STAFF_READ), "POST": r(ORGANIZER_WRITE)},
    "/api/v1/rounds/<round_id>": {"GET": r(STAFF_READ), "PATCH": r(MINUTES_WRITE)},
}

API_ROLES = ("no_token", "revoked", "viewer", "secretary", "organizer", "admin", "other_admin", "uncleared")
OBJECT_PARAMS = {"meeting_id", "item_id", "participant_id", "person_id", "speech_id", "room_id", "text_id",
                 "display_id", "token_id", "public_id", "original_date", "day", "key", "batch_id", "number", "name",
                 "edition", "document_id", "vote_id", "consultation_id", "member_id", "election_id", "candidate_id",
                 "round_id"}
# Order of the destructive routes, run after everything else: the smallest things first.
DESTRUCTIVE = ("/candidates/<candidate_id>", "votes/<vote_id>/delete", "texts/<text_id>/flags", "<document_id>",
               "speeches/<speech_id>/delete", "/speeches/<speech_id>", "revoke", "/delete", "<item_id>",
               "<participant_id>", "<room_id>", "<meeting_id>")


def _params(scene: SecurityScene, role: str, rule: str) -> dict[str, Any]:
    # a link's secret is the key, whoever follows it: those routes all point at the published meeting
    linked = rule.startswith(("/d/", "/feeds/public/", "/hall/", "/p/", "/c/"))
    ids = scene.c if role == "uncleared" and not linked else scene.m
    token = ids.delegate_token
    if rule.startswith("/c/"):
        token = ids.consultation_token
    elif rule.startswith("/hall/"):
        token = scene.hall_token
    elif rule.startswith("/setup/"):
        token = "not-a-setup-token"
    elif rule.startswith("/feeds/"):
        token = scene.user_feed
    kind = "minutes"
    if rule.startswith("/feeds/"):
        kind = "u"
    elif "export.<kind>" in rule:
        kind = "csv"
    elif "/bodies/" in rule:
        kind = "presidium"
    elif "/documents/<kind>/" in rule:
        kind = "speech"     # the delegate's own text (they are its speaker)
    elif "/notes/" in rule:
        kind = "item"       # the delegate's note on an item of their meeting
    public_id = scene.users["viewer"].public_id if rule.startswith("/admin/users") else scene.api_token_public_id
    return {
        "meeting_id": ids.meeting_id, "item_id": ids.item_id, "participant_id": ids.participant_id,
        "person_id": ids.person_id, "speech_id": ids.speech_id, "room_id": ids.room_id, "text_id": ids.text_id,
        "display_id": ids.display_id, "token_id": ids.feed_token_id, "vote_id": ids.vote_id, "token": token,
        "kind": kind,
        "code": scene.m.public_code, "number": 1, "day": DAY.isoformat(), "original_date": DAY.isoformat(),
        "key": "1" if "sections" in rule else "no-such-import", "batch_id": "no-such-batch",
        "issue_id": "no-such-issue", "job_id": "no-such-job",
        "public_id": public_id, "fmt": "pdf", "edition": 1,
        "name": "1.png" if "pages" in rule else "result.pdf" if rule.startswith("/consultations/") else "programme.pdf",
        "filename": "css/app.css", "ref": ids.item_id if "/notes/" in rule else ids.text_id,
        "document_id": ids.consultation_document_id if rule.startswith(("/consultations/", "/c/")) else ids.document_id,
        "consultation_id": ids.consultation_id, "member_id": ids.member_id,
        "election_id": ids.election_id, "candidate_id": ids.candidate_id, "round_id": ids.round_id,
    }


def _url(app, rule, role: str, scene: SecurityScene) -> str:
    params = _params(scene, role, rule.rule)
    values = {arg: params[arg] for arg in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def _routes(app, api: bool) -> list[tuple[Any, str]]:
    pairs = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") != api:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            pairs.append((rule, method))

    def destructive(pair) -> int:
        rule, method = pair
        if method == "DELETE" or "/delete" in rule.rule or rule.rule.endswith("revoke"):
            for rank, marker in enumerate(DESTRUCTIVE):
                if marker in rule.rule:
                    return rank + 1
            return len(DESTRUCTIVE)
        return 0

    # within one rank, the longer rules (the smaller things) go first
    return sorted(pairs, key=lambda p: (destructive(p), -len(p[0].rule) if destructive(p) else 0, p[0].rule, p[1]))


def _table_entry(table: dict[str, dict[str, Rule]], rule: str, method: str) -> Rule | None:
    methods = table.get(rule)
    if methods is None:
        return None
    return methods.get(method) or methods.get("*")


def _missing(table, app, api: bool) -> list[str]:
    return [f"{method} {rule.rule}" for rule, method in _routes(app, api)
            if _table_entry(table, rule.rule, method) is None]


def _scoped(rule: str) -> bool:
    """Whether the route names an object of the organization (else it acts on the caller's own org)."""
    return any(f"<{p}>" in rule or f":{p}>" in rule for p in OBJECT_PARAMS)


def _verdict(status: int, location: str, api: bool) -> str:
    """What an answer means for access: login, denied, hidden, error, or allowed."""
    if status >= 500:
        return "error"
    if api and status == 401:
        return "login"
    if not api and status == 302 and "/login" in location:
        return "login"
    if status == 403:
        return "denied"
    if status == 404:
        return "hidden"
    return "allowed"


def _expected(entry: Rule, role: str, rule: str, api: bool) -> set[str]:
    """The verdicts this role may get on this route."""
    if entry.access in (PUBLIC, TOKEN):
        return {"allowed", "hidden"} if 404 in _statuses(entry) else {"allowed"}
    if role in ("anonymous", "no_token", "revoked"):
        return {"login"}
    if entry.access == SIGNED_IN:
        return {"allowed", "hidden"} if entry.missing_ok else {"allowed"}
    allowed_roles = ALLOWED_ROLES[entry.access]
    acting_as = "admin" if role in ("other_admin", "uncleared") else role
    if acting_as not in allowed_roles:
        # the role check comes before the lookup
        return {"denied"} if not _scoped(rule) or role not in ("other_admin", "uncleared") else {"denied", "hidden"}
    if role in ("other_admin", "uncleared") and _scoped(rule):
        if role == "uncleared" and rule.startswith(("/people/", "/admin/users/")):
            return {"allowed"}    # people and users are not classified
        if role == "uncleared" and "/account/tokens/" in rule:
            return {"hidden"}     # another user's token
        return {"hidden"}
    if entry.missing_ok:
        return {"allowed", "hidden"}
    if "/account/tokens/" in rule and role != "admin":
        return {"hidden"}         # another user's token: not found
    return {"allowed"}


def _statuses(entry: Rule) -> tuple[int, ...]:
    return entry.status if isinstance(entry.status, tuple) else (entry.status,)


def _clients(app, scene: SecurityScene) -> dict[str, Any]:
    clients = {}
    for role in ROLES:
        client = app.test_client()
        ref = scene.users[role]
        if ref is not None:
            client.login(ref.email)
        clients[role] = client
    return clients


def _web_request(client, method: str, url: str, ref):
    if method == "GET":
        return client.get(url)
    response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
    if url == "/logout" and ref is not None:
        client.login(ref.email)   # back in, for the routes after this one
    return response


def _api_request(client, method: str, url: str, secret: str | None):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    body = None if method in ("GET", "DELETE") else {}
    return client.open(url, method=method, headers=headers, json=body)


@pytest.fixture
def scene(app, factory) -> SecurityScene:
    return build(app, factory)


def test_every_web_route_is_in_the_table(app):
    missing = _missing(WEB, app, api=False)
    assert not missing, ("routes without an access rule in tests/security/test_authorization_matrix.py WEB "
                         "(add each with its rule):\n" + "\n".join(missing))
    stale = set(WEB) - {rule.rule for rule, _m in _routes(app, api=False)}
    assert not stale, f"WEB names routes that no longer exist: {sorted(stale)}"


def test_every_api_route_is_in_the_table(app):
    missing = _missing(API, app, api=True)
    assert not missing, ("API routes without an access rule in tests/security/test_authorization_matrix.py API "
                         "(add each with its rule):\n" + "\n".join(missing))
    stale = set(API) - {rule.rule for rule, _m in _routes(app, api=True)}
    assert not stale, f"API names routes that no longer exist: {sorted(stale)}"


def _absent(url: str, scene: SecurityScene) -> str:
    """The same URL with every id of the scene replaced by one that names nothing."""
    for ids in (scene.m, scene.c):
        for value in vars(ids).values():
            if value:
                url = url.replace(value, "0" * 32)
    return url


def _walk(app, scene, api: bool, roles, ask) -> tuple[list[str], Counter]:
    table = API if api else WEB
    failures: list[str] = []
    checked: Counter = Counter()
    for rule, method in _routes(app, api):
        entry = _table_entry(table, rule.rule, method)
        if entry is None:
            continue
        gone = False   # an allowed role destroyed the object before the next allowed role came
        for role in roles:
            url = _url(app, rule, role, scene)
            response = ask(role, method, url)
            verdict = _verdict(response.status_code, response.headers.get("Location", ""), api)
            expected = _expected(entry, role, rule.rule, api)
            if entry.access in (PUBLIC, TOKEN):
                verdict = "allowed" if response.status_code in _statuses(entry) else f"status {response.status_code}"
            if api and response.status_code == 422 and "hidden" in expected and verdict == "allowed":
                # the body is checked before the lookup: fine as long as a made-up id answers the same
                absent = ask(role, method, _absent(url, scene))
                verdict = "hidden" if absent.status_code == 422 else verdict
            if gone and verdict == "hidden" and "allowed" in expected:
                verdict = "allowed"
            checked[role] += 1
            if verdict not in expected:
                failures.append(f"{method} {rule.rule} as {role}: {response.status_code} ({verdict}), "
                                f"expected {sorted(expected)} [{entry.access}]")
            elif verdict == "allowed" and method in ("POST", "DELETE") and role not in ("uncleared", "other_admin") \
                    and response.status_code in (200, 204, 302):
                gone = True
    return failures, checked


def test_web_matrix(app, scene, capsys):
    clients = _clients(app, scene)
    failures, checked = _walk(app, scene, False, ROLES,
                              lambda role, method, url: _web_request(clients[role], method, url, scene.users[role]))
    with capsys.disabled():
        print(f"\nweb matrix: {sum(checked.values())} route×method×role checks "
              f"({len(_routes(app, False))} route×method pairs × {len(ROLES)} roles)")
    assert not failures, "\n".join(failures)


def test_api_matrix(app, scene, capsys):
    client = app.test_client()
    secrets = {"no_token": None, **scene.tokens}
    failures, checked = _walk(app, scene, True, API_ROLES,
                              lambda role, method, url: _api_request(client, method, url, secrets[role]))
    with capsys.disabled():
        print(f"\nAPI matrix: {sum(checked.values())} route×method×token checks "
              f"({len(_routes(app, True))} route×method pairs × {len(API_ROLES)} tokens)")
    assert not failures, "\n".join(failures)


# Clearance grants ----------------------------------------------------------------------------------------
#
# The second dimension of the matrix: for every route that can set a clearance, an admin at each level tries
# to give each level, to another member (a fresh one, and one holding more than the admin) and to itself.
# There is no user-management route in the JSON API: test_every_clearance_route_is_in_the_table fails when
# one appears (web or API) without its row here.

LEVELS = ("none", "internal", "confidential", "secret", "top_secret")

# Routes that take a clearance -> whom they give it to.
CLEARANCE_ROUTES = {
    ("POST", "/admin/users"): "new member",              # the invitation: the new member's level
    ("POST", "/admin/users/<public_id>"): "member",      # the member's page: another member's, or one's own
}
# Routes that manage users but take no clearance (and must not start to without a row above).
NO_CLEARANCE = {("GET", "/admin/users"), ("GET", "/admin/users/<public_id>"),
                ("POST", "/admin/users/<public_id>/invitation")}

# The admin's own level -> the levels it may give another member (its own and below). Written out, not computed.
GRANTS = {
    "none": {"none"},
    "internal": {"none", "internal"},
    "confidential": {"none", "internal", "confidential"},
    "secret": {"none", "internal", "confidential", "secret"},
    "top_secret": {"none", "internal", "confidential", "secret", "top_secret"},
}
# To itself an admin gives nothing: only its own level passes, as no change. A member holding more than the admin
# (top secret) keeps it: only the level it holds passes, as no change; an admin cleared top secret changes it.
# A fresh member holds "none"; giving a member the level it holds already changes nothing.
GRANTED, REFUSED, UNCHANGED = "granted", "refused", "unchanged"
HELD_BEFORE = {"new member": None, "member": "none", "member above": "top_secret"}


def _expected_grant(admin_level: str, target: str, level: str) -> str:
    before = admin_level if target == "itself" else HELD_BEFORE[target]
    if level == before:
        return UNCHANGED
    if target == "itself":
        return REFUSED
    if target == "member above" and admin_level != "top_secret":
        return REFUSED
    return GRANTED if level in GRANTS[admin_level] else REFUSED


def test_every_clearance_route_is_in_the_table(app):
    found = {(method, rule.rule) for api in (False, True) for rule, method in _routes(app, api)
             if "/users" in rule.rule or "clearance" in rule.rule}
    unknown = found - set(CLEARANCE_ROUTES) - NO_CLEARANCE
    assert not unknown, f"user-management routes without their row in CLEARANCE_ROUTES or NO_CLEARANCE: {unknown}"
    assert set(CLEARANCE_ROUTES) | NO_CLEARANCE <= found, "the clearance tables name routes that no longer exist"


def _held(app, user_id: int, organization_id: int) -> str | None:
    from planner.accounts.models import Membership

    with app.app_context():
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user_id,
                                                                Membership.organization_id == organization_id))
        return None if membership is None else membership.clearance.value


def test_clearance_grants(app, factory, capsys):
    from planner.accounts.models import User

    org = factory.organization(name="Văn phòng Thành ủy Đà Nẵng")
    admins = {level: factory.user(org, role="admin", clearance=level, email=f"admin-{level}@example.vn",
                                  name="Quản Trị") for level in LEVELS}
    failures: list[str] = []
    checked = 0
    for admin_level, admin in admins.items():
        client = app.test_client()
        client.login(admin.email)
        for (method, rule), whom in CLEARANCE_ROUTES.items():
            targets = ("new member",) if whom == "new member" else ("member", "member above", "itself")
            for target in targets:
                for level in LEVELS:
                    checked += 1
                    expected = _expected_grant(admin_level, target, level)
                    if target == "new member":
                        email = f"new-{admin_level}-{level}@example.vn"
                        response = client.post_form(rule, {"name": "Người Mới", "email": email, "role": "viewer",
                                                           "clearance": level, "language": "vi"})
                        with app.app_context():
                            user = db.session.scalar(select(User).where(User.email == email))
                            user_id = user.id if user is not None else None
                        held = _held(app, user_id, org.id) if user_id else None
                        outcome = f"{response.status_code}/{held}"
                        if held == level and response.status_code == 302:
                            outcome = GRANTED
                        elif held is None and response.status_code == 422:
                            outcome = REFUSED
                    else:
                        if target == "itself":
                            ref, before = admin, admin_level
                        else:
                            before = "top_secret" if target == "member above" else "none"
                            ref = factory.user(org, role="viewer", clearance=before, name="Người Dùng", password=None)
                        response = client.post_form(rule.replace("<public_id>", ref.public_id), {
                            "name": "Quản Trị" if target == "itself" else "Người Dùng",
                            "role": "admin" if target == "itself" else "viewer", "clearance": level, "active": "y"})
                        held = _held(app, ref.id, org.id)
                        if response.status_code == 302 and held == level:
                            outcome = UNCHANGED if level == before else GRANTED
                        elif response.status_code == 422 and held == before:
                            outcome = REFUSED
                        else:
                            outcome = f"{response.status_code}/{held}"
                    if outcome != expected:
                        failures.append(f"{method} {rule}: admin cleared {admin_level} gives {level} to {target}: "
                                        f"{outcome}, expected {expected}")
    with capsys.disabled():
        print(f"\nclearance matrix: {checked} route×admin level×target×level checks")
    assert not failures, "\n".join(failures)


def test_an_admin_of_one_organization_changes_nothing_a_user_holds_in_another(app, factory):
    from planner.accounts.models import Membership, User

    org_a = factory.organization(name="Văn phòng Thành ủy Đà Nẵng")
    org_b = factory.organization(name="Văn phòng Tỉnh ủy Quảng Nam")
    admin_b = factory.user(org_b, role="admin", clearance="top_secret", email="admin-b@example.vn", name="Quản Trị B")
    only_a = factory.user(org_a, role="viewer", clearance="internal", email="a@example.vn", name="Người A",
                          password=None)
    both = factory.user(org_a, role="viewer", clearance="confidential", email="both@example.vn", name="Hai Nơi",
                        password=None)
    with app.app_context():
        user = db.session.get(User, both.id)
        user.memberships.append(Membership(organization_id=org_b.id, role="viewer", clearance="none"))
        db.session.commit()
    client = app.test_client()
    client.login(admin_b.email)
    data = {"name": "Người A", "role": "viewer", "clearance": "top_secret", "active": "y"}
    assert client.get(f"/admin/users/{only_a.public_id}").status_code == 404
    assert client.post_form(f"/admin/users/{only_a.public_id}", data).status_code == 404
    assert _held(app, only_a.id, org_a.id) == "internal"
    response = client.post_form(f"/admin/users/{both.public_id}", {**data, "name": "Hai Nơi", "clearance": "secret"})
    assert response.status_code == 302
    assert _held(app, both.id, org_b.id) == "secret"
    assert _held(app, both.id, org_a.id) == "confidential"   # what the user holds in A stays A's
