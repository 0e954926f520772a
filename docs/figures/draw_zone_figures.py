"""Draw the images of the curriculum's `.zone` questions with Pillow (run from the repository root).

    python docs/figures/draw_zone_figures.py

Each figure is a list of boxes; the script prints each box's rectangle in image pixels, i.e. the
`rect X1,Y1 X2,Y2` to write in quiz.md when a box is a zone to point.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[2]
FONT = ROOT / "academy" / "coordination" / "fonts" / "DejaVuSans.ttf"
BLUE, INK, PALE, GREY = (31, 95, 168), (33, 37, 41), (232, 240, 250), (108, 117, 125)


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size)


def vertical_boxes(path: Path, title: str, boxes: list[tuple[str, str]], width: int = 640) -> None:
    """Boxes stacked from top to bottom, joined by arrows: (bold first line, second line)."""
    box_h, gap, margin, top = 86, 38, 40, 70
    height = top + len(boxes) * box_h + (len(boxes) - 1) * gap + margin
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((margin, 22), title, fill=INK, font=font(24))
    for n, (head, line) in enumerate(boxes):
        y = top + n * (box_h + gap)
        rect = (margin, y, width - margin, y + box_h)
        draw.rounded_rectangle(rect, radius=12, fill=PALE, outline=BLUE, width=3)
        draw.text((margin + 22, y + 16), head, fill=INK, font=font(24))
        draw.text((margin + 22, y + 50), line, fill=GREY, font=font(19))
        print(path.name, f"rect {rect[0]},{rect[1]} {rect[2]},{rect[3]}", head)
        if n + 1 < len(boxes):
            x, y0, y1 = width // 2, y + box_h + 4, y + box_h + gap - 4
            draw.line((x, y0, x, y1 - 8), fill=BLUE, width=4)
            draw.polygon([(x - 10, y1 - 12), (x + 10, y1 - 12), (x, y1)], fill=BLUE)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


def timeline(path: Path, title: str, dates: list[str], width: int = 640) -> None:
    """A vertical time line: one dated marker per row (no description, so that the dates are the question)."""
    row, margin, top = 88, 40, 80
    height = top + len(dates) * row + margin - 30
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((margin, 22), title, fill=INK, font=font(24))
    axis = margin + 40
    draw.line((axis, top, axis, top + (len(dates) - 1) * row + 30), fill=BLUE, width=5)
    for n, date in enumerate(dates):
        y = top + n * row
        draw.ellipse((axis - 13, y + 2, axis + 13, y + 28), fill=BLUE)
        rect = (axis + 30, y - 12, width - margin, y + 44)
        draw.rounded_rectangle(rect, radius=10, fill=PALE, outline=BLUE, width=2)
        draw.text((axis + 50, y + 2), date, fill=INK, font=font(24))
        print(path.name, f"rect {rect[0]},{rect[1]} {rect[2]},{rect[3]}", date)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)


if __name__ == "__main__":
    vertical_boxes(
        ROOT / "content" / "11-evaluer-ia-sante" / "images" / "etapes-evaluation.png",
        "Étapes de l’évaluation d’un modèle",
        [
            ("Développement", "Entraînement sur les données de l’hôpital A"),
            ("Validation interne", "Patients de l’hôpital A mis de côté"),
            ("Validation externe", "Patients d’autres établissements"),
            ("Évaluation prospective", "Outil utilisé en situation réelle"),
            ("Surveillance", "Suivi des performances après déploiement"),
        ],
    )
    timeline(
        ROOT / "content" / "10-ethique-regulation" / "images" / "frise-ai-act.png",
        "Règlement (UE) 2024/1689 : cinq dates",
        ["1er août 2024", "2 février 2025", "2 août 2025", "2 août 2026", "2 août 2027 (texte initial)"],
    )
