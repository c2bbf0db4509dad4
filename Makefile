# The two commands a fresh machine needs:
#   make sample   builds the sample appendix, every format, into output/
#   make test     runs the test suite
# Each installs what it needs first (Debian packages, a virtualenv, the browser-test tools).

# The interpreter the virtualenv is made from: Debian's python3, which runs reportgen about 15%
# faster than the pyenv build first on PATH here (see scripts/pick-python). PYTHON=... overrides.
PYTHON ?= $(shell scripts/pick-python)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell { cat pyproject.toml; echo '$(PYTHON)'; } | cksum | cut -d' ' -f1)
NODE_STAMP := tests/a11y/node_modules/.installed

.PHONY: sample test system-build system-test bytecode

sample: system-build $(STAMP) bytecode
	$(BIN)/reportgen build samples/q1-2018-19.yaml samples/q3-2021-22.yaml samples/small.yaml samples/*.json -o output/
	$(BIN)/reportgen build samples/q2-2018-19.yaml --previous samples/q1-2018-19.yaml -o output/

test: system-test $(STAMP) $(NODE_STAMP) bytecode
	$(BIN)/pytest

system-build:
	@scripts/ensure-system build

system-test:
	@scripts/ensure-system test

$(STAMP): pyproject.toml
	scripts/make-venv $(VENV) $(PYTHON)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
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
