# The two commands of the course:
#   make lab     set up .venv (first time only), give my-course/ (LEARNER_DIR) a learner's copy of every
#                notebook it lacks (never overwriting one) and start JupyterLab there
#   make test    set up .venv (first time only) and run the whole test suite
# Other targets: execute (re-run notebooks in full mode and store their outputs),
# bench (time and memory table; STORE=1 also stores the full-mode run like execute), bench-suite (time and count
# of `make test` in a fresh clone, quoted by the README), workshop (docs/workshop/: schedules and instructor notes
# from the notebooks and BENCHMARKS; bench rewrites it), student (class handouts:
# solutions removed, outputs cleared), lab-instructor (JupyterLab on notebooks/, solutions included), data (rebuild data/, keeping the checkpoints),
# checkpoints (train the shipped models by running their notebooks in full mode; the 05 CNN takes about 10 min),
# doctor (check the installation and the data files), clean.
# test-browser: the course in headless Chromium in JupyterLab (tests_browser/; needs Debian's chromium package):
# every notebook opens cleanly and runs in quick mode within Binder's memory, and every explorer answers the mouse
# and the keyboard (STORE=1 records the memory in BENCHMARKS).
# test-hub: a JupyterHub on 127.0.0.1 with two learners, a quick-mode notebook run in each (tests_hub/; needs Node.js).
# test-grading: nbgrader generates one notebook's assignment and autogrades a solved and an untouched copy;
# nbgrader writes the course as an nbgrader course directory in build/nbgrader/.
# GPU=1 installs tensorflow[and-cuda] instead of the CPU-only build (Linux with an NVIDIA GPU).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
GPU    ?= 0
STAMP  := $(VENV)/.installed-gpu$(GPU)
TF_VERSION := $(shell sed -n 's/^tensorflow==\([0-9.]*\).*/\1/p' requirements.txt)
NOTEBOOKS ?= $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
LEARNER_DIR ?= my-course
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab lab-instructor test test-browser test-hub test-grading nbgrader check-chromium execute bench workshop bench-suite student data checkpoints doctor clean

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 10) else "Python 3.10 or newer is needed (3.11 recommended); run make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
ifeq ($(GPU),1)
	grep -v '^tensorflow' requirements.txt > $(VENV)/requirements-gpu.txt
	echo 'tensorflow[and-cuda]==$(TF_VERSION)' >> $(VENV)/requirements-gpu.txt
	$(BIN)/python -m pip uninstall --yes --quiet tensorflow-cpu || true
	$(BIN)/python -m pip install --quiet -r $(VENV)/requirements-gpu.txt
else
	$(BIN)/python -m pip install --quiet -r requirements.txt
endif
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-gpu*
	touch $@

# JupyterLab's settings for the course (no news toast, no update check: the course runs offline), read from
# <prefix>/share/jupyter/lab/settings/overrides.json; binder/postBuild installs the same file on Binder.
SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

$(SETTINGS): jupyter-settings/overrides.json $(STAMP)
	mkdir -p $(dir $@)
	cp jupyter-settings/overrides.json $@

lab: $(STAMP) $(SETTINGS)
	$(BIN)/python tools/make_student.py --learner $(LEARNER_DIR)
	cd $(LEARNER_DIR) && "$(CURDIR)/$(BIN)/jupyter" lab --ip=127.0.0.1 $(ROOT_FLAG)

lab-instructor: $(STAMP) $(SETTINGS)
	cd notebooks && ../$(BIN)/jupyter lab --ip=127.0.0.1 $(ROOT_FLAG)

# The tests' own tools (requirements-test.txt: Playwright, repo2docker), installed once into .venv; learners never
# need them. Playwright drives Debian's Chromium (it cannot download its own browsers here).
TEST_STAMP := $(VENV)/.installed-test
CHROMIUM   ?= /usr/bin/chromium

test: $(STAMP) $(SETTINGS) $(TEST_STAMP)
	COURSE_QUICK=1 $(BIN)/python -m pytest -n 2 --dist loadgroup --durations=15 tests

$(TEST_STAMP): requirements-test.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

check-chromium:
	@test -x $(CHROMIUM) || { echo "Chromium is missing ($(CHROMIUM)); install it with: sudo apt-get install -y chromium" >&2; exit 1; }

# STORE=1: record the server-plus-kernel memory it measured in BENCHMARKS (tools/bench.py --lab-memory).
test-browser: check-chromium $(STAMP) $(SETTINGS) $(TEST_STAMP)
	@start=$$(date +%s); CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -v --durations=15 tests_browser; status=$$?; \
	echo "browser test: $$(( $$(date +%s) - start )) s (screenshots in build/browser/)"; exit $$status
ifeq ($(STORE),1)
	$(BIN)/python tools/bench.py --lab-memory build/browser/memory.json
endif

# A local JupyterHub with two learners (tests_hub/): JupyterHub into .venv, configurable-http-proxy from npm into
# build/hub/. Node.js is installed with apt-get where it is missing and this runs as root; otherwise the target
# says that it skipped the test, and why.
HUB_STAMP   := build/hub/.installed
CHP_VERSION := 5.3.0

$(HUB_STAMP): requirements-hub.txt $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-hub.txt
	mkdir -p build/hub
	npm install --silent --no-audit --no-fund --prefix build/hub configurable-http-proxy@$(CHP_VERSION)
	touch $@

test-hub: $(STAMP) $(TEST_STAMP)
	@if ! command -v npm >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get install -y -q nodejs npm >/dev/null; fi
	@if command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(HUB_STAMP) && $(BIN)/python -m pytest -v tests_hub; \
	else \
		echo "make test-hub skipped: Node.js and npm are missing (configurable-http-proxy needs them): sudo apt-get install -y nodejs npm"; \
	fi

# nbgrader (tests_grading/): the course directory from tools/nbgrader_course.py, graded by nbgrader installed with
# the course's packages in build/grading/venv (not in .venv: learners do not need nbgrader's JupyterLab extensions).
GRADING_VENV  := build/grading/venv
GRADING_STAMP := $(GRADING_VENV)/.installed

$(GRADING_STAMP): requirements.txt requirements-grading.txt pyproject.toml
	test -x $(GRADING_VENV)/bin/python || $(PYTHON) -m venv $(GRADING_VENV)
	$(GRADING_VENV)/bin/python -m pip install --quiet -r requirements.txt -r requirements-grading.txt
	$(GRADING_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

nbgrader: $(STAMP)
	$(BIN)/python tools/nbgrader_course.py --out build/nbgrader $(NOTEBOOKS)

test-grading: $(STAMP) $(TEST_STAMP) $(GRADING_STAMP)
	$(BIN)/python -m pytest -v tests_grading

execute: $(STAMP)
	$(BIN)/python tools/execute.py --inplace $(NOTEBOOKS)

bench: $(STAMP)
	$(BIN)/python tools/bench.py $(if $(filter 1,$(STORE)),--store) $(NOTEBOOKS)

workshop: $(STAMP)
	$(BIN)/python tools/workshop.py

bench-suite: $(STAMP)
	$(BIN)/python tools/bench.py --suite

student: $(STAMP)
	$(BIN)/python tools/make_student.py --out build/student $(NOTEBOOKS)

data: $(STAMP)
	$(BIN)/python tools/build_data.py

checkpoints: $(STAMP)
	$(BIN)/python tools/build_checkpoints.py

doctor: $(STAMP)
	$(BIN)/python -m course_utils doctor

clean:
	rm -rf $(VENV) build
