"""Print PostgreSQL's plans of the statements that a page or feed runs, on a loaded dataset.

    .venv/bin/python -m bench.dataset L --database-url URL --save /tmp/L.json
    .venv/bin/python -m bench.explain --database-url URL --dataset /tmp/L.json [--page "delegate search"] [--full]

Each page is requested once to warm the process, then again with every statement recorded; each
recorded SELECT is then run under EXPLAIN (ANALYZE, BUFFERS) with its own parameters. The summary line
of a statement gives its time and the tables it read in full (Seq Scan): on dataset L, a sequential
scan of a large table in a page that should read a handful of rows is what wants an index.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from sqlalchemy import event, text

from bench.dataset import Dataset

PAGES = {
    "delegate list": lambda d: f"/meetings/{d.congress_public_id}/participants",
    "delegate search": lambda d: f"/meetings/{d.congress_public_id}/participants?q={d.search_term}",
    "check-in search": lambda d: f"/meetings/{d.congress_public_id}/door/search?q={d.search_term}",
    "personal feed": lambda d: d.personal_feed_path,
    "meeting feed": lambda d: d.meeting_feed_path,
    "public feed": lambda d: d.public_feed_path,
    "user feed": lambda d: d.user_feed_path,
    "agenda editor": lambda d: f"/meetings/{d.congress_public_id}/agenda",
    "work calendar week": lambda d: f"/calendar/week?d={d.congress_days[1].isoformat()}",
}
_SEQ = re.compile(r"Seq Scan on (\w+)")


def explain(app, dataset: Dataset, name: str, *, full: bool = False) -> None:
    from planner.extensions import db

    client = app.test_client()
    login = dataset.users["organizer"]
    client.post("/login", data={"email": login.email, "password": login.password})
    path = PAGES[name](dataset)
    client.get(path)
    recorded: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        recorded.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        status = client.get(path).status_code
    finally:
        event.remove(engine, "before_cursor_execute", record)
    print(f"\n== {name}: GET {path} -> {status}, {len(recorded)} statements")
    with engine.connect() as conn:
        for statement, parameters in recorded:
            if not statement.lstrip().upper().startswith("SELECT"):
                print(f"   (not a SELECT) {statement.split()[0]} …")
                continue
            rows = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).all()
            plan = [row[0] for row in rows]
            took = next((line for line in reversed(plan) if line.startswith("Execution Time")), "")
            scans = sorted(set(_SEQ.findall("\n".join(plan))))
            first = " ".join(statement.split())[:110]
            print(f"-- {took or '?'}; seq scans: {', '.join(scans) or 'none'}\n   {first}…")
            if full:
                print("\n".join(f"     {line}" for line in plan))
        conn.execute(text("SELECT 1"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--dataset", required=True, help="the JSON written by bench.dataset --save")
    parser.add_argument("--page", action="append", choices=sorted(PAGES), help="default: all")
    parser.add_argument("--full", action="store_true", help="print the whole plans")
    args = parser.parse_args(argv)

    from planner import create_app

    dataset = Dataset.from_json(Path(args.dataset).read_text(encoding="utf-8"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench",
                      "RATELIMIT_STORAGE_URI": "memory://", "WTF_CSRF_ENABLED": False})
    for name in args.page or PAGES:
        explain(app, dataset, name, full=args.full)


if __name__ == "__main__":
    main()
