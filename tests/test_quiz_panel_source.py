"""The `panel_source` front-matter key: where the panel counts of a quiz's TCS items come from."""

from __future__ import annotations

import unicodedata

import pytest

import quiz

TCS = """## Nouvelle information {#tcs-1 .tcs}

Vous envisagez l'hypothèse X. Vous apprenez Y. L'hypothèse devient :

- -2 {panel=0}
- -1 {panel=1}
- 0 {panel=6}
- +1 {panel=3}
- +2 {panel=0}
"""


def settings_of(front_matter: str) -> quiz.QuizSettings:
    return quiz.parse(f"---\n{front_matter}\n---\n\n{TCS}").settings


def errors_of(front_matter: str) -> list[tuple[int, str]]:
    with pytest.raises(quiz.QuizFormatError) as caught:
        quiz.parse(f"---\npass_mark: 0.6\n{front_matter}\n---\n\n{TCS}", source="quiz.md")
    return [(issue.line, issue.message) for issue in caught.value.errors]


def test_provenance_is_unknown_when_the_front_matter_does_not_say() -> None:
    assert quiz.PANEL_SOURCES == ("simule", "experts")
    assert quiz.parse(TCS).settings.panel_source is None
    assert settings_of("pretest: true").panel_source is None
    assert quiz.QuizSettings().panel_source is None


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("simule", "simule"),
        ("simulé", "simule"),
        ('"simulé"', "simule"),
        (unicodedata.normalize("NFD", "simulé"), "simule"),  # é typed as e + combining accent
        ("experts", "experts"),
        ("'experts'", "experts"),
    ],
)
def test_panel_source_is_read_as_one_canonical_value(written: str, read: str) -> None:
    settings = settings_of(f"panel_source: {written}")
    assert settings.panel_source == read
    assert settings == quiz.QuizSettings(panel_source=read)


def test_panel_source_sits_with_the_other_settings() -> None:
    settings = settings_of("pretest: true\nshuffle: true\npanel_source: simulé\nmax_attempts: 3")
    assert settings == quiz.QuizSettings(pretest=True, shuffle=True, max_attempts=3, panel_source="simule")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("Experts", '"Experts"'),
        ("simulated", '"simulated"'),
        ("simulés", '"simulés"'),
        ("expert", '"expert"'),
        ('""', '""'),
        ("", "null"),
        ("true", "true"),
        ("15", "15"),
        ("[simule, experts]", "[…]"),
        ("{simule: 1}", "{…}"),
    ],
)
def test_any_other_value_is_an_error_on_its_line(value: str, shown: str) -> None:
    assert errors_of(f"panel_source: {value}") == [
        (3, "panel_source must be `simule` (or `simulé`: a panel simulated by the authors) or `experts` "
            f"(counts collected from real experts), not {shown}"),
    ]


def test_the_error_line_follows_the_key() -> None:
    (line, message) = errors_of("pretest: true\nshuffle: false\n\npanel_source: panel")[0]
    assert line == 6 and message.startswith("panel_source must be")


def test_a_misspelt_key_is_reported_with_the_allowed_keys() -> None:
    [(line, message)] = errors_of("panel_sources: simule")
    assert line == 3
    assert message.startswith("unknown front matter key `panel_sources`") and "panel_source" in message


def test_every_error_is_reported_at_once() -> None:
    errors = errors_of("panel_source: jury\ngrading: best")
    assert [line for line, _ in errors] == [3, 4]


def test_a_quiz_without_tcs_may_declare_a_source() -> None:
    qru = "---\npanel_source: experts\n---\n\n## Q {#q1 .qru}\n\n- [x] A\n- [ ] B\n"
    assert quiz.parse(qru).settings.panel_source == "experts"
