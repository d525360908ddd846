/*
 * daemon.h - `mimamori run`: the pipeline threads and their life cycle.
 *
 *   ingest threads --msgq--> pipeline thread --alerts--> store writer thread
 *
 * The main thread only handles signals: SIGHUP builds a new ruleset beside
 * the running one and swaps it in when it loaded without error (handing
 * the notify sender the new rules' translated texts first); SIGTERM and
 * SIGINT stop intake, let the pipeline drain the queue, let the writer
 * commit, and return 0.
 */
#ifndef MIMAMORI_DAEMON_H
#define MIMAMORI_DAEMON_H

#include <stdint.h>

#include "mimamori/config.h"

/* daemon.c */
int mm_daemon_run(struct mm_config *cfg);

/* sdnotify.c - systemd's notify protocol, without libsystemd */
void mm_sd_notify(const char *state);
void mm_sd_notifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Half of $WATCHDOG_USEC in ns when systemd's watchdog is on for us, else 0. */
int64_t mm_sd_watchdog_interval_ns(void);

/* privdrop.c - started as root: become `user:` (keeping only CAP_NET_BIND_SERVICE) */
/* 0 and *dropped = 1 when switched, 0 when not root (or user root), -1 on failure (logged). */
int mm_priv_drop_user(const char *user, int *dropped);
/* After binding: give up the capability kept for it (and gain no privileges by exec). */
void mm_priv_drop_caps(void);

#endif
