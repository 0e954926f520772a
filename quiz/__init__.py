"""The quiz engine: a pure-Python model, Markdown parser and grader for EDN-style quizzes.

No Streamlit, no database: `academy` builds on it. The file format is docs/quiz-format.md.

    qz = quiz.load("content/01-intro/quiz.md")
    fraction = quiz.grade(qz.question("def-ml"), "b")
"""

from quiz.grading import (
    certainty_mark,
    correct_answer_text,
    feedback_for,
    grade,
    normalize_text,
    parse_number,
    point_in_zone,
    response_problem,
    zone_of_point,
    zone_points,
)
from quiz.model import GRADING_POLICIES, PANEL_SOURCES, QUESTION_TYPES, Case, Option, Question, Quiz, QuizSettings
from quiz.parser import Issue, QuizFormatError, load, parse

__all__ = [
    "GRADING_POLICIES",
    "PANEL_SOURCES",
    "QUESTION_TYPES",
    "Case",
    "Issue",
    "Option",
    "Question",
    "Quiz",
    "QuizFormatError",
    "QuizSettings",
    "certainty_mark",
    "correct_answer_text",
    "feedback_for",
    "grade",
    "load",
    "normalize_text",
    "parse",
    "parse_number",
    "point_in_zone",
    "response_problem",
    "zone_of_point",
    "zone_points",
]
