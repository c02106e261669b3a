# The portal's two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Runs a command with DATABASE_URL / REDIS_URL set, starting embedded servers for unset ones
# (devtools/embedded.py: a development tool, run from the checkout, not installed).
EMBEDDED := $(PY) -m devtools.embedded

.PHONY: install run test drill lint format manage totp messages clean bench bench-reports bench-opendata bench-api bench-stays bench-imports bench-pages bench-load backup restore

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed (found %s)." % sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

run: install
	$(EMBEDDED) run

# Tests run with development settings (plain HTTP, the development secret); Django's test
# runner turns DEBUG off itself. test_settings.py checks the production settings separately.
test: install lint
	DEBUG=1 $(EMBEDDED) --data var/test exec -- $(PY) -m pytest --basetemp=var/test/tmp $(PYTEST_ARGS)

# Every fault drill (tests/drills), the long ones too: PostgreSQL frozen under gunicorn, a worker
# killed or paused in the middle of a report. Each is bounded in time and talks to loopback only.
drill: install
	DEBUG=1 PORTAL_DRILLS=long $(EMBEDDED) --data var/drill exec -- $(PY) -m pytest --basetemp=var/drill/tmp tests/drills $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 DATABASE_URL=postgres://lint@localhost/lint REDIS_URL=redis://localhost:6379/0 \
		$(VENV)/bin/mypy .
	@# The import contracts of pyproject.toml: no cycle, the apps' layers, config apart.
	$(VENV)/bin/lint-imports --no-cache --no-logo
	@# Models and migrations agree (needs no database: the URLs are placeholders).
	DEBUG=1 DATABASE_URL=postgres://lint@localhost/lint REDIS_URL=redis://localhost:6379/0 \
		$(PY) -W ignore manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Catalogue throughput against raw SQL on 100,000 generated projects, in its own var/bench.
bench: install
	DEBUG=1 $(EMBEDDED) --data var/bench exec -- $(PY) bench/catalogue.py $(BENCH_ARGS)

# make manage ARGS="createsuperuser"
manage: install
	DEBUG=$${DEBUG:-1} $(EMBEDDED) exec -- $(PY) manage.py $(ARGS)

# make totp EMAIL=oficial.cdmx@demo.cdmx-bcn.org
totp: install
	DEBUG=1 $(EMBEDDED) exec -- $(PY) manage.py totp_code $(EMAIL)

# Refresh the translation catalogues from the source and compile them (needs GNU gettext).
messages: install
	DEBUG=1 DATABASE_URL=postgres://m@localhost/m REDIS_URL=redis://localhost:6379/0 \
		$(PY) manage.py makemessages --all --no-location --ignore='.venv/*' --ignore='var/*'
	DEBUG=1 DATABASE_URL=postgres://m@localhost/m REDIS_URL=redis://localhost:6379/0 \
		$(PY) manage.py thirdparty_messages
	$(PY) -m cooperation.i18n compile

clean:
	rm -rf $(VENV) var/test .pytest_cache .mypy_cache .ruff_cache

# The programme overview end to end against its raw SQL, and the worker's peak memory, at
# 10,000 and 100,000 generated projects (var/bench); not part of `make test`.
bench-reports: install
	DEBUG=1 $(EMBEDDED) --data var/bench exec -- $(PY) bench/reports.py $(BENCH_ARGS)

# An open-data release's worker memory at 10,000 and 100,000 projects (var/bench); not in `make test`.
bench-opendata: install
	DEBUG=1 $(EMBEDDED) --data var/bench exec -- $(PY) bench/opendata.py $(BENCH_ARGS)

# The API's project list against a raw-SQL view of the same JSON (var/bench); not in `make test`.
bench-api: install
	DEBUG=1 $(EMBEDDED) --data var/bench exec -- $(PY) bench/api.py $(BENCH_ARGS)

# The stays state machine with many more examples than `make test` (var/bench-sm); random seed.
bench-stays: install
	bench/stays_state_machine.sh

# An import of 20,000 historical projects: the dry run and the worker's run (var/bench).
bench-imports: install
	DEBUG=1 $(EMBEDDED) --data var/bench exec -- $(PY) bench/imports.py $(BENCH_ARGS)

# The database (pg_dump) and every kind of kept file (the named storages, local or S3) in a new
# folder; DATABASE_URL and the storage settings say what (the embedded server when unset).
# make backup [BACKUP_DIR=/backups/portal-2026-12-01]
BACKUP_DIR ?= var/backups/$(shell date -u +%Y%m%dT%H%M%SZ)
backup: install
	DEBUG=$${DEBUG:-1} $(EMBEDDED) exec -- $(PY) manage.py backup_portal $(BACKUP_DIR) $(BACKUP_ARGS)

# make restore BACKUP=var/backups/20261201T031500Z (stop web, worker and beat first)
restore: install
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=var/backups/<stamp>"; exit 2; }
	DEBUG=$${DEBUG:-1} $(EMBEDDED) exec -- $(PY) manage.py restore_portal $(BACKUP) --yes $(BACKUP_ARGS)

# The public pages and the API against a hand-written floor (bench/floor.py), both under
# gunicorn with production settings, paired and alternated (var/bench); not in `make test`.
bench-pages: install
	DEBUG=1 $(EMBEDDED) --data var/bench exec -- $(PY) bench/pages.py $(BENCH_ARGS)

# A bounded 50-user mixed load (locust) on the portal under gunicorn, loopback only (var/bench).
bench-load: install
	$(PY) -m pip install --quiet -c constraints.txt -e '.[load]'
	DEBUG=1 $(EMBEDDED) --data var/bench exec -- $(PY) bench/load.py $(BENCH_ARGS)
