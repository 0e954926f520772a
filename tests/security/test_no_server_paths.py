"""Attack surface: server internals on screen. The Studio shows files from their module folder."""

from pathlib import Path

from academy.content.studio import without_server_paths


def test_paths_under_the_content_folder_are_shown_from_it(tmp_path: Path) -> None:
    root = tmp_path / "srv" / "content"
    root.mkdir(parents=True)
    line = f"{root.resolve()}/03-prevention-depistage/quiz.md:12: unknown type .qrx"
    assert without_server_paths(line, root) == "03-prevention-depistage/quiz.md:12: unknown type .qrx"


def test_an_upload_checked_in_a_temporary_folder_shows_only_the_module_folder(tmp_path: Path) -> None:
    line = "/tmp/tmpa1b2c3/unpacked/14-nouveau-module/lessons/01-intro.md:3: image without alt text"
    assert without_server_paths(line, tmp_path) == "14-nouveau-module/lessons/01-intro.md:3: image without alt text"
    assert without_server_paths("/var/lib/x/quiz.md:1: too big", tmp_path) == "quiz.md:1: too big"


def test_relative_lines_and_plain_messages_are_left_alone(tmp_path: Path) -> None:
    assert without_server_paths("03-x/quiz.md:4: bad", tmp_path) == "03-x/quiz.md:4: bad"
    assert without_server_paths("no colon here", tmp_path) == "no colon here"
