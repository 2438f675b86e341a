# Two commands set up a fresh machine and do the work: `make demo` and `make test`.
SHELL := /bin/bash
LIS_VENV ?= .venv
export LIS_VENV
PYTHON := $(LIS_VENV)/bin/python
export QT_QPA_PLATFORM ?= offscreen
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup demo demo-qgis344 test test-qgis344 lint format build package install bench clean

setup:
	@bash scripts/setup.sh

DEMO_OUT ?= out/demo
demo: setup
	$(PYTHON) scripts/demo.py --out $(DEMO_OUT)

test: setup
	$(PYTHON) -m pytest

# The second CI lane: the same suite on QGIS 3.44 LTR in a Debian sid root (built once, cached in
# LIS_CACHE_DIR, default /var/cache/lis-ci); needs root. Extra pytest args: make test-qgis344 PYTEST_ARGS='-k atlas'
test-qgis344:
	bash scripts/qgis344_lane.sh

# The demo on QGIS 3.44 in the same root, written to out/demo-qgis344.
demo-qgis344:
	LANE_TARGET=demo bash scripts/qgis344_lane.sh

lint: setup
	$(PYTHON) -m ruff check lis_qgis_plugin tests scripts
	$(PYTHON) -m ruff format --check lis_qgis_plugin tests scripts
	$(PYTHON) -m mypy

format: setup
	$(PYTHON) -m ruff check --fix lis_qgis_plugin tests scripts
	$(PYTHON) -m ruff format lis_qgis_plugin tests scripts

build:
	@/usr/bin/python3 scripts/build_plugin.py

package:
	@/usr/bin/python3 scripts/build_plugin.py --zip

QGIS_PROFILE_PLUGINS ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/default/python/plugins
install: build
	mkdir -p "$(QGIS_PROFILE_PLUGINS)"
	rm -rf "$(QGIS_PROFILE_PLUGINS)/lis_qgis_plugin"
	cp -r build/lis_qgis_plugin "$(QGIS_PROFILE_PLUGINS)/"
	@echo "Installed into $(QGIS_PROFILE_PLUGINS)/lis_qgis_plugin: enable it in Plugins > Manage and Install Plugins."

bench: setup
	$(PYTHON) scripts/bench/bench_plugin_load.py
	$(PYTHON) scripts/bench/bench_join_indicators.py
	$(PYTHON) scripts/bench/bench_indicator_layer.py
	$(PYTHON) scripts/bench/bench_service_catchments.py
	$(PYTHON) scripts/bench/bench_locate_services.py
	$(PYTHON) scripts/bench/bench_what_if.py
	$(PYTHON) scripts/bench/bench_indicator_store.py

clean:
	rm -rf build dist out .pytest_cache .ruff_cache
