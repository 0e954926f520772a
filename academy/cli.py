"""Command-line interface: `python -m academy COMMAND` (see DESIGN §8 and `--help`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from academy.accounts.mail import MailSettings


@click.group()
def cli() -> None:
    """Académie IA Santé: curriculum, database and exports from the command line."""


# --- check: lint the curriculum (academy.content.catalog) --------------------------------------------------


@cli.command()
@click.argument("path", required=False, default="content", type=click.Path(path_type=Path))
def check(path: Path) -> None:
    """Lint the curriculum in PATH (default: content/), or a single module folder.

    Prints every problem as `file:line: message` (in the language of ACADEMY_LOCALE, `fr` or `en`;
    English by default) and exits 1 if there is any; otherwise prints a one-line summary and exits 0.
    Warnings (`file:line: warning: message`, e.g. a synonym that the glossary replaces) are printed too
    but do not change the exit status. A PATH that is not a folder exits 2.
    """
    from academy.content.catalog import load_content
    from academy.content.messages import cli_locale

    if not path.exists():
        click.echo(f"Error: {path}: no such folder.", err=True)
        sys.exit(2)
    if not path.is_dir():
        click.echo(f"Error: {path} is not a folder: give the content folder or a module folder.", err=True)
        sys.exit(2)
    catalog = load_content(path)
    locale = cli_locale()
    warnings = catalog.warnings
    for problem in sorted((*catalog.problems, *warnings), key=lambda problem: (problem.path, problem.line)):
        click.echo(problem.render(locale))
    warned = f", {_plural(len(warnings), 'warning')}" if warnings else ""
    if catalog.problems:
        invalid = sum(1 for module in catalog.all_modules if not module.valid)
        where = _plural(invalid, "module")
        if catalog.glossary is not None and catalog.glossary.problems:
            where += " and the glossary"
        click.echo(f"{_plural(len(catalog.problems), 'problem')} in {where}{warned}.", err=True)
        sys.exit(1)
    modules = catalog.all_modules
    lessons = sum(len(module.lessons) for module in modules)
    questions = sum(len(module.quiz.questions) for module in modules if module.quiz is not None)
    click.echo(
        f"OK: {_plural(len(modules), 'module')}, {_plural(lessons, 'lesson')}, "
        f"{_plural(questions, 'question')}{warned}"
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


def _base_url() -> str:
    """ACADEMY_BASE_URL, required by every command that mails or prints a link (exit 1 without it)."""
    import os

    base = os.environ.get("ACADEMY_BASE_URL", "").strip().rstrip("/")
    if not base.startswith(("http://", "https://")):
        click.echo(
            "Error: ACADEMY_BASE_URL must be set to the platform's public address (e.g. https://formation.chu.fr): "
            "links in mails and printed links are built on it.",
            err=True,
        )
        sys.exit(1)
    return base


def _mail_settings_or_none() -> MailSettings | None:
    """The mail settings; a malformed ACADEMY_SMTP_URL / ACADEMY_MAIL_FROM exits 1 with the reason."""
    from academy.accounts import mail

    try:
        return mail.mail_settings()
    except mail.MailSettingsError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)


def _flush_and_report(engine: Engine) -> bool:
    """Send what the outbox holds now; print counts; True when nothing was left to retry or failed."""
    from academy.accounts import mail

    result = mail.flush(engine)
    click.echo(f"Mail: {result.sent} sent, {result.retried} to retry later, {result.failed} failed.")
    if result.retried or result.failed:
        status = mail.outbox_status(engine)
        click.echo(f"Error: last SMTP error: {status.last_error}", err=True)
        return False
    return True


@users_group.command("invite")
@click.argument("email")
@click.option("--name", default=None, help="Full name of a new account (default: the part of EMAIL before @).")
@click.option("--role", default="learner", show_default=True,
              type=click.Choice(["learner", "trainer", "coordinator", "admin"]),
              help="Role of a new account (added to an existing one).")
@click.option("--no-send", is_flag=True, help="Only queue the mail (the app or `mail send` sends it).")
def users_invite(email: str, name: str | None, role: str, no_send: bool) -> None:
    """Invite EMAIL: create the account if needed (no usable password yet) and mail a link to choose one.

    The link is valid 14 days and works once. Without ACADEMY_SMTP_URL the link is printed instead, for you to
    pass on. Needs ACADEMY_BASE_URL.
    """
    from academy.accounts import auth, invitations
    from academy.store import db

    base = _base_url()
    settings = _mail_settings_or_none()
    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        result = invitations.invite(engine, email=email, name=name, role=role, base_url=base,
                                    deliver=settings is not None)
        account = result.account
        what = "Created" if result.created else "Existing"
        click.echo(f"{what} account {account.id} <{account.email}> ({', '.join(sorted(account.roles))}).")
        if result.had_password:
            click.echo("Note: this account already has a password; the link lets its holder choose a new one.")
        if result.invitation.link is not None:
            click.echo("Mail is not configured (ACADEMY_SMTP_URL): pass this invitation link on (valid 14 days):")
            click.echo(result.invitation.link)
            return
        click.echo(f"Invitation queued for {account.email}.")
        if not no_send and not _flush_and_report(engine):
            sys.exit(1)
    except auth.AccountError as exc:
        for field, message in exc.errors.items():
            click.echo(f"Error: {field}: {message}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()


@users_group.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def users_set_password(email: str, password_stdin: bool) -> None:
    """Set the password of the existing account EMAIL (asked twice unless --password-stdin).

    Every sign-in session of the account is revoked and its pending invitation or reset links stop working.
    """
    from sqlalchemy import select

    from academy.accounts import auth, invitations
    from academy.store import db
    from academy.store.models import User

    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        with db.read(engine) as session:
            user_id = session.scalar(
                select(User.id).where(User.email == auth.normalize_email(email), User.erased_at.is_(None))
            )
        if user_id is None:
            click.echo(f"Error: no account with the address {auth.normalize_email(email)}.", err=True)
            sys.exit(1)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
        invitations.set_password(engine, user_id, password, actor_id=None)
    except auth.AccountError as exc:
        for field, message in exc.errors.items():
            click.echo(f"Error: {field}: {message}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"Password set for {auth.normalize_email(email)}; its sessions were signed out.")


# --- mail and reminders (academy.accounts.mail, academy.coordination.reminders) --------------------------------


@cli.group("mail")
def mail_group() -> None:
    """E-mail (ACADEMY_SMTP_URL, ACADEMY_MAIL_FROM) and its outbox."""


@mail_group.command("send")
def mail_send() -> None:
    """Send every message of the outbox that is due now (exit 1 if some must be retried or failed)."""
    from academy.store import db

    if _mail_settings_or_none() is None:
        click.echo("Error: ACADEMY_SMTP_URL is not set: nothing can be sent.", err=True)
        sys.exit(1)
    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        ok = _flush_and_report(engine)
    finally:
        engine.dispose()
    if not ok:
        sys.exit(1)


@mail_group.command("test")
@click.argument("address")
def mail_test(address: str) -> None:
    """Send a test message to ADDRESS right away (not through the outbox) and report the SMTP outcome."""
    import smtplib

    from academy.accounts import mail

    settings = _mail_settings_or_none()
    if settings is None:
        click.echo("Error: ACADEMY_SMTP_URL is not set.", err=True)
        sys.exit(1)
    try:
        message_id = mail.send_test(settings, address.strip())
    except (OSError, smtplib.SMTPException) as exc:
        click.echo(f"Error: cannot send through {settings.display}: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Test message sent to {address.strip()} through {settings.display} (Message-ID {message_id}).")


@cli.command("remind")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to remind for (default: today, UTC).")
@click.option("--no-send", is_flag=True, help="Only queue the digests (the app or `mail send` sends them).")
def remind(today: object, no_send: bool) -> None:
    """Mail due-date reminder digests: modules due within 7 days, due today, or overdue (weekly).

    One digest per learner and run at most; a reminder is never sent twice (recorded). Run it daily from cron
    or a systemd timer (docs/deployment.md). Needs ACADEMY_BASE_URL and ACADEMY_SMTP_URL.
    """
    import os
    from datetime import datetime

    from academy.content.catalog import load_catalog
    from academy.coordination import reminders
    from academy.store import db

    base = _base_url()
    if _mail_settings_or_none() is None:
        click.echo("Error: ACADEMY_SMTP_URL is not set: reminders are sent by e-mail.", err=True)
        sys.exit(1)
    catalog = load_catalog(Path(os.environ.get("ACADEMY_CONTENT_DIR") or db.PROJECT_ROOT / "content"))
    modules = {module.id: module.title for module in catalog.modules}
    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        day = today.date() if isinstance(today, datetime) else None
        result = reminders.send_reminders(engine, modules=modules, base_url=base, today=day)
        click.echo(f"Queued {result.digests} digest(s) carrying {result.reminders} reminder(s).")
        ok = no_send or _flush_and_report(engine)
    finally:
        engine.dispose()
    if not ok:
        sys.exit(1)


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
@click.option("--no-bom", is_flag=True, help="CSV only: no UTF-8 byte-order mark (for programs; Excel needs it).")
def stats(module_id: str, attempts: str, output_format: str, no_bom: bool) -> None:
    """Item statistics of MODULE's quiz (Moodle's definitions; see docs/item-analysis.md).

    The published curriculum and the responses are read from the database (ACADEMY_DATABASE_URL). An unknown
    module, or one without a valid quiz, exits 1. The CSV
    starts with a UTF-8 byte-order mark (so that Excel reads the accents) unless --no-bom.
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
        text = ("" if no_bom else "\ufeff") + item_analysis.to_csv(analysis)
        click.echo(text.encode("utf-8"), nl=False)  # bytes: UTF-8 whatever the terminal's encoding
    else:
        click.echo(item_analysis.to_table(analysis))

# --- gift: a module's quiz as Moodle GIFT (academy.content.gift) -----------------------------------------------


@cli.command("gift")
@click.argument("module_ref", metavar="MODULE")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (replaced only once it is complete).")
def gift_command(module_ref: str, output: Path) -> None:
    """Write MODULE's quiz as Moodle GIFT to OUTPUT: the same bytes as the Studio's download.

    MODULE is a module id of the catalogue (content/, or ACADEMY_CONTENT_DIR) or a module folder. Questions
    GIFT cannot carry are left out, each named with its reason in a `//` comment and on stderr. A module
    that is not found or has no quiz exits 1.
    """
    import os

    from academy.content import gift
    from academy.content.catalog import is_module_folder, load_catalog, load_module
    from academy.i18n import t
    from academy.store import db

    folder = Path(module_ref)
    if folder.is_dir() and is_module_folder(folder):
        module = load_module(folder)
    else:
        content = Path(os.environ.get("ACADEMY_CONTENT_DIR") or db.PROJECT_ROOT / "content")
        module = next((m for m in load_catalog(content).all_modules if m.id == module_ref), None)
        if module is None:
            click.echo(f"Error: {module_ref} is neither a module id in {content} nor a module folder.", err=True)
            sys.exit(1)
    if module.quiz is None:
        problems = [p for p in module.problems if p.path.endswith("quiz.md")]
        detail = f" ({len(problems)} problem(s) in quiz.md; run `python -m academy check`)" if problems else ""
        click.echo(f"Error: module {module.id} has no quiz{detail}.", err=True)
        sys.exit(1)
    data, skipped = gift.gift_file(module)
    try:
        _write_atomically(output, data)
    except OSError as exc:
        click.echo(f"Error: cannot write {output}: {exc}", err=True)
        sys.exit(1)
    for question_id, reason in skipped:
        click.echo(f"Skipped {question_id}: {t(f'studio.gift_skip.{reason}', 'en')}", err=True)
    written = len(module.quiz.questions) - len(skipped)
    click.echo(f"Wrote {_plural(written, 'question')} of {module.id} to {output}"
               f"{f' ({len(skipped)} skipped)' if skipped else ''}.")


def _write_atomically(output: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``output``, then rename it over ``output``."""
    import os
    import tempfile

    descriptor, temporary = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=output.absolute().parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- export: coordinator exports (academy.interop.exports) ---------------------------------------------------


@cli.command("export")
@click.argument("kind", type=click.Choice(["progress", "responses", "xapi", "dpc"]))
@click.option("--format", "fmt", required=True, type=click.Choice(["csv", "xlsx", "jsonl"]),
              help="csv or xlsx (every kind), jsonl (xapi: one statement per line).")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (replaced only once the export is complete).")
@click.option("--cohort", default=None, help="Only the members of this cohort (its name).")
@click.option("--module", "module_id", default=None, help="Only this module (its id).")
@click.option("--pseudonymize", is_flag=True, help="Stable pseudonyms instead of ids, names, emails and RPPS.")
@click.option("--dialect", type=click.Choice(["standard", "excel-fr"]), default="standard", show_default=True,
              help="CSV only. standard: comma, decimal point, UTC ISO times; excel-fr: semicolon, decimal comma, "
                   "Paris dates and times, for a French Excel.")
@click.option("--no-bom", is_flag=True, help="CSV only: no UTF-8 byte-order mark (for programs; Excel needs it).")
def export(kind: str, fmt: str, output: Path, cohort: str | None, module_id: str | None, pseudonymize: bool,
           dialect: str, no_bom: bool) -> None:
    """Export progress, responses, xAPI statements or the DPC/CME traceability file to OUTPUT.

    The export is written to a temporary file beside OUTPUT, then renamed over it: a failed export
    leaves OUTPUT as it was. Each export is recorded in the audit log (via "cli"). A CSV starts with a
    UTF-8 byte-order mark unless --no-bom.
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
    if fmt != "csv" and (dialect != "standard" or no_bom):
        click.echo("Error: --dialect and --no-bom apply to --format csv only.", err=True)
        sys.exit(2)
    request = exports.ExportRequest(kind, fmt, cohort, module_id, pseudonymize, dialect, not no_bom)
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


# --- lrs: the xAPI outbox and the Learning Record Store (academy.interop.lrs) ----------------------------------


@cli.group("lrs")
def lrs_group() -> None:
    """Send xAPI statements to a Learning Record Store (ACADEMY_LRS_URL, ACADEMY_LRS_USERNAME, ACADEMY_LRS_PASSWORD).

    Learning events are queued in the database's xAPI outbox when they happen; `lrs push` sends them (run it
    from cron or a systemd timer), `lrs status` shows the backlog and the latest error.
    """


@lrs_group.command("push")
@click.option("--max-events", type=click.IntRange(min=1), default=None, help="Send at most this many events.")
def lrs_push(max_events: int | None) -> None:
    """Send the due events of the outbox to the LRS, in batches; failed events are retried later with back-off.

    Exits 1 when the LRS is not configured or when events could not be sent (they stay queued).
    """
    from sqlalchemy.exc import SQLAlchemyError

    from academy.content import repository
    from academy.interop import lrs
    from academy.store import db

    try:
        settings = lrs.LrsSettings.from_env()
    except ValueError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    if settings is None:
        click.echo(f"Error: no LRS configured: set {lrs.URL_ENV} (and {lrs.USERNAME_ENV}, {lrs.PASSWORD_ENV}).",
                   err=True)
        sys.exit(1)
    home = _base_url()  # statement ids and IRIs are built on the public address
    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        catalog = repository.published_catalog(engine)
        result = lrs.push(engine, catalog, lrs.LrsClient(settings), home=home, max_events=max_events)
        backlog = lrs.status(engine, settings).outbox.pending
    except SQLAlchemyError as exc:
        click.echo(f"Error: cannot read the database: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"Sent {_plural(result.statements_sent, 'statement')} ({_plural(result.events_sent, 'event')}) "
               f"to {settings.display_url}; {result.events_dropped} dropped (erased accounts); "
               f"{_plural(backlog, 'event')} waiting.")
    if result.events_failed:
        click.echo(f"Error: {_plural(result.events_failed, 'event')} not sent, retried later: {result.error}",
                   err=True)
        sys.exit(1)


@lrs_group.command("status")
def lrs_status() -> None:
    """The LRS address, the outbox's backlog, the next retry and the latest error."""
    from sqlalchemy.exc import SQLAlchemyError

    from academy.interop import lrs
    from academy.store import db

    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        state = lrs.status(engine)
    except SQLAlchemyError as exc:
        click.echo(f"Error: cannot read the database: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    box = state.outbox
    click.echo(f"LRS: {state.url or f'not configured ({lrs.URL_ENV} is not set)'}")
    oldest = f" (oldest queued {box.oldest_pending_at:%Y-%m-%d %H:%M:%S} UTC)" if box.oldest_pending_at else ""
    click.echo(f"Waiting: {_plural(box.pending, 'event')}{oldest}, of which {box.failing} failed at least once")
    if box.next_try_at is not None:
        click.echo(f"Next retry: {box.next_try_at:%Y-%m-%d %H:%M:%S} UTC")
    last_sent = f", last at {box.last_sent_at:%Y-%m-%d %H:%M:%S} UTC" if box.last_sent_at else ""
    click.echo(f"Sent: {_plural(box.sent, 'event')} ({_plural(box.statements_sent, 'statement')}){last_sent}; "
               f"dropped: {box.dropped}")
    if box.last_error:
        click.echo(f"Last error ({box.last_error_at:%Y-%m-%d %H:%M:%S} UTC): {box.last_error}")
    else:
        click.echo("Last error: none")


@lrs_group.command("backfill")
def lrs_backfill() -> None:
    """Queue the events of the history recorded before the outbox existed (lessons viewed and completed, submitted
    attempts); events already queued or sent are left alone."""
    from sqlalchemy.exc import SQLAlchemyError

    from academy.store import db, outbox

    engine = db.make_engine(db.database_url())
    try:
        db.upgrade(engine)
        added = outbox.backfill(engine)
    except SQLAlchemyError as exc:
        click.echo(f"Error: cannot queue the history: {exc}", err=True)
        sys.exit(1)
    finally:
        engine.dispose()
    click.echo(f"Queued {_plural(added, 'event')}.")


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
    from academy import settings

    address = settings.base_url()  # no made-up address: without the setting, no link
    click.echo(f"Sign in at {address} with (passwords are shown only now):" if address
               else "Sign in with (passwords are shown only now):")
    for role, (email, password) in summary.credentials.items():
        click.echo(f"  {role:<12} {email:<40} {password}")


# --- serve: app replicas behind a sticky proxy (academy.serve, docs/deployment.md) --------------------------


@cli.command("serve")
@click.option("--replicas", default=2, show_default=True, type=click.IntRange(min=1),
              help="How many app processes (more than one needs PostgreSQL).")
@click.option("--port", default=8500, show_default=True, type=click.IntRange(1, 65535),
              help="The proxy's port; the replicas listen on 127.0.0.1 at the ports after it.")
@click.option("--bind", default="*", show_default=True, help="The address the proxy listens on (* = every one).")
@click.option("--print-config", is_flag=True, help="Print the generated HAProxy configuration and exit.")
def serve_command(replicas: int, port: int, bind: str, print_config: bool) -> None:
    """Serve the app with REPLICAS processes behind HAProxy (sticky sessions, WebSocket, /healthz checks).

    Migrates the database once, starts the replicas (`streamlit run asgi.py`), waits until each answers
    /healthz, then starts HAProxy on PORT. Ctrl-C or SIGTERM stops the proxy and every replica. SQLite is
    refused for more than one replica.
    """
    from academy import serve
    from academy.store import db

    url = db.database_url()
    try:
        serve.check_database(url, replicas)
        if print_config:
            click.echo(serve.proxy_config(serve.replicas_for(replicas, port), port=port, bind=bind), nl=False)
            return

        def upgrade() -> None:
            engine = db.make_engine(url)
            try:
                db.upgrade(engine)
            except Exception as exc:  # an unreachable server, a bad URL…: one clear line, exit 1
                raise serve.ServeError(f"cannot upgrade the database: {exc}") from exc
            finally:
                engine.dispose()

        serve.serve(replicas, port, bind=bind, database_url=url, upgrade=upgrade,
                    log=lambda line: click.echo(line))
    except serve.ServeError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
