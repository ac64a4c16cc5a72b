"""The layers of DESIGN.md "Architecture", enforced on every import under planner/.

Every module's imports are read with the AST: at the top, inside functions, under TYPE_CHECKING and
behind try/except alike, since a late import is still a dependency. The rules:

- ``core``, ``api`` and ``documents`` import no domain and no product (only core, and the app's
  ``extensions`` and ``config``);
- a domain imports only the domains before it in the line accounts, meetings, delegates, agenda,
  speeches, minutes, votes, elections, meeting_documents;
- a product or face imports the domains and the products before it in the line calendars, booklets,
  reports, invitations, archive, portal, home, where calendars, booklets and reports are peers and
  import none of each other;
- nothing imports the ``views``, ``api`` or ``jobs`` module of another package, nor another package's
  ``setup``: ``create_app`` calls each package's setup, which attaches its routes.

ALLOWED lists the violations the code has today. It may only shrink: an entry that no longer occurs
fails the test too, so the list stays honest.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "planner"

BASE = ("core", "api", "documents")
DOMAINS = ("accounts", "meetings", "delegates", "agenda", "speeches", "minutes", "votes", "elections",
           "meeting_documents", "consultations")
PRODUCTS = ("calendars", "booklets", "reports", "invitations", "archive", "portal", "home")
PEERS = {"calendars", "booklets", "reports"}
# Modules of the app itself, outside the layers: the objects every layer may use, and the top that
# assembles the app (it may reach any package's services and models, never its routes).
INFRASTRUCTURE = {"extensions", "config"}
TOP = {"", "cli", "demo", "demo_history"}
ROUTE_MODULES = {"views", "api", "jobs"}

# (importing module, imported module): today's violations, to be emptied by issue 18.
ALLOWED: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (ROOT.parent / relative).with_suffix(".py").exists() or (ROOT.parent / relative / "__init__.py").exists()


def imports_of(path: Path) -> set[str]:
    """Every planner module this file imports, wherever the import statement stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "planner")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "planner":
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if _is_module(candidate) else base)
    return found


def _package(module: str) -> str:
    """planner.agenda.services -> agenda; planner.home -> home; planner.cli -> cli; planner -> ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _rank(package: str) -> tuple[str, int]:
    if package in BASE:
        return "base", 0
    if package in DOMAINS:
        return "domain", DOMAINS.index(package)
    if package in PRODUCTS:
        return "product", PRODUCTS.index(package)
    raise AssertionError(f"planner.{package} is in no layer of DESIGN.md")


def violation(importer: str, imported: str) -> str | None:
    """Why this import breaks the layers, or None when it keeps them."""
    source, target = _package(importer), _package(imported)
    if source == target:
        return None
    if target in TOP:
        return None if source in TOP else f"{importer} imports the app's top ({imported})"
    if target in INFRASTRUCTURE:
        return None
    leaf = imported.split(".")[-1]
    if leaf in ROUTE_MODULES and imported.count(".") == 2:
        return f"{importer} imports the routes of another package ({imported})"
    if imported == f"planner.{target}" and target not in BASE and source != "":
        return f"{importer} imports the setup of another package ({imported})"
    if source in TOP:
        return None
    if source in INFRASTRUCTURE:
        return None if target == "core" else f"{importer} ({source}) imports a layer ({imported})"
    source_layer, source_rank = _rank(source)
    target_layer, target_rank = _rank(target)
    if target == "core":
        return None
    if source_layer == "base":
        return f"{importer} ({source}) may import no package but core ({imported})"
    if target_layer == "base":
        return None
    if source_layer == "domain":
        if target_layer == "product":
            return f"{importer} (a domain) imports a product ({imported})"
        if target_rank > source_rank:
            return f"{importer} imports a later domain ({imported})"
        return None
    if target_layer == "domain":
        return None
    if source in PEERS and target in PEERS:
        return f"{importer} imports its peer {target} ({imported})"
    if target_rank > source_rank:
        return f"{importer} imports a later product ({imported})"
    return None


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def violations() -> dict[tuple[str, str], str]:
    found: dict[tuple[str, str], str] = {}
    for importer, path in _modules().items():
        for imported in imports_of(path):
            reason = violation(importer, imported)
            if reason is not None:
                found[(importer, imported)] = reason
    return found


def test_every_package_has_a_layer():
    packages = {_package(module) for module in _modules()}
    unplaced = packages - set(BASE) - set(DOMAINS) - set(PRODUCTS) - INFRASTRUCTURE - TOP
    assert not unplaced, f"packages in no layer of DESIGN.md: {sorted(unplaced)}"


def test_imports_keep_the_layers():
    found = violations()
    new = {pair: reason for pair, reason in found.items() if pair not in ALLOWED}
    assert not new, "imports that break DESIGN.md's layers:\n" + "\n".join(sorted(new.values()))


def test_the_allow_list_only_names_violations_that_still_exist():
    found = violations()
    gone = sorted(pair for pair in ALLOWED if pair not in found)
    assert not gone, "no longer violations, remove them from ALLOWED: " + repr(gone)


def test_the_reader_sees_late_and_guarded_imports(tmp_path, monkeypatch):
    """The rules are only as good as the reader: imports in functions, under TYPE_CHECKING and in a
    try block are found, and relative imports are resolved."""
    package = tmp_path / "planner" / "agenda"
    package.mkdir(parents=True)
    (tmp_path / "planner" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "views.py").write_text("")
    module = package / "services.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from planner.minutes.models import Minutes\n"
        "def f():\n    import planner.calendars.feeds\n"
        "try:\n    from planner.speeches import services\nexcept ImportError:\n    pass\n"
        "from . import views\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path / "planner")
    found = imports_of(module)
    assert {"planner.minutes.models", "planner.calendars.feeds", "planner.agenda.views"} <= found
    assert "planner.speeches" in found or "planner.speeches.services" in found
    assert violation("planner.agenda.services", "planner.minutes.models")
    assert violation("planner.agenda.services", "planner.calendars.feeds")
    assert violation("planner.agenda.services", "planner.agenda.views") is None
    assert violation("planner.calendars.services", "planner.booklets.services")
    assert violation("planner.archive.services", "planner.booklets.services") is None
    assert violation("planner.archive.services", "planner.booklets.views")
    assert violation("planner.core.web", "planner.accounts.models")
    assert violation("planner.speeches.services", "planner.agenda.services") is None
