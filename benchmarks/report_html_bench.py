"""HTML report benchmark: an accessibility assessment with N issues, from the store to a file.

Times, on a demo store with N synthetic issues: reading the document, building the Report
(domain/reporting) and rendering it (reports/html); the floor is escaping and joining the same
issue cells with no report around them, measured in the same run. Prints one JSON object.

    python benchmarks/report_html_bench.py [--issues 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import html
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ccassure.reports.html import render_html
from ccassure.services.context import build_context
from ccassure.services.demo import build_demo
from ccassure.services.paths import AppPaths, builtin_resources


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paths = AppPaths(Path(folder) / "data", Path(folder) / "bench.db")
        context = build_context(paths, mode="create")
        try:
            build_demo(context.assessments, builtin_resources(), args.issues)
            ident = context.assessments.list_summaries("accessibility")[0].id
            read, built, rendered, floor = [], [], [], []
            size = 0
            for _ in range(args.repeat):
                started = time.perf_counter()
                document = context.assessments.document(ident)
                read.append(time.perf_counter() - started)
                started = time.perf_counter()
                report = context.reports.report(ident)
                built.append(time.perf_counter() - started)
                started = time.perf_counter()
                text = render_html(report)
                rendered.append(time.perf_counter() - started)
                size = len(text.encode())
                started = time.perf_counter()
                cells = (
                    (i.ref, i.title, i.severity, i.status, " ".join(i.criteria), i.screen)
                    for i in document.issues
                )
                "".join(
                    "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                    for row in cells
                )
                floor.append(time.perf_counter() - started)
        finally:
            context.close()
    print(
        json.dumps(
            {
                "issues": len(document.issues),
                "read_document_s": round(statistics.median(read), 3),
                "report_service_s (reads the store again, builds)": round(
                    statistics.median(built), 3
                ),
                "render_html_s": round(statistics.median(rendered), 3),
                "floor_escape_rows_s": round(statistics.median(floor), 3),
                "html_bytes": size,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
