# The toolkit's commands. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INV ?= inventories/lab
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)
STAMP := $(VENV)/.installed
PLAYBOOKS := $(wildcard playbooks/*.yml)

.PHONY: help setup test unit lint syntax validate lab lab-down molecule bench clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup: $(STAMP) ## create .venv with the pinned toolchain (idempotent)

$(STAMP): requirements.txt requirements-nodeps.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	@touch $@

test: setup ## the whole test suite (what .ci/run calls)
	tools/run-tests.sh

unit: setup ## every test that needs no container, simulator or peer (pytest -m unit)
	$(BIN)/pytest -q -p no:cacheprovider -m unit tests

lint: setup ## ansible-lint (production profile), yamllint, ruff
	$(BIN)/yamllint --strict .
	$(BIN)/ruff check collections tests tools bench
	$(BIN)/ansible-lint --offline --profile production playbooks roles

syntax: setup ## --syntax-check of every playbook against inventories/rcr
	@for pb in $(PLAYBOOKS); do \
	  $(BIN)/ansible-playbook -i inventories/rcr --syntax-check "$$pb" >/dev/null && echo "syntax ok: $$pb"; \
	done

validate: setup ## validate INV=<inventory dir> without contacting any host
	$(BIN)/ansible-playbook -i $(INV) playbooks/validate.yml

lab: ## the whole lab site through site.yml: containers, simulators, converge twice, verify, summary
	tools/lab.sh

lab-down: ## remove every container, network and process make lab started
	tools/lab.sh down

molecule: setup ## molecule scenarios on local Debian containers
	tools/run-molecule.sh

bench: setup ## benchmarks (figures under bench/results/)
	tools/run-bench.sh

clean: ## remove caches (keeps .venv)
	rm -rf .cache .pytest_cache .ruff_cache
