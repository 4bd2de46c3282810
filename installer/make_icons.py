"""Renders the SVG app icon to hicolor PNGs, a Windows .ico and a macOS .icns (run with PySide6)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

APP_ID = "uk.police.ccassure"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (32, 64, 128, 256, 512, 1024)  # every size Pillow's ICNS writer stores


class IconError(Exception):
    """The SVG master cannot be read or rendered."""


def render(svg: Path, sizes: set[int]) -> dict[int, Image.Image]:
    """The SVG drawn antialiased on transparent squares of each size (Qt draws, Pillow keeps)."""
    from PIL import Image
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise IconError(f"{svg}: not a readable SVG file")
    images: dict[int, Image.Image] = {}
    for size in sorted(sizes):
        canvas = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        canvas.fill(Qt.GlobalColor.transparent)
        painter = QPainter(canvas)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform
        )
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        straight = canvas.convertToFormat(QImage.Format.Format_RGBA8888)  # un-premultiplied
        pixels = bytes(straight.constBits())
        images[size] = Image.frombytes(
            "RGBA", (size, size), pixels, "raw", "RGBA", straight.bytesPerLine()
        )
    del app  # held until every image is drawn
    return images


def make_icons(svg: Path, out: Path) -> list[Path]:
    """Writes hicolor/<N>x<N>/apps PNGs, the scalable SVG, ccassure.ico and ccassure.icns."""
    if not svg.is_file():
        raise IconError(f"{svg}: no such SVG file")
    images = render(svg, {*PNG_SIZES, *ICNS_SIZES})
    written: list[Path] = []
    for size in PNG_SIZES:
        target = out / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        images[size].save(target, format="PNG")
        written.append(target)
    scalable = out / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    written.append(scalable)

    ico = out / "ccassure.ico"
    images[max(ICO_SIZES)].save(
        ico,
        format="ICO",
        sizes=[(size, size) for size in ICO_SIZES],
        append_images=[images[size] for size in ICO_SIZES],
    )
    written.append(ico)
    icns = out / "ccassure.icns"
    images[max(ICNS_SIZES)].save(
        icns, format="ICNS", append_images=[images[size] for size in ICNS_SIZES]
    )
    written.append(icns)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("svg", type=Path, help="the SVG master, e.g. resources/icons/ccassure.svg")
    parser.add_argument("outdir", type=Path, help="folder to write hicolor/, .ico and .icns into")
    args = parser.parse_args(argv)
    try:
        written = make_icons(args.svg, args.outdir)
    except (IconError, OSError) as exc:
        print(f"make_icons: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
