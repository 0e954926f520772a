"""YAML front matter: split it from a Markdown file and remember the line of every key.

A front matter is a block at the very top of a file, between a line `---` and a line `---` (or `...`).
Errors never raise: they are returned as `(line, (code, values))` pairs with 1-based file lines and a
problem code of `academy/locales/problems.toml`, so that the catalog can report them with the rest of the
file's problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_OPEN = re.compile(r"---[ \t]*")
_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: several times faster

Message = tuple[str, dict[str, Any]]  # a problem's code and values


def yaml_error_line(exc: yaml.MarkedYAMLError, text: str) -> int:
    """The 1-based line of `text` where the YAML error's fault is.

    YAML reports where it noticed the fault (`problem_mark`). When that is the end of the text, or the error
    is about a quote or bracket (a flow collection), the fault is a construct left open, e.g. a quote never
    closed: it is where that construct began (`context_mark`). Otherwise the context is only the enclosing
    mapping, and the problem mark is the line to fix.
    """
    problem, context = exc.problem_mark, exc.context_mark
    at_end = problem is not None and not text[problem.index:].strip()
    left_open = any(word in (exc.context or "") for word in ("quoted", "flow"))
    mark = context if context is not None and (problem is None or at_end or left_open) else problem
    return mark.line + 1 if mark is not None else 1


@dataclass(frozen=True)
class FrontMatter:
    """A parsed front matter and the Markdown body that follows it."""

    present: bool  # the file starts with a `---` block
    data: dict[str, Any]  # the keys and values ({} when absent or broken)
    key_lines: dict[str, int]  # 1-based file line of each top-level key
    item_lines: dict[str, tuple[int, ...]]  # for list values: 1-based file line of each item
    body: str  # the Markdown after the front matter
    body_line: int  # 1-based file line where `body` starts
    errors: tuple[tuple[int, Message], ...] = field(default=())  # (line, (code, values)) pairs


def parse_front_matter(text: str) -> FrontMatter:
    """Split `text` into its front matter and body; report YAML errors with their file line."""
    lines = text.split("\n")
    if not lines or not _OPEN.fullmatch(lines[0]):
        return FrontMatter(False, {}, {}, {}, text, 1)
    close = next((i for i in range(1, len(lines)) if _CLOSE.fullmatch(lines[i])), None)
    if close is None:
        error = (1, ("front_matter.not_closed", {}))
        return FrontMatter(True, {}, {}, {}, "", len(lines), (error,))
    yaml_text = "\n".join(lines[1:close])
    body = "\n".join(lines[close + 1 :])
    body_line = close + 2
    try:
        data, key_lines, item_lines, errors = _load_mapping(yaml_text)
    except yaml.MarkedYAMLError as exc:
        line = yaml_error_line(exc, yaml_text) + 1  # the front matter starts on the file's line 2
        error = (line, ("front_matter.invalid_yaml", {"detail": exc.problem or exc.context or "syntax error"}))
        return FrontMatter(True, {}, {}, {}, body, body_line, (error,))
    except yaml.YAMLError as exc:
        error = (1, ("front_matter.invalid_yaml", {"detail": str(exc)}))
        return FrontMatter(True, {}, {}, {}, body, body_line, (error,))
    return FrontMatter(True, data, key_lines, item_lines, body, body_line, tuple(errors))


def _load_mapping(
    yaml_text: str,
) -> tuple[dict[str, Any], dict[str, int], dict[str, tuple[int, ...]], list[tuple[int, Message]]]:
    """Load a YAML mapping and record where its keys and list items are (file lines)."""
    loader = _LOADER(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}, {}, []
        if not isinstance(node, yaml.MappingNode):
            line = node.start_mark.line + 2
            return {}, {}, {}, [(line, ("front_matter.not_a_mapping", {}))]
        data: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        item_lines: dict[str, tuple[int, ...]] = {}
        errors: list[tuple[int, Message]] = []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 2
            if not isinstance(key_node, yaml.ScalarNode):
                errors.append((line, ("front_matter.key_not_a_name", {})))
                continue
            key = str(key_node.value)
            if key in key_lines:
                errors.append((line, ("front_matter.duplicate_key", {"key": key, "first": key_lines[key]})))
                continue
            key_lines[key] = line
            if isinstance(value_node, yaml.SequenceNode):
                item_lines[key] = tuple(item.start_mark.line + 2 for item in value_node.value)
            try:
                data[key] = loader.construct_object(value_node, deep=True)
            except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date such as 2025-02-30
                value_line = value_node.start_mark.line + 2
                errors.append((value_line, ("front_matter.invalid_value", {"key": key, "detail": str(exc)})))
    finally:
        loader.dispose()
    return data, key_lines, item_lines, errors
