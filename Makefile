# Xã Số — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres

export XASO_DATA_DIR ?= $(CURDIR)/var
export XASO_SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test install install-test syslibs lint check test-sqlite test-dates test-postgres test-browser migrate demo messages clean legacy-data

$(BIN)/xaso: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

install: $(BIN)/xaso

$(VENV)/.test-deps: pyproject.toml $(BIN)/xaso
	$(BIN)/pip install --quiet -e '.[test,redis]'
	@touch $@

install-test: $(VENV)/.test-deps

var/secret_key:
	@mkdir -p var
	@$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

## PDF forms and documents need Pango and fonts from the operating system.
syslibs: install
	@$(BIN)/python -c "import weasyprint" 2>/dev/null || { \
		echo "Thiếu thư viện hệ thống để tạo PDF (Pango). Cài bằng:"; \
		echo "  sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core libharfbuzz-subset0"; \
		exit 1; }

migrate: install var/secret_key syslibs
	XASO_SECRET_KEY_FILE=var/secret_key $(BIN)/xaso migrate --no-input -v0
	XASO_SECRET_KEY_FILE=var/secret_key $(BIN)/xaso createcachetable

demo: migrate
	XASO_SECRET_KEY_FILE=var/secret_key $(BIN)/xaso seed_demo

## make run: virtualenv, install, migrate SQLite, load the 3,321 communes, seed the
## demo commune, print the logins and serve at http://$(HOST):$(PORT)
run: demo
	@echo "Xã Số đang chạy tại $(XASO_SITE_URL)  (Ctrl+C để dừng)"
	XASO_SECRET_KEY_FILE=var/secret_key XASO_DEBUG=$${XASO_DEBUG:-1} XASO_TASKS_BACKEND=$${XASO_TASKS_BACKEND:-immediate} \
	XASO_ALLOWED_HOSTS=$${XASO_ALLOWED_HOSTS:-$(HOST),127.0.0.1,localhost} \
	$(BIN)/xaso runserver $(HOST):$(PORT)

lint: install-test
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)

check: install-test
	XASO_ALLOW_INSECURE_KEY=1 $(BIN)/xaso check --fail-level WARNING
	XASO_ALLOW_INSECURE_KEY=1 $(BIN)/xaso makemigrations --check --dry-run

test-sqlite: install-test
	$(BIN)/pytest -q -m "not browser" -p no:cacheprovider

test-browser: install-test
	$(BIN)/pytest -q -m browser -p no:cacheprovider

## The tests marked `dates` (dates, deadlines, demo data, reminders, figures) again, on
## SQLite, at four moments (tests/clock.py): a Monday morning before a holiday, a Friday
## after the 15:00 counter cut-off, the eve of Tết 2027 (a holiday) and New Year's Eve.
TEST_MOMENTS ?= 2026-11-23T08:00+07:00 2026-11-27T16:00+07:00 2027-02-05T09:00+07:00 2026-12-31T23:59+07:00
test-dates: install-test
	@for moment in $(TEST_MOMENTS); do \
		echo "Tests marked dates at $$moment"; \
		DATABASE_URL= $(BIN)/pytest -q -m "dates and not browser" -p no:cacheprovider --frozen-now=$$moment || exit 1; \
	done

## PostgreSQL pass: runs when a server answers at PG_TEST_URL, says so when not.
test-postgres: install-test
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		echo "PostgreSQL reachable at $(PG_TEST_URL): running the suite on it"; \
		DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q -m "not browser" -p no:cacheprovider; \
	else \
		echo "PostgreSQL NOT reachable at $(PG_TEST_URL): PostgreSQL pass skipped"; \
	fi

## make test: lint, checks, unit + API on SQLite, the date-touching tests at four more
## moments, the same on PostgreSQL, browser tests.
test: lint check test-sqlite test-dates test-postgres test-browser

messages: install-test
	cd src/xaso && ../../$(BIN)/xaso makemessages -l en --no-obsolete && ../../$(BIN)/xaso compilemessages -l en

clean:
	rm -rf $(VENV) var

## make legacy-data: regenerate src/xaso/geo/data/legacy-communes-2025.json (the pre-July-2025
## communes and today's) from the two PyPI packages named in docs/geo.md. Never run at run time.
LEGACY_SOURCES := build/legacy-sources
legacy-data: install
	$(BIN)/pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
		-d $(LEGACY_SOURCES) vietnamadminunits==1.0.4 vietnam-provinces==2026.9.0
	$(BIN)/python -m xaso.geo.legacy_build \
		$(LEGACY_SOURCES)/vietnamadminunits-1.0.4-py3-none-any.whl \
		$(LEGACY_SOURCES)/vietnam_provinces-2026.9.0-py3-none-any.whl
