# make test installs what the tests need (Chromium, GDAL) on Debian or
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

# Chromium drives the browser tests; GDAL's ogrinfo and ogr2ogr read the API
# as an independent client; python3's csv and xml.etree read the exports.
# The disk-full tests mount a small tmpfs, so make test runs as root. Debian names the browser chromium; Ubuntu only
# has chromium-browser.
deps:
	@if command -v chromium >/dev/null 2>&1 && command -v ogrinfo >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then \
		echo "deps: chromium, ogrinfo and python3 are installed"; \
	else \
		set -e; \
		sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		$$sudo $(APT) update; \
		browser=chromium; apt-cache show chromium >/dev/null 2>&1 || browser=chromium-browser; \
		$$sudo env DEBIAN_FRONTEND=noninteractive $(APT) install -y $$browser gdal-bin python3; \
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
FUZZ := data:FuzzDecodeFeature data:FuzzDecodeFeatureCollection data:FuzzDecodeCSV data:FuzzValidate \
	server:FuzzParseQuery server:FuzzRequest

fuzz:
	@set -e; for t in $(FUZZ); do \
		echo "fuzz: $${t#*:} for $(FUZZTIME)"; \
		$(GO) test ./$${t%%:*} -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME); \
	done
