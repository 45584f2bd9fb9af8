"""The service's commands: ``serve``, ``demo``, ``key``, ``audit``, ``verify-result``, ``purge``.

Django is imported inside each command, so the engine's command line works without the
service installed (and says how to install it when a service command is asked for).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from .elections.models import Election

from .._terminal import plain_console, say

__all__ = ["audit_app", "key_app", "register", "report_app"]

key_app = typer.Typer(no_args_is_help=True, help="The returning officer's election key.")
audit_app = typer.Typer(no_args_is_help=True, help="The service's hash-chained audit log.")
report_app = typer.Typer(no_args_is_help=True, help="Reports on an election in the service.")

# Paths, names and problems are printed as they are, brackets and all: never read as markup.
_err = plain_console(stderr=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    say("error", message)
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
            say(f"entry #{b.seq}", b.problem)
        raise typer.Exit(1)
    print(f"audit chain intact: {n} entries")


@report_app.command("scrutineer")
def report_scrutineer(
    election: Annotated[
        str, typer.Argument(help="The election: ORGANISATION/ELECTION (its slugs) or its number.")
    ],
) -> None:
    """Print the scrutineer's report (TULRCA 1992 s.52): papers, returns, count, statement."""
    _django()
    from .scrutiny.report import render_text, scrutineer_report

    print(render_text(scrutineer_report(_election(election))), end="")


def _election(election: str) -> Election:
    """Find ORGANISATION/ELECTION (its slugs) or an election's number, or fail naming some."""
    from .elections.models import Election

    query = Election.objects.select_related("organisation")
    org, _, slug = election.partition("/")
    found = (
        query.filter(pk=int(election)).first()
        if election.isdigit()
        else query.filter(organisation__slug=org, slug=slug).first()
    )
    if found is None:
        known = ", ".join(f"{e.organisation.slug}/{e.slug}" for e in query.order_by("pk")[:10])
        raise _fail(
            f"no election {election!r} in this database"
            + (f" (it has {known})" if known else " (it has none)")
        )
    return found


def purge(
    election: Annotated[
        str, typer.Argument(help="The election: ORGANISATION/ELECTION (its slugs) or its number.")
    ],
    older_than_months: Annotated[
        int,
        typer.Option(
            min=0, help="The retention period: purge only if published at least this long ago."
        ),
    ] = 12,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a published election's roll details and ballots after the retention period.

    Keeps the published bundle, the count and the audit chain (which records the purge).
    """
    _django()
    from .errors import ServiceError
    from .scrutiny.retention import purge_election

    found = _election(election)
    name = f"{found.organisation.slug}/{found.slug}"
    if not yes and not typer.confirm(
        f"Delete the roll's personal data and the ballots of {name}?", err=True
    ):
        raise typer.Exit(1)
    try:
        done = purge_election(found, months=older_than_months)
    except ServiceError as e:
        raise _fail(str(e), 1) from None
    print(
        f"purged {name}: {done.roll_entries} roll entries emptied, {done.roll_uploads} roll "
        f"files, {done.sealed_ballots} sealed ballots and {done.paper_keyings} paper keyings "
        "deleted; the published bundle, the count and the audit chain are kept"
    )


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


def _shown(path: Path) -> Path:
    """Return ``path`` relative to the working directory where it lies inside it."""
    cwd = Path.cwd()
    return path.relative_to(cwd) if path.is_absolute() and path.is_relative_to(cwd) else path


def _invoked_as() -> str:
    """Return how the user ran ``tellers`` (``.venv/bin/tellers`` from scripts/demo)."""
    import os
    import shlex
    import shutil
    import sys

    path = Path(sys.argv[0])
    if path.name != "tellers" or not path.parent.name:
        return "tellers"
    if path.is_absolute() and path.is_relative_to(Path.cwd()):
        path = path.relative_to(Path.cwd())
    on_path = shutil.which("tellers")
    if on_path and Path(on_path).resolve() == path.resolve():
        return "tellers"
    return shlex.quote(os.fspath(path))


def demo(
    members: Annotated[
        int, typer.Option(min=10, max=100_000, help="Members on the synthetic roll.")
    ] = 2000,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Where the database, key file and published files go "
            "(default: TELLERS_DATA_DIR, or the working directory).",
        ),
    ] = None,
) -> None:
    """Run a demo election: roll, e-mailed links, ballots cast over HTTP, count, publication."""
    import os

    if data_dir is not None:
        os.environ["TELLERS_DATA_DIR"] = str(data_dir.resolve())
    # The demo's voters are served over plain HTTP on loopback and read their links from an
    # in-memory outbox: whatever a real deployment's environment says about either.
    os.environ["TELLERS_DEBUG"] = "1"
    os.environ["TELLERS_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    _django()
    from django.conf import settings
    from django.core.management import call_command
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from .demo import SEED, DemoError, run_demo
    from .errors import ServiceError

    # No markup: paths and names are printed as they are, brackets and all.
    out = plain_console(soft_wrap=True)
    call_command("migrate", verbosity=0)
    data = _shown(Path(settings.DATA_DIR))
    _err.print(f"database: {settings.DATABASES['default']['NAME']}")
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err,
        transient=True,
    ) as bar:
        task = bar.add_task("members voting over HTTP", total=None)

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            result = run_demo(members=members, out_dir=data / "demo-results", progress=step)
        except (ServiceError, DemoError) as e:
            raise _fail(f"the demo stopped: {e}", 1) from None
    out.print("Demo Labour Party: Deputy Leader", style="bold", end="")
    out.print(
        f" — {result.members} members on the roll "
        f"({len(result.rejected)} rows rejected by the roll report: "
        + "; ".join(result.rejected)
        + f"), {result.voted} voted through the ballot pages.\n"
    )
    print(result.result_text)
    out.print("Published files", style="bold")
    for name, path in result.files.items():
        out.print(f"  {name:<13} {_shown(path)}")
    if result.problems:
        for p in result.problems:
            say("problem", p)
        raise typer.Exit(1)
    zip_path = _shown(result.files["bundle.zip"])
    me = _invoked_as()
    env = "" if data_dir is None else f"TELLERS_DATA_DIR={data} "
    serve_cmd = f"{env}{me} serve"
    out.print(
        f"\nThe bundle verifies: a fresh count of its ballots gives the published result, and"
        f" every voter's receipt is in it. Check it yourself:\n"
        f"  {me} verify-result {zip_path}\n"
        f"  {me} count {_shown(result.files['ballots.blt'])} --method av --seed {SEED}\n"
        f"  {env}{me} audit verify\n\n"
        f"To open this election in the service:\n"
        f"  {serve_cmd}    then visit http://127.0.0.1:8000/results/"
        f"{result.organisation_slug}/{result.election_slug}/\n"
        f"  sign in at http://127.0.0.1:8000/manage/ as organiser, returning-officer or "
        f"scrutineer, password {result.logins['organiser']}\n"
        f"The returning officer's key file is {_shown(result.key_file)} (passphrase "
        f"{result.passphrase}); a real one stays off the server."
    )


def verify_result(
    bundle: Annotated[Path, typer.Argument(help="A published result bundle (.zip).")],
) -> None:
    """Check a published bundle: digests, a fresh count of its ballots, its receipts."""
    from .._files import check_input
    from ..errors import TellersError
    from .publication.verify import BundleError, verify_bundle

    try:
        check_input(bundle)
        problems = verify_bundle(bundle)
    except (BundleError, TellersError) as e:
        raise _fail(str(e)) from None
    if problems:
        for p in problems:
            say("problem", p)
        raise typer.Exit(1)
    print(f"verified: {bundle}: digests match, and a fresh count gives the published result")


def register(app: typer.Typer) -> None:
    """Attach the service's commands to the ``tellers`` command line."""
    app.command("serve")(serve)
    app.command("demo")(demo)
    app.add_typer(key_app, name="key")
    app.add_typer(audit_app, name="audit")
    app.add_typer(report_app, name="report")
    app.command("verify-result")(verify_result)
    app.command("purge")(purge)
