# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)

.PHONY: run test test-unit test-integration test-e2e system-deps lint venv clean package resources screenshots bench messages

run: $(STAMP)  ## the embedded stack: moto, the app on :8000, the event poller
	$(PY) -m devstack.local

test: $(STAMP) system-deps lint  ## lint, then every test: unit, integration, deploy, e2e
	$(PY) -m pytest

test-unit: $(STAMP)
	$(PY) -m pytest tests/unit

test-integration: $(STAMP)
	$(PY) -m pytest tests/integration

test-e2e: $(STAMP) system-deps
	$(PY) -m pytest tests/e2e

screenshots: $(STAMP) system-deps  ## every page, phone (360 px) and desktop, to docs/screenshots/
	$(PY) scripts/screenshots.py docs/screenshots

lint: $(STAMP)  ## ruff (lint and format), mypy, and the floors' import contracts (lint-imports)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy chalicelib devstack infra ops
	$(VENV)/bin/lint-imports --no-cache

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

# The prod stage as a CloudFormation package (docs/DEPLOY.md): sam.json, the template
# with .chalice/resources.json merged in, and deployment.zip, without what the Lambda
# runtime provides (scripts/slim_bundle.py). Chalice builds for this Python's version.
PACKAGE_DIR ?= build/package

package: $(STAMP)  ## sam.json and deployment.zip of the prod stage in PACKAGE_DIR
	@$(PY) -m infra.resources | cmp -s - .chalice/resources.json || \
		{ echo ".chalice/resources.json is not what infra/resources.py makes: make resources"; exit 1; }
	@for stage in dev prod; do $(PY) -m infra.resources --policy --stage $$stage --partition $(PARTITION) | \
		cmp -s - .chalice/policy-$$stage.json || \
		{ echo ".chalice/policy-$$stage.json is not what infra/policy.py makes: make resources"; exit 1; }; done
	rm -rf $(PACKAGE_DIR)
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(VENV)/bin/chalice package \
		--stage prod --merge-template .chalice/resources.json $(PACKAGE_DIR)
	$(PY) scripts/slim_bundle.py $(PACKAGE_DIR)/deployment.zip
	@# Chalice caches a zip per version of the code: keep the newest three
	@ls -1t .chalice/deployments/*.zip 2>/dev/null | tail -n +4 | xargs -r rm -f

# The pages' English (chalicelib/core/i18n.py): extract every marked text, merge it into the
# catalogue (new ones arrive untranslated: tests/unit/core/test_i18n.py names them), compile.
LOCALE := chalicelib/locale
BABEL_KEYWORDS := --no-default-keywords -k _ -k N_ -k translate:2 -k labelled:3

messages: $(STAMP)  ## extract the pages' texts, merge into the English catalogue, compile it
	$(VENV)/bin/pybabel -q extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
		--project jiafuwu -o $(LOCALE)/messages.pot chalicelib
	test -f $(LOCALE)/en/LC_MESSAGES/messages.po || \
		$(VENV)/bin/pybabel -q init -i $(LOCALE)/messages.pot -d $(LOCALE) -l en
	$(VENV)/bin/pybabel -q update -i $(LOCALE)/messages.pot -d $(LOCALE) -l en --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel -q compile -d $(LOCALE) -l en

# PARTITION=aws-cn writes the policy files for a China stage deployed by `chalice deploy`
# (the packaged stack's policy is partition-neutral whatever the files say).
PARTITION ?= aws

resources: $(STAMP)  ## write .chalice/resources.json and the policy files from infra/
	$(PY) -m infra.resources > .chalice/resources.json.new
	mv .chalice/resources.json.new .chalice/resources.json
	for stage in dev prod; do $(PY) -m infra.resources --policy --stage $$stage \
		--partition $(PARTITION) > .chalice/policy-$$stage.json; done

# benchmarks/REPORT.md, every figure against its floor or its peer (benchmarks/*.py).
# BENCH_SCALE (0.1) is the share of the district's month it replays; 1 for all of it.
BENCH_STAMP := $(VENV)/.bench-$(shell cat benchmarks/requirements.txt | sha256sum | cut -c1-12)

bench: $(STAMP) $(BENCH_STAMP) package  ## measure, and write benchmarks/REPORT.md
	$(PY) -m benchmarks

$(BENCH_STAMP): benchmarks/requirements.txt
	@# WeasyPrint, the documents' peer, needs pango and harfbuzz's subsetter
	@bash scripts/system-deps.sh libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
		fonts-arphic-uming fonts-dejavu-core || echo "(WeasyPrint may not run)"
	$(PY) -m pip install --quiet --disable-pip-version-check -r benchmarks/requirements.txt
	rm -f $(VENV)/.bench-* && touch $@

# 1,000 filings from 20 clients at once against the stack of `make run` (loopback, bounded
# in count and time): nothing lost, nothing duplicated, every filing routed to its town.
.PHONY: loadtest
loadtest: $(STAMP)  ## load test: filings/s, p50/p95 latency, lost 0, duplicated 0 (docs/RELIABILITY.md)
	$(PY) scripts/loadtest.py

system-deps:  ## the Debian packages of the PDF and browser tests
	@bash scripts/system-deps.sh

clean:
	rm -rf $(VENV) .pytest_cache build
