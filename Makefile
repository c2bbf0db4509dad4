# The two commands a fresh machine needs:
#   make sample   builds the sample appendix, every format, into output/
#   make test     runs the test suite
# Each installs what it needs first (Debian packages, a virtualenv, the browser-test tools).

# The interpreter the virtualenv is made from: Debian's python3, which runs reportgen about 15%
# faster than the pyenv build first on PATH here (see scripts/pick-python). PYTHON=... overrides.
PYTHON ?= $(shell scripts/pick-python)
VENV   := .venv
BIN    := $(VENV)/bin
# The venv is installed again when the ranges, the exact versions or the interpreter change.
STAMP  := $(VENV)/.installed-$(shell { cat pyproject.toml constraints.txt; echo '$(PYTHON)'; } | cksum | cut -d' ' -f1)
NODE_STAMP := tests/a11y/node_modules/.installed

.PHONY: sample test lint system-build system-test bytecode

sample: system-build $(STAMP) bytecode
	$(BIN)/reportgen build samples/q1-2018-19.yaml samples/q3-2021-22.yaml samples/small.yaml samples/*.json -o output/
	$(BIN)/reportgen build samples/q2-2018-19.yaml --previous samples/q1-2018-19.yaml \
		--previous samples/history/q4-2017-18.yaml -o output/
	$(BIN)/reportgen build samples/q3-2021-22.yaml --part b -o output/
	$(BIN)/reportgen build samples/q2-2018-19.yaml --previous samples/q1-2018-19.yaml --pack summary -o output/
	$(BIN)/reportgen build samples/q2-2018-19.yaml --previous samples/q1-2018-19.yaml \
		--previous samples/history/q4-2017-18.yaml --pack deep-dive --ids CR3 -o output/

test: system-test $(STAMP) $(NODE_STAMP) bytecode lint
	$(BIN)/pytest

# Static checks, run by `make test` before the tests (mypy: on src/, as pyproject.toml says).
lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

system-build:
	@scripts/ensure-system build

system-test:
	@scripts/ensure-system test

# pyproject.toml holds compatible ranges; constraints.txt the exact versions installed
# (scripts/freeze-constraints writes it from a venv).
$(STAMP): pyproject.toml constraints.txt
	scripts/make-venv $(VENV) $(PYTHON)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

# Byte-compile reportgen's own modules, as `pip install` does for an installed package: the
# editable install leaves that to Python, which does not write .pyc files where
# PYTHONDONTWRITEBYTECODE is set, and then compiles every module on every run (~50 ms a build).
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q src

$(NODE_STAMP): tests/a11y/package.json tests/a11y/package-lock.json
	cd tests/a11y && npm ci --no-audit --no-fund --loglevel=error
	touch $@
