# Service Oasis: `make demo` runs the app on SQLite with demo data, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-dev demo serve test lint bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

# Links in the demo's e-mails point at the address it serves on.
demo: export SITE_URL ?= http://$(HOST):$(PORT)
demo: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend $(BIN)/python manage.py seed_demo_work
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production stack on this machine (PostgreSQL, Redis and SECRET_KEY from the environment):
# migrations, static files, then gunicorn, a Celery worker and beat (README, "Running in production").
serve: install
	OASIS_MIGRATE=1 PYTHON=$(BIN)/python bin/serve

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install-dev
	bash bench/run.sh
