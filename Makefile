# Console de crise — tâches courantes. Rien d'autre que Python 3.11 n'est requis :
# sans variable d'environnement, SQLite et la file Celery sont dans var/.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-from-pyproject
PORT ?= 8000
DEMO_PASSWORD ?= demo-crise
DEMO_USERS := directeur coordinateur secretaire communication soins qualite logistique dsi rssi dpo observateur pris
MSG_IGNORE := --ignore=.venv --ignore=var --ignore=node_modules
export PORT DEMO_PASSWORD

.PHONY: run test lint bench messages check-deploy

# The virtualenv, reinstalled whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

run: export DEBUG ?= 1
run: $(STAMP)
	@$(PY) -c 'import weasyprint' 2>/dev/null || echo "ATTENTION : WeasyPrint ne se charge pas (bibliothèques Pango absentes ?) : les PDF ne seront pas produits. Sur Debian/Ubuntu : sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2"
	$(PY) manage.py migrate --noinput
	@if command -v msgfmt >/dev/null && [ -d locale ]; then $(PY) manage.py compilemessages $(MSG_IGNORE) -v0; fi
	$(PY) manage.py seed_demo
	@echo
	@echo "  Console de crise : http://127.0.0.1:$(PORT)/"
	@echo "  Comptes de démonstration (mot de passe : $(DEMO_PASSWORD)) :"
	@echo "    $(DEMO_USERS)"
	@echo "  Ctrl-C arrête le serveur web et le worker Celery."
	@echo
	@bin/run-dev

test: $(STAMP)
	@if command -v msgfmt >/dev/null && [ -d locale ]; then DEBUG=1 $(PY) manage.py compilemessages $(MSG_IGNORE) -v0; fi
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check crisis printing continuity tickets comms web config tests bench

bench: $(STAMP)
	@set -e; shopt -s nullglob; for f in bench/*.py; do echo "== $$f"; PYTHONPATH=. $(PY) $$f; done

messages: export DEBUG ?= 1
messages: $(STAMP)
	$(PY) manage.py makemessages -l en $(MSG_IGNORE) --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages $(MSG_IGNORE)
	@msgfmt --check --statistics -o /dev/null locale/en/LC_MESSAGES/django.po  # anything untranslated or fuzzy: translate it in the .po, then rerun

# The deployment checklist, with the environment of a production server.
check-deploy: $(STAMP)
	DEBUG=0 ALLOWED_HOSTS=crise.example.org SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		$(PY) manage.py check --deploy --fail-level WARNING
