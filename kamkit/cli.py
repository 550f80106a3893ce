"""`kamkit` on the command line: serve the workbook, seed a demo, manage a workshop cohort, move
workbooks in and out, and check a trainer's content files.

Every command exits 0 on success, 1 with a readable message on a kamkit error, 2 on bad usage.
Nothing waits on a terminal that is not there: a command that would ask first takes `--yes`,
and without a terminal it refuses instead of hanging.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kamkit.errors import InvalidInput, KamkitError, NotFound, OutOfDate, one_line
from kamkit.room import KERNEL_MEMORY_MB, UNCONNECTED_AFTER
from kamkit.settings import child_env, current

if TYPE_CHECKING:  # imported lazily at run time: `kamkit --help` stays instant
    from kamkit.io.crm import CrmPreview
    from kamkit.io.opportunities import OpportunityPreview
    from kamkit.models import Account, Trainee
    from kamkit.store import Store
    from kamkit.store_privacy import Removed

__all__ = ["main", "build_parser", "cmd_cohort_add", "cmd_cohort_list", "cmd_cohort_relink",
           "cmd_cohort_open_after",
           "cmd_demo", "cmd_export", "cmd_import", "cmd_import_crm", "cmd_refresh", "cmd_review",
           "cmd_serve",
           "cmd_settings", "cmd_steps", "cmd_validate_content",
           "cmd_validate_cases", "cmd_account_add", "cmd_erase", "cmd_prune",
           "cmd_migrate_store", "cmd_hub_config"]


def _store(args: argparse.Namespace) -> Store:
    from kamkit.store import Store

    return Store(args.db)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _check_content() -> None:
    """Before serving: the content loads and fits the installed steps (else a message, no
    server that fails on every page)."""
    from kamkit.exercises import check_cases
    from kamkit.frameworks import default_framework
    from kamkit.steps import check_framework

    framework = default_framework()
    check_framework(framework)
    check_cases(framework)


def _confirm(question: str, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin or not sys.stdin.isatty():
        raise InvalidInput(f"{question} Add --yes to confirm (no terminal to ask on).")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def _write_file(out: Path, data: bytes, yes: bool, private: bool = False) -> bool:
    """`data` written to `out` at once (a reader never sees half a file), an existing file
    replaced only when confirmed; `private`: readable by this user only. False: not written."""
    if out.exists() and not _confirm(f"{out} exists and will be replaced.", yes):
        print("Nothing written.")
        return False
    tmp = out.with_name(out.name + ".partial")
    if private:
        tmp.touch(mode=0o600)
        tmp.chmod(0o600)
    tmp.write_bytes(data)
    tmp.replace(out)
    return True


def _find_trainee(store: Store, ref: str) -> Trainee:
    """A trainee by id, login or exact name."""
    if ref.isdigit():
        return store.get_trainee(int(ref))
    try:
        return store.get_trainee_by_login(ref)
    except NotFound:
        matches = [t for t in store.list_trainees() if t.name == ref]
        if len(matches) == 1:
            return matches[0]
        if matches:
            ids = ", ".join(str(t.id) for t in matches)
            raise InvalidInput(
                f"Several trainees are called '{ref}' (ids {ids}); use the id.") from None
        raise


def _find_account(store: Store, trainee: Trainee, ref: str) -> Account:
    """One of the trainee's accounts, by id or exact name."""
    found = next((a for a in store.list_accounts(trainee.id)  # type: ignore[arg-type]
                  if str(a.id) == ref or a.name == ref), None)
    if found is None:
        raise NotFound(f"{trainee.name} has no account '{ref}'.")
    return found


def _open_store(args: argparse.Namespace) -> None:
    """Before serving: create or migrate the store, and apply the retention setting."""
    with _store(args) as store:
        days = current().retention_days
        if days:
            removed = _prune(store, days)
            if removed.versions:
                _compact(store)
                print(f"kamkit: retention of {days} days: pruned "
                      f"{_count(removed.versions, 'saved version')} of "
                      f"{_count(removed.accounts, 'account')}.", flush=True)


def _prune(store: Store, days: int) -> Removed:
    import datetime as dt

    return store.prune_versions(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days))


def _compact(store: Store, removed: bool = True) -> None:
    """Leave no copy of what was removed in the database file - or say what is left to do."""
    if store.engine.dialect.name != "sqlite":
        if removed:
            print("kamkit: on PostgreSQL the removed rows are gone from kamkit; the space they "
                  "held is reclaimed by VACUUM, which the database's operator runs.")
    elif not store.compact():
        print("kamkit: another program (a running kamkit server?) has the database open, so "
              "removed text may remain in its log file; stop it and run `kamkit prune`.")


# -- commands ------------------------------------------------------------------------------

def cmd_serve(args: argparse.Namespace) -> int:
    from kamkit.hub import hub_place
    from kamkit.room import RoomPlan, cap_only, room_plan
    from kamkit.server import (
        NOTEBOOKS,
        is_loopback,
        trainee_notebooks,
        voila_command,
        with_offline_templates,
        write_config,
    )
    from kamkit.store import kamkit_home

    room: RoomPlan | None = None
    if args.room is not None or args.max_kernels is not None:
        try:
            room = (room_plan(args.room, args.max_kernels) if args.room is not None
                    else cap_only(args.pool, args.max_kernels))
        except ValueError as err:
            print(f"kamkit: {err}", file=sys.stderr)
            return 2
    if args.unconnected_after <= 0:
        print("kamkit: --unconnected-after needs a number of seconds above 0", file=sys.stderr)
        return 2
    if 0 < args.kernel_memory < 256:
        print("kamkit: --kernel-memory below 256 MB leaves a kernel no room to start (a "
              "workbook kernel uses about 125 MB); give 256 or more, or 0 for no limit",
              file=sys.stderr)
        return 2
    pool = room.pool if room else args.pool
    # Started by JupyterHub: the hub user's own server, where the hub says, signed in by the hub
    hub = hub_place(os.environ)
    if hub:
        args.host, args.port = hub.host, hub.port
    access = args.access or ("personal" if hub or is_loopback(args.host) else "links")
    env = child_env(os.environ, access=access, **({"db_url": args.db} if args.db else {}))
    _check_content()
    _open_store(args)  # create / migrate the store (and prune it) before any kernel touches it
    run_dir = kamkit_home() / "run" / ("hub" if hub else f"serve-{args.port}")
    config = write_config(run_dir, pool, room, reclaim_after=args.reclaim_after,
                          unconnected_after=args.unconnected_after)
    env = with_offline_templates(env, run_dir, args.kernel_memory)
    # the trainee server's root is a copy without the manager's pages: they cannot be reached
    root = trainee_notebooks(Path(args.notebooks) if args.notebooks else NOTEBOOKS, run_dir)
    cmd = voila_command(host=args.host, port=args.port, config_dir=config.parent,
                        pool=pool, cull_idle=args.cull_idle, notebooks=root,
                        prefix=hub.prefix if hub else None)
    prefix = hub.prefix if hub else "/"
    where = f"http://{args.host}:{args.port}{prefix}voila/render/00_workbook.ipynb"
    who = ("the hub signs its user in" if hub
           else "this machine's user opens it directly" if access == "personal"
           else "trainees open their personal links")
    print(f"kamkit: serving the workbook at {where} ({who}). Stop with Ctrl+C.", flush=True)
    if room and room.trainees:
        print(f"kamkit: {room.summary}; the pages take a minute or so to pre-heat.", flush=True)
    os.execvpe(cmd[0], cmd, env)  # Voila takes over this process; signals reach it directly
    return 0  # pragma: no cover


def cmd_review(args: argparse.Namespace) -> int:
    import getpass
    import secrets

    from kamkit.hub import hub_place
    from kamkit.identity import REVIEWER_HEADER
    from kamkit.server import (
        NOTEBOOKS,
        REVIEW,
        voila_command,
        with_offline_templates,
        write_review_config,
    )
    from kamkit.store import kamkit_home

    # Started by JupyterHub as a service: the hub signs managers in (only those it grants access
    # to the service), and each page is signed with the name of the hub user who opened it.
    hub = hub_place(os.environ)
    if hub:
        args.host = args.host or hub.host
        args.port = hub.port
        token = secrets.token_urlsafe(24)  # given to nobody: the hub's sign-in is the way in
    else:
        args.host = args.host or "127.0.0.1"
        token = args.token or current().review_token or secrets.token_urlsafe(24)
    if len(token) < 16:
        raise InvalidInput("A review token needs at least 16 characters; leave --token out to "
                           "have one generated.")
    env = child_env(os.environ, role="review",
                    reviewer=None if hub else args.reviewer or getpass.getuser(),
                    review_token=None,  # the kernels need not know it
                    **({"db_url": args.db} if args.db else {}))
    _check_content()
    _open_store(args)
    run_dir = kamkit_home() / "run" / f"review-{args.port}"
    config = write_review_config(run_dir, token, args.pool,
                                 headers=(REVIEWER_HEADER,) if hub else ())
    env = with_offline_templates(env, run_dir)
    notebooks = Path(args.notebooks) if args.notebooks else NOTEBOOKS / REVIEW
    cmd = voila_command(host=args.host, port=args.port, config_dir=config.parent,
                        pool=args.pool, cull_idle=args.cull_idle, notebooks=notebooks,
                        prefix=hub.prefix if hub else None)
    if hub:
        print(f"kamkit: manager review as the hub's service at {hub.prefix}; the hub signs "
              "managers in. Stop it from the hub.", flush=True)
        _refresh_beside(env)
        os.execvpe(cmd[0], cmd, env)
    link = f"http://{args.host}:{args.port}/voila/render/00_dashboard.ipynb?token={token}"
    print(f"kamkit: manager review at http://{args.host}:{args.port}/voila/render/"
          f"00_dashboard.ipynb; {_hand_over_link(link, run_dir)}. Stop with Ctrl+C.", flush=True)
    _refresh_beside(env)
    os.execvpe(cmd[0], cmd, env)
    return 0  # pragma: no cover


def _hand_over_link(link: str, run_dir: Path) -> str:
    """Give the manager the tokenised review link without it reaching a log: written to the
    terminal itself (not to standard output, which may be a log file), or - with no terminal -
    to a file only this user can read. Says where it went."""
    try:
        with open("/dev/tty", "w") as tty:
            tty.write(f"kamkit: your review link (keep it to yourself): {link}\n")
        return "the link with its token was written to this terminal only"
    except OSError:
        path = run_dir / "review-link"
        path.touch(mode=0o600)
        path.chmod(0o600)
        path.write_text(link + "\n")
        return f"the link with its token is in {path} (readable by you only)"


def cmd_hub_config(args: argparse.Namespace) -> int:
    """Write a jupyterhub_config.py that puts kamkit on a JupyterHub (`kamkit.hub`)."""
    from kamkit.hub import config_text

    db_url = args.db_url or args.db or current().db_url
    if not db_url.startswith(("postgresql", "sqlite")):
        raise InvalidInput(f"--db-url takes a PostgreSQL (or SQLite) URL, got '{db_url}'.")
    if not args.managers_group.strip() or any(ch.isspace() for ch in args.managers_group):
        raise InvalidInput("--managers-group takes a hub group's name (no spaces).")
    if args.public_url and not args.public_url.startswith(("http://", "https://")):
        raise InvalidInput(f"--public-url takes the address people open, such as "
                           f"https://hub.example.com, got '{args.public_url}'.")
    text = config_text(db_url, args.managers_group.strip(), public_url=args.public_url,
                       review_port=args.review_port)
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.output)
    if not _write_file(out, text.encode("utf-8"), args.yes, private=True):  # the db password
        return 1
    print(f"kamkit: wrote {out} (readable by you only). Start the hub with "
          f"`jupyterhub -f {out}`; choose its authenticator at the end of the file.")
    if db_url.startswith("sqlite"):
        print("kamkit: the store is a SQLite file: that serves a hub on this one machine, whose "
              "users can all write the file. Beyond a pilot, give --db-url "
              "postgresql+psycopg://...")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from kamkit.demo import DEMO_COHORT, seed_demo
    from kamkit.identity import link_for
    from kamkit.store import kamkit_home

    with _store(args) as store:
        if args.if_empty and store.list_trainees():
            print("kamkit: the store already has trainees; demo not seeded again.")
            _print_links_file(kamkit_home() / "demo-links.txt")
            return 0
        tokens = seed_demo(store)
    lines = [f"{name}: {link_for(args.base_url, token)}" for name, token in tokens.items()]
    # Demo people only: their links are kept in a private file so `make serve` can repeat them.
    path = kamkit_home() / "demo-links.txt"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    print(f"kamkit: seeded the '{DEMO_COHORT}' cohort and a sample account for you.")
    _print_links_file(path)
    return 0


def _print_links_file(path: Path) -> None:
    if path.exists():
        print("Demo trainees' personal links:")
        print(path.read_text().rstrip())


def _names_from(args: argparse.Namespace) -> list[str]:
    from kamkit.io.spreadsheet import MAX_BYTES, numbered_rows
    from kamkit.models import one_line

    names = list(args.names)
    if args.csv:  # read as every importer reads (encodings, limits), CSV or .xlsx
        header, rows = numbered_rows(args.csv, _read_file(args.csv, MAX_BYTES))
        key = next((i for i, h in enumerate(header) if str(h or "").strip().lower() == "name"),
                   None)
        if key is None:
            raise InvalidInput(f"{args.csv} needs a 'name' column.")
        names += [one_line(str(cells[key])) for _, cells in rows
                  if key < len(cells) and str(cells[key] or "").strip()]
    if not names:
        raise InvalidInput("Name at least one trainee, or give --csv FILE.")
    return names


def cmd_cohort_add(args: argparse.Namespace) -> int:
    from kamkit.identity import link_for
    from kamkit.models import Cohort, Trainee, parse

    names = _names_from(args)
    for name in names:  # check all before adding any
        parse(Trainee, {"name": name, "cohort": args.cohort, "manager": args.manager})
    cohort = None
    if args.date or args.manager:
        if not args.cohort:
            raise InvalidInput("--date and --manager describe a cohort: add --cohort NAME.")
        cohort = parse(Cohort, {"name": args.cohort, "workshop_date": args.date,
                                "manager": args.manager})
    with _store(args) as store:
        there = {t.name.casefold() for t in store.list_trainees(cohort=args.cohort)}
        again = sorted({n for n in names if n.strip().casefold() in there})
        twice = sorted({n for n in names if [m.strip().casefold() for m in names].count(
            n.strip().casefold()) > 1})
        if (again or twice) and not args.again:
            listed = ", ".join(again + [n for n in twice if n not in again])
            raise InvalidInput(f"Already in {'the cohort' if args.cohort else 'the workbook'}"
                               f" (or named twice): {listed}. Nobody was added. For a link "
                               "that works again use `kamkit cohort relink`; to add a second "
                               "person of the same name, add --again.")
        if cohort is not None:
            store.save_cohort(cohort)
        for name in names:
            trainee = store.add_trainee(name, cohort=args.cohort)
            token = store.issue_token(trainee.id)
            print(f"{trainee.name}\t{link_for(args.base_url, token)}")
    return 0


def cmd_cohort_list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        for t in store.list_trainees(cohort=args.cohort):
            n = len(store.list_accounts(t.id))  # type: ignore[arg-type]
            print(f"{t.id}\t{t.name}\t{t.cohort or '-'}\t{n} account{'' if n == 1 else 's'}")
    return 0


def cmd_cohort_relink(args: argparse.Namespace) -> int:
    from kamkit.identity import link_for

    with _store(args) as store:
        trainee = _find_trainee(store, args.trainee)
        if not _confirm(f"{trainee.name}'s current link will stop working.", args.yes):
            print("Nothing changed.")
            return 1
        print(f"{trainee.name}\t{link_for(args.base_url, store.issue_token(trainee.id))}")
    return 0


def cmd_cohort_open_after(args: argparse.Namespace) -> int:
    import getpass

    from kamkit.review import ReviewSession

    if not args.name.strip():
        print("kamkit: name the cohort whose after-round to open.", file=sys.stderr)
        return 2
    with _store(args) as store:
        session = ReviewSession(store, getpass.getuser())
        opened = session.after_round(args.name)
        if opened is not None:
            print(f"kamkit: the after-round for {args.name} has been open since "
                  f"{opened:%Y-%m-%d %H:%M} UTC.")
            return 0
        if args.name not in {c.name for c in session.cohorts()}:
            raise NotFound(f"No cohort called '{args.name}'.")
        if not _confirm(f"{args.name}'s trainees will be asked to rate themselves again; the "
                        "after-round cannot be closed.", args.yes):
            print("Nothing changed.")
            return 1
        when, _ = session.open_after_round(args.name)
        print(f"kamkit: opened the after-round for {args.name} on {when:%Y-%m-%d %H:%M} UTC; "
              "its trainees see it on their competency tab.")
    return 0


def cmd_account_add(args: argparse.Namespace) -> int:
    from kamkit.session import Session

    with _store(args) as store:
        trainee = _find_trainee(store, args.trainee)
        account = Session(store, trainee).create_account(args.name)  # same rules as the page
        print(f"kamkit: {trainee.name} now has the account '{account.name}' (id {account.id}).")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if bool(args.trainee) == bool(args.cohort):
        raise InvalidInput("Export one trainee (--trainee T) or one cohort (--cohort C).")
    fmt = args.format or ("json" if args.trainee else "xlsx")
    allowed = ("json", "html", "qbr", "certificate") if args.trainee else ("xlsx", "csv")
    if fmt not in allowed:
        raise InvalidInput(f"A {'trainee' if args.trainee else 'cohort'} exports as "
                           f"{', '.join(allowed[:-1])} or {allowed[-1]}, not {fmt}.")
    if fmt == "qbr" and not args.account:
        raise InvalidInput("A QBR pack is one account's: add --account A (its id or exact "
                           "name).")
    if args.account and fmt != "qbr":
        raise InvalidInput("--account goes with --format qbr (the other formats export every "
                           "account).")
    if fmt == "xlsx" and args.output is None:
        raise InvalidInput("An Excel file needs --output FILE.xlsx.")
    with _store(args) as store:
        data = _export(store, args, fmt)
    if args.output is None:
        sys.stdout.write(data if isinstance(data, str) else data.decode("utf-8"))
        return 0
    out = Path(args.output)
    if not _write_file(out, data.encode("utf-8") if isinstance(data, str) else data, args.yes):
        return 1
    print(f"kamkit: wrote {out}", file=sys.stderr)
    return 0


def _export(store: Store, args: argparse.Namespace, fmt: str) -> str | bytes:
    import getpass

    from kamkit.review import ReviewSession

    if args.trainee:
        trainee = _find_trainee(store, args.trainee)
        if fmt == "qbr":
            return _qbr(store, trainee, _find_account(store, trainee, args.account),
                        args.pseudonymise)
        if fmt == "certificate":
            return ReviewSession(store, getpass.getuser()).certificate(
                trainee.id)  # type: ignore[arg-type]
        if fmt == "json":
            from kamkit.io.workbook import dumps, export_trainee

            return dumps(export_trainee(store, trainee.id,  # type: ignore[arg-type]
                                        pseudonymise=args.pseudonymise))
        return ReviewSession(store, getpass.getuser()).report(  # type: ignore[arg-type]
            trainee.id, pseudonymise=args.pseudonymise)
    from kamkit.io.cohort import cohort_csv, cohort_xlsx

    session = ReviewSession(store, getpass.getuser())
    if args.cohort not in {c.name for c in session.cohorts()}:
        raise NotFound(f"No cohort called '{args.cohort}'.")
    rows = session.rows(cohort=args.cohort)
    if fmt == "csv":  # the dashboard table: trainees, accounts and figures - no customer person
        return cohort_csv(rows, session.framework)
    return cohort_xlsx(session, rows, pseudonymise=args.pseudonymise)


def _qbr(store: Store, trainee: Trainee, account: Account, pseudonymise: bool) -> str:
    """One account's QBR pack (`Session.qbr_pack`)."""
    from kamkit.session import Session

    return Session(store, trainee, account=account).qbr_pack(pseudonymise)


def _read_file(path: str, limit: int | None = None) -> bytes:
    """The file's bytes; with a limit, no more than one byte past it (the importer refuses)."""
    from kamkit.errors import ImportRefused

    try:
        with open(path, "rb") as fh:
            return fh.read(-1 if limit is None else limit + 1)
    except OSError as exc:
        raise ImportRefused(f"Cannot read {path}: {exc.strerror}.") from None


def cmd_import(args: argparse.Namespace) -> int:
    from kamkit.io.workbook import import_workbook

    data = _read_file(args.file)
    with _store(args) as store:
        trainee = import_workbook(store, data, keep_login=args.keep_login)
        print(f"kamkit: imported {trainee.name} (id {trainee.id}) with "
              f"{_count(len(store.list_accounts(trainee.id)), 'account')}.")  # type: ignore
    return 0


def cmd_import_crm(args: argparse.Namespace) -> int:
    from kamkit.io.opportunities import is_opportunity_file
    from kamkit.io.spreadsheet import MAX_BYTES

    content = _read_file(args.file, MAX_BYTES)
    filename = Path(args.file).name
    with _store(args) as store:
        trainee = _find_trainee(store, args.trainee)
        account = _find_account(store, trainee, args.account)
        if is_opportunity_file(filename, content):
            return _import_opportunities(args, store, account, filename, content)
        return _import_contacts(args, store, account, filename, content)


def _import_contacts(args: argparse.Namespace, store: Store, account: Account, filename: str,
                     content: bytes) -> int:
    from kamkit.io.crm import add_to_map, read_contacts
    from kamkit.steps.stakeholders import ID as MAP

    # what the map is when the file is read: a web edit or an erasure made while this
    # command waits for its answer is never overwritten
    doc, based_on, erasures = store.open_document(account.id, MAP)  # type: ignore
    preview = read_contacts(filename, content, doc, company=account.name)
    if not _preview_confirmed(args, preview, account, "contacts",
                              f"Add {len(preview.ready)} people to the map of {account.name}?"):
        return 0
    new_doc, added = add_to_map(doc, preview)  # type: ignore[arg-type]
    version = _save_read_onto(store, account, MAP, new_doc, based_on, erasures, "map")
    print(f"kamkit: added {added} people to {account.name} (map version {version}); set "
          "their influence and support on the stakeholder map.")
    return 0


def _import_opportunities(args: argparse.Namespace, store: Store, account: Account,
                          filename: str, content: bytes) -> int:
    from kamkit.frameworks import default_framework
    from kamkit.io.opportunities import add_opportunities, read_opportunities
    from kamkit.steps.opportunities import ID as STEP

    # as for contacts: saved onto the document as it was read, never over a later edit
    doc, based_on, erasures = store.open_document(account.id, STEP)  # type: ignore
    preview = read_opportunities(filename, content, default_framework(), doc,  # type: ignore
                                 company=account.name)
    if not _preview_confirmed(args, preview, account, "opportunities or deals",
                              f"Add {_opportunities(len(preview.ready))} to the opportunities of "
                              f"{account.name}?"):
        return 0
    new_doc, added = add_opportunities(doc, preview)  # type: ignore[arg-type]
    version = _save_read_onto(store, account, STEP, new_doc, based_on, erasures,
                              "list of opportunities")
    print(f"kamkit: added {_opportunities(added)} to {account.name} (opportunities version "
          f"{version}); qualify each one in the workbook, litmus test first.")
    return 0


def _save_read_onto(store: Store, account: Account, step: str, doc: Any, based_on: int,
                    erasures: int, what: str) -> int:
    """Save what an import added onto the document as it was read: a web edit or an erasure
    made while the command waited is never overwritten - then nothing is added."""
    try:
        return store.save_document(account.id, step, doc,  # type: ignore[arg-type]
                                   based_on=based_on, erasures=erasures)
    except OutOfDate:
        raise InvalidInput(f"{account.name}'s {what} changed while this command waited (saved "
                           "from the workbook, or someone was erased from it), so nothing was "
                           "added. Run the command again.") from None


def _opportunities(n: int) -> str:
    return f"{n} opportunit{'y' if n == 1 else 'ies'}"


def _preview_confirmed(args: argparse.Namespace, preview: CrmPreview | OpportunityPreview,
                       account: Account, what: str, question: str) -> bool:
    """Show the file's flavour, its columns and each row, then ask (or take --yes). False:
    nothing to add, or not confirmed - said why."""
    from kamkit.io.spreadsheet import printable

    # the file's own text, escaped: a CRM file must not drive the terminal it is shown on
    print(printable(f"{args.file}: {preview.flavour}; columns: "
                    + ", ".join(f"{theirs} -> {ours}" for theirs, ours in preview.mapping)))
    for row in preview.rows:
        state = "ready" if row.ok else "left out: " + "; ".join(row.errors)
        extra = f" ({'; '.join(row.notes)})" if row.notes else ""
        print(printable(f"  row {row.line}: {row.name or '-'}: {state}{extra}"))
    if not preview.ready:
        if preview.rows:  # a file with rows, none of them addable: say why, and fail
            raise InvalidInput(f"Nothing added: none of the {len(preview.rows)} rows can be "
                               f"added to {account.name} (see the reasons above).")
        print(f"Nothing to add: the file has no {what}.")
        return False
    if not args.yes and (not sys.stdin or not sys.stdin.isatty()):
        print(f"Nothing written. {question} Run again with --yes.")
        return False
    if not _confirm(question, args.yes):
        print("Nothing written.")
        return False
    return True


def cmd_erase(args: argparse.Namespace) -> int:
    from kamkit.io.spreadsheet import printable

    if args.person is not None and not args.person.strip():
        raise InvalidInput("Say whom to erase: --person NAME (or their email, or their id).")
    with _store(args) as store:
        trainee = _find_trainee(store, args.trainee)
        account = _find_account(store, trainee, args.account) if args.account else None
        accounts = [account] if account else store.list_accounts(trainee.id)  # type: ignore
        where = (f"the account '{account.name}' of {trainee.name}" if account
                 else f"{trainee.name}'s {_count(len(accounts), 'account')}")
        if args.person:  # whom it takes, and which words, said before asking
            what = f"'{args.person.strip()}'"
            found = store.get_erasure([a.id for a in accounts],  # type: ignore[misc]
                                      args.person.strip(), by_id=account is not None)
            whom = (f"{found.people} {'person' if found.people == 1 else 'people'}, "
                    + (f"in {where}" if account else f"in {found.accounts} of {where}"))
            words = _taken(found.any_case, found.as_written)
            # names and emails as saved: shown escaped, should one hold a control character
            question = printable(f"Erase {what} - {whom} - from every saved version and from "
                                 "the reviews' comments"
                                 + (f", taking out of any text {words}?" if words else "?"))
            if args.yes:
                print(printable(f"kamkit: {what} is {whom}"
                                + (f"; taken out of any text: {words}." if words else ".")))
        elif account:
            what = f"the account '{account.name}'"
            question = f"Erase {where} with its whole history, reviews and checks?"
        else:
            what = trainee.name
            question = (f"Erase {trainee.name} and everything of theirs "
                        f"({_count(len(accounts), 'account')}, every saved version, reviews "
                        "and checks)?")
        if not _confirm(f"{question} This cannot be undone.", args.yes):
            print("Nothing erased.")
            return 1
        if args.person:
            removed = store.erase_person([a.id for a in accounts],  # type: ignore[misc]
                                         args.person.strip(), by_id=account is not None)
        elif account:
            removed = store.remove_account(account.id)  # type: ignore[arg-type]
        else:
            removed = store.remove_trainee(trainee.id)  # type: ignore[arg-type]
        print(f"kamkit: erased {what}: {removed}.")
        _compact(store)
    return 0


def _taken(any_case: Sequence[str], as_written: Sequence[str]) -> str:
    """The words an erasure takes out of free text, as a question says them ("" for none)."""
    said = [", ".join(f"'{w}'" for w in words) + how
            for words, how in ((any_case, " (in any case)"), (as_written, " (as written)"))
            if words]
    return " and ".join(said)


def cmd_prune(args: argparse.Namespace) -> int:
    if args.days is not None and args.days < 1:
        raise InvalidInput(f"--days needs a number of days from 1 up, got {args.days}.")
    days = args.days or current().retention_days
    if days and not _confirm(f"Delete the saved versions older than {days} days, except the "
                             "latest of each step and every version a review points at?",
                             args.yes):
        print("Nothing pruned.")
        return 1
    with _store(args) as store:
        pruned = 0
        if days:
            removed = _prune(store, days)
            pruned = removed.versions
            print(f"kamkit: pruned {_count(pruned, 'saved version')} older than {days} days, "
                  f"of {_count(removed.accounts, 'account')}.")
        else:
            print("kamkit: retention is off (set KAMKIT_RETENTION_DAYS, or give --days); "
                  "nothing pruned.")
        _compact(store, bool(pruned))  # on SQLite always: it also finishes an erase's
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    import time

    from kamkit import refresh

    if args.beside is not None:  # started by `kamkit review` (its content checked): the pages
        os.nice(10)  # come first
        _end_with(args.beside)
    else:
        _check_content()
    started = time.perf_counter()
    try:
        done = refresh.up_to_date_on(args.db)
    except Exception as exc:  # noqa: BLE001 - a cache: the dashboard scores what is not kept
        print(f"kamkit: the dashboard's figures could not be brought up to date now "
              f"({one_line(exc)}); the dashboard scores them when it is opened.",
              file=sys.stderr, flush=True)
        return 1
    if done.accounts or done.trainees or args.beside is None:
        print(f"kamkit: the dashboard is up to date: the figures of "
              f"{_many(done.accounts, 'account')} and the records of "
              f"{_many(done.trainees, 'trainee')} scored again in "
              f"{time.perf_counter() - started:.1f} s.", flush=True)
    return 0


def _many(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _end_with(server: int) -> None:
    """This process (and its workers: its process group) ends when `server`, its parent,
    does - or at once if it already has. Started in a session of its own, the terminal's
    Ctrl+C is the server's alone."""
    import signal
    import threading
    import time

    if os.getpgrp() != os.getpid():  # ending its group must end nothing but itself
        os.setsid()

    def watch() -> None:
        while os.getppid() == server:
            time.sleep(1)
        os.killpg(0, signal.SIGTERM)  # ends quietly: no handler, no traceback

    threading.Thread(target=watch, daemon=True, name="kamkit-end-with-server").start()


def _refresh_beside(env: dict[str, str]) -> None:
    """Bring the dashboard's kept figures up to date beside the server about to start in this
    process (`kamkit refresh`): after a content change every account is scored again, once,
    here - not on the first manager's page (one opened before it has finished scores what is
    not kept yet itself). It ends when the server does; the store is named by `env`, not on a
    command line anyone could read."""
    import subprocess

    subprocess.Popen([sys.executable, "-m", "kamkit.cli", "refresh", "--beside",
                      str(os.getpid())], env=env, stdin=subprocess.DEVNULL,
                     start_new_session=True)


def cmd_migrate_store(args: argparse.Namespace) -> int:
    from kamkit.store_copy import migrate_store

    copied = migrate_store(args.source or args.db or current().db_url, args.to,
                           lambda line: print(f"kamkit: {line}", flush=True))
    if copied.differences:
        print("kamkit: the copy differs from the store it was made from, so it was not kept "
              f"({copied.to} is as empty as it was):", file=sys.stderr)
        for line in copied.differences:
            print(f"  {line}", file=sys.stderr)
        return 2
    print(f"kamkit: done: {copied.summary()}; copied to {copied.to}, every table counted and "
          "checksummed on both sides.")
    return 0


def cmd_validate_content(args: argparse.Namespace) -> int:
    from kamkit.frameworks import load_framework
    from kamkit.steps import check_framework

    fw = load_framework(args.path)
    check_framework(fw)  # every step it lists is installed, with a rubric
    print(f"kamkit: content in {args.path} is valid: {len(fw.grid.categories)} grid categories, "
          f"{len(fw.segmentation.attractiveness) + len(fw.segmentation.strength)} segmentation "
          f"criteria, {len(fw.relationship.indicators)} relationship indicators, "
          f"{len(fw.steps)} steps.")
    return 0


def cmd_validate_cases(args: argparse.Namespace) -> int:
    from kamkit.exercises import cases_dirs, check_cases, checked_steps
    from kamkit.frameworks import default_framework

    checked = check_cases(default_framework())
    for case, key in checked:
        print(f"{case.id}\t{case.title}\tchecks: {', '.join(checked_steps(key))}")
    where = " and ".join(str(d) for d in cases_dirs())
    print(f"kamkit: {len(checked)} cases in {where} are valid.")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from kamkit.settings import Settings

    settings = Settings.from_env()
    for variable, value, default, text in settings.shown():
        print(f"{variable}={value}\n    {text} (default: {default})")
    return 0


def cmd_steps(args: argparse.Namespace) -> int:
    from kamkit.frameworks import default_framework
    from kamkit.steps import for_framework, origin, registered

    framework = default_framework()
    shown = {text.id: text for text, _ in for_framework(framework)}
    order = [*shown, *sorted(set(registered()) - set(shown))]  # the workbook's, then the rest
    for sid in order:
        text = shown.get(sid)
        where = f"{text.number}. {text.title}" if text else "not in this workbook (steps.yaml)"
        print(f"{sid}\t{where}\t{origin(sid)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kamkit", description=__doc__.split("\n\n")[0])
    p.add_argument("--db", help="SQLAlchemy URL of the store (default: KAMKIT_DB_URL, else "
                   "~/.kamkit/kamkit.db or KAMKIT_HOME)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    link_base = {"default": "http://127.0.0.1:8866",
                 "help": "server address used in personal links (default http://127.0.0.1:8866)"}

    s = sub.add_parser("serve", help="serve the trainee workbook with Voila")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8866)
    s.add_argument("--pool", type=int, default=2, help="pre-heated workbook kernels (default 2)")
    s.add_argument("--access", choices=["personal", "links"],
                   help="who may open the workbook: 'personal' = this machine's user, "
                        "'links' = personal links only (default: personal on loopback, else links)")
    s.add_argument("--cull-idle", type=int, default=1800, metavar="SECONDS",
                   help="shut down kernels idle this long (default 1800)")
    s.add_argument("--room", type=int, metavar="N",
                   help="workshop mode for N trainees: N pages pre-heated (instead of --pool), "
                        "kernels capped, a 'room is full, retrying' page beyond the cap")
    s.add_argument("--max-kernels", type=int, metavar="K",
                   help="most kernels at once (default with --room: N plus a quarter, at least "
                        "N+2; without --room: what half the free memory holds)")
    s.add_argument("--reclaim-after", type=float, default=30.0, metavar="SECONDS",
                   help="with a cap: a closed tab's kernel is given to the next page after this "
                        "long (default 30)")
    s.add_argument("--unconnected-after", type=float, default=UNCONNECTED_AFTER,
                   metavar="SECONDS", help="shut down a page's kernel when the page has not "
                   f"connected this long after it was requested (default {UNCONNECTED_AFTER:g})")
    s.add_argument("--kernel-memory", type=int, default=KERNEL_MEMORY_MB, metavar="MB",
                   help=f"each kernel's memory limit (default {KERNEL_MEMORY_MB}; 0: none)")
    s.add_argument("--notebooks", metavar="DIR",
                   help="serve these trainee notebooks instead of kamkit's own")
    s.set_defaults(func=cmd_serve)

    r = sub.add_parser("review", help="serve the manager's review pages, behind a token")
    r.add_argument("--host", help="address to listen on (default 127.0.0.1; as the hub's "
                   "service: the address in the service's url)")
    r.add_argument("--port", type=int, default=8867)
    r.add_argument("--token", help="the access token (default: KAMKIT_REVIEW_TOKEN, else a "
                   "new random one, printed at start)")
    r.add_argument("--reviewer", help="the name reviews are signed with (default: your user)")
    r.add_argument("--pool", type=int, default=1, help="pre-heated dashboard kernels (default 1)")
    r.add_argument("--cull-idle", type=int, default=3600, metavar="SECONDS",
                   help="shut down kernels idle this long (default 3600)")
    r.add_argument("--notebooks", metavar="DIR", help="serve these review notebooks instead")
    r.set_defaults(func=cmd_review)

    h = sub.add_parser("hub-config", help="write a jupyterhub_config.py that puts kamkit on a "
                       "JupyterHub: each hub user's server is their workbook, a hub group's "
                       "members reach the review pages, idle servers are culled")
    h.add_argument("--output", default="jupyterhub_config.py",
                   help="file to write (default jupyterhub_config.py; - for standard output)")
    h.add_argument("--db-url", help="the store every server shares, as an SQLAlchemy URL "
                   "(postgresql+psycopg://...; default: --db, else KAMKIT_DB_URL)")
    h.add_argument("--managers-group", default="kamkit-managers", metavar="NAME",
                   help="the hub group whose members open the review pages (default "
                        "kamkit-managers)")
    h.add_argument("--public-url", metavar="URL",
                   help="the address people open, e.g. https://hub.example.com")
    h.add_argument("--review-port", type=int, default=8867,
                   help="the local port of the review service (default 8867)")
    h.add_argument("--yes", action="store_true", help="replace an existing file")
    h.set_defaults(func=cmd_hub_config)

    d = sub.add_parser("demo", help="seed a demo cohort and a sample account")
    d.add_argument("--if-empty", action="store_true", help="only when the store has no trainees")
    d.add_argument("--base-url", **link_base)
    d.set_defaults(func=cmd_demo)

    c = sub.add_parser("cohort", help="workshop trainees and their personal links")
    csub = c.add_subparsers(dest="cohort_command", required=True, metavar="ACTION")
    ca = csub.add_parser("add", help="add trainees; prints one personal link each")
    ca.add_argument("names", nargs="*", metavar="NAME")
    ca.add_argument("--csv", help="a CSV or .xlsx file with a 'name' column")
    ca.add_argument("--cohort", help="workshop or group name")
    ca.add_argument("--date", help="the cohort's workshop date, YYYY-MM-DD")
    ca.add_argument("--manager", help="who reviews the cohort's work")
    ca.add_argument("--base-url", **link_base)
    ca.add_argument("--again", action="store_true",
                    help="add a person even if someone of that name is already in the cohort")
    ca.set_defaults(func=cmd_cohort_add)
    cl = csub.add_parser("list", help="list trainees")
    cl.add_argument("--cohort")
    cl.set_defaults(func=cmd_cohort_list)
    cr = csub.add_parser("relink", help="issue a new personal link (the old one stops working)")
    cr.add_argument("trainee", help="id, login or name")
    cr.add_argument("--yes", action="store_true")
    cr.add_argument("--base-url", **link_base)
    cr.set_defaults(func=cmd_cohort_relink)
    co = csub.add_parser("open-after", help="open the cohort's competency after-round (its "
                         "trainees rate themselves again; managers and peers rate after)")
    co.add_argument("name", metavar="NAME", help="the cohort")
    co.add_argument("--yes", action="store_true", help="open it without asking")
    co.set_defaults(func=cmd_cohort_open_after)

    a = sub.add_parser("account", help="a trainee's accounts")
    asub = a.add_subparsers(dest="account_command", required=True, metavar="ACTION")
    aa = asub.add_parser("add", help="add an account to a trainee's workbook (e.g. before "
                         "importing its contacts with import-crm)")
    aa.add_argument("name", help="the customer's name")
    aa.add_argument("--trainee", required=True, help="id, login or name")
    aa.set_defaults(func=cmd_account_add)

    e = sub.add_parser("export", help="a trainee's workbook (JSON, or an HTML report with the "
                       "manager's feedback), their certificate, one account's QBR pack for the "
                       "customer meeting, or a cohort's table (Excel or CSV)")
    e.add_argument("--trainee", help="id, login or name")
    e.add_argument("--cohort", help="cohort name")
    e.add_argument("--account", help="with --format qbr: the account (id or exact name)")
    e.add_argument("--format", choices=["json", "html", "qbr", "certificate", "xlsx", "csv"],
                   help="trainee: json (default), html, qbr (one account's QBR pack: "
                        "HTML, needs --account) or certificate (HTML, once certified); "
                        "cohort: xlsx (default) or csv")
    e.add_argument("--output", help="file to write (default: standard output)")
    e.add_argument("--yes", action="store_true", help="replace an existing file")
    e.add_argument("--pseudonymise", action="store_true",
                   help="the customer's people as 'Person 1', 'Person 2' …, their emails "
                        "replaced and notes about them withheld (the CSV table names none)")
    e.set_defaults(func=cmd_export)

    er = sub.add_parser("erase", help="erase a trainee, an account, or one customer person "
                        "from every saved version - leaving no copy in the store")
    er.add_argument("--trainee", required=True, help="id, login or name")
    er.add_argument("--account", help="only this account (id or exact name)")
    er.add_argument("--person", help="only this customer person: name or email (or, with "
                    "--account, their id), from the account or from all the trainee's accounts")
    er.add_argument("--yes", action="store_true", help="erase without asking")
    er.set_defaults(func=cmd_erase)

    pr = sub.add_parser("prune", help="delete saved versions older than the retention "
                        "(KAMKIT_RETENTION_DAYS), keeping the latest of each step and every "
                        "reviewed version; compacts the store")
    pr.add_argument("--days", type=int, help="older than this many days (default: "
                    "KAMKIT_RETENTION_DAYS)")
    pr.add_argument("--yes", action="store_true", help="prune without asking")
    pr.set_defaults(func=cmd_prune)

    rf = sub.add_parser("refresh", help="score and keep the dashboard's figures now (after a "
                        "content change: every account; kamkit review does it as it starts)")
    rf.add_argument("--beside", type=int, metavar="PID", help=argparse.SUPPRESS)
    rf.set_defaults(func=cmd_refresh)

    i = sub.add_parser("import", help="add a trainee's workbook from an exported JSON file")
    i.add_argument("file")
    i.add_argument("--keep-login", action="store_true",
                   help="keep the file's login: the workbook becomes that user's own")
    i.set_defaults(func=cmd_import)

    ic = sub.add_parser("import-crm", help="add contacts (to an account's stakeholder map) or "
                        "opportunities / deals (to its step 4) from a Salesforce or HubSpot "
                        "export; the file's columns say which")
    ic.add_argument("file", help="CSV or .xlsx export")
    ic.add_argument("--trainee", required=True, help="id, login or name")
    ic.add_argument("--account", required=True, help="account id or exact name")
    ic.add_argument("--yes", action="store_true", help="add the ready rows without asking")
    ic.set_defaults(func=cmd_import_crm)

    ms = sub.add_parser("migrate-store", help="copy a whole store (every trainee with their "
                        "links, version, review, attempt, rating) into an empty one - a SQLite "
                        "file into PostgreSQL - and check the copy, table by table")
    ms.add_argument("--to", required=True, metavar="URL", help="the empty store to copy into "
                    "(an SQLAlchemy URL: postgresql+psycopg://user:password@host/database)")
    ms.add_argument("--from", dest="source", metavar="URL",
                    help="the store to copy (default: --db, else KAMKIT_DB_URL, else the "
                         "SQLite file in KAMKIT_HOME)")
    ms.set_defaults(func=cmd_migrate_store)

    vc = sub.add_parser("validate-cases", help="check every case study and its expert key "
                        "(KAMKIT_CASES, else kamkit's own) against the content and the steps")
    vc.set_defaults(func=cmd_validate_cases)

    st = sub.add_parser("settings", help="the effective KAMKIT_* settings (secrets masked)")
    st.set_defaults(func=cmd_settings)

    sp = sub.add_parser("steps", help="the registered workbook steps, and where they come from")
    sp.set_defaults(func=cmd_steps)

    v = sub.add_parser("validate-content", help="check a folder of framework content files")
    v.add_argument("path")
    v.set_defaults(func=cmd_validate_content)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KamkitError as exc:
        print(f"kamkit: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
