"""The directory, the participants tab, the import steps, the exports and the attendance sheet."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from planner.delegates.models import DEFAULT_PRECEDENCE, Participant, Person
from planner.delegates.protocol import suggest_precedence
from planner.extensions import db
from tests.delegates.conftest import cp1258


def _signed_in(client, factory, org, role="organizer"):
    user = factory.user(org, role=role, clearance="secret")
    client.login(user.email)
    return user


def test_participants_tab_lists_in_protocol_order_and_searches(client, factory, delegates, org):
    _signed_in(client, factory, org)
    meeting = delegates.meeting(org)
    delegates.participant(org, meeting, "Trần Văn Bình", title="Chuyên viên")
    delegates.participant(org, meeting, "Nguyễn Văn Nên", title="Ủy viên Bộ Chính trị", category="guest")
    delegates.participant(org, meeting, "Lê Thị An", unit="Sở Y tế")
    page = client.get(f"/meetings/{meeting}/participants")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index("Nguyễn Văn Nên") < html.index("Lê Thị An") < html.index("Trần Văn Bình")
    by_name = client.get(f"/meetings/{meeting}/participants?order=name").get_data(as_text=True)
    assert by_name.index("Lê Thị An") < by_name.index("Trần Văn Bình") < by_name.index("Nguyễn Văn Nên")
    found = client.get(f"/meetings/{meeting}/participants?q=nguyen+van").get_data(as_text=True)
    assert "Nguyễn Văn Nên" in found and "Trần Văn Bình" not in found
    guests = client.get(f"/meetings/{meeting}/participants?category=guest").get_data(as_text=True)
    assert "Nguyễn Văn Nên" in guests and "Lê Thị An" not in guests
    assert client.get(f"/meetings/{meeting}/participants?order=bogus&category=bogus&page=x").status_code == 200


def test_add_participant_with_split_name_and_duplicate_warning(client, factory, delegates, org):
    _signed_in(client, factory, org)
    meeting = delegates.meeting(org)
    other = delegates.meeting(org)
    delegates.participant(org, other, "Nguyễn Văn An", unit="Sở Nội vụ")
    # The one field is split on the server when no script split it.
    response = client.post_form(f"/meetings/{meeting}/participants/new", {
        "full_name": "Tôn Nữ Thị Ninh", "family_name": "", "middle_name": "", "given_name": "",
        "category": "guest", "rsvp": "accepted", "title": "Phó Bí thư Thành ủy"})
    assert response.status_code == 302
    with client.application.app_context():
        person = db.session.scalar(select(Person).where(Person.given_name == "Ninh"))
        assert (person.family_name, person.middle_name) == ("Tôn", "Nữ Thị")
        participant = db.session.scalar(select(Participant).where(Participant.person_id == person.id))
        # No number of the office's own: the title ranks them, the form shows no internal number.
        assert participant.precedence is None
        assert participant.protocol_rank == suggest_precedence("Phó Bí thư Thành ủy")
    # The same name and unit as someone in the directory: a warning, nothing added.
    response = client.post_form(f"/meetings/{meeting}/participants/new", {
        "full_name": "Nguyễn Văn An", "unit": "Sở nội vụ", "category": "delegate", "rsvp": "invited"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "duplicate-warning" in html
    assert "Thêm người này" in html  # the person of the directory can be added instead
    # Ticked: a namesake is added on purpose.
    response = client.post_form(f"/meetings/{meeting}/participants/new", {
        "full_name": "Nguyễn Văn An", "unit": "Sở Nội vụ", "category": "delegate", "rsvp": "invited",
        "allow_duplicate": "y"})
    assert response.status_code == 302
    with client.application.app_context():
        assert db.session.scalar(select(func.count(Person.id)).where(Person.given_name == "An")) == 2


def test_add_from_directory_edit_and_remove(client, factory, delegates, org):
    _signed_in(client, factory, org)
    meeting = delegates.meeting(org)
    other = delegates.meeting(org)
    delegates.participant(org, other, "Phạm Minh Chính", title="Giám đốc Sở Nội vụ")
    search = client.get(f"/meetings/{meeting}/participants/new?q=pham+minh").get_data(as_text=True)
    person_id = re.search(r'name="person_id" value="([0-9a-f]+)"', search).group(1)
    assert client.post_form(f"/meetings/{meeting}/participants/add", {"person_id": person_id}).status_code == 302
    with client.application.app_context():
        participant = db.session.scalar(select(Participant).where(Participant.meeting.has(public_id=meeting)))
        pid, version = participant.public_id, participant.version
        assert participant.precedence is None and participant.title == "Giám đốc Sở Nội vụ"
        assert participant.protocol_rank == suggest_precedence("Giám đốc Sở Nội vụ")
        assert participant.category.value == "delegate"
    page = client.get(f"/meetings/{meeting}/participants/{pid}")
    assert page.status_code == 200 and "Phạm Minh Chính" in page.get_data(as_text=True)
    response = client.post_form(f"/meetings/{meeting}/participants/{pid}", {
        "full_name": "Phạm Minh Chính", "family_name": "Phạm", "middle_name": "Minh", "given_name": "Chính",
        "title": "Bí thư Tỉnh ủy", "unit": "Tỉnh ủy", "category": "guest", "precedence": "3", "rsvp": "accepted",
        "version": str(version)})
    assert response.status_code == 302
    stale = client.post_form(f"/meetings/{meeting}/participants/{pid}", {
        "given_name": "Chính", "category": "guest", "rsvp": "accepted", "version": str(version)})
    assert stale.status_code == 409
    with client.application.app_context():
        participant = db.session.scalar(select(Participant).where(Participant.public_id == pid))
        assert (participant.title, participant.precedence, participant.category.value) == (
            "Bí thư Tỉnh ủy", 3, "guest")
    assert client.post_form(f"/meetings/{meeting}/participants/{pid}/delete").status_code == 302
    with client.application.app_context():
        assert db.session.scalar(select(Participant).where(Participant.public_id == pid)) is None


def test_viewer_reads_but_cannot_change(client, factory, delegates, org):
    _signed_in(client, factory, org, role="viewer")
    meeting = delegates.meeting(org)
    pid = delegates.participant(org, meeting, "Trần Văn Bình")
    html = client.get(f"/meetings/{meeting}/participants").get_data(as_text=True)
    assert "Trần Văn Bình" in html and "/participants/new" not in html
    assert client.get(f"/meetings/{meeting}/participants/{pid}").status_code == 200
    assert client.get(f"/meetings/{meeting}/participants/new").status_code == 403
    assert client.post_form(f"/meetings/{meeting}/participants/{pid}", {"given_name": "X"}).status_code == 403
    assert client.post_form(f"/meetings/{meeting}/participants/{pid}/delete").status_code == 403
    assert client.get("/people").status_code == 200
    assert client.get("/people/new").status_code == 403


def test_other_organizations_meeting_is_not_found(client, factory, delegates, org):
    _signed_in(client, factory, org)
    stranger = factory.organization()
    meeting = delegates.meeting(stranger)
    pid = delegates.participant(stranger, meeting, "Trần Văn Bình")
    assert client.get(f"/meetings/{meeting}/participants").status_code == 404
    own = delegates.meeting(org)
    assert client.get(f"/meetings/{own}/participants/{pid}").status_code == 404


def test_closed_meeting_allows_attendance_corrections_only(client, factory, delegates, org):
    _signed_in(client, factory, org)
    meeting = delegates.meeting(org)
    pid = delegates.participant(org, meeting, "Trần Văn Bình")
    delegates.set_status(meeting, "closed")
    html = client.get(f"/meetings/{meeting}/participants").get_data(as_text=True)
    assert "/participants/new" not in html and "/participants/import" not in html
    assert client.get(f"/meetings/{meeting}/participants/new").status_code == 409
    assert client.post_form(f"/meetings/{meeting}/participants/{pid}", {"given_name": "X"}).status_code == 409
    day = delegates.today().isoformat()
    response = client.post_form(f"/meetings/{meeting}/participants/{pid}/attendance", {
        "day": day, "attendance": "excused", "absence_reason": "Ốm"})
    assert response.status_code == 302
    page = client.get(f"/meetings/{meeting}/participants/{pid}").get_data(as_text=True)
    assert "Ốm" in page


def test_people_directory_add_split_duplicate_edit(client, factory, org):
    _signed_in(client, factory, org)
    response = client.post_form("/people/new", {"full_name": "Nguyễn Thị Minh Khai", "unit": "Sở Y tế",
                                                 "title": "Chủ tịch UBND tỉnh"})
    assert response.status_code == 302
    listing = client.get("/people?q=minh+khai").get_data(as_text=True)
    assert "Nguyễn Thị Minh Khai" in listing
    again = client.post_form("/people/new", {"full_name": "nguyễn thị minh khai", "unit": "SỞ Y TẾ"})
    assert again.status_code == 409
    assert "duplicate-warning" in again.get_data(as_text=True)
    with client.application.app_context():
        person = db.session.scalar(select(Person))
        assert person.default_precedence == DEFAULT_PRECEDENCE  # none of its own: the title ranks them
        pid, version = person.public_id, person.version
    # Without a script: only the one field changed, so it is split again.
    response = client.post_form(f"/people/{pid}", {
        "full_name": "Nguyễn Thị Minh Khải", "family_name": "Nguyễn", "middle_name": "Thị Minh",
        "given_name": "Khai", "unit": "Sở Y tế", "version": str(version)})
    assert response.status_code == 302
    with client.application.app_context():
        assert db.session.scalar(select(Person)).given_name == "Khải"
    assert client.post_form(f"/people/{pid}/delete").status_code == 302
    assert f"/people/{pid}" not in client.get("/people").get_data(as_text=True)


def _upload(client, meeting, data: bytes, name: str):
    return client.post_form(f"/meetings/{meeting}/participants/import",
                            {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_import_steps_upload_mapping_preview_confirm(client, factory, delegates, org, app):
    _signed_in(client, factory, org)
    meeting = delegates.meeting(org)
    text = "Họ và tên,Chức vụ,Đơn vị,Ghi chú riêng\r\nNguyễn Thị Thủy,Phó Giám đốc,Sở Văn hóa,x\r\n" \
           "Đặng Văn Ước,Chủ tịch UBND huyện,UBND huyện Hòa Vang,y\r\n"
    response = _upload(client, meeting, cp1258(text), "ds.csv")
    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    key = mapping_url.rsplit("/", 1)[1]
    mapping = client.get(mapping_url).get_data(as_text=True)
    assert "Windows-1258" in mapping and "Nguyễn Thị Thủy" in mapping
    # The mapping is pre-filled; leaving out the name is refused.
    assert client.post_form(mapping_url, {"col_0": "", "col_1": "title", "col_2": "unit", "col_3": ""}
                            ).status_code == 422
    response = client.post_form(mapping_url, {"col_0": "full_name", "col_1": "title", "col_2": "unit",
                                              "col_3": "note"})
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đặng Văn Ước" in preview
    with app.app_context():
        assert db.session.scalar(select(func.count(Participant.id))) == 0
    done = client.post_form(response.headers["Location"])
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Participant.id))) == 2
        assert db.session.scalar(select(Participant).where(Participant.note == "y")) is not None
    # The stored file is gone after the commit.
    assert client.get(mapping_url).status_code == 404
    assert not list((app.config["STORAGE_PATH"] and __import__("pathlib").Path(app.config["STORAGE_PATH"])
                     / "imports").glob(f"{key}*"))


def test_import_preview_shows_row_errors_and_offers_no_confirm(client, factory, delegates, org, app):
    _signed_in(client, factory, org)
    meeting = delegates.meeting(org)
    data = "Họ và tên,Email\nNguyễn Văn An,an@example.vn\nTrần Văn Bình,sai-dia-chi\n".encode()
    location = _upload(client, meeting, data, "ds.csv").headers["Location"]
    preview = client.get(location + "/preview")
    html = preview.get_data(as_text=True)
    assert "sai-dia-chi" in html and "confirm-import" not in html
    assert client.post_form(location + "/preview").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(Participant.id))) == 0


def test_upload_errors_are_clear(client, factory, delegates, org, app):
    _signed_in(client, factory, org)
    meeting = delegates.meeting(org)
    empty = _upload(client, meeting, b"", "empty.csv")
    assert empty.status_code == 422
    old = _upload(client, meeting, b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "old.xls")
    assert old.status_code == 422 and "XLS" in old.get_data(as_text=True)
    app.config["IMPORT_MAX_BYTES"] = 100
    try:
        big = _upload(client, meeting, ("Họ và tên\n" + "Nguyễn Văn An\n" * 20).encode(), "big.csv")
        assert big.status_code == 422 and "100 B" in big.get_data(as_text=True)
    finally:
        app.config.pop("IMPORT_MAX_BYTES")
    # someone else's or a made-up import key
    assert client.get(f"/meetings/{meeting}/participants/import/../../etc").status_code == 404
    assert client.get(f"/meetings/{meeting}/participants/import/{'a' * 32}").status_code == 404


def test_exports_and_attendance_sheet(client, factory, delegates, org):
    _signed_in(client, factory, org, role="viewer")
    meeting = delegates.meeting(org)
    delegates.participant(org, meeting, "Trần Văn Bình", phone="+84 905 000 111")
    delegates.participant(org, meeting, "Nguyễn Văn Nên", title="Ủy viên Bộ Chính trị", category="guest")
    delegates.participant(org, meeting, "Lê Văn Phục", category="staff")
    delegates.participant(org, meeting, "Lê Văn Từ", rsvp="declined")
    xlsx = client.get(f"/meetings/{meeting}/participants/export.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == ["Nên", "Bình", "Từ", "Phục"]  # staff after delegates
    again = client.get(f"/meetings/{meeting}/participants/export.xlsx",
                       headers={"If-None-Match": xlsx.headers["ETag"]})
    assert again.status_code == 304
    csv = client.get(f"/meetings/{meeting}/participants/export.csv")
    assert csv.data.startswith(b"\xef\xbb\xbf") and "'+84 905 000 111" in csv.data.decode("utf-8-sig")
    assert client.get(f"/meetings/{meeting}/participants/export.pdf").status_code == 404
    sheet = client.get(f"/meetings/{meeting}/participants/attendance-sheet")
    html = sheet.get_data(as_text=True)
    assert sheet.status_code == 200
    assert html.index("Nguyễn Văn Nên") < html.index("Trần Văn Bình")
    assert "Lê Văn Phục" not in html and "Lê Văn Từ" not in html


def test_long_list_pages_keep_order_search_and_meeting(client, factory, delegates, org, app):
    from planner.delegates import services

    _signed_in(client, factory, org)
    meeting = delegates.meeting(org)
    with app.test_request_context():
        m = delegates.load_meeting(org, meeting)
        rows = "".join(f"Nguyễn Văn Người{i:03d},Đơn vị {i % 3}\n" for i in range(120))
        services.import_file(m, ("Họ và tên,Đơn vị\n" + rows).encode())
    first = client.get(f"/meetings/{meeting}/participants?order=name&q=nguoi").get_data(as_text=True)
    assert "Người000" in first and "Người050" not in first
    assert f"/meetings/{meeting}/participants?order=name&amp;q=nguoi&amp;page=2" in first
    second = client.get(f"/meetings/{meeting}/participants?order=name&q=nguoi&page=2").get_data(as_text=True)
    assert "Người050" in second and "Người000" not in second
    assert "page=1" in second and "page=3" in second
    people = client.get("/people?page=3").get_data(as_text=True)
    assert "Người100" in people and "/people?page=2" in people


def test_list_page_and_api_run_a_fixed_number_of_queries_at_100_and_3000(client, factory, delegates, org, app):
    from planner.extensions import db as database
    from tests.delegates.conftest import QueryCounter
    from tests.delegates.test_services import _bulk

    _signed_in(client, factory, org)
    token = factory.token(factory.user(org, role="viewer"))
    small, large = delegates.meeting(org), delegates.meeting(org)
    with app.test_request_context():
        _bulk(delegates.load_meeting(org, small), 100)
        _bulk(delegates.load_meeting(org, large), 3000)

    def queries(url: str, **kwargs) -> int:
        with app.app_context(), QueryCounter(database.engine) as counter:
            response = client.get(url, **kwargs)
        assert response.status_code == 200
        return counter.count

    for suffix in ("", "?order=name&page=2", "?order=unit&q=nguoi0&category=delegate"):
        page_small = queries(f"/meetings/{small}/participants{suffix}")
        assert page_small == queries(f"/meetings/{large}/participants{suffix}")
    headers = {"Authorization": f"Bearer {token}"}
    queries(f"/api/v1/meetings/{small}/participants", headers=headers)  # the token's first use is recorded once
    for suffix in ("?limit=100", "?order=name&q=nguyen+van&offset=50"):
        api_small = queries(f"/api/v1/meetings/{small}/participants{suffix}", headers=headers)
        assert api_small == queries(f"/api/v1/meetings/{large}/participants{suffix}", headers=headers)
