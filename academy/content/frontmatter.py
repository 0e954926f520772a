"""YAML front matter: split it from a Markdown file and remember the line of every key.

A front matter is a block at the very top of a file, between a line `---` and a line `---` (or `...`).
Errors never raise: they are returned as `(line, message)` pairs with 1-based file lines, so that the
catalog can report them with the rest of the file's problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_OPEN = re.compile(r"---[ \t]*")
_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: several times faster


@dataclass(frozen=True)
class FrontMatter:
    """A parsed front matter and the Markdown body that follows it."""

    present: bool  # the file starts with a `---` block
    data: dict[str, Any]  # the keys and values ({} when absent or broken)
    key_lines: dict[str, int]  # 1-based file line of each top-level key
    item_lines: dict[str, tuple[int, ...]]  # for list values: 1-based file line of each item
    body: str  # the Markdown after the front matter
    body_line: int  # 1-based file line where `body` starts
    errors: tuple[tuple[int, str], ...] = field(default=())  # (line, message) pairs


def parse_front_matter(text: str) -> FrontMatter:
    """Split `text` into its front matter and body; report YAML errors with their file line."""
    lines = text.split("\n")
    if not lines or not _OPEN.fullmatch(lines[0]):
        return FrontMatter(False, {}, {}, {}, text, 1)
    close = next((i for i in range(1, len(lines)) if _CLOSE.fullmatch(lines[i])), None)
    if close is None:
        error = (1, "the front matter is not closed: add a line `---` after its last key")
        return FrontMatter(True, {}, {}, {}, "", len(lines), (error,))
    yaml_text = "\n".join(lines[1:close])
    body = "\n".join(lines[close + 1 :])
    body_line = close + 2
    try:
        data, key_lines, item_lines, errors = _load_mapping(yaml_text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 1
        problem = exc.problem or exc.context or "syntax error"
        message = (
            f"invalid YAML in the front matter: {problem}; check the indentation and put values "
            "containing ': ' or starting with a special character (such as [ { * & ! | > ' \" % @) "
            "between quotes"
        )
        return FrontMatter(True, {}, {}, {}, body, body_line, ((line, message),))
    except yaml.YAMLError as exc:
        return FrontMatter(
            True, {}, {}, {}, body, body_line, ((1, f"invalid YAML in the front matter: {exc}"),)
        )
    return FrontMatter(True, data, key_lines, item_lines, body, body_line, tuple(errors))


def _load_mapping(
    yaml_text: str,
) -> tuple[dict[str, Any], dict[str, int], dict[str, tuple[int, ...]], list[tuple[int, str]]]:
    """Load a YAML mapping and record where its keys and list items are (file lines)."""
    loader = _LOADER(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, {}, []
        if not isinstance(node, yaml.MappingNode):
            line = node.start_mark.line + 2
            return {}, {}, {}, [(line, "the front matter must be a list of `key: value` lines")]
        data: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        item_lines: dict[str, tuple[int, ...]] = {}
        errors: list[tuple[int, str]] = []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 2
            if not isinstance(key_node, yaml.ScalarNode):
                errors.append((line, "a front matter key must be a plain name such as `title`"))
                continue
            key = str(key_node.value)
            if key in key_lines:
                errors.append(
                    (line, f"duplicate key `{key}` (first on line {key_lines[key]}): keep only one")
                )
                continue
            key_lines[key] = line
            if isinstance(value_node, yaml.SequenceNode):
                item_lines[key] = tuple(item.start_mark.line + 2 for item in value_node.value)
            try:
                data[key] = loader.construct_object(value_node, deep=True)
            except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date such as 2025-02-30
                value_line = value_node.start_mark.line + 2
                errors.append((value_line, f"invalid value for `{key}` ({exc}): correct it or quote it"))
    finally:
        loader.dispose()
    return data, key_lines, item_lines, errors
