"""Child process for the durability test: writes through the services and reports each commit."""

from __future__ import annotations

import sys
from pathlib import Path

from ccassure.domain.document import ComponentRef, ProgrammeRef, Response
from ccassure.services.context import build_context
from ccassure.services.paths import AppPaths


def main(store: str, start: int) -> None:
    path = Path(store)
    context = build_context(AppPaths(path.parent / "data", path), mode="open")
    service = context.assessments
    programme = ProgrammeRef(key="cc", name="C&C")
    component = ComponentRef(key="core", name="Core")
    number = start
    while True:
        new_id = service.create("eia", f"EIA {number}", programme, component)
        service.set_response(
            new_id, Response(item="impact.age", value="neutral", comment=f"note {number}")
        )
        print(number, flush=True)  # reported only after both transactions committed
        number += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
