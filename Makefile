# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# Reinstalled whenever a requirements file changes.
STAMP := $(VENV)/.installed

.PHONY: run test venv lint

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

run: export DEBUG = 1
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed --local-editor
	@echo
	@echo "Site:  http://127.0.0.1:$(PORT)/"
	@echo "Admin: http://127.0.0.1:$(PORT)/admin/"
	@echo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
