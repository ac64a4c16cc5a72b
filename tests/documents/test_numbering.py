"""Numbers per organization, type and period; one congress sequence; concurrent takers get distinct numbers."""

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from planner.documents.models import DocumentSettings, IssuedNumber, NumberingPeriod
from planner.documents.numbering import assign_number
from planner.documents.profiles import PARTY, STATE
from planner.extensions import db


def take(org_id: int, document_type: str = "minutes", on: date = date(2026, 7, 5), profile=PARTY, **kw):
    return assign_number(organization_id=org_id, profile=profile, body_code="VPTU", document_type=document_type,
                         on=on, object_type="test", object_id="x", **kw)


def test_numbers_count_per_type_and_year_with_the_profile_format(app, factory, ctx):
    org = factory.organization()
    first = take(org.id)
    second = take(org.id)
    notice = take(org.id, "notice")
    next_year = take(org.id, on=date(2027, 1, 2))
    db.session.commit()
    assert (first.formatted, second.formatted) == ("Số 01-BB/VPTU", "Số 02-BB/VPTU")
    assert notice.formatted == "Số 01-TB/VPTU"
    assert next_year.formatted == "Số 01-BB/VPTU" and next_year.scope == "BB/2027"
    assert take(org.id, profile=STATE).formatted == "Số: 03/BB-VPTU"


def test_organizations_do_not_share_sequences(app, factory, ctx):
    a, b = factory.organization(), factory.organization()
    assert take(a.id).number == 1
    assert take(b.id).number == 1
    assert take(a.id).number == 2


def test_term_numbering_and_congress_sequence(app, factory, ctx):
    org = factory.organization()
    db.session.add(DocumentSettings(organization_id=org.id, numbering_period=NumberingPeriod.term,
                                    term_label="2025-2030"))
    db.session.commit()
    assert take(org.id, on=date(2026, 12, 30)).number == 1
    assert take(org.id, on=date(2027, 1, 4)).number == 2  # the term goes on across the year
    congress = {"congress_meeting_public_id": "dai-hoi-xiv"}
    assert [take(org.id, t, **congress).formatted for t in ("programme", "minutes", "notice")] == [
        "Số 01-CTr/VPTU", "Số 02-BB/VPTU", "Số 03-TB/VPTU"]


def test_a_rolled_back_approval_spends_no_number(app, factory, ctx):
    org = factory.organization()
    take(org.id)
    db.session.commit()
    take(org.id)
    db.session.rollback()  # the approval failed after taking a number
    assert take(org.id).number == 2
    db.session.commit()
    assert db.session.scalar(select(func.count(IssuedNumber.id))) == 2


@pytest.mark.postgres
def test_concurrent_takers_get_distinct_numbers_on_postgresql(app, factory):
    org = factory.organization()
    results: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def approve() -> None:
        try:
            with app.test_request_context():
                barrier.wait()
                for _ in range(5):
                    results.append(take(org.id).number)
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=approve) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(results) == list(range(1, 41)), "no duplicates and no gaps"


def test_bare_number_drops_the_word_the_header_prints():
    from planner.documents.profiles import bare_number

    assert bare_number("Số 17-BB/VPTU") == "17-BB/VPTU"
    assert bare_number("Số: 12/BB-UBND") == "12/BB-UBND"
    assert bare_number("No. 3-BB/VPTU") == "3-BB/VPTU"
    assert bare_number("17-BB/VPTU") == "17-BB/VPTU"
    assert bare_number(None) == ""
