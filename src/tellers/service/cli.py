"""The service's commands: ``serve``, ``demo``, ``key``, ``audit``, ``verify-result``.

Django is imported inside each command, so the engine's command line works without the
service installed (and says how to install it when a service command is asked for).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

__all__ = ["audit_app", "key_app", "register"]

key_app = typer.Typer(no_args_is_help=True, help="The returning officer's election key.")
audit_app = typer.Typer(no_args_is_help=True, help="The service's hash-chained audit log.")

_err = Console(stderr=True, highlight=False)


def _fail(message: str, code: int = 2) -> typer.Exit:
    _err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def _django() -> None:
    try:
        import django  # noqa: F401
    except ImportError:
        raise _fail("the ballot service is not installed: pip install 'tellers[service]'") from None
    from . import setup

    setup()


@key_app.command("new")
def key_new(
    path: Annotated[Path, typer.Argument(help="Where to write the private key file.")],
    passphrase: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="TELLERS_KEY_PASSPHRASE",
            help="Protects the key file (at least 8 characters).",
        ),
    ],
) -> None:
    """Make an election key pair: keep the file off the server, give the election the public key."""
    from .ballots.sealing import KeyFileError, new_key_file

    try:
        public = new_key_file(path, passphrase)
    except FileExistsError:
        raise _fail(f"{path}: already exists; choose another name") from None
    except KeyFileError as e:
        raise _fail(str(e)) from None
    _err.print(f"wrote {path} (keep it, and its passphrase, off the server until the count)")
    print(public)


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit chain of the service's database; exit 1 on any break."""
    _django()
    from .audit.chain import verify
    from .audit.models import AuditEntry

    breaks = verify()
    n = AuditEntry.objects.count()
    if breaks:
        for b in breaks:
            _err.print(f"[bold red]entry #{b.seq}:[/] {b.problem}")
        raise typer.Exit(1)
    print(f"audit chain intact: {n} entries")


def serve(
    address: Annotated[str, typer.Option(help="host:port to listen on.")] = "127.0.0.1:8000",
    migrate: Annotated[bool, typer.Option(help="Apply database migrations first.")] = True,
) -> None:
    """Run the ballot service locally (SQLite in the working directory unless DATABASE_URL)."""
    _django()
    from django.core.management import call_command

    if migrate:
        call_command("migrate", verbosity=0)
    call_command("runserver", address, use_reloader=False)


def verify_result(
    bundle: Annotated[Path, typer.Argument(help="A published result bundle (.zip).")],
) -> None:
    """Check a published bundle: digests, a fresh count of its ballots, its receipts."""
    from .publication.verify import BundleError, verify_bundle

    try:
        problems = verify_bundle(bundle)
    except BundleError as e:
        raise _fail(str(e)) from None
    if problems:
        for p in problems:
            _err.print(f"[bold red]problem:[/] {p}")
        raise typer.Exit(1)
    print(f"verified: {bundle}: digests match, and a fresh count gives the published result")


def register(app: typer.Typer) -> None:
    """Attach the service's commands to the ``tellers`` command line."""
    app.command("serve")(serve)
    app.add_typer(key_app, name="key")
    app.add_typer(audit_app, name="audit")
    app.command("verify-result")(verify_result)
