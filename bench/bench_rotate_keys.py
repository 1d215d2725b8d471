"""Key rotation time per 10,000 stored emails (issue 13), SQLite and PostgreSQL.

    .venv/bin/python bench/bench_rotate_keys.py [--authors 10000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/DB]

For each database: migrate an empty one, store N authors under email key k1, then time the real
`moderation rotate-keys` process (start-up included) twice: (1) email key k1 -> k2, (2) a blind-index
key rotation (every row decrypted, re-indexed and re-encrypted). The PostgreSQL database given is
wiped (schema public dropped).
"""
from __future__ import annotations

import argparse
import base64
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import tomli_w
from sqlalchemy import insert, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from moderation import create_app, privacy  # noqa: E402
from moderation.db import make_engine  # noqa: E402
from moderation.migrate import upgrade  # noqa: E402
from moderation.models import Author, Site  # noqa: E402


def key(seed: int) -> str:
    return base64.urlsafe_b64encode(bytes([seed]) * 32).decode()


SECRETS = {"secret_key": "bench", "email_keys": {"k1": key(1), "k2": key(2)}, "active_email_key": "k1",
           "blind_index_key": key(9)}


def config(url: str, secrets: dict[str, Any], workdir: Path) -> dict[str, Any]:
    return {"env": "testing", "database_url": url, "redis_url": "redis://127.0.0.1:6379/15", "secrets": secrets,
            "instance_path": str(workdir), "sites": {}}


def seed(url: str, workdir: Path, n: int) -> None:
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.split("///", 1)[1] + suffix).unlink(missing_ok=True)
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app(config(url, SECRETS, workdir))
    upgrade(app.extensions["db_engine"])
    settings = app.extensions["settings"]
    rows = []
    for i in range(n):
        email = f"pembaca{i}@example.com"
        bidx = privacy.blind_index(settings, email)
        rows.append({"site_id": "news", "email_bidx": bidx, "banned": False, "published_count": 0,
                     "email_enc": privacy.encrypt_email(settings, email, privacy.author_aad("news", bidx))})
    with app.extensions["db_sessionmaker"]() as session:
        session.add(Site(id="news", origins=["https://news.example"]))
        session.flush()
        for start in range(0, n, 5000):
            session.execute(insert(Author), rows[start:start + 5000])
        session.commit()
    app.extensions["db_engine"].dispose()


def timed_rotation(url: str, secrets: dict[str, Any], workdir: Path) -> float:
    path = workdir / "rotate.toml"
    path.write_text(tomli_w.dumps(config(url, secrets, workdir)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")} | {"MODERATION_CONFIG": str(path)}
    started = time.perf_counter()
    done = subprocess.run([str(REPO / ".venv/bin/moderation"), "rotate-keys"], env=env, cwd=REPO,
                          capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    print("   ", done.stdout.strip().replace("\n", " | "))
    return elapsed


def in_process(url: str, workdir: Path) -> float:
    """The rotation alone (no process start-up): email key k1 -> k2 through rotation.rotate."""
    from moderation.datarights import rotation

    app = create_app(config(url, {**SECRETS, "active_email_key": "k2"}, workdir))
    started = time.perf_counter()
    result = rotation.rotate(app.extensions["db_sessionmaker"], app.extensions["settings"])
    elapsed = time.perf_counter() - started
    app.extensions["db_engine"].dispose()
    assert result.changed > 0
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--authors", type=int, default=10_000)
    parser.add_argument("--pg", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        urls = [("SQLite", f"sqlite:///{workdir}/bench.sqlite")] + ([("PostgreSQL", args.pg)] if args.pg else [])
        print("| database | authors | email key k1 -> k2 | blind-index key rotation | nothing left (start-up) "
              "| k1 -> k2 in-process |")
        print("|---|---|---|---|---|---|")
        for name, url in urls:
            seed(url, workdir, args.authors)
            email = timed_rotation(url, {**SECRETS, "active_email_key": "k2"}, workdir)
            index = timed_rotation(url, {**SECRETS, "active_email_key": "k2", "blind_index_key": key(10),
                                         "previous_blind_index_key": SECRETS["blind_index_key"]}, workdir)
            idle = timed_rotation(url, {**SECRETS, "active_email_key": "k2", "blind_index_key": key(10)}, workdir)
            seed(url, workdir, args.authors)
            alone = in_process(url, workdir)
            print(f"| {name} | {args.authors} | {email:.1f} s | {index:.1f} s | {idle:.1f} s | {alone:.2f} s |")


if __name__ == "__main__":
    main()
