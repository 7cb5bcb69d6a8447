# Two commands from a fresh machine with Python 3.11 and make:
#   make report   set up .venv, execute every notebook, write HTML reports, print the scorecard
#   make test     set up .venv, run ruff and pytest
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The project's Lab opens the notebooks' py:percent twins as notebooks (Jupytext), by default.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
# The project's Lab saves notebooks as the repository holds them: no outputs (targets.lab).
SERVER_CONFIG := $(VENV)/etc/jupyter/jupyter_server_config.d/targets.json
# Jupyter refuses to start as root unless told; containers and CI often run as root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=

.PHONY: report test lab lint clean setup browser fonts

setup: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=/path/to/python3.11'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name targets --display-name "Python (targets)"
	mkdir -p $(LAB_SETTINGS) && cp etc/jupyterlab-overrides.json $(LAB_SETTINGS)/overrides.json
	mkdir -p $(dir $(SERVER_CONFIG)) && cp etc/jupyter_server_config.json $(SERVER_CONFIG)
	touch $(STAMP)

report: $(STAMP) fonts
	$(BIN)/targets report --output reports

# Debian's Noto CJK fonts, so Chinese text in charts renders (targets.plots.cjk_font); best
# effort (needs apt and root). Without them the charts drop their Chinese text, never boxes.
fonts:
	@fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || apt-get install -y -q fonts-noto-cjk >/dev/null 2>&1 \
	  || (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q fonts-noto-cjk >/dev/null 2>&1) \
	  || echo "note: could not install fonts-noto-cjk; charts will leave out Chinese text"

# Debian's Chromium for the browser tests; best effort (needs apt and root). Where it cannot
# be installed the browser tests are skipped and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || apt-get install -y -q chromium >/dev/null 2>&1 \
	  || (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1) \
	  || echo "note: could not install Chromium; browser tests will be skipped"

test: $(STAMP) browser fonts
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/ruff format --check src tests benchmarks notebooks
	$(BIN)/deptry src
	$(BIN)/python -m pytest -n auto --maxprocesses=4 --dist worksteal

$(LAB_SETTINGS)/overrides.json: etc/jupyterlab-overrides.json | $(STAMP)
	mkdir -p $(LAB_SETTINGS) && cp etc/jupyterlab-overrides.json $@

$(SERVER_CONFIG): etc/jupyter_server_config.json | $(STAMP)
	mkdir -p $(dir $(SERVER_CONFIG)) && cp etc/jupyter_server_config.json $@

lab: $(STAMP) $(LAB_SETTINGS)/overrides.json $(SERVER_CONFIG)
	JUPYTER_PATH=$(CURDIR)/$(VENV)/share/jupyter $(BIN)/jupyter lab $(ALLOW_ROOT) $(LAB_ARGS) notebooks

clean:
	rm -rf $(VENV) reports .pytest_cache
