# MyPhoto: `make run` serves the app on SQLite + local disk, `make test` runs the checks and the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install install-test run test test-postgres lint typecheck format messages bench-downloads bench-thumbnails bench-cli bench-timeline bench-uploads bench-videos bench-big-uploads bench-fsck bench-organise bench-adopt bench-imports bench-page bench-server bench-webdav bench-raw bench-rediscover bench-faces clean

# What the server needs; the test tools (Playwright, SeaweedFS, mypy) only for `make test`.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

install-test: $(BIN)/.installed-test

run: install
	$(BIN)/myphoto serve

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

test-postgres: install-test
	DATABASE_URL=$(PG_URL) $(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-test
	$(BIN)/mypy

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# After changing a page's or a script's words: the catalogues again (needs GNU gettext, which
# only this step does; the compiled .mo files are committed), then translate the new entries.
messages: install
	cd src/myphoto && DJANGO_SETTINGS_MODULE=myphoto.settings ../../$(BIN)/django-admin makemessages -l ko --ignore "static/*" --no-obsolete
	cd src/myphoto && DJANGO_SETTINGS_MODULE=myphoto.settings ../../$(BIN)/django-admin makemessages -d djangojs -l ko --ignore "vendor/*" --no-obsolete
	cd src/myphoto && DJANGO_SETTINGS_MODULE=myphoto.settings ../../$(BIN)/django-admin compilemessages -l ko

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache

bench-downloads: install-test
	$(BIN)/python bench/downloads.py

bench-thumbnails: install-test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/thumbnails.py

bench-cli: install-test
	$(BIN)/python bench/cli_transfer.py

bench-timeline: install-test
	$(BIN)/python bench/timeline.py

bench-uploads: install-test
	$(BIN)/python bench/uploads.py

bench-videos: install-test
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/videos.py

bench-big-uploads: install-test
	$(BIN)/python bench/big_uploads.py --disk

bench-fsck: install-test
	$(BIN)/python bench/fsck.py

bench-organise: install-test
	$(BIN)/python bench/organise.py

bench-adopt: install-test
	$(BIN)/python bench/adopt.py

bench-imports: install-test
	$(BIN)/python bench/imports.py

bench-page: install-test
	$(BIN)/python bench/page.py

bench-webdav: install-test
	$(BIN)/python bench/webdav.py

bench-raw: install-test
	$(BIN)/python bench/raw.py

bench-rediscover: install-test
	$(BIN)/python bench/rediscover.py

# The photographs of two public repositories (bench/faces.py), and the anchor package
# without its dependencies (they would build dlib; dlib-bin is installed).
FACES_SAMPLES ?= $(CURDIR)/.bench-faces
bench-faces: install-test
	$(BIN)/python -m pip install --quiet --no-deps face-recognition==1.3.0
	$(BIN)/python -m pip install --quiet click
	test -d $(FACES_SAMPLES)/dlib || git clone --depth 1 https://github.com/davisking/dlib $(FACES_SAMPLES)/dlib
	test -d $(FACES_SAMPLES)/face_recognition || git clone --depth 1 https://github.com/ageitgey/face_recognition $(FACES_SAMPLES)/face_recognition
	$(BIN)/python bench/faces.py --dlib $(FACES_SAMPLES)/dlib --face-recognition $(FACES_SAMPLES)/face_recognition

bench-server: install-test
	$(BIN)/python bench/server.py
