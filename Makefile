# Two commands on a fresh machine: `make run` and `make test`.
# Both create .venv and install the bot and its sandbox (sandbox/, editable) into it; `make test` also starts a
# throwaway redis-server when nothing answers on REDIS_URL.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint types unit bench clean browser screenshot redis-server catalogs messages

$(STAMP): pyproject.toml setup.py sandbox/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]" -e ./sandbox
	touch $(STAMP)

# The gettext catalogs, compiled from bot/i18n/locale/*/LC_MESSAGES/meetbot.po (README
# "Languages"); a wheel gets them from setup.py instead. Fuzzy entries are left out.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard bot/i18n/locale/*/LC_MESSAGES/meetbot.po))
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -D meetbot -i $< -o $@
catalogs: $(CATALOGS)

# After marking or changing messages: the template from the source, and each language's .po
# brought up to date with it (new messages empty, changed ones fuzzy: tests/test_i18n_catalogs.py
# fails until they are translated).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k gettext -k ngettext:1,2 --no-default-keywords \
		--sort-by-file --project=meetbot --copyright-holder=meetbot -w 100 \
		-o bot/i18n/locale/meetbot.pot .
	$(BIN)/pybabel update -D meetbot -i bot/i18n/locale/meetbot.pot -d bot/i18n/locale -w 100

run: $(STAMP) catalogs
	$(BIN)/python scripts/redis_up.py
	$(BIN)/python -m bot

# The suite starts a redis-server of its own on a free port (tests/conftest.py): no Redis of
# yours is read or flushed, and two runs can share a machine.
test: $(STAMP) catalogs lint types browser redis-server
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
	rm -f $(CATALOGS)
