# The toolkit's commands. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INV ?= inventories/lab
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(BIN):$(PATH)
# Python keeps its bytecode (gitignored __pycache__): with PYTHONDONTWRITEBYTECODE set, as some shells set it, every
# pytest worker re-rewrote the asserts of every test module (collection 6.6 s -> 3.8 s a worker) and every
# tool process recompiled its modules.
unexport PYTHONDONTWRITEBYTECODE
STAMP := $(VENV)/.installed
PLAYBOOKS := $(wildcard playbooks/*.yml)

.PHONY: help setup test unit lint syntax validate docs docs-summary drift lab lab-down molecule bench clean

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

setup: $(STAMP) ## create .venv with the pinned runtime + development toolchain (idempotent)

$(STAMP): requirements-runtime.txt requirements-dev.txt requirements-nodeps.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-runtime.txt -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	@touch $@

test: setup ## the whole test suite (what .ci/run calls)
	tools/run-tests.sh

# Unit tests run on every core (pytest-xdist; UNIT_WORKERS=0 runs them in this process), dealt file by file
# (--dist loadfile): a module's costly fixture (one ansible-playbook run rendering a tier's templates) runs
# once, and tests/conftest.py keeps files that share a session cache on one worker. (--dist loadgroup cannot
# be used: pytest-xdist 3.8 cannot rename node ids under pytest 9, so its groups are silently ignored.)
UNIT_WORKERS ?= auto
unit: setup ## every test that needs no container, simulator or peer (pytest -m unit, on every core)
	$(BIN)/pytest -q -p no:cacheprovider -m unit -n $(UNIT_WORKERS) $(if $(filter 0,$(UNIT_WORKERS)),,--dist loadfile) tests

lint: setup ## ansible-lint (production profile), yamllint, ruff, actionlint (GitHub workflows)
	$(BIN)/yamllint --strict .
	tools/lint-workflows.sh
	$(BIN)/ruff check collections tests tools bench
	$(BIN)/ansible-lint --offline --profile production playbooks roles

syntax: setup ## --syntax-check of every playbook against inventories/rcr
	@for pb in $(PLAYBOOKS); do \
	  $(BIN)/ansible-playbook -i inventories/rcr --syntax-check "$$pb" >/dev/null && echo "syntax ok: $$pb"; \
	done

validate: setup ## validate INV=<inventory dir>, no host contacted (VAULT_PASSWORD_FILE=<file>, STRICT=1)
	PYTHONPATH=collections $(BIN)/python -m ansible_collections.sitekit.core.plugins.plugin_utils.site.cli --rules \
	  $(if $(VAULT_PASSWORD_FILE),--vault-password-file $(VAULT_PASSWORD_FILE)) $(if $(STRICT),--strict) $(INV)

docs: setup ## the auditor's pack of INV: build/docs/<name>/index.html (+ Markdown); history from the run journal
	PYTHONPATH=tools $(BIN)/python -m sitedoc $(INV)

docs-summary: setup ## regenerate the committed Markdown pack of inventories/rcr (docs/site-rcr/) and the README thumbnail
	PYTHONPATH=tools $(BIN)/python -m sitedoc inventories/rcr --no-journal --markdown docs/site-rcr
	PYTHONPATH=tools $(BIN)/python -m sitedoc.thumbnail build/docs/rcr/topology.html docs/img/topology-page.png

drift: setup ## how the live site differs from INV (check + diff, read-only): build/drift/<name>/; exit 1 on drift, 2 if not fully checked
	PYTHONPATH=tools $(BIN)/python -m drift $(INV) $(if $(LIMIT),--limit '$(LIMIT)') $(if $(TAGS),--tags '$(TAGS)')

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
