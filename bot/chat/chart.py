"""A series over the years as a PNG line chart with Chinese labels, for Telegram (sent as a
photo) and the terminal chat (written to a file). Drawn with Pillow in the Noto Sans CJK font
that the project installs (``cvttf-NotoSansCJK-Regular``), so it looks the same on any machine."""

from __future__ import annotations

import io
from functools import lru_cache

WIDTH, HEIGHT = 800, 480
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 90, 40, 70, 70
INK, GRID, LINE, POINT = (40, 40, 40), (220, 220, 220), (31, 119, 180), (214, 39, 40)


@lru_cache(maxsize=4)
def _font(size: int):
    from PIL import ImageFont
    import cvttf_NotoSansCJK_Regular

    return ImageFont.truetype(cvttf_NotoSansCJK_Regular.get_TTF_path(), size)


def _label(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def line_chart(title: str, points: list[tuple[str, float]]) -> bytes:
    """PNG bytes of a line chart: one point per (label, value), labelled with its value."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.text((WIDTH // 2, 30), title, fill=INK, font=_font(24), anchor="mm")
    values = [v for _, v in points]
    low, high = min(values + [0.0]), max(values)
    if high == low:
        high = low + 1
    span = high - low
    top, bottom = high + span * 0.12, low - (span * 0.05 if low < 0 else 0)
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def y_of(value: float) -> float:
        return MARGIN_TOP + plot_h * (top - value) / (top - bottom)

    for i in range(5):
        value = bottom + (top - bottom) * i / 4
        y = y_of(value)
        draw.line((MARGIN_LEFT, y, WIDTH - MARGIN_RIGHT, y), fill=GRID, width=1)
        draw.text((MARGIN_LEFT - 10, y), _label(value), fill=INK, font=_font(14), anchor="rm")
    draw.line((MARGIN_LEFT, MARGIN_TOP, MARGIN_LEFT, HEIGHT - MARGIN_BOTTOM), fill=INK, width=2)
    draw.line((MARGIN_LEFT, y_of(bottom), WIDTH - MARGIN_RIGHT, y_of(bottom)), fill=INK, width=2)
    step = plot_w / max(len(points), 1)
    xy = [(MARGIN_LEFT + step * (i + 0.5), y_of(v)) for i, (_, v) in enumerate(points)]
    if len(xy) > 1:
        draw.line(xy, fill=LINE, width=3)
    for (label, value), (x, y) in zip(points, xy):
        draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=POINT)
        draw.text((x, y - 12), _label(value), fill=INK, font=_font(16), anchor="mb")
        draw.text((x, HEIGHT - MARGIN_BOTTOM + 12), label, fill=INK, font=_font(16), anchor="mt")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
