"""Start Ralph's LRS (`ralph-malph[lrs]`) with its file-system backend on loopback: `python tests/ralph_lrs.py PORT`.

Run by tests/test_lrs.py with the Python of a separate virtual environment (`make ralph`, `.venv-ralph/`): Ralph's
LRS pins FastAPI 0.114, which needs a Starlette older than the one Streamlit 1.67 needs, so it cannot share the
project's environment. Settings come from the environment (RALPH_RUNSERVER_BACKEND=fs, RALPH_AUTH_FILE,
RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH), as for `ralph runserver`.

One change to Ralph, and only this one: its file-system data backend writes with the CREATE operation by default,
which refuses to write to a file that exists, so Ralph 5.1.0's fs LRS stores the first POST and answers 500 to
every later one. The LRS backend is told to APPEND instead (what the file-system backend does for
`operation_type=APPEND`); validation, de-duplication by id, conflicts (409) and queries are Ralph's own code.
"""

from __future__ import annotations

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
