"""The command line's commands, each printing its result and returning an exit status."""

from __future__ import annotations

import argparse
import json
import logging
import logging.handlers
import sys
import tempfile
import time
from pathlib import Path

from ccassure.cli import output as cli_output
from ccassure.domain.templates import TemplateSet
from ccassure.services.context import Context, load_template_set
from ccassure.services.demo import build_demo
from ccassure.services.errors import ServiceError
from ccassure.services.paths import AppPaths, builtin_resources, resolve_paths
from ccassure.services.selftest import self_test as run_self_test
from ccassure.services.store_keys import KeyRequest, backup_key, unlock
from ccassure.services.stores import check_store, restore_store
from ccassure.services.transfer import document_json, import_document, read_document_file

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def _json(data: object) -> None:
    print(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False))


def with_store(name: str, args: argparse.Namespace, context: Context) -> int:
    service = context.assessments
    if name == "demo":
        started = time.perf_counter()
        result = build_demo(service, builtin_resources(), args.scale)
        print(
            f"Built the {result.programme} demo programme: {len(result.assessment_ids)} "
            f"assessments, {result.synthetic_issues} synthetic issues, in "
            f"{time.perf_counter() - started:.2f} s, in {context.store.path}"
        )
        return EXIT_OK
    if name == "list":
        summaries = service.list_summaries(args.kind, args.all_versions)
        if args.json:
            _json([s.to_data() for s in summaries])
        else:
            print(cli_output.assessment_list(summaries))
        return EXIT_OK
    if name == "show":
        document = service.document(args.id)
        if args.json:
            print(document_json(document), end="")
        else:
            views = context.signoffs.views_of(document)
            print(cli_output.document_text(document, service.template_for(document), views))
        return EXIT_OK
    if name == "import":
        imported = import_document(service, read_document_file(args.file))
        how = (
            f"as version {imported.version} of an existing assessment"
            if imported.new_version_of_existing
            else "as a new assessment"
        )
        print(f"Imported {args.file} {how}: id {imported.id} (backup first: {imported.backup})")
        return EXIT_OK
    if name == "import-axe":
        return _import_axe(args, context)

    if name == "export-issues":
        return export_issues(args, context)
    raise ServiceError(f"unknown command {name}")


def _import_axe(args: argparse.Namespace, context: Context) -> int:
    from ccassure.services.axe_import import import_axe

    result = import_axe(context.assessments, args.assessment, args.file, args.include_incomplete)
    counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    if args.json:
        _json({**counts, "pages": result.pages, "backup": str(result.backup or "")})
    else:
        backup = f" (backup first: {result.backup})" if result.backup else ""
        print(
            f"{args.file}: {result.created} issues created, {result.updated} updated, "
            f"{result.unchanged} unchanged, from {result.pages} pages{backup}"
        )
    return EXIT_OK


def export_issues(args: argparse.Namespace, context: Context) -> int:
    show_progress = sys.stderr.isatty() and not args.json

    def progress(done: int, total: int) -> None:
        if show_progress and total:
            print(f"\rexporting: {100 * done // total}%", end="", file=sys.stderr, flush=True)

    try:
        count = context.issue_export.export_issues(
            args.id, args.fmt, args.output, args.force, progress
        )
    finally:
        if show_progress:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    if args.json:
        _json({"issues": count, "file": str(args.output.absolute()), "format": args.fmt})
    else:
        print(f"Exported {count} issues of assessment {args.id} to {args.output}")
    return EXIT_OK


def templates(template_set: TemplateSet, as_json: bool) -> int:
    if as_json:
        _json(
            [
                {
                    "id": t.id,
                    "kind": t.kind,
                    "version": t.version,
                    "title": t.title,
                    "sections": len(t.sections),
                    "items": t.item_count,
                }
                for t in template_set.templates
            ]
        )
    else:
        print(cli_output.templates_text(template_set.templates))
    for error in template_set.errors:
        print(f"ccassure: skipped a template: {error}", file=sys.stderr)
    return EXIT_OK


def check(paths: AppPaths, as_json: bool, keys: KeyRequest) -> int:
    report = check_store(paths.store, load_template_set(paths), unlock(paths.store, keys))
    if as_json:
        _json(
            {
                "store": str(report.path),
                "ok": report.ok,
                "revision": report.revision,
                "counts": report.counts,
                "problems": list(report.problems),
                "notes": list(report.notes),
            }
        )
    else:
        for note in report.notes:
            print(f"note: {note}")
        if report.ok and not report.counts:  # an older schema: rows are counted once upgraded
            print(f"ok: {report.path} passes (schema {report.revision})")
        elif report.ok:
            print(
                f"ok: {report.path} passes (schema {report.revision}, "
                f"{report.counts.get('assessment', 0)} assessment versions, "
                f"{report.counts.get('issue', 0)} issues)"
            )
    if not report.ok:
        more = f" (and {len(report.problems) - 1} more)" if len(report.problems) > 1 else ""
        raise ServiceError(f"{report.path}: {report.problems[0]}{more}", "damaged")
    return EXIT_OK


def backup(paths: AppPaths, destination: Path, keys: KeyRequest) -> int:
    from ccassure.services.backup_check import verified_backup

    check = verified_backup(paths.store, destination, unlock(paths.store, keys))
    print(f"Backed up {paths.store} to {check.path} ({check.summary})")
    return EXIT_OK


def restore(paths: AppPaths, source: Path, keys: KeyRequest) -> int:
    key = unlock(paths.store, keys) if paths.store.is_file() else None
    source_key = backup_key(source, key, keys) if source.is_file() else None
    before = restore_store(source, paths.store, load_template_set(paths), key, source_key)
    kept = f"; the previous store is kept at {before}" if before else ""
    print(f"Restored {paths.store} from {source}{kept}")
    return EXIT_OK


def self_test(data_dir: Path | None) -> int:
    failed = 0
    for result in run_self_test(data_dir):
        failed += not result.ok
        print(f"{'ok  ' if result.ok else 'FAIL'} {result.name}: {result.detail}")
    print("self-test passed" if not failed else f"self-test: {failed} check(s) failed")
    return EXIT_OK if not failed else EXIT_FAILED


def log_unexpected(data_dir: str | None, exc: BaseException) -> Path:
    """Write the traceback to the rotating log under the data directory (or, if that cannot
    be written, the temporary folder); return its path."""
    try:
        logs = resolve_paths(None, data_dir, {}).logs
        logs.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            logs / "ccassure.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except (OSError, ValueError):
        logs = Path(tempfile.gettempdir())
        handler = logging.handlers.RotatingFileHandler(
            logs / "ccassure.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    logger = logging.getLogger("ccassure")
    logger.addHandler(handler)
    logger.error("unexpected error", exc_info=exc)
    handler.close()
    logger.removeHandler(handler)
    return logs / "ccassure.log"
