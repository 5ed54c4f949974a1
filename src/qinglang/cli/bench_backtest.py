"""``qinglang bench backtest``: replaying a draft policy over many stored decisions."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import typer

_CATEGORIES = (
    "illegal.insult_slander",
    "bad.clickbait",
    "illegal.privacy",
    "platform.spam",
    "illegal.false_information",
)


def _facts(rng: random.Random) -> dict:
    scores = {category: round(rng.random() ** 3, 4) for category in _CATEGORIES}
    flags = [c for c, s in scores.items() if s >= 0.5]
    evidence = [{"category": c, "start": 3, "end": 9, "source": "model"} for c in flags]
    return {
        "signals": {
            "id": None,
            "scores": scores,
            "flags": flags,
            "evidence": evidence,
            "model_versions": {"lexicon": "bench"},
        },
        "kind": rng.choice(("post", "reply", "danmaku")),
        "stage": "pre_publication",
        "thresholds": {c: {"block": 0.9, "review": 0.6} for c in _CATEGORIES},
        "author_minor": rng.random() < 0.1,
        "author_tier": "standard",
        "reach": 0,
        "copy_of_removed": None,
        "claim_matches": [],
    }


def _seed(session, items: int, batch: int = 20_000) -> None:  # noqa: ANN001
    from sqlalchemy import insert

    from qinglang.content.models import ContentItem
    from qinglang.db import utcnow
    from qinglang.identity import service as identity_service
    from qinglang.policy.models import Decision
    from qinglang.settings import Settings

    author = identity_service.register(
        session, Settings(), handle="bench_author", password="bench-password", mobile="13700000000"
    )
    session.flush()
    rng = random.Random(5)
    now = utcnow()
    with typer.progressbar(length=items, label="storing decisions") as bar:
        for start in range(0, items, batch):
            count = min(batch, items - start)
            session.execute(
                insert(ContentItem),
                [
                    {
                        "id": start + n + 1,
                        "kind": "post",
                        "author_id": author.id,
                        "body": "bench",
                        "state": "published",
                        "labels": [],
                        "recommendation": "neutral",
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(count)
                ],
            )
            session.execute(
                insert(Decision),
                [
                    {
                        "content_id": start + n + 1,
                        "stage": "pre_publication",
                        "source": "bench",
                        "action": "allow",
                        "policy_version": "default@1",
                        "facts": _facts(rng),
                        "verdict": {},
                        "model_versions": {},
                        "at": now,
                    }
                    for n in range(count)
                ],
            )
            bar.update(count)


def register(app: typer.Typer, bench: typer.Typer) -> None:
    @bench.command("backtest")
    def bench_backtest(
        items: int = typer.Option(100_000, min=1, help="Stored decisions to replay (the issue asks for 1M)."),
        database_url: str = typer.Option("", help="Default: a fresh SQLite file in a temporary folder."),
    ) -> None:
        """Time a policy backtest over stored decisions: items/s for the whole replay."""
        from qinglang.cli.database import migrate_database
        from qinglang.db import make_engine, make_sessionmaker, transaction
        from qinglang.policy import service as policy_service
        from qinglang.settings import Settings

        with tempfile.TemporaryDirectory() as folder:
            url = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
            migrate_database(Settings(database_url=url, var_dir=Path(folder)))
            engine = make_engine(url)
            try:
                with transaction(make_sessionmaker(engine)) as session:
                    _seed(session, items)
                # A draft that moves the insult threshold: some verdicts change.
                draft_text = policy_service.shipped_policy_text().replace(
                    "when: {score: {category: illegal.insult_slander, at_least: review}}",
                    "when: {score: {category: illegal.insult_slander, at_least: 0.3}}",
                )
                with make_sessionmaker(engine)() as session:
                    draft = policy_service.check(session, draft_text)
                    started = time.perf_counter()
                    result = policy_service.backtest(session, draft)
                    elapsed = time.perf_counter() - started
            finally:
                engine.dispose()
        engine_name = url.split(":", 1)[0]
        typer.echo(f"bench backtest  engine={engine_name} items={result.items}")
        typer.echo(
            f"  replay      {elapsed:.1f} s  ({result.items / elapsed:,.0f} items/s), {result.changed} would change"
        )
        for transition, count in result.by_transition.most_common(5):
            typer.echo(f"  {transition:<22} {count}")
