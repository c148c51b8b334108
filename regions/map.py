"""The project's tile-grid map of Kazakhstan: one tile per region or city, placed by its
`map_col`/`map_row` (west → east, north → south). Drawn as inline SVG by the templates."""

from django.utils.translation import gettext as _

from kazportal.i18n import field_in_language, text_in_language

COLUMNS, ROWS = 7, 5
TILE_W, TILE_H, GAP = 124, 84, 6
LINE_HEIGHT = 17
MAX_LINE = 13  # characters on one label line before a word is broken at its hyphen


def label_lines(label):
    """Split a map label into short lines: at spaces, and after a hyphen in long words."""
    lines = []
    for word in label.split():
        if len(word) > MAX_LINE and "-" in word:
            head, _sep, tail = word.partition("-")
            parts = [head + "-", tail]
        else:
            parts = [word]
        for part in parts:
            if lines and len(lines[-1]) + 1 + len(part) <= MAX_LINE and not lines[-1].endswith("-"):
                lines[-1] = f"{lines[-1]} {part}"
            else:
                lines.append(part)
    return lines or [""]


def tile_map(regions, current=None):
    """Everything the map template draws, for the given regions (any order)."""
    tiles = []
    for region in regions:
        short, lang = field_in_language(region, "short_name")
        if not short:
            short, lang = field_in_language(region, "name")
        name = text_in_language(region, "name")
        x = region.map_col * (TILE_W + GAP)
        y = region.map_row * (TILE_H + GAP)
        lines = label_lines(short)
        first_y = y + TILE_H / 2 - (len(lines) - 1) * LINE_HEIGHT / 2 + 5
        tiles.append(
            {
                "region": region,
                "name": name,
                "lang": lang,
                "url": region.get_absolute_url(),
                "x": x,
                "y": y,
                "cx": x + TILE_W / 2,
                "lines": [
                    {"text": text, "y": first_y + i * LINE_HEIGHT} for i, text in enumerate(lines)
                ],
                "is_city": region.is_city,
                # long words get a smaller type so they stay inside the tile
                "size": "is-long" if max(len(line) for line in lines) > 12 else "",
                "is_current": current is not None and region.pk == current.pk,
            }
        )
    tiles.sort(key=lambda t: (t["region"].map_row, t["region"].map_col))
    step_x, step_y = TILE_W + GAP, TILE_H + GAP
    water = [
        # Decorative water bodies in the empty cells of the grid.
        {"label": _("Aral Sea"), "cx": 1 * step_x + TILE_W / 2, "cy": 3 * step_y + TILE_H / 2},
        {"label": _("Balkhash"), "cx": 4 * step_x + TILE_W / 2, "cy": 2 * step_y + TILE_H / 2},
    ]
    return {
        "tiles": tiles,
        "water": water,
        "tile_w": TILE_W,
        "tile_h": TILE_H,
        "width": COLUMNS * step_x - GAP,
        "height": ROWS * step_y - GAP,
    }
