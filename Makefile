# Two commands on a fresh machine: `make run` (set up, provision the model, build the index, open
# the chat) and `make test` (the whole test suite, unit and integration).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run test bench

$(BIN)/briefing-bot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/briefing-bot

run: setup
	$(BIN)/briefing-bot models fetch default
	$(BIN)/python app.py

test: setup
	$(BIN)/briefing-bot check
	$(BIN)/briefing-bot models fetch fast
	$(BIN)/briefing-bot models fetch default
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/briefing-bot models fetch fast
	$(BIN)/briefing-bot models fetch default
	$(BIN)/python bench/compare.py
