"""Wiring is explicit (DESIGN.md "Architecture"): each package's setup(app) registers what it offers, and
nothing registers itself when imported. Both are checked in a fresh interpreter, so that the import order
of the test session (which has imported everything long ago) cannot hide a missing registration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STATE = """
import json
from planner.core import exports, hooks
from planner.meetings import tabs
print(json.dumps({
    "declared": sorted(hooks.declared()),
    "unfilled": hooks.unfilled(),
    "filled": {name: [repr(f) for f in hook] for name, hook in hooks.declared().items()},
    "tabs": sorted(tab.endpoint for tab in tabs.meeting_tabs()),
    "exporters": sorted(e.scope + "/" + e.name for scope in ("meeting", "reports", "consultation")
                        for e in exports.exporters(scope)),
    "auditors": sorted(exports._AUDITORS),
}))
"""

FRESH_APP = """
import tempfile
from planner import create_app
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 32,
                  "INSTANCE_PATH": tempfile.mkdtemp()})
""" + STATE

EVERY_MODULE = """
import importlib, pkgutil, planner
for module in pkgutil.walk_packages(planner.__path__, "planner."):
    if module.name not in ("planner.demo", "planner.demo_history"):
        importlib.import_module(module.name)
""" + STATE


def _run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_fresh_app_has_every_hook_filled():
    state = _run(FRESH_APP)
    assert state["unfilled"] == []
    assert {"agenda.speakers", "api.token_checks", "delegates.documents", "documents.personal_links"} <= set(
        state["declared"])
    # the agenda's person conflicts count the speakers, whether or not anything imported speeches first
    assert any("item_speakers" in f for f in state["filled"]["agenda.speakers"])
    assert any("speech" in f for f in state["filled"]["delegates.documents"])
    assert any("current_link_url" in f for f in state["filled"]["documents.personal_links"])
    # every classified download of a meeting's files, and of a consultation's, is audited
    assert state["auditors"] == ["consultation", "meeting"]
    assert {"meetings.detail", "agenda.editor", "delegates.participants", "speeches.control", "minutes.edit",
            "calendars.meeting_feeds", "booklets.print", "archive.dossier", "invitations.page",
            "portal.desk"} <= set(state["tabs"])
    assert {"meeting/participants.xlsx", "meeting/calendar.ics", "meeting/minutes.pdf", "meeting/booklet.pdf",
            "meeting/dossier.zip", "reports/statistics.xlsx", "consultation/result.pdf"} <= set(state["exporters"])


def test_importing_every_module_registers_nothing():
    state = _run(EVERY_MODULE)
    assert state["declared"], "the hooks are declared where they are called"
    assert sorted(state["unfilled"]) == sorted(state["declared"])
    assert state["tabs"] == []
    assert state["exporters"] == []
    assert state["auditors"] == []
