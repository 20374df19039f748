# make test installs what the tests need (Chromium, GDAL, nginx…) on Debian or
# Ubuntu when it is missing, then vets and runs every test.

GO  ?= go
APT := apt-get -o DPkg::Lock::Timeout=300

# With CI set, a browser or GDAL test fails when its tool is missing
# instead of skipping: make test installs the tools, so it runs them all.
CI ?= true
export CI

.PHONY: test deps run bench fuzz

test: deps fuzz
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# The OpenAPI linters the tests run on the API documents (server/openapi_test.go).
LINTDIR := .cache/openapi-lint
LINTERS := @stoplight/spectral-cli@6.16.3 @redocly/cli@2.77.0

# Chromium drives the browser tests; GDAL's ogrinfo and ogr2ogr, owslib
# (Debian's python3-owslib) and QGIS through PyQGIS (python3-qgis, about 220
# packages without recommends) read the API as independent clients; nginx
# runs deploy/nginx.conf in front of the binary; systemd-analyze checks
# deploy/dmzmap.service; podman (and busybox, for its build stage) builds
# the Dockerfile; poppler's pdfinfo, pdftotext and pdftoppm read the page
# printed to PDF, with a Korean font for the Korean page; python3-feedparser
# reads the feeds; python3's csv and xml.etree read the exports. The
# disk-full tests mount a small tmpfs, so make test runs as root. Debian names the browser chromium; Ubuntu only has
# chromium-browser. DEPS_CMDS are the commands that must be there,
# DEPS_PY the Python modules, DEPS_PKGS the packages that bring them.
DEPS_CMDS := chromium ogrinfo pdftoppm nginx systemd-analyze podman busybox
DEPS_PY   := owslib qgis.core feedparser
DEPS_PKGS := gdal-bin python3-owslib python3-feedparser poppler-utils fonts-noto-cjk nginx systemd podman busybox-static

deps:
	@missing=; for c in $(DEPS_CMDS); do command -v $$c >/dev/null 2>&1 || [ -x /usr/sbin/$$c ] || missing="$$missing $$c"; done; \
	for m in $(DEPS_PY); do /usr/bin/python3 -c "import $$m" >/dev/null 2>&1 || missing="$$missing python:$$m"; done; \
	if [ -z "$$missing" ]; then \
		echo "deps: $(DEPS_CMDS) $(DEPS_PY) are installed"; \
	else \
		set -e; echo "deps: installing for$$missing"; \
		sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		$$sudo $(APT) update; \
		browser=chromium; apt-cache show chromium >/dev/null 2>&1 || browser=chromium-browser; \
		$$sudo env DEBIAN_FRONTEND=noninteractive $(APT) install -y $$browser $(DEPS_PKGS); \
		$$sudo env DEBIAN_FRONTEND=noninteractive $(APT) install -y --no-install-recommends python3-qgis; \
	fi
	@if [ -x $(LINTDIR)/node_modules/.bin/spectral ] && [ -x $(LINTDIR)/node_modules/.bin/redocly ]; then \
		echo "deps: the OpenAPI linters are installed"; \
	else \
		set -e; \
		if ! command -v npm >/dev/null 2>&1; then \
			sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
			$$sudo $(APT) update; \
			$$sudo env DEBIAN_FRONTEND=noninteractive $(APT) install -y nodejs npm; \
		fi; \
		mkdir -p $(LINTDIR); \
		npm install --prefix $(LINTDIR) --no-save --no-audit --no-fund $(LINTERS); \
	fi

run:
	$(GO) run ./cmd/dmzmap

# bench runs every benchmark BENCHCOUNT times, one package at a time so
# that they do not share the two cores. The first run writes the synthetic
# databases of 10,000, 100,000 and 1,000,000 incidents to $$TMPDIR (about
# two minutes); later runs reuse them.
BENCHCOUNT ?= 3

bench:
	$(GO) test -p 1 -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) -timeout 90m ./...

# fuzz runs every fuzz target for FUZZTIME each: -fuzz takes one target of
# one package per run. A crasher is written under that package's
# testdata/fuzz/, where plain go test replays it from then on.
FUZZTIME ?= 10s
FUZZ := data:FuzzDecodeFeature data:FuzzParseCQL2 data:FuzzDecodeFeatureCollection data:FuzzDecodeCSV data:FuzzValidate data:FuzzParseFilter \
	server:FuzzRequest

fuzz:
	@set -e; for t in $(FUZZ); do \
		echo "fuzz: $${t#*:} for $(FUZZTIME)"; \
		$(GO) test ./$${t%%:*} -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME); \
	done
