"""``qinglang credit``: an account's score and history, staff adjustments, checkpoints (R10.3)."""

from __future__ import annotations

import typer

credit_app = typer.Typer(help="Account credit: score, tier, history, adjustments.", no_args_is_help=True)


@credit_app.command("show")
def show(handle: str, limit: int = typer.Option(20, min=1, max=200)) -> None:
    """Score, tier and the latest ledger events with their reasons."""
    from qinglang.credit import service as credit_service
    from qinglang.db import make_engine, make_sessionmaker
    from qinglang.errors import QinglangError
    from qinglang.identity import service as identity_service
    from qinglang.settings import get_settings

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            account = identity_service.by_handle(session, handle)
            current = credit_service.standing(session, credit_service.policy_of(settings), account.id)
            events = credit_service.history(session, account.id, limit=limit)
    except QinglangError as error:
        typer.echo(f"error [{error.code}]: {error.message}", err=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    typer.echo(f"{account.handle}: {current.score} points, tier {current.tier.name} ({current.tier.meaning}); "
               f"{current.recovered} recovered by clean weeks")
    for event in events:
        cites = f" [{event.rule_id}]" if event.rule_id else ""
        decision = f" decision {event.decision_id}" if event.decision_id else ""
        typer.echo(f"  {event.at:%Y-%m-%d %H:%M}  {event.points:+d}  {event.kind}{cites}{decision}  {event.reason}")


@credit_app.command("adjust")
def adjust(handle: str, points: int = typer.Option(..., help="Points to add (negative to deduct)."),
           reason: str = typer.Option(..., help="Why: shown to the user and kept as evidence."),
           actor: str = typer.Option(..., help="Handle of the admin making the adjustment.")) -> None:
    """A staff adjustment with its reason (recorded in the ledger and the evidence log)."""
    from qinglang.credit import service as credit_service
    from qinglang.db import transaction
    from qinglang.errors import QinglangError
    from qinglang.identity import service as identity_service
    from qinglang.identity.models import Role
    from qinglang.runtime import build_runtime
    from qinglang.settings import get_settings

    runtime = build_runtime(get_settings())
    policy = credit_service.policy_of(runtime.settings)
    try:
        with transaction(runtime.sessions) as session:
            admin = identity_service.by_handle(session, actor)
            if admin.role != Role.ADMIN:
                raise typer.BadParameter(f"{actor} is not an admin")
            account = identity_service.by_handle(session, handle)
            credit_service.adjust(session, policy, account_id=account.id, points=points, reason=reason,
                                  actor_id=admin.id)
            current = credit_service.standing(session, policy, account.id)
    except QinglangError as error:
        typer.echo(f"error [{error.code}]: {error.message}", err=True)
        raise typer.Exit(2) from None
    finally:
        runtime.close()
    typer.echo(f"{handle}: now {current.score} points, tier {current.tier.name}")


@credit_app.command("checkpoint")
def checkpoint() -> None:
    """Fold every account's complete weeks into its checkpoint (run weekly; reads stay fast)."""
    from sqlalchemy import select

    from qinglang.credit import service as credit_service
    from qinglang.credit.models import CreditEvent
    from qinglang.db import transaction
    from qinglang.runtime import build_runtime
    from qinglang.settings import get_settings

    runtime = build_runtime(get_settings())
    policy = credit_service.policy_of(runtime.settings)
    done = 0
    try:
        with transaction(runtime.sessions) as session:
            accounts = list(session.scalars(select(CreditEvent.account_id).distinct()))
        for account_id in accounts:
            with transaction(runtime.sessions) as session:
                credit_service.refresh_checkpoint(session, policy, account_id)
            done += 1
    finally:
        runtime.close()
    typer.echo(f"{done} accounts checkpointed")


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.add_typer(credit_app, name="credit")
