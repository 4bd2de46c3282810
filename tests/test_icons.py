"""The app icon: the SVG master, the sizes the build renders from it, and the icon the app shows."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtGui import QImageReader
from PySide6.QtWidgets import QApplication, QWidget

from ccassure.services.paths import builtin_resources
from ccassure.ui.app_icon import DESKTOP_FILE_NAME, app_icon
from tests.installer_scripts import installer_script

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "installer" / "make_icons.py"
MASTER = builtin_resources() / "icons" / "ccassure.svg"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def made(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """qapp first, or make_icons would start a bare QGuiApplication that widgets cannot use."""
    out = tmp_path_factory.mktemp("icons")
    return out, installer_script("make_icons.py").make_icons(MASTER, out)


def test_every_hicolor_size_is_square_with_a_transparent_corner_and_an_opaque_centre(
    made: tuple[Path, list[Path]],
) -> None:
    out, written = made
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        path = out / "hicolor" / f"{size}x{size}" / "apps" / "uk.police.ccassure.png"
        assert path in written
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (size, size)
            rgba = image.convert("RGBA")
            assert rgba.getpixel((0, 0))[3] == 0, size
            assert rgba.getpixel((size - 1, size - 1))[3] == 0, size
            assert rgba.getpixel((size // 2, size // 2))[3] == 255, size
    scalable = out / "hicolor" / "scalable" / "apps" / "uk.police.ccassure.svg"
    assert scalable.read_bytes() == MASTER.read_bytes()
    assert sorted(written) == sorted(p for p in out.rglob("*") if p.is_file())


def test_the_large_sizes_show_a_light_shield_on_a_dark_tile(
    made: tuple[Path, list[Path]],
) -> None:
    out, _ = made
    with Image.open(out / "hicolor" / "256x256" / "apps" / "uk.police.ccassure.png") as image:
        rgba = image.convert("RGBA")
    tile = rgba.getpixel((40, 128))  # between the rim and the shield
    shield = rgba.getpixel((70, 100))  # the shield's white left half
    assert sum(tile[:3]) < 3 * 128 < sum(shield[:3])


def test_the_ico_holds_every_windows_size(made: tuple[Path, list[Path]]) -> None:
    out, written = made
    ico = out / "ccassure.ico"
    assert ico in written
    wanted = [16, 24, 32, 48, 64, 128, 256]
    with Image.open(ico) as image:
        assert image.format == "ICO"
        assert sorted(image.info["sizes"]) == [(n, n) for n in wanted]
        for n in wanted:
            frame = image.ico.getimage((n, n))
            assert frame.size == (n, n)
            assert frame.convert("RGBA").getpixel((n // 2, n // 2))[3] == 255
    reader = QImageReader(str(ico))  # Qt's own ICO plugin reads it back independently
    assert reader.imageCount() == len(wanted)
    sizes = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        sizes.append(reader.read().width())
    assert sorted(sizes) == wanted


def test_the_icns_opens_with_its_retina_sizes(made: tuple[Path, list[Path]]) -> None:
    out, written = made
    icns = out / "ccassure.icns"
    assert icns in written
    with Image.open(icns) as image:
        assert image.format == "ICNS"
        assert {(16, 16, 2), (128, 128, 1), (256, 256, 1), (512, 512, 2)} <= set(
            image.info["sizes"]
        )
        image.load()
        assert image.size == (1024, 1024)
        assert image.convert("RGBA").getpixel((0, 0))[3] == 0


def test_the_script_prints_each_file_it_writes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(MASTER), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    printed = [Path(line) for line in result.stdout.splitlines()]
    assert len(printed) == 11
    assert sorted(printed) == sorted(p for p in (tmp_path / "out").rglob("*") if p.is_file())


@pytest.mark.parametrize("content", [None, "<svg><unclosed", "not an image at all"])
def test_a_missing_or_broken_svg_is_one_line_and_writes_nothing(
    tmp_path: Path, content: str | None
) -> None:
    svg = tmp_path / "broken.svg"
    if content is not None:
        svg.write_text(content)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(svg), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert [line for line in result.stderr.splitlines() if line.startswith("make_icons:")] == [
        f"make_icons: {svg}: "
        + ("no such SVG file" if content is None else "not a readable SVG file")
    ]
    assert not (tmp_path / "out").exists()


def test_the_master_is_a_self_contained_512_square_svg_without_text() -> None:
    root = ET.parse(MASTER).getroot()
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 512 512"
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert {"text", "image", "filter", "mask", "use", "script", "foreignObject"} & tags == set()
    assert {"path", "rect"} <= tags
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.endswith("href"):
                assert value.startswith("#"), (name, value)
            if "url(" in value:
                assert value.startswith("url(#"), (name, value)


def test_the_app_icon_draws_the_master(qapp: QApplication) -> None:
    icon = app_icon()
    assert not icon.isNull()
    pixmap = icon.pixmap(48, 48)
    assert not pixmap.isNull()
    image = pixmap.toImage()
    assert image.pixelColor(0, 0).alpha() == 0
    assert image.pixelColor(image.width() // 2, image.height() // 2).alpha() == 255
    previous = qapp.windowIcon()
    qapp.setWindowIcon(icon)
    try:
        window = QWidget()
        assert window.windowIcon().cacheKey() == icon.cacheKey()
        assert not window.windowIcon().pixmap(16, 16).isNull()
    finally:
        qapp.setWindowIcon(previous)
    assert DESKTOP_FILE_NAME == "uk.police.ccassure"
