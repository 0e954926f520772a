"""Images are what they claim (academy/content/images.py): raster files decoded whole with Pillow in the format of
their extension and under the pixel cap; SVG as UTF-8 XML without code, HTML or outside references. The linter
reports a refused image at the line of the Markdown that shows it."""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import pytest
from PIL import Image

from academy.content import limits, messages
from academy.content.catalog import load_module
from academy.content.images import image_issue, read_image


def problem_message(code: str, **values: object) -> str:
    """The English message of problem `code` (what `Problem.message` and `academy check` give)."""
    return messages.render(code, values)

VALID = Path(__file__).parent / "fixtures" / "content" / "valid" / "01-bases-ia"
SVG_NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def raster(image_format: str, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "teal").save(buffer, format=image_format)
    return buffer.getvalue()


def svg(inner: str, attributes: str = "") -> bytes:
    return f'<svg {SVG_NS} width="20" height="20"{attributes}>{inner}</svg>'.encode()


@pytest.mark.parametrize(("suffix", "image_format"), [
    (".png", "PNG"), (".jpg", "JPEG"), (".jpeg", "JPEG"), (".gif", "GIF"), (".webp", "WEBP"), (".PNG", "PNG")])
def test_raster_images_in_the_format_of_their_extension_pass(suffix: str, image_format: str) -> None:
    assert image_issue(raster(image_format), suffix) is None


def test_a_jpeg_named_png_is_refused_with_both_formats() -> None:
    issue = image_issue(raster("JPEG"), ".png")
    assert issue is not None and issue.code == "image_wrong_format"
    assert problem_message("image.wrong_format", src="images/photo.png", **issue.values) == (
        "image 'images/photo.png' holds JPEG data, not PNG: rename it with the extension of its format or export "
        "it as PNG")


@pytest.mark.parametrize("data", [b"<!DOCTYPE html><html><body>Bonjour</body></html>", b"", b"\x89PNG\r\n\x1a\n"])
def test_bytes_that_are_no_image_are_refused(data: bytes) -> None:
    issue = image_issue(data, ".png")
    assert issue is not None and issue.code in {"image_not_image", "image_damaged"}
    assert image_issue(data, ".png") == issue  # cached by content: same answer


def test_html_named_png_is_not_an_image() -> None:
    issue = image_issue(b"<html><body>Bonjour</body></html>", ".png")
    assert issue is not None and issue.code == "image_not_image" and issue.values["expected"] == "PNG"


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "WEBP"])
def test_a_truncated_image_is_refused_as_damaged(image_format: str) -> None:
    noisy = Image.frombytes("RGB", (300, 200), random.Random(12).randbytes(300 * 200 * 3))  # data all along
    buffer = io.BytesIO()
    noisy.save(buffer, format=image_format)
    whole = buffer.getvalue()
    assert image_issue(whole, "." + image_format.lower()) is None
    issue = image_issue(whole[: len(whole) * 2 // 3], "." + image_format.lower())
    assert issue is not None and issue.code in {"image_damaged", "image_not_image"}, issue


def test_too_many_pixels_is_refused_before_decoding() -> None:
    side = int(limits.MAX_IMAGE_PIXELS ** 0.5) + 1
    issue = image_issue(raster("PNG", (side, side), mode="1"), ".png")
    assert issue is not None and issue.code == "image_too_many_pixels"
    assert issue.values == {"width": side, "height": side, "limit": limits.MAX_IMAGE_PIXELS}
    assert image_issue(raster("PNG", (side - 1, side - 1), mode="1"), ".png") is None


def test_a_clean_svg_with_internal_references_passes() -> None:
    inner = ('<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient>'
             '<circle id="c" r="4"/></defs><use href="#c"/><use xlink:href="#c"/>'
             '<rect width="10" height="10" fill="url(#g)" style="fill: url( \'#g\' )"/>'
             '<style>rect { fill: url(#g); }</style><text>Légende éclairée</text>')
    assert image_issue(svg(inner), ".svg") is None
    assert image_issue(b'<?xml version="1.0" encoding="UTF-8"?>\n' + svg("<g/>"), ".svg") is None
    assert image_issue("\ufeff".encode() + svg("<g/>"), ".svg") is None  # a BOM


@pytest.mark.parametrize(("data", "code", "values"), [
    (svg("<text>Légende</text>").decode().encode("latin-1"), "svg_not_utf8", {}),
    (svg('<script>alert("x")</script>'), "svg_script", {}),
    (svg("<g><SCRIPT>alert(1)</SCRIPT></g>"), "svg_script", {}),
    (svg("<g/>", ' onload="alert(1)"'), "svg_event_handler", {"name": "onload"}),
    (svg('<rect ONCLICK="alert(1)"/>'), "svg_event_handler", {"name": "onclick"}),
    (svg("<foreignObject><div>HTML</div></foreignObject>"), "svg_foreign_object", {}),
    (svg('<image href="https://tracker.example/p.png"/>'), "svg_external_reference",
     {"target": "https://tracker.example/p.png"}),
    (svg('<image xlink:href="file:///etc/passwd"/>'), "svg_external_reference", {"target": "file:///etc/passwd"}),
    (svg('<image href="data:image/png;base64,AAAA"/>'), "svg_external_reference",
     {"target": "data:image/png;base64,AAAA"}),
    (svg('<a href="javascript:alert(1)"><text>x</text></a>'), "svg_external_reference",
     {"target": "javascript:alert(1)"}),
    (svg('<rect style="fill: url(https://x.example/f.svg#p)"/>'), "svg_external_reference",
     {"target": "url(https://x.example/f.svg#p)"}),
    (svg('<rect filter="url(other.svg#f)"/>'), "svg_external_reference", {"target": "url(other.svg#f)"}),
    (svg("<style>@import 'https://x.example/a.css';</style>"), "svg_external_reference", {"target": "@import"}),
    (svg('<a><set attributeName="href" to="javascript:alert(1)"/></a>'), "svg_external_reference",
     {"target": "href"}),
    (b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg>&b;</svg>', "svg_dtd", {}),
    (b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/svg11.dtd">' + svg("<g/>"), "svg_dtd", {}),
    (b"<svg><g></svg>", "svg_not_xml", {"reason": "mismatched tag: line 1, column 10"}),
    (b"<html><body>Bonjour</body></html>", "svg_not_svg", {"tag": "html"}),
])
def test_svg_rules(data: bytes, code: str, values: dict[str, str]) -> None:
    issue = image_issue(data, ".svg")
    assert issue is not None
    assert (issue.code, dict(issue.values)) == (code, values)
    assert "image 'images/x.svg'" in problem_message(f"image.{code}", src="images/x.svg", **issue.values)


def test_read_image_refuses_missing_and_oversized_files(tmp_path: Path) -> None:
    data, issue = read_image(tmp_path / "absente.png")
    assert data is None and issue is not None and issue.code == "image_damaged"
    big = tmp_path / "grande.png"
    big.write_bytes(bytes(limits.MAX_FILE_BYTES + 1))
    data, issue = read_image(big)
    assert data is None and issue is not None and issue.code == "image_too_large"
    good = tmp_path / "bonne.png"
    good.write_bytes(raster("PNG"))
    assert read_image(good) == (good.read_bytes(), None)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "content" / "01-bases-ia"
    shutil.copytree(VALID, copy)
    return copy


def test_the_linter_reports_a_refused_image_at_each_markdown_line_showing_it(folder: Path) -> None:
    (folder / "images" / "schema.png").write_bytes(b"<html><body>pas une image</body></html>")
    module = load_module(folder)
    expected = problem_message("image.not_image", src="images/schema.png", expected="PNG")
    found = [(Path(p.path).name, p.line, p.message) for p in module.problems]
    assert found == [("01-introduction.md", 13, expected), ("quiz.md", 19, expected)]
    lines = (folder / "01-introduction.md").read_text(encoding="utf-8").split("\n")
    assert lines[12].startswith("![Schéma d'un flux de données](images/schema.png")


def test_an_image_nobody_shows_is_not_opened(folder: Path) -> None:
    (folder / "images" / "brouillon.png").write_bytes(b"not yet an image")
    assert load_module(folder).valid
