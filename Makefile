# Console de crise — tâches courantes. Rien d'autre que Python 3.11 n'est requis :
# sans variable d'environnement, SQLite et la file Celery sont dans var/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-from-lock
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= demo-crise
DEMO_USERS := directeur coordinateur secretaire communication soins qualite logistique dsi rssi dpo observateur pris admin
MSG_IGNORE := --ignore=.venv --ignore=var --ignore=node_modules
LOCK := $(VENV)/bin/uv pip compile pyproject.toml --quiet --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --generate-hashes --custom-compile-command "make lock"
export HOST PORT DEMO_PASSWORD DEMO_USERS PY

.PHONY: run dev prepare test resilience lint lock bench bench-smoke messages check-deploy

# The virtualenv, with the exact versions of requirements-dev.lock; reinstalled whenever it changes.
# The installer is pinned and brought in first (requirements-pip.lock): the lock is then read by
# the same pip on every machine, whatever pip the machine's Python bundles.
$(STAMP): requirements-pip.lock requirements-dev.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-pip.lock
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# The lock files from pyproject.toml's ranges, keeping the versions already locked where they fit
# (LOCK_ARGS=--upgrade takes the latest releases). requirements.lock (the image) follows the dev one.
lock: $(STAMP)
	$(LOCK) --extra dev $(LOCK_ARGS) -o requirements-dev.lock
	$(LOCK) --constraint requirements-dev.lock -o requirements.lock

# What make run and make dev do first: database, translations, static files, demo accounts.
prepare: $(STAMP)
	@$(PY) -c 'import weasyprint' 2>/dev/null || echo "ATTENTION : WeasyPrint ne se charge pas (bibliothèques Pango absentes ?) : les PDF ne seront pas produits. Sur Debian/Ubuntu : sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2"
	@echo "Préparation : base de données, traductions, fichiers statiques, démo…"
	@$(PY) manage.py migrate --noinput -v0
	@if command -v msgfmt >/dev/null && [ -d locale ]; then $(PY) manage.py compilemessages $(MSG_IGNORE) -v0; fi
	@$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py seed_demo

# gunicorn (DEBUG off, static files by WhiteNoise), a Celery worker and beat; HOST=0.0.0.0 serves the network.
run: prepare
	@bin/run-dev

# For developers: Django's runserver with autoreload and DEBUG on, the same worker and beat.
dev: export DEBUG ?= 1
dev: export WEB := runserver
dev: prepare
	@bin/run-dev

# Everything but the fault tests that take minutes (make resilience).
test: $(STAMP)
	@if command -v msgfmt >/dev/null && [ -d locale ]; then DEBUG=1 $(PY) manage.py compilemessages $(MSG_IGNORE) -v0; fi
	$(PY) -m pytest -m "not resilience" $(PYTEST_ARGS)

# Redis killed under a rendering worker, a worker killed mid-kit: recovery without a human (tests/resilience).
resilience: $(STAMP)
	$(PY) -m pytest -m resilience tests/resilience $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check crisis printing continuity beds tickets comms obligations preparedness web config tests bench bin/run-dev
	$(VENV)/bin/ruff format --check crisis printing continuity beds tickets comms obligations preparedness web config tests bench bin/run-dev
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

bench: $(STAMP)
	@set -e; for f in $$(grep -l '^if __name__ == "__main__":' bench/*.py | grep -v bench/smoke.py); do echo "== $$f"; PYTHONPATH=. $(PY) $$f; done

# Every bench script once on its tiny size (its SMOKE_ARGS), as CI does: each still imports and measures.
bench-smoke: $(STAMP)
	PYTHONPATH=. $(PY) bench/smoke.py

messages: export DEBUG ?= 1
messages: $(STAMP)
	$(PY) manage.py makemessages -l en $(MSG_IGNORE) --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages $(MSG_IGNORE)
	@msgfmt --check --statistics -o /dev/null locale/en/LC_MESSAGES/django.po  # anything untranslated or fuzzy: translate it in the .po, then rerun

# The deployment checklist, with the environment of a production server.
check-deploy: $(STAMP)
	DEBUG=0 ALLOWED_HOSTS=crise.example.org SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		$(PY) manage.py check --deploy --fail-level WARNING
