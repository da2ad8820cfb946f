#!/bin/sh
# Build the fresh held-out set: generate the large inputs, then `agent suite
# build` (with its undefined-behaviour screening) into benchmarks/fresh/built.
#     sh benchmarks/fresh/build.sh            (JOBS=2 to use two cores)
set -e
cd "$(dirname "$0")/../.."
.venv/bin/python benchmarks/fresh/inputs.py
rm -rf benchmarks/fresh/built
exec .venv/bin/python -m agent suite build benchmarks/fresh/programs \
    --out benchmarks/fresh/built --jobs "${JOBS:-1}"
