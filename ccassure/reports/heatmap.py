"""Risk heat maps as vector graphics: a count in each cell, its rating by colour and by word."""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Group, Rect, String
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth

from ccassure.domain.report import HeatMap
from ccassure.reports.fonts import FontSet
from ccassure.reports.pdf_styles import INK
from ccassure.reports.pdf_text import one_line, wrap_lines

RAMP = ("#b9dfbb", "#e6ee9c", "#ffd180", "#ffab91", "#ef9a9a")
UNRATED = "#e0e0e0"
CELL_HEIGHT = 42.0
MAX_CELL_WIDTH = 78.0
ROW_LABEL_WIDTH = 78.0
TITLE_BAND = 16.0
LABEL_SIZE = 8.0
LABEL_LEADING = 9.6
SWATCH = 11.0


def rating_colours(rating_labels: tuple[tuple[str, str], ...]) -> dict[str, Color]:
    """Colours for rating keys in order of severity (first is lowest), spread over the ramp."""
    count = len(rating_labels)
    result: dict[str, Color] = {}
    for index, (key, _label) in enumerate(rating_labels):
        position = 0 if count == 1 else round(index * (len(RAMP) - 1) / (count - 1))
        result[key] = colors.HexColor(RAMP[position])
    return result


def relative_luminance(colour: Color) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in colour.rgb())
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: Color, second: Color) -> float:
    """The WCAG contrast ratio between two colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(fill: Color) -> Color:
    """Black or white, whichever contrasts more with the fill."""
    black, white = colors.black, colors.white
    return black if contrast_ratio(fill, black) >= contrast_ratio(fill, white) else white


def heat_map_drawing(heat_map: HeatMap, fonts: FontSet, width: float) -> Drawing:
    """The grid with row and column titles and labels, each cell's count and rating, a legend."""
    rows = min(len(heat_map.row_labels), len(heat_map.counts), len(heat_map.ratings))
    columns = min(
        [len(heat_map.column_labels)]
        + [len(heat_map.counts[r]) for r in range(rows)]
        + [len(heat_map.ratings[r]) for r in range(rows)]
    )
    columns = max(columns, 0)
    left = TITLE_BAND + ROW_LABEL_WIDTH + 4
    cell_width = min(MAX_CELL_WIDTH, (width - left) / max(columns, 1))
    colours = rating_colours(heat_map.rating_labels)
    words = dict(heat_map.rating_labels)

    column_lines = [
        wrap_lines(one_line(label), fonts.regular, LABEL_SIZE, cell_width - 4)
        for label in heat_map.column_labels[:columns]
    ]
    label_band = max([len(lines) for lines in column_lines] + [1]) * LABEL_LEADING + 4
    legend, legend_height = _legend(heat_map.rating_labels, colours, fonts, width)
    grid_bottom = legend_height + 10 + TITLE_BAND + label_band
    height = grid_bottom + rows * CELL_HEIGHT + 4

    drawing = Drawing(width, height, initialFontName=fonts.regular, initialFontSize=LABEL_SIZE)
    drawing.add(legend)
    for row in range(rows):
        top = height - 4 - row * CELL_HEIGHT
        label_lines = wrap_lines(
            one_line(heat_map.row_labels[row]), fonts.regular, LABEL_SIZE, ROW_LABEL_WIDTH - 6
        )
        first_baseline = top - CELL_HEIGHT / 2 + (len(label_lines) - 1) * LABEL_LEADING / 2 - 3
        for index, line in enumerate(label_lines):
            drawing.add(
                String(
                    left - 6,
                    first_baseline - index * LABEL_LEADING,
                    line,
                    fontName=fonts.regular,
                    fontSize=LABEL_SIZE,
                    fillColor=INK,
                    textAnchor="end",
                )
            )
        for column in range(columns):
            key = heat_map.ratings[row][column]
            fill = colours.get(key, colors.HexColor(UNRATED))
            _add_cell(
                drawing,
                left + column * cell_width,
                top - CELL_HEIGHT,
                cell_width,
                str(heat_map.counts[row][column]),
                one_line(words.get(key, key)),
                fill,
                fonts,
            )
    for column, lines in enumerate(column_lines):
        centre = left + (column + 0.5) * cell_width
        for index, line in enumerate(lines):
            baseline = grid_bottom - LABEL_SIZE - 2 - index * LABEL_LEADING
            drawing.add(
                String(
                    centre,
                    baseline,
                    line,
                    fontName=fonts.regular,
                    fontSize=LABEL_SIZE,
                    fillColor=INK,
                    textAnchor="middle",
                )
            )
    grid_middle_x = left + columns * cell_width / 2
    drawing.add(
        String(
            grid_middle_x,
            grid_bottom - label_band - TITLE_BAND + 5,
            one_line(heat_map.column_title),
            fontName=fonts.bold,
            fontSize=9,
            fillColor=INK,
            textAnchor="middle",
        )
    )
    row_title = Group(
        String(
            0,
            0,
            one_line(heat_map.row_title),
            fontName=fonts.bold,
            fontSize=9,
            fillColor=INK,
            textAnchor="middle",
        )
    )
    row_title.transform = (0, 1, -1, 0, TITLE_BAND - 4, height - 4 - rows * CELL_HEIGHT / 2)
    drawing.add(row_title)
    return drawing


def _add_cell(
    drawing: Drawing,
    x: float,
    y: float,
    width: float,
    count: str,
    word: str,
    fill: Color,
    fonts: FontSet,
) -> None:
    ink = text_colour_on(fill)
    drawing.add(_rect(x, y, width, CELL_HEIGHT, fill, colors.white, 1.5))
    centre = x + width / 2
    for text, font, size, baseline in (
        (count, fonts.bold, 13.0, y + CELL_HEIGHT / 2 + 1),
        (word, fonts.regular, 7.0, y + 6),
    ):
        size = _fitting_size(text, font, size, width - 4)
        drawing.add(
            String(
                centre,
                baseline,
                text,
                fontName=font,
                fontSize=size,
                fillColor=ink,
                textAnchor="middle",
            )
        )


def _fitting_size(text: str, font: str, size: float, width: float) -> float:
    """The largest size up to `size` (and no smaller than 4 points) at which text fits."""
    while size > 4 and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def _legend(
    rating_labels: tuple[tuple[str, str], ...],
    colours: dict[str, Color],
    fonts: FontSet,
    width: float,
) -> tuple[Group, float]:
    """Swatches with the rating words, left to right, wrapping onto more lines when needed."""
    items: list[tuple[float, int, str, Color]] = []
    line = 0
    title = "Rating:"
    title_width = stringWidth(title, fonts.bold, LABEL_SIZE) + 8
    x = title_width
    for key, label in rating_labels:
        word = one_line(label)
        item_width = SWATCH + 4 + stringWidth(word, fonts.regular, LABEL_SIZE) + 14
        if x + item_width > width and x > title_width:
            x, line = title_width, line + 1
        items.append((x, line, word, colours[key]))
        x += item_width
    lines = line + 1
    group = Group()
    top_baseline = (lines - 1) * (SWATCH + 5) + 2
    group.add(
        String(0, top_baseline, title, fontName=fonts.bold, fontSize=LABEL_SIZE, fillColor=INK)
    )
    for item_x, item_line, word, colour in items:
        y = (lines - 1 - item_line) * (SWATCH + 5)
        group.add(_rect(item_x, y, SWATCH, SWATCH, colour, INK, 0.5))
        group.add(
            String(
                item_x + SWATCH + 4,
                y + 2,
                word,
                fontName=fonts.regular,
                fontSize=LABEL_SIZE,
                fillColor=INK,
            )
        )
    return group, lines * (SWATCH + 5)


def _rect(
    x: float, y: float, width: float, height: float, fill: Color, stroke: Color, line: float
) -> Rect:
    rect = Rect(x, y, width, height)
    rect.fillColor, rect.strokeColor, rect.strokeWidth = fill, stroke, line
    return rect
