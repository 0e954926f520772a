#!/bin/sh
# Container entry point: apply the migrations, then run the command (the app by default).
set -eu
python -m academy db upgrade
exec "$@"
