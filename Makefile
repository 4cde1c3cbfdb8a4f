# hp: see LICENSE.
# One Makefile for GNU make and bmake: no pattern rules, no conditionals.
.POSIX:
.SUFFIXES:
.SUFFIXES: .c .o

VERSION = 0.1.0
PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
MANPREFIX = $(PREFIX)/share/man
SHAREDIR = $(PREFIX)/share/hp
BASHDIR = $(PREFIX)/share/bash-completion/completions
ZSHDIR = $(PREFIX)/share/zsh/site-functions
FISHDIR = $(PREFIX)/share/fish/vendor_conf.d

CC = cc
AR = ar
RANLIB = ranlib
CFLAGS = -O2 -g
LDFLAGS =
SANITIZE = 0
# make dist: static executables built with these, in a copy of the tree.
DISTCC = musl-gcc
DISTLDFLAGS = -static
DISTDIR = dist
SAN_0 =
SAN_1 = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
# Kept apart from CFLAGS so that a user's CFLAGS cannot remove them.
HP_CFLAGS = -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -pedantic \
	-Werror -Ilib $(SAN_$(SANITIZE))
HP_LDFLAGS = $(SAN_$(SANITIZE))

LIB = lib/libhp.a
LIBOBJ = lib/breaker.o lib/client.o lib/conf.o lib/control.o lib/err.o lib/event.o lib/fifo.o lib/info.o \
	lib/io.o lib/json.o lib/jsonraw.o lib/kv.o lib/lock.o lib/log.o lib/mem.o \
	lib/opt.o lib/parse.o lib/platform.o lib/proc.o lib/record.o lib/sig.o \
	lib/spec.o lib/specenv.o lib/user.o lib/allow.o lib/sproc.o lib/state.o lib/super.o lib/time.o \
	lib/url.o lib/http.o lib/health.o \
	lib/tools.o lib/envpath.o lib/detect.o lib/dcache.o lib/watch.o \
	lib/node.o lib/limit.o lib/slimit.o lib/init.o lib/pty.o \
	lib/relay.o lib/keep.o lib/sterm.o lib/tact.o lib/tctl.o lib/attach.o lib/launch.o
BIN = cmd/hp-spawn cmd/hp-supervise cmd/hp-ls cmd/hp-health cmd/hp-detect \
	cmd/hp-pty
MAN = man/hp.7 man/hp-spawn.1 man/hp-supervise.1 man/hp-ls.1 \
	man/hp-health.1 man/hp-detect.1 man/hp-pty.1 man/hp.conf.5
# The Node.js client, installed in $(SHAREDIR)/node.
NODE = share/hp/node/package.json share/hp/node/index.js \
	share/hp/node/index.mjs share/hp/node/index.d.ts share/hp/node/run.js \
	share/hp/node/manager.js share/hp/node/detect.js \
	share/hp/node/terminal.js share/hp/node/detached.js
UNITOBJ = test/unit/main.o test/unit/t_parse.o test/unit/t_json.o \
	test/unit/t_kv.o test/unit/t_io.o test/unit/t_state.o \
	test/unit/t_proc.o test/unit/t_log.o test/unit/t_event.o \
	test/unit/t_breaker.o \
	test/unit/t_health.o test/unit/t_detect.o test/unit/t_limit.o \
	test/unit/t_pty.o test/unit/t_fuzz.o
TESTBIN = test/unit/run test/bench/bench test/httpd

# make fuzz: libFuzzer targets, built apart in test/fuzz/build with clang.
FUZZCC = clang
FUZZ_TIME = 60
SOAK_TIME = 180
SOAK_PROCS = 500
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -pedantic \
	-Werror -Ilib -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN)
FUZZ_DIR = test/fuzz/build
FUZZ_LIB = $(FUZZ_DIR)/libhp.a
FUZZ = conf tools kv spec http version split parse check json jsonget \
	dcache control
FUZZBIN = $(FUZZ_DIR)/conf $(FUZZ_DIR)/tools $(FUZZ_DIR)/kv \
	$(FUZZ_DIR)/spec $(FUZZ_DIR)/http $(FUZZ_DIR)/version \
	$(FUZZ_DIR)/split $(FUZZ_DIR)/parse $(FUZZ_DIR)/check \
	$(FUZZ_DIR)/json $(FUZZ_DIR)/jsonget $(FUZZ_DIR)/dcache \
	$(FUZZ_DIR)/control
FUZZ_DEP = test/fuzz/fuzz.c test/fuzz/fuzz.h $(FUZZ_LIB)
FUZZ_LINK = $(FUZZCC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itest/fuzz

all: $(BIN)

.c.o:
	$(CC) $(HP_CFLAGS) $(CFLAGS) -c -o $@ $<

# Rebuild everything when the compiler or its flags change.
build.flags: FORCE
	@echo '$(CC) $(HP_CFLAGS) $(CFLAGS) $(HP_LDFLAGS) $(LDFLAGS)' \
	    > build.flags.new; \
	if cmp -s build.flags.new build.flags; then rm -f build.flags.new; \
	else mv build.flags.new build.flags; fi
FORCE:

$(LIBOBJ) $(UNITOBJ) cmd/hp-spawn.o cmd/hp-supervise.o cmd/hp-ls.o \
cmd/hp-health.o cmd/hp-detect.o cmd/hp-pty.o test/httpd.o \
test/bench/bench.o test/bench/detect.o test/bench/super.o \
test/bench/pty.o: lib/hp.h build.flags
test/bench/bench.o test/bench/super.o test/bench/pty.o: test/bench/bench.h
test/bench/pty.o: lib/term.h
lib/tools.o lib/detect.o lib/dcache.o lib/launch.o cmd/hp-detect.o cmd/hp-pty.o \
test/unit/t_detect.o test/unit/t_fuzz.o: \
	lib/detect.h
lib/super.o lib/sproc.o lib/control.o lib/record.o lib/watch.o \
lib/node.o lib/slimit.o lib/init.o test/unit/t_fuzz.o: lib/super.h
lib/sterm.o lib/tact.o lib/tctl.o: lib/super.h lib/sterm.h lib/term.h
lib/super.o lib/sproc.o lib/control.o lib/record.o lib/watch.o \
lib/node.o lib/slimit.o lib/init.o lib/spec.o lib/http.o lib/url.o \
lib/health.o cmd/hp-health.o test/unit/t_health.o test/unit/t_fuzz.o: \
	lib/check.h
lib/pty.o lib/relay.o lib/keep.o lib/attach.o lib/proc.o cmd/hp-pty.o test/unit/t_pty.o: \
	lib/term.h
$(UNITOBJ): test/unit/unit.h

$(LIB): $(LIBOBJ)
	rm -f $@
	$(AR) rc $@ $(LIBOBJ)
	$(RANLIB) $@

cmd/hp-spawn: cmd/hp-spawn.o $(LIB)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-spawn.o $(LIB)
cmd/hp-supervise: cmd/hp-supervise.o $(LIB)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-supervise.o $(LIB)
cmd/hp-ls: cmd/hp-ls.o $(LIB)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-ls.o $(LIB)
cmd/hp-health: cmd/hp-health.o $(LIB)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-health.o $(LIB)
cmd/hp-detect: cmd/hp-detect.o $(LIB)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-detect.o $(LIB)
cmd/hp-pty: cmd/hp-pty.o $(LIB)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-pty.o $(LIB)

test/unit/run: $(UNITOBJ) $(LIB)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ $(UNITOBJ) $(LIB)
test/bench/bench: test/bench/bench.o test/bench/detect.o test/bench/super.o \
    test/bench/pty.o $(LIB)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ test/bench/bench.o \
	    test/bench/detect.o test/bench/super.o test/bench/pty.o $(LIB)
test/httpd: test/httpd.o $(LIB)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ test/httpd.o $(LIB)

check: $(BIN) test/unit/run test/httpd
	@sh test/run

# The library again, with the fuzz flags, out of the way of lib/*.o.
$(FUZZ_LIB): $(LIBOBJ:.o=.c) lib/hp.h lib/detect.h lib/super.h lib/check.h \
    lib/term.h
	rm -rf $(FUZZ_DIR)/lib
	mkdir -p $(FUZZ_DIR)/lib
	for f in $(LIBOBJ:.o=); do \
	    $(FUZZCC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c \
	    -o $(FUZZ_DIR)/$$f.o $$f.c || exit 1; \
	done
	rm -f $@
	$(AR) rc $@ $(FUZZ_DIR)/lib/*.o
	$(RANLIB) $@
$(FUZZ_DIR)/conf: test/fuzz/conf.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/conf.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/tools: test/fuzz/tools.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/tools.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/kv: test/fuzz/kv.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/kv.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/spec: test/fuzz/spec.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/spec.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/http: test/fuzz/http.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/http.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/version: test/fuzz/version.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/version.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/split: test/fuzz/split.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/split.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/parse: test/fuzz/parse.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/parse.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/check: test/fuzz/check.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/check.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/json: test/fuzz/json.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/json.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/jsonget: test/fuzz/jsonget.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/jsonget.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/dcache: test/fuzz/dcache.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/dcache.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/control: test/fuzz/control.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/control.c test/fuzz/fuzz.c $(FUZZ_LIB)

# Each target for FUZZ_TIME seconds, from its corpus in test/fuzz/corpus.
fuzz: $(FUZZBIN)
	@sh test/fuzz/run $(FUZZ_TIME) $(FUZZ)

# make soak: SOAK_PROCS services under one supervisor crash at random
# for SOAK_TIME seconds; nothing may be lost or leak (test/soak).
soak: $(BIN)
	@bash test/soak $(SOAK_TIME) $(SOAK_PROCS)

# make memcheck: make check with every command under valgrind.
memcheck: $(BIN) test/unit/run test/httpd
	@sh test/memcheck

lint:
	mandoc -Tlint -W warning $(MAN)
	shellcheck -s bash -S warning completions/hp.bash

demo: $(BIN)
	@sh share/hp/demo.sh

bench: $(BIN) test/bench/bench test/httpd
	@sh test/bench/run

dist:
	@sh share/hp/dist.sh $(VERSION) '$(DISTCC)' '$(DISTLDFLAGS)' '$(DISTDIR)'

install: $(BIN)
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1 \
	    $(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man7 \
	    $(DESTDIR)$(SHAREDIR) $(DESTDIR)$(SHAREDIR)/node \
	    $(DESTDIR)$(BASHDIR) $(DESTDIR)$(ZSHDIR) $(DESTDIR)$(FISHDIR)
	cp $(BIN) $(DESTDIR)$(BINDIR)/
	cd $(DESTDIR)$(BINDIR) && chmod 755 hp-spawn hp-supervise hp-ls
	chmod 755 $(DESTDIR)$(BINDIR)/hp-health
	chmod 755 $(DESTDIR)$(BINDIR)/hp-detect
	chmod 755 $(DESTDIR)$(BINDIR)/hp-pty
	cp man/hp-spawn.1 man/hp-supervise.1 man/hp-ls.1 \
	    $(DESTDIR)$(MANPREFIX)/man1/
	cp man/hp-health.1 $(DESTDIR)$(MANPREFIX)/man1/
	cp man/hp-detect.1 $(DESTDIR)$(MANPREFIX)/man1/
	cp man/hp-pty.1 $(DESTDIR)$(MANPREFIX)/man1/
	cp man/hp.conf.5 $(DESTDIR)$(MANPREFIX)/man5/
	cp man/hp.7 $(DESTDIR)$(MANPREFIX)/man7/
	cp share/hp/demo.sh share/hp/example.conf share/hp/memory-service.js \
	    share/hp/ws-backend.js $(DESTDIR)$(SHAREDIR)/
	cp share/hp/tools.conf $(DESTDIR)$(SHAREDIR)/
	cp $(NODE) $(DESTDIR)$(SHAREDIR)/node/
	cp completions/hp.bash $(DESTDIR)$(BASHDIR)/hp-spawn
	cp completions/hp.bash $(DESTDIR)$(BASHDIR)/hp-supervise
	cp completions/hp.bash $(DESTDIR)$(BASHDIR)/hp-ls
	cp completions/hp.bash $(DESTDIR)$(BASHDIR)/hp-health
	cp completions/hp.bash $(DESTDIR)$(BASHDIR)/hp-detect
	cp completions/hp.bash $(DESTDIR)$(BASHDIR)/hp-pty
	cp completions/_hp $(DESTDIR)$(ZSHDIR)/_hp
	cp completions/hp.fish $(DESTDIR)$(FISHDIR)/hp.fish

uninstall:
	cd $(DESTDIR)$(BINDIR) && rm -f hp-spawn hp-supervise hp-ls
	rm -f $(DESTDIR)$(BINDIR)/hp-health
	rm -f $(DESTDIR)$(BINDIR)/hp-detect
	rm -f $(DESTDIR)$(BINDIR)/hp-pty
	cd $(DESTDIR)$(MANPREFIX)/man1 && rm -f hp-spawn.1 hp-supervise.1 \
	    hp-ls.1
	rm -f $(DESTDIR)$(MANPREFIX)/man1/hp-health.1
	rm -f $(DESTDIR)$(MANPREFIX)/man1/hp-detect.1
	rm -f $(DESTDIR)$(MANPREFIX)/man1/hp-pty.1
	rm -f $(DESTDIR)$(MANPREFIX)/man5/hp.conf.5
	rm -f $(DESTDIR)$(MANPREFIX)/man7/hp.7
	rm -rf $(DESTDIR)$(SHAREDIR)
	cd $(DESTDIR)$(BASHDIR) && rm -f hp-spawn hp-supervise hp-ls
	rm -f $(DESTDIR)$(BASHDIR)/hp-health
	rm -f $(DESTDIR)$(BASHDIR)/hp-detect
	rm -f $(DESTDIR)$(BASHDIR)/hp-pty
	rm -f $(DESTDIR)$(ZSHDIR)/_hp $(DESTDIR)$(FISHDIR)/hp.fish

clean:
	rm -f $(LIB) $(LIBOBJ) $(BIN) cmd/*.o $(UNITOBJ) $(TESTBIN) \
	    test/bench/*.o test/httpd.o build.flags build.flags.new
	rm -rf $(FUZZ_DIR)

.PHONY: all check fuzz soak memcheck lint demo bench dist install uninstall \
	clean FORCE
