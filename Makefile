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
# make dist: static executables built with these, in a copy of the tree;
# each function and datum in a section of its own, and those no command
# calls left out: half the text, a quicker start.
DISTCC = musl-gcc
DISTCFLAGS = -O2 -ffunction-sections -fdata-sections
DISTLDFLAGS = -static -Wl,--gc-sections
DISTDIR = dist
SAN_0 =
SAN_1 = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
# Kept apart from CFLAGS so that a user's CFLAGS cannot remove them.
HP_CFLAGS = -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -pedantic \
	-Werror -Ilib $(SAN_$(SANITIZE))
HP_LDFLAGS = $(SAN_$(SANITIZE))

# lib/ is four layers, one archive each, linked top-down: a call from a
# layer to a later one in this list fails to link (hp.h; make lint).
# lib/sys/ is of the base layer: what only some systems have.
BASEOBJ = lib/base/err.o lib/base/mem.o lib/base/map.o lib/base/opt.o lib/base/io.o \
	lib/base/time.o lib/base/parse.o lib/base/json.o lib/base/jsonraw.o \
	lib/base/kv.o lib/base/lock.o lib/base/fifo.o lib/sys/platform.o \
	lib/sys/cgroup.o lib/base/proc.o lib/base/tree.o lib/base/tty.o \
	lib/base/log.o lib/base/sig.o lib/base/user.o lib/base/breaker.o \
	lib/sys/dirwatch.o
MODELOBJ = lib/model/state.o lib/model/spec.o lib/model/keys.o \
	lib/model/specenv.o lib/model/termenv.o lib/model/limit.o \
	lib/model/allow.o lib/model/after.o lib/model/envfile.o \
	lib/model/conf.o lib/model/envpath.o lib/model/event.o \
	lib/model/info.o lib/model/url.o lib/model/http.o lib/model/health.o \
	lib/model/skeys.o lib/model/prom.o lib/model/listen.o \
	lib/model/cron.o
CLIENTOBJ = lib/client/client.o lib/client/keep.o lib/client/relay.o \
	lib/client/attach.o lib/client/tools.o lib/client/detect.o \
	lib/client/dcache.o lib/client/launch.o lib/client/list.o \
	lib/client/logs.o lib/client/top.o lib/client/topdraw.o \
	lib/client/direct.o lib/client/chan.o lib/client/fg.o \
	lib/client/probe.o lib/client/save.o lib/client/startup.o \
	lib/client/match.o lib/client/wait.o
SUPEROBJ = lib/super/super.o lib/super/life.o lib/super/sproc.o \
	lib/super/control.o lib/super/record.o lib/super/stops.o \
	lib/super/watch.o \
	lib/super/audit.o lib/super/node.o lib/super/slimit.o lib/super/init.o \
	lib/super/sterm.o lib/super/tact.o lib/super/tctl.o lib/super/kin.o \
	lib/super/sterm_ho.o \
	lib/super/smetric.o lib/super/sshow.o lib/super/shttp.o \
	lib/super/unit.o lib/super/roll.o lib/super/notify.o \
	lib/super/sched.o lib/super/parent.o lib/super/handover.o \
	lib/super/upgrade.o lib/super/takeover.o \
	lib/super/vtparse.o lib/super/vtscreen.o lib/super/vtdraw.o \
	lib/super/vtwidth.o lib/super/vtsame.o lib/super/vtmode.o \
	lib/super/vtcsi.o lib/super/vtquery.o lib/super/fwatch.o
LIBOBJ = $(BASEOBJ) $(MODELOBJ) $(CLIENTOBJ) $(SUPEROBJ)
LIBBASE = lib/base/libbase.a
LIBMODEL = lib/model/libmodel.a
LIBCLIENT = lib/client/libclient.a
LIBSUPER = lib/super/libsuper.a
LIBA = $(LIBSUPER) $(LIBCLIENT) $(LIBMODEL) $(LIBBASE)
# What a command links: the supervisor only for hp-supervise.
CLIENTLIBS = $(LIBCLIENT) $(LIBMODEL) $(LIBBASE)
SUPERLIBS = $(LIBSUPER) $(CLIENTLIBS)
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
	test/unit/t_breaker.o test/unit/t_cron.o \
	test/unit/t_health.o test/unit/t_detect.o test/unit/t_limit.o \
	test/unit/t_pty.o test/unit/t_fuzz.o test/unit/t_keys.o \
	test/unit/t_metrics.o test/unit/t_after.o test/unit/tables.o \
	test/unit/t_vt.o test/unit/t_envfile.o test/unit/t_handover.o \
	test/unit/t_termho.o test/unit/t_stops.o
# The supervisor again on kqueue, through test/kqshim (kqueue's vnode
# filter on inotify), beside copies of the other commands: make check
# runs the watch tests against it too.
KQDIR = test/kq
KQBIN = $(KQDIR)/hp-supervise
KQ_CFLAGS = -DHP_KQUEUE_SHIM -Itest/kqshim
KQOBJ = $(KQDIR)/dirwatch.o $(KQDIR)/kqshim.o
TESTBIN = test/unit/run test/bench/bench test/httpd test/sockd \
	test/loadgen test/notify test/leaderless test/bench/mark

# make fuzz: libFuzzer targets, built apart in test/fuzz/build with clang.
FUZZCC = clang
FUZZ_TIME = 60
SOAK_TIME = 180
SOAK_PROCS = 500
SOAK_ROUNDS = 200
SOAK_LINKS = 4000
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -pedantic \
	-Werror -Ilib -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN)
FUZZ_DIR = test/fuzz/build
FUZZ_LIB = $(FUZZ_DIR)/libhp.a
FUZZ = conf tools kv spec http version split parse check json jsonget \
	dcache control req info after vt cron envfile
FUZZBIN = $(FUZZ_DIR)/conf $(FUZZ_DIR)/tools $(FUZZ_DIR)/kv \
	$(FUZZ_DIR)/spec $(FUZZ_DIR)/http $(FUZZ_DIR)/version \
	$(FUZZ_DIR)/split $(FUZZ_DIR)/parse $(FUZZ_DIR)/check \
	$(FUZZ_DIR)/json $(FUZZ_DIR)/jsonget $(FUZZ_DIR)/dcache \
	$(FUZZ_DIR)/control $(FUZZ_DIR)/req $(FUZZ_DIR)/info \
	$(FUZZ_DIR)/after $(FUZZ_DIR)/vt $(FUZZ_DIR)/cron \
	$(FUZZ_DIR)/envfile
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
test/bench/pty.o test/bench/metrics.o test/bench/peers.o test/bench/upgrade.o: lib/hp.h build.flags
test/bench/bench.o test/bench/super.o test/bench/pty.o \
test/bench/metrics.o test/bench/peers.o test/bench/upgrade.o: test/bench/bench.h
test/bench/pty.o: lib/client/term.h
lib/client/tools.o lib/client/detect.o lib/client/dcache.o \
lib/client/probe.o lib/client/launch.o cmd/hp-detect.o cmd/hp-pty.o test/unit/t_detect.o \
test/unit/t_fuzz.o: lib/client/detect.h
$(SUPEROBJ) test/unit/t_fuzz.o test/unit/t_after.o test/unit/t_stops.o \
test/unit/tables.o \
test/unit/t_termho.o: \
	lib/super/super.h \
	lib/model/check.h
lib/super/sterm.o lib/super/tact.o lib/super/tctl.o lib/super/sterm_ho.o \
test/unit/t_termho.o: lib/super/sterm.h \
	lib/client/term.h
lib/super/handover.o lib/super/upgrade.o lib/super/takeover.o lib/super/sterm.o \
lib/super/node.o \
lib/super/notify.o lib/super/smetric.o lib/super/unit.o lib/super/super.o \
lib/super/fwatch.o \
lib/super/sterm_ho.o test/unit/t_handover.o test/unit/t_termho.o: \
	lib/super/handover.h
lib/super/sterm.o lib/super/tctl.o lib/super/vtparse.o lib/super/vtscreen.o \
lib/super/vtdraw.o lib/super/vtwidth.o lib/super/vtsame.o lib/super/vtmode.o \
lib/super/vtcsi.o lib/super/vtquery.o test/unit/t_vt.o lib/super/sterm_ho.o \
test/unit/t_termho.o: \
	lib/super/vt.h
lib/model/keys.o lib/model/http.o lib/model/url.o lib/model/health.o \
lib/model/skeys.o lib/model/listen.o cmd/hp-health.o test/unit/t_health.o \
test/unit/t_fuzz.o test/unit/t_metrics.o: lib/model/check.h
lib/client/relay.o lib/client/keep.o lib/client/attach.o cmd/hp-pty.o \
lib/client/chan.o lib/client/fg.o test/unit/t_pty.o: lib/client/term.h
lib/client/top.o lib/client/topdraw.o: lib/client/top.h
$(UNITOBJ): test/unit/unit.h

$(LIBBASE): $(BASEOBJ)
	rm -f $@
	$(AR) rc $@ $(BASEOBJ)
	$(RANLIB) $@
$(LIBMODEL): $(MODELOBJ)
	rm -f $@
	$(AR) rc $@ $(MODELOBJ)
	$(RANLIB) $@
$(LIBCLIENT): $(CLIENTOBJ)
	rm -f $@
	$(AR) rc $@ $(CLIENTOBJ)
	$(RANLIB) $@
$(LIBSUPER): $(SUPEROBJ)
	rm -f $@
	$(AR) rc $@ $(SUPEROBJ)
	$(RANLIB) $@

cmd/hp-spawn: cmd/hp-spawn.o $(CLIENTLIBS)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-spawn.o $(CLIENTLIBS)
cmd/hp-supervise: cmd/hp-supervise.o $(SUPERLIBS)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-supervise.o $(SUPERLIBS)
cmd/hp-ls: cmd/hp-ls.o $(CLIENTLIBS)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-ls.o $(CLIENTLIBS)
cmd/hp-health: cmd/hp-health.o $(CLIENTLIBS)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-health.o $(CLIENTLIBS)
cmd/hp-detect: cmd/hp-detect.o $(CLIENTLIBS)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-detect.o $(CLIENTLIBS)
cmd/hp-pty: cmd/hp-pty.o $(CLIENTLIBS)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-pty.o $(CLIENTLIBS)

test/unit/run: $(UNITOBJ) $(SUPERLIBS)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ $(UNITOBJ) $(SUPERLIBS)
test/bench/bench: test/bench/bench.o test/bench/detect.o test/bench/super.o \
    test/bench/pty.o test/bench/metrics.o test/bench/peers.o \
    test/bench/upgrade.o $(CLIENTLIBS)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ test/bench/bench.o \
	    test/bench/detect.o test/bench/super.o test/bench/pty.o \
	    test/bench/metrics.o test/bench/peers.o test/bench/upgrade.o \
	    $(CLIENTLIBS)
test/bench/mark: test/bench/mark.o
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ test/bench/mark.o
test/httpd: test/httpd.o $(CLIENTLIBS)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ test/httpd.o $(CLIENTLIBS)
# Programs as others write them, for systemd: libc alone.
# Stand-ins for programs not ours (a server written for systemd, a load
# generator): built without the sanitizers. Their exit-time leak check
# runs in a ptrace'd clone that a stop's signals can leave hanging, and
# a hung stand-in is not a finding about hp.
STANDIN_CFLAGS = -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra \
	-pedantic -Werror
test/sockd: test/sockd.c build.flags
test/loadgen: test/loadgen.c build.flags
test/notify: test/notify.c build.flags
test/sockd test/loadgen test/notify:
	$(CC) $(STANDIN_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $@.c
test/leaderless: test/leaderless.c build.flags
	$(CC) $(STANDIN_CFLAGS) -pthread $(CFLAGS) $(LDFLAGS) -o $@ $@.c

check: $(BIN) test/unit/run test/httpd test/sockd test/loadgen test/notify \
    test/leaderless $(KQBIN)
	@sh test/run

# Only what differs is built again: dirwatch.c, and the shim.
$(KQDIR)/dirwatch.o: lib/sys/dirwatch.c lib/hp.h test/kqshim/sys/event.h \
    build.flags
	mkdir -p $(KQDIR)
	$(CC) $(HP_CFLAGS) $(CFLAGS) $(KQ_CFLAGS) -c -o $@ lib/sys/dirwatch.c
$(KQDIR)/kqshim.o: test/kqshim/kqshim.c test/kqshim/sys/event.h build.flags
	mkdir -p $(KQDIR)
	$(CC) $(HP_CFLAGS) $(CFLAGS) $(KQ_CFLAGS) -c -o $@ test/kqshim/kqshim.c
$(KQBIN): cmd/hp-supervise.o $(KQOBJ) $(SUPERLIBS) $(BIN)
	$(CC) $(HP_LDFLAGS) $(LDFLAGS) -o $@ cmd/hp-supervise.o $(KQOBJ) \
	    $(SUPERLIBS)
	cp cmd/hp-spawn cmd/hp-ls cmd/hp-health cmd/hp-detect cmd/hp-pty \
	    $(KQDIR)/

# The watch tests alone against it.
check-kqueue: $(BIN) $(KQBIN) test/sockd test/loadgen
	@HP_TEST_BIN=`pwd`/$(KQDIR) bats test/filewatch.bats test/kqueue.bats

# The library again, with the fuzz flags, out of the way of lib/*.o.
$(FUZZ_LIB): $(LIBOBJ:.o=.c) lib/hp.h lib/client/detect.h lib/super/super.h \
    lib/model/check.h lib/client/term.h lib/super/sterm.h lib/super/vt.h
	rm -rf $(FUZZ_DIR)/lib
	mkdir -p $(FUZZ_DIR)/lib/base $(FUZZ_DIR)/lib/model \
	    $(FUZZ_DIR)/lib/client $(FUZZ_DIR)/lib/super $(FUZZ_DIR)/lib/sys
	for f in $(LIBOBJ:.o=); do \
	    $(FUZZCC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c \
	    -o $(FUZZ_DIR)/$$f.o $$f.c || exit 1; \
	done
	rm -f $@
	$(AR) rc $@ $(FUZZ_DIR)/lib/*/*.o
	$(RANLIB) $@
$(FUZZ_DIR)/conf: test/fuzz/conf.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/conf.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/tools: test/fuzz/tools.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/tools.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/kv: test/fuzz/kv.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/kv.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/spec: test/fuzz/spec.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/spec.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/vt: test/fuzz/vt.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/vt.c test/fuzz/fuzz.c $(FUZZ_LIB)
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
$(FUZZ_DIR)/req: test/fuzz/req.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/req.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/info: test/fuzz/info.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/info.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/after: test/fuzz/after.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/after.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/cron: test/fuzz/cron.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/cron.c test/fuzz/fuzz.c $(FUZZ_LIB)
$(FUZZ_DIR)/envfile: test/fuzz/envfile.c $(FUZZ_DEP)
	$(FUZZ_LINK) -o $@ test/fuzz/envfile.c test/fuzz/fuzz.c $(FUZZ_LIB)

# Each target for FUZZ_TIME seconds, from its corpus in test/fuzz/corpus.
fuzz: $(FUZZBIN)
	@sh test/fuzz/run $(FUZZ_TIME) $(FUZZ)

# make soak: SOAK_PROCS services under one supervisor crash at random
# for SOAK_TIME seconds; nothing may be lost or leak (test/soak). Then
# SOAK_ROUNDS rounds of SIGKILL of the supervisor in an hp-spawn, a
# restart and a reload, no copy and no orphan after any, and a chain of
# SOAK_LINKS services, each after the one before (test/soak-kill).
soak: $(BIN)
	@s=0; bash test/soak $(SOAK_TIME) $(SOAK_PROCS) || s=1; \
	    bash test/soak-kill $(SOAK_ROUNDS) $(SOAK_LINKS) || s=1; exit $$s

# make memcheck: make check with every command under valgrind.
memcheck: $(BIN) test/unit/run test/httpd test/sockd test/loadgen \
    test/notify test/leaderless
	@sh test/memcheck

# The layers hold (no call to a later layer, no circle outside super/),
# and only the commands exit: from the objects themselves (test/layers).
lint: $(LIBOBJ)
	mandoc -Tlint -W warning $(MAN)
	sh test/layers '$(BASEOBJ)' '$(MODELOBJ)' '$(CLIENTOBJ)' '$(SUPEROBJ)'
	shellcheck -s bash -S warning completions/hp.bash

demo: $(BIN)
	@sh share/hp/demo.sh

bench: $(BIN) test/bench/bench test/bench/mark test/httpd test/sockd \
    test/loadgen
	@sh test/bench/run $(PARTS)

dist:
	@sh share/hp/dist.sh $(VERSION) '$(DISTCC)' '$(DISTLDFLAGS)' \
	    '$(DISTDIR)' '$(DISTCFLAGS)'

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
	rm -f $(LIBA) $(LIBOBJ) $(BIN) cmd/*.o $(UNITOBJ) $(TESTBIN) \
	    test/bench/*.o test/httpd.o test/sockd.o test/loadgen.o \
	    test/notify.o build.flags build.flags.new
	rm -rf $(FUZZ_DIR) $(KQDIR)

.PHONY: all check check-kqueue fuzz soak memcheck lint demo bench dist install uninstall \
	clean FORCE
