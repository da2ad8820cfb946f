# Two entry points (see README): `make demo` and `make test`.
# Both set up everything they need: Debian packages, the virtualenv, the runner.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEB_PACKAGES := gcc clang llvm binutils linux-perf bubblewrap valgrind util-linux tmux
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup system venv demo test lint clean

setup: system venv

system:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev,ray,plot,prove]"
	$(BIN)/python -c "from tools.sandbox import runner_binary; runner_binary()"
	touch $@

# The main job, offline: the built-in optimizer against gcc -O3 on an example.
demo: setup
	$(BIN)/agent run examples/read_ints/prog.s

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q --durations=10

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
