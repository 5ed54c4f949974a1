"""``qinglang accounts``: staff accounts from the command line (the first admin has no one to ask)."""

from __future__ import annotations

import typer

accounts = typer.Typer(help="Create staff accounts and change roles.", no_args_is_help=True)


@accounts.command("create")
def create(
    handle: str = typer.Argument(..., help="The new account's handle."),
    mobile: str = typer.Option(..., help="Mainland mobile number."),
    role: str = typer.Option("user", help="user, reviewer, admin or authority."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Create an account with a role (e.g. the first admin)."""
    from qinglang.db import transaction
    from qinglang.errors import QinglangError
    from qinglang.identity import service as identity_service
    from qinglang.identity.models import Role
    from qinglang.runtime import build_runtime
    from qinglang.settings import get_settings

    try:
        chosen = Role(role)
    except ValueError:
        raise typer.BadParameter(f"role must be one of {', '.join(r.value for r in Role)}") from None
    runtime = build_runtime(get_settings())
    try:
        with transaction(runtime.sessions) as session:
            account = identity_service.register(
                session, runtime.settings, handle=handle, password=password, mobile=mobile, role=chosen
            )
            typer.echo(f"created {account.handle} (id {account.id}) as {account.role}")
    except QinglangError as error:
        typer.echo(f"error [{error.code}]: {error.message}", err=True)
        raise typer.Exit(2) from None
    finally:
        runtime.close()


def register(app: typer.Typer, bench: typer.Typer) -> None:
    app.add_typer(accounts, name="accounts")
