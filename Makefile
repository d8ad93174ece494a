# Latchkey — `make run` opens the app, `make test` runs every test.
# Both install what is missing first (system packages via apt when run as root).

GO      ?= go
TAGS    := migrated_fynedo
BIN     := bin/latchkey
export PATH := $(PATH):/usr/local/go/bin:$(HOME)/go/bin
export LANG ?= C.UTF-8

.PHONY: run test build deps-build deps-test modules check unit fuzz-short fuzz reliability smoke screenshot screenshots bench clean \
	package package-deb package-check install uninstall package-windows package-windows-check

run: deps-build modules build
	./$(BIN)

build: deps-build modules
	$(GO) build -tags $(TAGS) -o $(BIN) .

# test: static checks, every Go test under -race against a real Secret
# Service (gnome-keyring in a private dbus-run-session), a short pass of every
# fuzz target, the smoke run of the real binary under Xvfb, then the Linux
# packages built from that binary and checked (.ci/package-check).
test: deps-test modules check unit fuzz-short smoke package-check

deps-build:
	@bash .ci/deps build

deps-test:
	@bash .ci/deps test

# modules: fetch the modules the build and tests import (not the whole
# module graph, which fosite makes large).
modules:
	$(GO) list -deps -test -tags $(TAGS) ./... >/dev/null

check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags $(TAGS) ./...

unit:
	LATCHKEY_REQUIRE_KEYRING=1 .ci/with-keyring $(GO) test -race -tags $(TAGS) -count=1 ./...

# fuzz-short: every fuzz target for a few seconds (part of make test).
fuzz-short:
	FUZZTIME=$${FUZZTIME:-3s} .ci/fuzz

# fuzz: every fuzz target for FUZZTIME each (default 60s).
fuzz: deps-test modules
	.ci/fuzz $${FUZZTIME:-60s}

# reliability: run the fault, crash and hostile-input tests and regenerate
# docs/RELIABILITY.md from what they log.
reliability: deps-test modules
	.ci/with-keyring .ci/reliability

smoke: build
	$(GO) build -o bin/fakeidp ./auth/authtest/fakeidp
	$(GO) build -o bin/allowbrowser ./auth/authtest/allowbrowser
	.ci/smoke $(BIN) bin/fakeidp bin/window.png bin/allowbrowser

# screenshot(s): the smoke run's pictures of the real window (a provider
# signed in; the demo before, after its sign-in and stopped), kept as
# docs/window.png and docs/demo-1.png … demo-3.png for the README, and the
# window in Korean as docs/window-ko.png.
screenshot screenshots: deps-test modules smoke
	cp bin/window.png docs/window.png
	cp bin/demo-1.png bin/demo-2.png bin/demo-3.png docs/
	cp bin/window-ko.png docs/window-ko.png

# bench: every speed measurement (.ci/bench): the Go benchmarks against the
# real Secret Service, the per-account cost at 1-200 accounts, and Latchkey
# against its floors (first paint, RSS, idle CPU, token, status), medians and
# ratios from the same run; regenerates docs/BENCHMARKS.md. About 6 minutes.
bench: deps-test modules
	.ci/bench

# package: the Linux tarball (fyne tool) and the .deb (nfpm) of bin/latchkey
# in dist/, both with the .desktop file, the icon in the hicolor sizes and
# the AppStream metainfo (docs/PACKAGING.md). package-deb: the .deb only.
package: build
	.ci/package $(BIN) dist tar deb

package-deb: build
	.ci/package $(BIN) dist deb

# package-check: build the packages and check what is in them, that they
# validate, install and uninstall (part of make test).
package-check: build
	.ci/package-check $(BIN)

# install / uninstall: Latchkey for you alone, in ~/.local (bin/, the menu
# entry, icons, metainfo); no root. uninstall removes exactly those files.
install: build
	.ci/package --stage $(BIN) bin/stage
	$(MAKE) -C bin/stage/latchkey --no-print-directory user-install

uninstall:
	$(MAKE) -f assets/linux/Makefile --no-print-directory user-uninstall

# package-windows: dist/latchkey-VERSION-windows-amd64.exe, a GUI program
# cross-built with mingw-w64, icon and manifest embedded (not in make test:
# a cold build takes about 8 minutes). package-windows-check checks it.
package-windows: deps-build
	.ci/package-windows dist

package-windows-check: deps-build
	.ci/package-windows-check

clean:
	rm -rf bin dist
