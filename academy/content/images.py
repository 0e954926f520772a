"""Image files checked for what they claim to be, before the linter accepts them and before a page draws them.

Raster images (PNG, JPEG, GIF, WebP) are opened and fully decoded with Pillow: the format must be the one
the extension names and the pixel count stays under `MAX_IMAGE_PIXELS` (decompression bombs). An SVG
must be UTF-8 XML, parsed with defusedxml (no DTD, no entities), that neither runs code (`<script>`, `on*`
attributes), embeds HTML (`<foreignObject>`) nor refers outside itself (`href` other than `#id`, `url()`
other than `url(#id)`, `@import`). Results are cached by content hash: a page redraws the same images.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import threading
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree
from PIL import Image, UnidentifiedImageError

from academy.content.limits import MAX_FILE_BYTES, MAX_IMAGE_PIXELS, Issue

RASTER_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
SVG_SUFFIX = ".svg"

_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_CACHE_SIZE = 512
_cache: dict[tuple[bytes, str], Issue | None] = {}
_cache_lock = threading.Lock()


def read_image(path: Path) -> tuple[bytes | None, Issue | None]:
    """The bytes of the image file at `path` when they pass `image_issue`, else None and the issue."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, Issue("image_too_large", {"size": size, "limit": MAX_FILE_BYTES})
        data = path.read_bytes()
    except OSError as exc:
        return None, Issue("image_damaged", {"reason": exc.strerror or type(exc).__name__})
    issue = image_issue(data, path.suffix)
    return (None, issue) if issue is not None else (data, None)


def image_issue(data: bytes, suffix: str) -> Issue | None:
    """Why `data`, the content of a file named `*suffix`, is not a safe image of that type; None when it is."""
    key = (hashlib.sha256(data).digest(), suffix.lower())
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    issue = _svg_issue(data) if key[1] == SVG_SUFFIX else _raster_issue(data, RASTER_FORMATS.get(key[1], ""))
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[key] = issue
    return issue


def _raster_issue(data: bytes, expected: str) -> Issue | None:
    formats = tuple(sorted(set(RASTER_FORMATS.values())))
    try:
        with Image.open(io.BytesIO(data), formats=formats) as image:
            if image.format != expected:
                return Issue("image_wrong_format", {"found": image.format, "expected": expected})
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return Issue("image_too_many_pixels", {"width": width, "height": height, "limit": MAX_IMAGE_PIXELS})
            image.verify()  # checksums and structure
        with Image.open(io.BytesIO(data), formats=(expected,)) as image:
            image.load()  # every pixel decodes: a truncated file fails here
    except UnidentifiedImageError:
        return Issue("image_not_image", {"expected": expected or "PNG, JPEG, GIF, WebP"})
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, Image.DecompressionBombError) as exc:
        return Issue("image_damaged", {"reason": _short(str(exc) or type(exc).__name__)})
    return None


def _svg_issue(data: bytes) -> Issue | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Issue("svg_not_utf8")
    try:
        root = defusedxml.ElementTree.fromstring(text, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        return Issue("svg_dtd")
    except ParseError as exc:
        return Issue("svg_not_xml", {"reason": _short(str(exc))})
    if _local(root.tag) != "svg":
        return Issue("svg_not_svg", {"tag": _short(_local(root.tag))})
    for element in root.iter():
        issue = _element_issue(element)
        if issue is not None:
            return issue
    return None


def _element_issue(element: Element) -> Issue | None:
    """The first rule of an SVG element that `element` breaks, or None."""
    name = _local(element.tag).lower()
    if name == "script":
        return Issue("svg_script")
    if name == "foreignobject":
        return Issue("svg_foreign_object")
    if name == "style" and element.text:
        target = _outside_target(element.text)
        if target is not None:
            return Issue("svg_external_reference", {"target": target})
    for attribute, value in element.attrib.items():
        local = _local(attribute).lower()
        if local.startswith("on"):
            return Issue("svg_event_handler", {"name": _short(local)})
        if local == "href" and not value.strip().startswith("#"):
            return Issue("svg_external_reference", {"target": _short(value.strip())})
        if local == "attributename" and value.strip().lower().endswith("href"):
            # <set attributeName="href" to="…">: a link written by an animation
            return Issue("svg_external_reference", {"target": _short(value.strip())})
        target = _outside_target(value)
        if target is not None:
            return Issue("svg_external_reference", {"target": target})
    return None


def _outside_target(css: str) -> str | None:
    """The first `url(…)` of `css` that does not point inside the image (`#id`), or `@import`; else None."""
    if "@import" in css.lower():
        return "@import"
    for match in _URL.finditer(css):
        if not match.group(1).startswith("#"):
            return _short(f"url({match.group(1)})")
    return None


def _local(tag: str) -> str:
    """An XML name without its `{namespace}`."""
    return tag.rsplit("}", 1)[-1]


def _short(text: str) -> str:
    """`text` on one line, at most 60 characters, without backticks (shown inside them)."""
    cleaned = " ".join(text.replace("`", "'").split())
    return cleaned if len(cleaned) <= 60 else cleaned[:57] + "…"
