# libtaos-rs: the two commands of the README, and a few more.
#
#   make quickstart   build the library + dev server, run examples/quickstart.c against it
#   make test         every test: cargo build/test/fmt/clippy, header check, C suite
#                     (plain and under valgrind), consumer suites; ends "N passed, N failed"
#   make c-tests      only the C suite            make valgrind   only the C suite under valgrind
#   make bench        C benchmark against the dev server (benches/README.md)
#   make build        release build of libtaos.so and taos-devserver
#   make install      scripts/install.sh into PREFIX (default /usr/local)

PREFIX ?= /usr/local

.PHONY: all build quickstart test c-tests valgrind bench bench-tmq install

all: build

build:
	cargo build --release -p libtaos -p taos-devserver

quickstart:
	examples/run-quickstart.sh

test:
	.ci/test-all.sh

c-tests:
	c-tests/run.sh

valgrind:
	c-tests/run.sh --valgrind

bench:
	benches/run.sh

bench-write:
	benches/run_write.sh

bench-tmq:
	benches/run_tmq.sh

install: build
	scripts/install.sh $(PREFIX)
