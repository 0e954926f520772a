"""The Streamlit configuration agrees with what the pages say (upload limits, error details)."""

import tomllib
from pathlib import Path

from academy.content.studio import DEFAULT_LIMITS, MB
from academy.coordination.roster_import import MAX_BYTES

CONFIG = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text("utf-8"))


def test_the_upload_limit_streamlit_shows_is_the_one_the_pages_enforce() -> None:
    limit_mb = CONFIG["server"]["maxUploadSize"]
    assert DEFAULT_LIMITS.archive_bytes == limit_mb * MB
    assert limit_mb * 1_048_576 >= MAX_BYTES


def test_no_stack_trace_reaches_the_browser() -> None:
    assert CONFIG["client"]["showErrorDetails"] == "none"
