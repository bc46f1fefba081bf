# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
# Reinstalled whenever a requirements file changes.
STAMP := $(VENV)/.installed
# The browser tests drive Debian's Chromium; installing it needs root, or sudo without a password.
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo -n)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: run test test-fast venv lint bench soak backup restore cluster cluster-stop cluster-tools

$(STAMP): requirements.txt requirements-dev.txt package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	test -x $(CHROMIUM) || ! command -v apt-get >/dev/null || \
		{ $(APT_GET) update -qq && $(APT_GET) install -y -qq chromium; }
	# axe-core, which the accessibility tests inject into pages.
	npm ci --no-audit --no-fund --silent
	touch $(STAMP)

venv: $(STAMP)

run: export DEBUG = 1
run: export SITE_DOMAIN ?= 127.0.0.1:$(PORT)
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed --local-editor
	@echo
	@echo "Site:  http://127.0.0.1:$(PORT)/"
	@echo "Admin: http://127.0.0.1:$(PORT)/admin/"
	@echo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite, on two processes (one per core here: CI's time roughly halves). Tests
# marked with one xdist_group run on the same process (the cluster's: one cluster, not two).
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup

# The quick loop: everything but the slow tests (browser, faults, many processes, properties,
# backups), on two processes.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" -n 2 --dist loadgroup

# All content and uploads in one archive (backups/trdsite-<UTC time>.tar.gz, or FILE=...);
# prints its path. See README.md, "Backups".
backup: $(STAMP)
	$(PY) manage.py backup $(if $(FILE),"$(FILE)")

# Into an empty database only: migrate first, so the schema is there to load into.
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Say which backup to restore: make restore FILE=backups/trdsite-....tar.gz" >&2; exit 2; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py restore "$(FILE)"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# What the cluster and its tests need (redis-server: the cluster's own, never the shared one).
CLUSTER_TOOLS := nginx wrk redis-server openssl
cluster-tools:
	@for tool in $(CLUSTER_TOOLS); do command -v $$tool >/dev/null || missing=1; done; \
		test -z "$$missing" || $(APT_GET) install -y -qq nginx wrk redis-server openssl

# Requests/s, latency, CPU and SQL per page against a trivial WSGI app (see bench/run.py);
# ARGS="--cluster": through nginx to one and to two instances (bench/cluster.py).
bench: $(STAMP) cluster-tools
	$(PY) bench/run.py $(ARGS)

# PostgreSQL (its own database), Redis, S3 (moto), two gunicorn instances and nginx with HTTPS,
# on this machine; prints the URLs, Ctrl-C stops it all (deploy/cluster.py; README, "Cluster").
# ARGS="--https-port 9443 ..." for other ports; DATABASE_URL's server, else the local one.
cluster: $(STAMP) cluster-tools
	$(PY) deploy/cluster.py start $(ARGS)

# Stops a cluster started from this folder, by its pid files in .cluster/pids/.
cluster-stop: $(STAMP)
	$(PY) deploy/cluster.py stop

# Minutes of saturation with an editor saving meanwhile (bench/soak.py): ARGS="--minutes 2".
soak: $(STAMP)
	command -v wrk >/dev/null || $(APT_GET) install -y -qq wrk
	$(PY) bench/soak.py $(ARGS)