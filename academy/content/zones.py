"""Images of `.zone` questions (zones à pointer): size checks for `academy check`, and drawings of the zones
and of the points learners clicked (Studio preview, results, reviews, item statistics). Pillow only.

Coordinates are image pixels of the file, counted from its top-left corner (docs/quiz-format.md).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, UnidentifiedImageError

import quiz
from quiz import Option, Question

from .images import read_image

CLICKABLE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
ZONE_COLOUR = (31, 95, 168)  # the app's primary blue
WRONG_ZONE_COLOUR = (120, 120, 120)
RIGHT_POINT = (25, 135, 84)
WRONG_POINT = (200, 35, 51)
POINT = (200, 35, 51)


def image_path(question: Question, folder: Path) -> Path:
    """The file of a zone question's image (the stem's path, relative to the module folder)."""
    return (folder / question.image).resolve()


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels of a raster image; ValueError when it cannot be read or is refused."""
    with _open(path) as image:
        return image.size


def _open(path: Path) -> Image.Image:
    """The image at `path` once its bytes pass the image checks (academy.content.images), decoded from them."""
    data, issue = read_image(path)
    if issue is not None:
        raise ValueError(f"{issue.code.removeprefix('image_').replace('_', ' ')} {issue.values}")
    try:
        return Image.open(io.BytesIO(data))
    except UnidentifiedImageError as exc:
        raise ValueError(f"not an image Pillow can read: {exc}") from None


def zone_bounds(option: Option) -> tuple[float, float, float, float]:
    """The bounding box (left, top, right, bottom) of a zone."""
    c = option.coords
    if option.shape == "circle":
        return c[0] - c[2], c[1] - c[2], c[0] + c[2], c[1] + c[2]
    xs, ys = c[0::2], c[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def zone_problems(question: Question, folder: Path) -> list[tuple[int, tuple[str, dict[str, Any]]]]:
    """(line, (problem code, values)) for each problem of a zone question's image and shapes against the
    image's size."""
    if question.type != "zone" or not question.image:
        return []
    path = image_path(question, folder)
    if path.suffix.lower() not in CLICKABLE_SUFFIXES:
        return [(question.line, ("zone.image_not_clickable", {"src": question.image}))]
    if not path.is_file():
        return []  # reported by the image check of the quiz's Markdown
    try:
        width, height = image_size(path)
    except ValueError as exc:
        return [(question.line, ("zone.image_unreadable", {"src": question.image, "reason": str(exc)}))]
    problems = []
    for option in question.options:
        left, top, right, bottom = zone_bounds(option)
        if left < 0 or top < 0 or right > width or bottom > height:
            problems.append((option.line, ("zone.outside_image",
                                           {"src": question.image, "width": width, "height": height})))
    return problems


def _scale(image: Image.Image) -> float:
    """Line widths and point sizes grow with the image, so that they read the same once displayed."""
    return max(1.0, max(image.size) / 700)


def _draw_zone(draw: ImageDraw.ImageDraw, option: Option, colour: tuple[int, int, int], width: int) -> None:
    c = option.coords
    fill = (*colour, 60)
    if option.shape == "rect":
        draw.rectangle(c, outline=(*colour, 255), fill=fill, width=width)
    elif option.shape == "circle":
        draw.ellipse((c[0] - c[2], c[1] - c[2], c[0] + c[2], c[1] + c[2]), outline=(*colour, 255), fill=fill,
                     width=width)
    elif option.shape == "poly":
        draw.polygon(list(zip(c[0::2], c[1::2], strict=True)), outline=(*colour, 255), fill=fill, width=width)


def draw_points(draw: ImageDraw.ImageDraw, points: Iterable[Sequence[float]], colours: Iterable[tuple[int, int, int]],
                scale: float, numbered: bool) -> None:
    """Round markers with a white ring (and their number) at each point."""
    radius = 9 * scale
    for n, ((x, y), colour) in enumerate(zip(points, colours, strict=False), 1):
        draw.ellipse((x - radius - 2 * scale, y - radius - 2 * scale, x + radius + 2 * scale, y + radius + 2 * scale),
                     fill=(255, 255, 255, 255))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*colour, 255))
        if numbered:
            draw.text((x, y), str(n), fill=(255, 255, 255, 255), anchor="mm", font_size=round(12 * scale))


def drawing(question: Question, folder: Path, *, points: Sequence[Sequence[float]] = (), show_zones: bool = False,
            graded: bool = False, framed: bool = False) -> Image.Image:
    """The question's image with, optionally, its zones (blue: to point; grey: named wrong regions), the
    learner's points (red markers; with `graded`, green inside a zone to point and red elsewhere) and a thin
    grey frame that shows where the clickable image ends (`framed`). ValueError when the image is unreadable."""
    with _open(image_path(question, folder)) as source:
        base = source.convert("RGBA")
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    scale = _scale(base)
    if show_zones:
        for option in question.options:
            _draw_zone(draw, option, ZONE_COLOUR if option.correct else WRONG_ZONE_COLOUR, max(2, round(2 * scale)))
    if graded:
        colours = [RIGHT_POINT if any(quiz.point_in_zone(zone, x, y) for zone in question.zones) else WRONG_POINT
                   for x, y in points]
    else:
        colours = [POINT] * len(points)
    draw_points(draw, points, colours, scale, numbered=len(question.zones) > 1)
    if framed:
        draw.rectangle((0, 0, base.size[0] - 1, base.size[1] - 1), outline=(190, 190, 190, 255), width=1)
    return Image.alpha_composite(base, overlay).convert("RGB")


def click_map(question: Question, folder: Path, points: Sequence[tuple[float, float, float]]) -> Image.Image:
    """Every learner's point on the image, over the zones: green when it earned the question's points in
    full, orange in part, red not at all (`points`: x, y and the response's fraction)."""
    with _open(image_path(question, folder)) as source:
        base = source.convert("RGBA")
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    scale = _scale(base)
    for option in question.options:
        _draw_zone(draw, option, ZONE_COLOUR if option.correct else WRONG_ZONE_COLOUR, max(2, round(2 * scale)))
    radius = 5 * scale
    for x, y, fraction in points:
        colour = RIGHT_POINT if fraction >= 1 - 1e-9 else (230, 140, 0) if fraction > 0 else WRONG_POINT
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*colour, 190),
                     outline=(255, 255, 255, 255))
    return Image.alpha_composite(base, overlay).convert("RGB")
