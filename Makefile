# CA LMI network dashboard. Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

# Where the published source files already are (no download needed). In this
# project's checkout that is ../shared/geodata when present; elsewhere the app
# downloads them from the Census Bureau and CDE on first use.
ifeq ($(origin LMI_GEODATA_DIR), undefined)
  ifneq ($(wildcard ../shared/geodata),)
    export LMI_GEODATA_DIR := $(abspath ../shared/geodata)
  endif
endif

.PHONY: setup run test test-fast bench lint clean

$(BIN)/lmi-dashboard: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/lmi-dashboard ## create the venv and install the package with test tools

run: setup ## start the app on http://localhost:$(PORT) (downloads boundaries on first use)
	$(BIN)/lmi-dashboard run --server.port $(PORT)

test: setup lint ## lint, architecture contracts, the whole test suite with browser tests (needs chromium)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser"
	$(BIN)/python -m pytest -m browser  # one app and browser at a time

test-fast: setup ## everything but the real-browser tests
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser"

bench: setup ## speed and size figures (prints tables; never fails on a figure)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: setup ## ruff, then the import-linter contracts of pyproject.toml (layers, no cycles)
	$(BIN)/ruff check dashboard geodata loaders tests bench
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
