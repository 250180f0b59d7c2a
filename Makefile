# Two commands on a fresh machine: `make run` and `make test`.
# Both create .venv and install the bot and its sandbox (sandbox/, editable) into it; `make test` also starts a
# throwaway redis-server when nothing answers on REDIS_URL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint types unit bench clean browser screenshot redis-server

$(STAMP): pyproject.toml sandbox/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]" -e ./sandbox
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python scripts/redis_up.py
	$(BIN)/python -m bot

# The suite starts a redis-server of its own on a free port (tests/conftest.py): no Redis of
# yours is read or flushed, and two runs can share a machine.
test: $(STAMP) lint types browser redis-server
	$(BIN)/python -m pytest

# The README's screenshots, taken by the browser test on purpose (make test leaves docs/ alone).
screenshot: $(STAMP) browser redis-server
	MEETBOT_SCREENSHOT=$(CURDIR)/docs/sandbox.png $(BIN)/python -m pytest tests/test_sandbox_browser.py -k meetings
	MEETBOT_NOTES_SCREENSHOT=$(CURDIR)/docs/notes-thread.png $(BIN)/python -m pytest tests/test_notes_browser.py

redis-server:
	command -v redis-server >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server)

# The sandbox's browser test drives Debian's chromium (never a downloaded browser); installing
# it needs root, so a developer without root runs the rest and that one test skips.
browser:
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver fonts-noto-color-emoji) || echo "chromium not installed: the browser test will skip"

lint: $(STAMP)
	$(BIN)/ruff check bot sandbox tests bench scripts
	$(BIN)/ruff format --check bot sandbox tests bench scripts

types: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e ".[bench]"
	$(BIN)/python scripts/redis_up.py
	$(BIN)/python bench/meetings_create.py
	$(BIN)/python bench/daily_create.py
	$(BIN)/python bench/ack.py
	$(BIN)/python bench/callbacks.py
	$(BIN)/python bench/faults.py kills
	$(BIN)/python bench/faults.py redis
	$(BIN)/python bench/faults.py upstream
	$(BIN)/python bench/fuzz.py
	$(BIN)/python bench/standups.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
