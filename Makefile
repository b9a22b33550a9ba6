# `make run`: install, migrate, load the demo province, serve. `make test`: install and run every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
CATALOGS := $(wildcard core/translations/*/LC_MESSAGES/messages.po backoffice/translations/*/LC_MESSAGES/admin.po)
COMPILED := $(CATALOGS:.po=.mo)
PORT ?= 8000

.PHONY: install run test lint bench translations extract-messages clean

install: $(STAMP) $(COMPILED)

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

%.mo: %.po $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(COMPILED)

extract-messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o core/translations/messages.pot .
	$(VENV)/bin/pybabel update -i core/translations/messages.pot -d core/translations --no-fuzzy-matching

run: install
	$(PY) -m flask --app run db upgrade
	$(PY) -m flask --app run demo load --if-empty
	PORT=$(PORT) $(PY) -m flask --app run serve

test: install
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

BENCH_N ?= 1000000

bench: install
	$(PY) bench/import_cases.py $(BENCH_N)
	$(PY) bench/sampling.py $(BENCH_N)
	$(PY) bench/backoffice_pages.py $(BENCH_N)
	$(PY) bench/interviewer_load.py
	$(PY) bench/compile.py
	$(PY) bench/recheck.py
	$(PY) bench/results_pages.py
	$(PY) bench/public_survey_load.py

clean:
	rm -rf $(VENV) .pytest_cache
