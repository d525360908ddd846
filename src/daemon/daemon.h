/*
 * daemon.h - `mimamori run`: the pipeline threads and their life cycle.
 *
 *   ingest threads --msgq--> pipeline thread --alerts--> store writer thread
 *
 * The main thread only handles signals: SIGHUP builds a new ruleset beside
 * the running one and swaps it in when it loaded without error; SIGTERM and
 * SIGINT stop intake, let the pipeline drain the queue, let the writer
 * commit, and return 0.
 */
#ifndef MIMAMORI_DAEMON_H
#define MIMAMORI_DAEMON_H

#include "mimamori/config.h"

/* daemon.c */
int mm_daemon_run(struct mm_config *cfg);

/* sdnotify.c - systemd's notify protocol, without libsystemd */
void mm_sd_notify(const char *state);

#endif
