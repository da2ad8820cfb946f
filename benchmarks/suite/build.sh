#!/bin/sh
# Build the public-program suite: generate the large inputs, then `agent suite
# build` (with its undefined-behaviour screening) into benchmarks/suite/built.
#     sh benchmarks/suite/build.sh            (JOBS=1 to use one core)
set -e
cd "$(dirname "$0")/../.."
.venv/bin/python benchmarks/suite/inputs.py
rm -rf benchmarks/suite/built
exec .venv/bin/python -m agent suite build benchmarks/suite/programs \
    --out benchmarks/suite/built --jobs "${JOBS:-2}"
