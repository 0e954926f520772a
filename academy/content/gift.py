"""Exports for trainers: a module's quiz as Moodle GIFT, and its items as CSV.

GIFT (Moodle's question import format) can express four of the seven question types. Every answer carries
an explicit weight, so that no answer text can ever be read as one (an option `%50% des cas` stays text):

- `qru` → multiple choice with one answer: `{=right ~%0%wrong}`. The right answer keeps the bare `=`: it is
  what makes Moodle import a single-answer question, and Moodle reads no weight after `=` in a multiple
  choice (`=%100%x` would import as the text « %100%x »); the `=` is its 100 %;
- `qrm` → multiple choice with several answers: every right option `~%w%` with w = 100 / (number of right
  options), every wrong one `~%-w%` with w = 100 / (number of wrong options), so the right weights add up
  to 100. The weights come from Moodle's list of grades (100, 50, 33.33333, 25, 20, 16.66667, 14.28571,
  12.5, 11.11111, 10), so a question with more than ten right or ten wrong options is skipped. Moodle grades
  these weights, not EDN discordances: `{.indispensable}` / `{.inacceptable}` cannot be carried;
- `qroc` → short answer `{=%100%a =%100%b}`; known wrong answers become 0 % answers so that their feedback
  survives (`=%0%wrong#feedback`). A `/regex/` answer has no GIFT form: the question is skipped. Moodle
  compares case-insensitively but, unlike this platform, not accent- or punctuation-insensitively;
- `numerique` → numerical `{#=%100%value:tolerance}`, numbers in plain decimal (never `1e-05`, which
  gift-pegjs cannot read); the unit is appended to the question text;
- `association` → matching `{=left -> right}`; a right-hand distractor is an entry with a blank question
  (`= -> Facturation`), as Moodle's matching type takes extra wrong answers. Moodle needs at least two
  pairs and three answers, so smaller questions are skipped. `->` is GIFT's matching separator and cannot
  be escaped: a left-hand side (or a `qroc` answer or feedback) holding it is skipped too.

`ordre` and `tcs` have no GIFT equivalent and are skipped; so is a question holding an image (a GIFT file
carries text only) and a question of any other type (e.g. a later `.zone`). Every skipped question comes
back with a reason code (`SKIP_REASONS`) and is named in a `//` comment at the top of the file.

Texts are Markdown (`[markdown]`, which Moodle renders); GIFT's special characters `~ = # { } :` and the
backslash are escaped, line breaks written `\\n`. GIFT has no escape for a leading `[` (both Moodle and
gift-pegjs read `[html]`, `[plain]`… there as a format tag): a text that starts with `[` is written after an
explicit `[markdown]` tag, which both parsers take as the format and strip, keeping the rest as text; so is a
right `qru` answer that starts with `%` (gift-pegjs would read a weight there). Option feedback follows `#`,
the explanation `####`. The question is named `title [id]`; points and objectives are not part of GIFT, so
each question is preceded by a `//` comment giving its id, points and objective. A question of a
progressive case carries the case's title and vignette before its stem.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from academy.content.catalog import Module
from academy.i18n import t
from quiz import Question, Quiz
from quiz.grading import correct_answer_text, is_regex_answer

SKIP_REASONS = ("ordre", "tcs", "zone", "regex", "few_pairs", "arrow", "image", "too_many_options", "unknown_type")
"""Why a question is skipped; the interface text of each is `studio.gift_skip.<reason>`."""

GIFT_TYPES = ("qru", "qrm", "qroc", "numerique", "association")
"""The question types GIFT can carry (the others are skipped)."""

ITEM_COLUMNS = ("id", "type", "points", "objective", "objective_text", "title", "correct_answer", "tags")

_MOODLE_WEIGHTS = {1: "100", 2: "50", 3: "33.33333", 4: "25", 5: "20", 6: "16.66667", 7: "14.28571",
                   8: "12.5", 9: "11.11111", 10: "10"}
_MATCHING_MIN_PAIRS, _MATCHING_MIN_ANSWERS = 2, 3  # Moodle's matching question refuses fewer
_GIFT_SPECIAL = re.compile(r"([~=#{}:])")
_IMAGE = re.compile(r"!\[")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMAT_TAG = "[markdown]"


def to_gift(quiz: Quiz, module: Module) -> tuple[str, list[tuple[str, str]]]:
    """The quiz as GIFT text, and the `(question id, reason code)` of every question left out."""
    cases = {case.id: case for case in quiz.cases}
    blocks: list[str] = []
    skipped: list[tuple[str, str]] = []
    comments: list[str] = []
    for question in quiz.questions:
        case = cases.get(question.case) if question.case else None
        stem = question.stem.strip()
        if case is not None:
            stem = "\n\n".join(part for part in (f"**{case.title}**", case.vignette.strip(), stem) if part)
        reason = _skip_reason(question, stem)
        if reason is not None:
            skipped.append((question.id, reason))
            comments.append(f"// Skipped {_one_line(question.id)} ({_one_line(question.type)}): "
                            f"{t(f'studio.gift_skip.{reason}', 'en')}")
            continue
        blocks.append(_question_block(question, stem, module))
    header = [f"// {_one_line(module.title)} ({module.id})", "// GIFT export of the quiz: Académie IA Santé."]
    header += comments
    return "\n".join(header) + "\n\n" + "\n\n".join(blocks) + ("\n" if blocks else ""), skipped


def gift_file(module: Module) -> tuple[bytes, list[tuple[str, str]]]:
    """The GIFT file of a module's quiz as downloaded from the Studio and written by `academy gift`: UTF-8
    text, and the skipped questions. A module without a quiz has no GIFT file (ValueError)."""
    if module.quiz is None:
        raise ValueError(f"module {module.id} has no quiz")
    text, skipped = to_gift(module.quiz, module)
    return text.encode("utf-8"), skipped


def gift_file_name(module: Module) -> str:
    """The download's file name, e.g. ``fondamentaux-ia-sante.gift.txt`` (Moodle imports ``.txt``)."""
    return f"{module.id}.gift.txt"


def quiz_items_csv(module: Module) -> str:
    """One CSV row per question: id, type, points, objective (number and text), title, correct answer, tags.

    Cells a spreadsheet would read as a formula (starting with = + - @, tab or CR) get a leading quote.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ITEM_COLUMNS)
    questions = module.quiz.questions if module.quiz is not None else ()
    for question in questions:
        number = question.objective
        objective = module.objectives[number - 1] if number and 1 <= number <= len(module.objectives) else ""
        row = (question.id, question.type, format_number(question.points), "" if number is None else str(number),
               objective, question.title, correct_answer_text(question), ",".join(question.tags))
        writer.writerow([_safe_cell(cell) for cell in row])
    return out.getvalue()


def _skip_reason(question: Question, stem: str) -> str | None:
    kind = question.type
    if kind in ("ordre", "tcs", "zone"):
        return kind
    if kind not in GIFT_TYPES:
        return "unknown_type"
    texts = [stem, question.explanation, *(o.text for o in question.options), *(o.feedback for o in question.options),
             *(o.match for o in question.options)]
    if any(_IMAGE.search(text) for text in texts):
        return "image"
    if kind == "qroc" and any(is_regex_answer(o.text) for o in question.options):
        return "regex"
    if kind == "qroc" and any("->" in o.text + o.feedback for o in question.options):
        return "arrow"  # Moodle would read the question as matching
    if kind == "qrm":
        right = sum(1 for o in question.options if o.correct)
        if max(right, len(question.options) - right) > len(_MOODLE_WEIGHTS):
            return "too_many_options"
    if kind == "association":
        pairs = [o for o in question.options if o.text]
        answers = [o for o in question.options if o.match.strip()]
        if len(pairs) < _MATCHING_MIN_PAIRS or len(answers) < _MATCHING_MIN_ANSWERS:
            return "few_pairs"
        if any("->" in o.text for o in pairs):
            return "arrow"
    return None


def _question_block(question: Question, stem: str, module: Module) -> str:
    objective = "" if question.objective is None else f"  objective: {question.objective}"
    tags = f"  tags: {', '.join(question.tags)}" if question.tags else ""
    comment = _one_line(f"// question: {question.id}  points: {format_number(question.points)}{objective}{tags}")
    if question.type == "numerique" and question.unit:
        stem += "\n\n" + t("studio.gift_unit", module.language, unit=question.unit)
    name = f"::{_escape(question.title)} [{_escape(question.id)}]::"
    lines = [f"{comment}\n{name}{_FORMAT_TAG}{_escape(stem)}{{"]
    lines += [f"\t{answer}" for answer in _answers(question)]
    if question.explanation.strip():
        lines.append(f"\t####{_text(question.explanation)}")
    lines.append("}")
    return "\n".join(lines)


def _answers(question: Question) -> list[str]:
    options = question.options
    if question.type == "qru":
        return [("=" + _text(o.text, percent=True) if o.correct else "~%0%" + _text(o.text)) + _feedback(o.feedback)
                for o in options]
    if question.type == "qrm":
        right = sum(1 for o in options if o.correct)
        wrong = len(options) - right
        return [
            (f"~%{_MOODLE_WEIGHTS[right]}%" if o.correct else f"~%-{_MOODLE_WEIGHTS[wrong]}%")
            + _text(o.text) + _feedback(o.feedback)
            for o in options
        ]
    if question.type == "qroc":
        return [("=%100%" if o.correct else "=%0%") + _text(o.text).replace("*", "\\*") + _feedback(o.feedback)
                for o in options]
    if question.type == "numerique":
        answers = [f"=%100%{format_number(o.value)}:{format_number(o.tolerance)}{_feedback(o.feedback)}"
                   for o in options]
        return ["#" + answers[0], *answers[1:]]  # `{#` opens a numerical answer list
    # association: pairs, then distractors as entries with a blank question (Moodle's extra wrong answers)
    return [f"={_text(o.text)} -> {_escape(o.match.strip())}" if o.text else f"= -> {_escape(o.match.strip())}"
            for o in sorted(options, key=lambda o: not o.text)]


def _feedback(text: str) -> str:
    return f"#{_text(text)}" if text.strip() else ""


def _text(text: str, *, percent: bool = False) -> str:
    """An answer, feedback or explanation: escaped, and after an explicit format tag when it starts with `[`
    (or with `%` where a weight could be read: ``percent``), which GIFT parsers would take as a format tag."""
    escaped = _escape(text.strip())
    if escaped.startswith("[") or (percent and escaped.startswith("%")):
        return _FORMAT_TAG + escaped
    return escaped


def _escape(text: str) -> str:
    """GIFT text: backslash and `~ = # { } :` escaped, line breaks as `\\n`, carriage returns dropped."""
    escaped = _GIFT_SPECIAL.sub(r"\\\1", text.replace("\r", "").replace("\\", "\\\\"))
    return escaped.replace("\n", "\\n")


def _one_line(text: str) -> str:
    """Text for a `//` comment, which ends at the line's end."""
    return re.sub(r"\s*[\r\n]+\s*", " ", text)


def format_number(value: float | int | None) -> str:
    """A number in plain decimal, as GIFT and the CSV write it: no useless `.0` (2.0 → "2", 0.5 → "0.5") and
    never an exponent (1e-05 → "0.00001"), which GIFT parsers cannot read."""
    number = float(value or 0)
    if number.is_integer():
        return str(int(number))
    return format(Decimal(repr(number)), "f")


def _safe_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value
