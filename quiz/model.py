"""The quiz data model: frozen dataclasses built by `quiz.parser` and read by everything else.

Every collection is a tuple, so a parsed quiz can be cached and shared between threads safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field

QUESTION_TYPES: tuple[str, ...] = ("qru", "qrm", "qroc", "numerique", "ordre", "association", "tcs", "zone")
"""The question types, in the order the format documentation presents them."""

GRADING_POLICIES: tuple[str, ...] = ("highest", "last", "first", "average")
"""Which attempt counts when a learner takes a quiz several times."""

REVIEW_ITEMS: tuple[str, ...] = ("score", "answers", "correct", "feedback", "explanation")
"""What the results screen may show after an attempt (front matter `review`), in display order:
the score and per-question points, the learner's answers, the correct answers, the option feedback,
the explanations."""

PANEL_SOURCES: tuple[str, ...] = ("simule", "experts")
"""Where the panel counts of a quiz's TCS items come from (front matter `panel_source`): `simule`, a panel
simulated by the authors; `experts`, the answers of a real panel of experts. `simulé` is read as `simule`."""


@dataclass(frozen=True)
class Option:
    """One item of a question's answer list.

    `id` is `a`, `b`, `c`… in written order. Per type:

    - qru, qrm: `text` is the option, `correct` marks `- [x]`; `feedback` is the nested blockquote;
      `indispensable` / `inacceptable` (qrm only) come from `{.indispensable}` / `{.inacceptable}`.
    - qroc: `correct` options are accepted answers, the others known wrong answers; a `text` written
      `/…/` is a regular expression.
    - numerique: the single option; `text` is the value as written (`"42,5"`), `value` the number,
      `tolerance` the allowed absolute error.
    - ordre: the items in the correct order; `correct` is True for all.
    - association: a pair has `text` (left side) and `match` (right side), `correct` True; a distractor
      has `text == ""`, a `match`, and `correct` False.
    - tcs: `value` is the int -2…2, `text` the optional label (often ""), `panel` the number of experts
      who chose it; `correct` is True for the answers with the largest panel.
    - zone: a region of the stem's image, in image pixels: `shape` is "rect", "circle" or "poly";
      `coords` the numbers as written (rect x1, y1, x2, y2 with x1 < x2 and y1 < y2; circle cx, cy, r;
      poly x1, y1, x2, y2, … at least three vertices); `correct` marks a zone to point (`- [x]`), the
      others are named wrong regions (feedback and statistics only); `text` is the optional label.
    """

    id: str
    text: str
    correct: bool = False
    feedback: str = ""
    indispensable: bool = False
    inacceptable: bool = False
    tolerance: float = 0.0
    panel: int = 0
    match: str = ""
    line: int = 0
    value: float | int | None = None
    shape: str = ""
    coords: tuple[float, ...] = ()


@dataclass(frozen=True)
class Question:
    """A question: a level-2 heading `## Title {#id .type …}` and what follows it up to the next heading.

    `stem` and `explanation` are Markdown. `points` is a positive float (default 1.0), `objective` the
    1-based index into the module's objectives or None. `case` is the id of the progressive case the
    question belongs to, or None. `hash` is the SHA-256 of the question's own source lines (trailing
    whitespace removed), stored with every response so that editing a quiz never corrupts history.
    `image` and `image_alt` (zone questions) are the path, as written in the stem, and the alt text of
    the image the learner points on.
    """

    id: str
    type: str
    title: str
    stem: str
    points: float = 1.0
    objective: int | None = None
    tags: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()
    explanation: str = ""
    case: str | None = None
    line: int = 0
    unit: str = ""
    partial: bool = False
    hash: str = ""
    image: str = ""
    image_alt: str = ""

    @property
    def zones(self) -> tuple[Option, ...]:
        """Zone questions: the zones to point (the correct options), in written order."""
        return tuple(option for option in self.options if option.correct) if self.type == "zone" else ()

    def option(self, option_id: str) -> Option:
        """The option with this id; KeyError if there is none."""
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    @property
    def match_choices(self) -> tuple[str, ...]:
        """Association: the distinct right-hand texts (pairs and distractors), in written order."""
        seen: dict[str, None] = {}
        for option in self.options:
            if option.match:
                seen.setdefault(option.match, None)
        return tuple(seen)


@dataclass(frozen=True)
class Case:
    """A progressive clinical case: `# Title {#id .dp}`, its vignette (Markdown) and its questions."""

    id: str
    title: str
    vignette: str
    line: int
    question_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuizSettings:
    """The quiz front matter, typed. `pass_mark` None means "use the module's pass mark".

    `review` lists what learners see after an attempt (items of REVIEW_ITEMS, in that order).
    `panel_source` says where the TCS panel counts come from (one of PANEL_SOURCES), None when the front
    matter does not say (unknown provenance).
    """

    pass_mark: float | None = None
    max_attempts: int = 0
    grading: str = "highest"
    shuffle: bool = False
    draw: int = 0
    time_limit_minutes: float = 0.0
    certainty: bool = False
    pretest: bool = False
    review: tuple[str, ...] = REVIEW_ITEMS
    panel_source: str | None = None


@dataclass(frozen=True)
class Quiz:
    """A parsed quiz file. `hash` is the SHA-256 (hex) of the file text as given to the parser."""

    settings: QuizSettings = field(default_factory=QuizSettings)
    questions: tuple[Question, ...] = ()
    cases: tuple[Case, ...] = ()
    source: str = ""
    hash: str = ""

    def question(self, question_id: str) -> Question:
        """The question with this id; KeyError if there is none."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def case(self, case_id: str) -> Case:
        """The case with this id; KeyError if there is none."""
        for case in self.cases:
            if case.id == case_id:
                return case
        raise KeyError(case_id)

    def draw_units(self) -> tuple[tuple[Question, ...], ...]:
        """The units `draw` picks from, in file order: each question outside cases alone, each case whole."""
        units: list[tuple[Question, ...]] = []
        seen_cases: set[str] = set()
        for question in self.questions:
            if question.case is None:
                units.append((question,))
            elif question.case not in seen_cases:
                seen_cases.add(question.case)
                units.append(tuple(q for q in self.questions if q.case == question.case))
        return tuple(units)
