"""Command-line interface: `python -m academy COMMAND` (see DESIGN §8 and `--help`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group()
def cli() -> None:
    """Académie IA Santé: curriculum, database and exports from the command line."""


# --- check: lint the curriculum (academy.content.catalog) --------------------------------------------------


@cli.command()
@click.argument("path", required=False, default="content", type=click.Path(path_type=Path))
def check(path: Path) -> None:
    """Lint the curriculum in PATH (default: content/), or a single module folder.

    Prints every problem as `file:line: message` and exits 1 if there is any; otherwise prints a
    one-line summary and exits 0. A PATH that is not a folder exits 2.
    """
    from academy.content.catalog import load_content

    if not path.exists():
        click.echo(f"Error: {path}: no such folder.", err=True)
        sys.exit(2)
    if not path.is_dir():
        click.echo(f"Error: {path} is not a folder: give the content folder or a module folder.", err=True)
        sys.exit(2)
    catalog = load_content(path)
    if catalog.problems:
        for problem in catalog.problems:
            click.echo(str(problem))
        invalid = sum(1 for module in catalog.all_modules if not module.valid)
        click.echo(f"{_plural(len(catalog.problems), 'problem')} in {_plural(invalid, 'module')}.", err=True)
        sys.exit(1)
    modules = catalog.all_modules
    lessons = sum(len(module.lessons) for module in modules)
    questions = sum(len(module.quiz.questions) for module in modules if module.quiz is not None)
    click.echo(
        f"OK: {_plural(len(modules), 'module')}, {_plural(lessons, 'lesson')}, "
        f"{_plural(questions, 'question')}"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --- db and users: the progress store (academy.store.db, academy.accounts.auth) -----------------------------------


@cli.group("db")
def db_group() -> None:
    """The progress database (ACADEMY_DATABASE_URL, default data/academy.db)."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply pending migrations and print the revision reached.

    An empty content store then gets the seed curriculum (ACADEMY_CONTENT_DIR, default content/), published.
    """
    from academy.content import repository
    from academy.store import db

    engine = db.make_engine(db.database_url())
    seed = repository.seed_folder()
    try:
        revision = db.upgrade(engine)
        report = repository.ensure_seeded(engine, seed)
    except Exception as exc:  # an unreachable server, a bad URL…: one clear line, exit 1
        click.echo(f"Error: cannot upgrade the database: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"Database at revision {revision} (head).")
    if report is not None:
        click.echo(f"Imported the seed curriculum from {seed}: {_plural(len(report.published), 'folder')} published.")


@db_group.command("rebuild-stats")
def db_rebuild_stats() -> None:
    """Recompute the learner × module rollup (learner_module_stats) from the raw progress tables.

    Needed only after progress rows were written outside the application (bulk SQL loads).
    """
    from academy.store import db, rollup

    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        with db.write_connection(engine) as connection:
            rows = rollup.rebuild_rollup(connection)
    except Exception as exc:  # an unreachable server, a bad URL…: one clear line, exit 1
        click.echo(f"Error: cannot rebuild the statistics: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"Rebuilt {rows} learner × module row{'' if rows == 1 else 's'}.")


# --- content: the curriculum in the database (academy.content.repository) ----------------------------------


@cli.group("content")
def content_group() -> None:
    """The curriculum in the database: import a folder, export the published curriculum."""


@content_group.command("import")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--message", "-m", default="", help="A note kept with every version the import makes.")
def content_import(path: Path | None, message: str) -> None:
    """Import and publish the curriculum folder PATH (default: ACADEMY_CONTENT_DIR, else content/).

    Every module folder whose files differ from its published version gets a new published version;
    unchanged folders get nothing (importing twice changes nothing). Modules of the database that PATH
    lacks are kept. Refused, with nothing written, when a folder that would change has an unpublished
    Studio draft (publish or discard it first). Run `python -m academy check PATH` first: modules with
    problems are imported too, and hidden from learners.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from academy.content import repository
    from academy.store import db

    folder = path if path is not None else repository.seed_folder()
    if not folder.is_dir():
        click.echo(f"Error: {folder}: no such folder.", err=True)
        sys.exit(2)
    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        report = repository.import_folder(engine, folder, message=message or f"import of {folder}")
    except repository.ImportRefused as exc:
        click.echo(f"Error: nothing imported: {exc}; publish or discard them in the Studio first.", err=True)
        sys.exit(1)
    except (OSError, ValueError, SQLAlchemyError) as exc:
        click.echo(f"Error: cannot import {folder}: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    published = ", ".join(report.published) or "none"
    click.echo(f"Published {_plural(len(report.published), 'folder')} ({published}); "
               f"{len(report.unchanged)} unchanged.")
    if report.kept:
        click.echo(f"Kept (in the database, not in {folder}): {', '.join(report.kept)}.")


@content_group.command("export")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
def content_export(path: Path) -> None:
    """Write the published curriculum into the folder PATH, byte for byte (for Git workflows).

    Each module folder of PATH is replaced as a whole (files the published version lacks disappear); other
    folders and files of PATH are left alone. Drafts are not exported.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from academy.content import repository
    from academy.store import db

    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        repository.ensure_seeded(engine, repository.seed_folder())
        folders = repository.export_published(engine, path)
    except (OSError, SQLAlchemyError) as exc:
        click.echo(f"Error: cannot export to {path}: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"Wrote {_plural(len([f for f in folders if f]), 'module folder')} to {path}.")


@cli.group("users")
def users_group() -> None:
    """Accounts."""


@users_group.command("add")
@click.argument("email")
@click.option(
    "--role", "roles", multiple=True, required=True, help="learner, trainer, coordinator, admin (repeatable)."
)
@click.option("--name", default=None, help="Full name (default: the part of EMAIL before @).")
@click.option("--profession", default="", help="Profession, e.g. médecin, infirmier.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def users_add(
    email: str, roles: tuple[str, ...], name: str | None, profession: str, password_stdin: bool
) -> None:
    """Create an account with the given role(s); the password is asked twice unless --password-stdin."""
    from academy.accounts import auth
    from academy.store import db

    unknown = sorted(set(roles) - set(auth.ROLES))
    if unknown:
        click.echo(f"Error: unknown role {', '.join(unknown)}; roles: {', '.join(auth.ROLES)}.", err=True)
        sys.exit(1)
    name = name if name is not None else email.split("@", 1)[0]
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problems = auth.password_problems(password, email, name)
    if problems:
        click.echo(f"Error: password: {' '.join(problems)}", err=True)
        sys.exit(1)
    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        account = auth.add_user(
            engine, email=email, name=name, password=password, roles=roles, profession=profession
        )
    except auth.AccountError as exc:
        for field, message in exc.errors.items():
            click.echo(f"Error: {field}: {message}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    roles_text = ", ".join(sorted(account.roles))
    click.echo(f"Created account {account.id} <{account.email}> with role(s) {roles_text}.")


# --- stats: item statistics of a module's quiz (academy.analytics.item_analysis) ----------------------------


@cli.command("stats")
@click.argument("module_id", metavar="MODULE")
@click.option(
    "--attempts",
    type=click.Choice(["first", "all"]),
    default="first",
    show_default=True,
    help="first: each learner's first submitted attempt; all: every submitted attempt.",
)
@click.option(
    "--format", "output_format", type=click.Choice(["table", "csv"]), default="table", show_default=True
)
def stats(module_id: str, attempts: str, output_format: str) -> None:
    """Item statistics of MODULE's quiz (Moodle's definitions; see docs/item-analysis.md).

    The published curriculum and the responses are read from the database (ACADEMY_DATABASE_URL). An unknown
    module, or one without a valid quiz, exits 1.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from academy.analytics import item_analysis
    from academy.content import repository
    from academy.store import db

    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        repository.ensure_seeded(engine, repository.seed_folder())
        catalog = repository.published_catalog(engine)
        module = catalog.module(module_id)
        if module is None:
            if any(m.id == module_id for m in catalog.all_modules):
                click.echo(f"Error: module {module_id} has content errors; run `python -m academy check`.", err=True)
            else:
                click.echo(f"Error: unknown module {module_id} in the published curriculum.", err=True)
            sys.exit(1)
        if module.quiz is None:
            click.echo(f"Error: module {module_id} has no quiz.", err=True)
            sys.exit(1)
        analysis = item_analysis.analyse_module(engine, module, attempts=attempts)
    except SQLAlchemyError as exc:
        click.echo(f"Error: cannot read the database: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    if output_format == "csv":
        click.echo(item_analysis.to_csv(analysis), nl=False)
    else:
        click.echo(item_analysis.to_table(analysis))



# --- export: coordinator exports (academy.interop.exports) ---------------------------------------------------


@cli.command("export")
@click.argument("kind", type=click.Choice(["progress", "responses", "xapi", "dpc"]))
@click.option("--format", "fmt", required=True, type=click.Choice(["csv", "xlsx", "jsonl"]),
              help="csv or xlsx (progress, responses), jsonl (xapi), csv (dpc).")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (replaced only once the export is complete).")
@click.option("--cohort", default=None, help="Only the members of this cohort (its name).")
@click.option("--module", "module_id", default=None, help="Only this module (its id).")
@click.option("--pseudonymize", is_flag=True, help="Stable pseudonyms instead of ids, names, emails and RPPS.")
def export(kind: str, fmt: str, output: Path, cohort: str | None, module_id: str | None, pseudonymize: bool) -> None:
    """Export progress, responses, xAPI statements or the DPC/CME traceability file to OUTPUT.

    The export is written to a temporary file beside OUTPUT, then renamed over it: a failed export
    leaves OUTPUT as it was. Each export is recorded in the audit log (via "cli").
    """
    import os
    import tempfile

    from sqlalchemy.exc import SQLAlchemyError

    from academy.content import repository
    from academy.interop import exports
    from academy.store import db

    folder = output.absolute().parent
    if not folder.is_dir():
        click.echo(f"Error: {folder}: no such folder.", err=True)
        sys.exit(2)
    request = exports.ExportRequest(kind, fmt, cohort, module_id, pseudonymize)
    engine = db.make_engine(db.database_url())
    temporary: str | None = None
    try:
        db.upgrade(engine)
        repository.ensure_seeded(engine, repository.seed_folder())
        catalog = repository.published_catalog(engine)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=folder)
        with os.fdopen(descriptor, "wb") as handle:
            count = exports.export_to(engine, catalog, request, handle)
            handle.flush()
            os.fsync(handle.fileno())
        exports.record_export(engine, request, actor_id=None, via="cli", rows=count)
        os.replace(temporary, output)
        temporary = None
    except exports.ExportError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except (OSError, SQLAlchemyError) as exc:
        click.echo(f"Error: cannot export: {exc}", err=True)
        sys.exit(1)
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        engine.dispose()
    unit = "statement" if kind == "xapi" else "row"
    click.echo(f"Wrote {count} {unit}{'' if count == 1 else 's'} to {output}.")


# --- demo: demo accounts and simulated learners (academy.demo) ---------------------------------------


@cli.command("demo")
@click.option("--learners", default=300, show_default=True, help="How many simulated learners.")
@click.option("--seed", default=2025, show_default=True, help="Random seed (same seed, same data).")
def demo_command(learners: int, seed: int) -> None:
    """Load demo accounts (one per role) and the simulated progress of LEARNERS learners."""
    from academy.content import repository
    from academy.demo import DemoAlreadyLoaded, load_demo
    from academy.store import db

    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        repository.ensure_seeded(engine, repository.seed_folder())
        catalog = repository.published_catalog(engine)
        click.echo(f"Simulating {learners} learners on {len(catalog.modules)} modules…")
        summary = load_demo(engine, list(catalog.modules), learners=learners, seed=seed)
    except DemoAlreadyLoaded as exc:
        click.echo(f"Error: {exc}. Use a fresh database (ACADEMY_DATABASE_URL) to load it again.", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"Loaded {summary.learners} learners, {summary.attempts} quiz attempts, {summary.lessons} lessons read.")
    click.echo(f"Cohort « {summary.cohort} »: {summary.cohort_members} members, managed by the coordinator, "
               f"{summary.evaluations} satisfaction surveys.")
    click.echo("Sign in at http://localhost:8501 with (passwords are shown only now):")
    for role, (email, password) in summary.credentials.items():
        click.echo(f"  {role:<12} {email:<40} {password}")
