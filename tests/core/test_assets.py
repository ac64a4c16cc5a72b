"""Static files: built with content-hashed names and compressed copies, served compressed by WhiteNoise
and cached for a year under hashed names; templates keep naming the sources (planner.core.assets)."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import brotli
import pytest
from flask import url_for

from planner import create_app
from planner.core import assets

STATIC = Path(__file__).resolve().parents[2] / "planner" / "static"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("static") / "build"
    assets.build(STATIC, target)
    return target


@pytest.fixture
def served_app(app_config, built, tmp_path):
    return create_app({**app_config, "INSTANCE_PATH": str(tmp_path), "STATIC_BUILD_PATH": str(built)})


def _manifest(built: Path) -> dict:
    return json.loads((built / assets.MANIFEST).read_text())


def test_build_writes_hashed_names_compressed_copies_and_a_manifest(built):
    files = _manifest(built)["files"]
    assert set(files) >= {"css/app.css", "js/app.js", "js/door.js"}
    hashed = files["css/app.css"]
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", hashed)
    assert (built / hashed).read_bytes() == (STATIC / "css/app.css").read_bytes()
    assert brotli.decompress((built / (hashed + ".br")).read_bytes()) == (built / hashed).read_bytes()
    assert gzip.decompress((built / (hashed + ".gz")).read_bytes()) == (built / hashed).read_bytes()
    assert not (built / (files["img/favicon.svg"] + ".png")).exists()


def test_hashed_names_are_served_compressed_and_cached_for_a_year(served_app, built):
    client = served_app.test_client()
    hashed = _manifest(built)["files"]["css/app.css"]
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        response = client.get(f"/static/{hashed}", headers={"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response.headers["Vary"]
        assert "max-age=31536000, immutable" in response.headers["Cache-Control"]
        assert response.headers["Content-Type"].startswith("text/css")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert decode(response.data) == (STATIC / "css/app.css").read_bytes()
    plain = client.get(f"/static/{hashed}")
    assert "Content-Encoding" not in plain.headers
    assert plain.data == (STATIC / "css/app.css").read_bytes()


def test_source_names_still_answer_but_only_for_an_hour(served_app):
    response = served_app.test_client().get("/static/js/app.js", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "max-age=3600, public"
    assert "immutable" not in response.headers["Cache-Control"]


def test_templates_name_sources_and_get_hashed_urls(served_app, built):
    files = _manifest(built)["files"]
    with served_app.test_request_context():
        assert url_for("static", filename="css/app.css") == "/static/" + files["css/app.css"]
        assert url_for("static", filename="not/built.txt") == "/static/not/built.txt"
    page = served_app.test_client().get("/login").get_data(as_text=True)
    assert f'href="/static/{files["css/app.css"]}"' in page
    assert f'src="/static/{files["js/app.js"]}"' in page
    assert 'href="/static/css/app.css"' not in page


def test_a_build_older_than_the_sources_is_not_used(app_config, tmp_path):
    source = tmp_path / "static"
    shutil.copytree(STATIC, source)
    target = tmp_path / "build"
    assets.build(source, target)
    (source / "css" / "app.css").write_text("body { color: black }\n")
    app = create_app({**app_config, "INSTANCE_PATH": str(tmp_path / "i"), "STATIC_BUILD_PATH": str(target)})
    app.static_folder = str(source)
    # create_app read the real sources, which the build matches: a fresh app over the edited copy refuses it.
    assets.init_app(app)
    assert app.extensions["planner_assets"] is None


def test_stylesheet_urls_take_the_hashed_names(tmp_path):
    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    (source / "img").mkdir()
    (source / "img" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (source / "css" / "app.css").write_text(
        ".a { background: url(../img/logo.svg) } .b { background: url('data:image/png;base64,AA') }")
    manifest = assets.build(source, tmp_path / "build")
    css = (tmp_path / "build" / manifest["files"]["css/app.css"]).read_text()
    assert f"url(../{manifest['files']['img/logo.svg']})" in css
    assert "url('data:image/png;base64,AA')" in css


def test_the_command_builds_into_the_configured_folder(app, tmp_path):
    target = tmp_path / "assets"
    before = app.config["STATIC_BUILD_PATH"]
    app.config["STATIC_BUILD_PATH"] = str(target)
    try:
        result = app.test_cli_runner().invoke(args=["planner", "assets"])
    finally:
        app.config["STATIC_BUILD_PATH"] = before
    assert result.exit_code == 0, result.output
    assert "static files built" in result.output
    assert (target / assets.MANIFEST).is_file()
