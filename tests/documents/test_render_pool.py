"""Documents rendered in the renderers' pool (documents.render): the same PDF and measures as in the
worker itself, errors reported alike, and each renderer replaced after RENDER_DOCUMENTS documents."""

from __future__ import annotations

import pytest

from planner.documents import render
from tests.documents.sample import sample_document


@pytest.fixture
def pool(app, monkeypatch):
    monkeypatch.setitem(app.config, "RENDER_PROCESSES", 1)
    monkeypatch.setitem(app.config, "RENDER_DOCUMENTS", 2)
    with app.app_context():
        yield
        render.shutdown_renderers()


def _pids() -> set[int]:
    executor = render._POOL["executor"]
    return set(executor._processes or {}) if executor is not None else set()


def test_the_pool_renders_what_the_worker_renders_and_recycles_its_renderers(app, pool, monkeypatch):
    document = sample_document("party")
    measured = render.text_widths([("Hội nghị Ban Chấp hành", 14, True)], "Liberation Serif")
    seen: set[int] = _pids()
    pdfs = []
    for _n in range(4):
        pdfs.append(render.official_pdf(document))
        seen |= _pids()
    assert len(seen) >= 2                 # a renderer is replaced after two documents
    assert all(pdf.startswith(b"%PDF-") for pdf in pdfs)
    monkeypatch.setitem(app.config, "RENDER_PROCESSES", 0)     # in the worker itself
    assert render.text_widths([("Hội nghị Ban Chấp hành", 14, True)], "Liberation Serif") == measured
    assert len(render.official_pdf(document)) == len(pdfs[0])


def test_a_template_error_is_a_render_error_from_the_pool_too(app, pool):
    with pytest.raises(render.RenderError, match="failed"):
        render._typst("compile", b"#let broken = (", "{}", {})
