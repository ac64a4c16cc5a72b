"""The file cache of built documents: found by version without building, reused by content, pruned."""

import time

from planner.booklets import cache


def test_a_version_finds_its_file_and_equal_content_is_rendered_once(tmp_path):
    renders = []

    def render(body: bytes):
        def run() -> bytes:
            renders.append(body)
            return body
        return run

    assert cache.lookup(tmp_path, "m1", "v1") is None
    path, rendered = cache.store(tmp_path, "m1", "v1", "t.typ", {"a": 1}, render(b"%PDF-one"), marked=True)
    assert rendered and path.read_bytes() == b"%PDF-one"
    found = cache.lookup(tmp_path, "m1", "v1")
    assert found.path == path and found.marked
    # Another version with the same data: the same file, not rendered again.
    again, rendered = cache.store(tmp_path, "m1", "v2", "t.typ", {"a": 1}, render(b"%PDF-other"))
    assert again == path and not rendered and renders == [b"%PDF-one"]
    assert not cache.lookup(tmp_path, "m1", "v2").marked
    # Other data, or another template: another file.
    other, rendered = cache.store(tmp_path, "m1", "v3", "t.typ", {"a": 2}, render(b"%PDF-two"))
    assert other != path and rendered
    assert cache.content_hash("t.typ", {"a": 1}) != cache.content_hash("u.typ", {"a": 1})
    # Another meeting's folder knows nothing of these.
    assert cache.lookup(tmp_path, "m2", "v1") is None


def test_a_damaged_index_or_a_missing_file_means_build_again(tmp_path):
    path, _ = cache.store(tmp_path, "m1", "v1", "t.typ", {"a": 1}, lambda: b"%PDF")
    (cache.folder(tmp_path, "m1") / "v-bad").write_text("../../etc/passwd marked")
    assert cache.lookup(tmp_path, "m1", "bad") is None
    path.unlink()
    assert cache.lookup(tmp_path, "m1", "v1") is None


def test_old_files_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 3)
    for n in range(6):
        cache.store(tmp_path, "m1", f"v{n}", "t.typ", {"n": n}, lambda n=n: f"%PDF-{n}".encode())
        time.sleep(0.01)   # distinct modification times: the oldest go first
    files = list(cache.folder(tmp_path, "m1").iterdir())
    assert len([f for f in files if f.suffix == ".pdf"]) == 3
    assert len([f for f in files if f.name.startswith("v-")]) == 3
    assert cache.lookup(tmp_path, "m1", "v5") is not None
