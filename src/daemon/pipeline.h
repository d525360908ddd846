/*
 * pipeline.h - the pipeline thread: messages from the ingest queue become
 * events (parse), events are matched against the current ruleset, matches
 * become alerts (alerter, suppression) handed to the store writer.  It also
 * keeps per-source and global counters and hands them to the writer once a
 * second.  The current ruleset is read under a mutex once per batch, so a
 * SIGHUP swap takes effect at the next batch.
 */
#ifndef MIMAMORI_PIPELINE_H
#define MIMAMORI_PIPELINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "mimamori/config.h"
#include "mimamori/ingest.h"
#include "mimamori/parse.h"
#include "mimamori/rules.h"
#include "mimamori/store.h"
#include "mimamori/tz.h"

struct mm_pipeline {
    struct mm_msgq *q;                /* borrowed */
    struct mm_store_writer *writer;   /* borrowed */
    struct mm_ingest *ingest;         /* borrowed, for its counters (may be NULL) */
    const struct mm_tz *tz;           /* borrowed */
    const struct mm_config *cfg;      /* borrowed */
    pthread_mutex_t rules_mu;
    struct mm_ruleset *rules;         /* owned reference; swapped by mm_pipeline_set_rules */
    pthread_t thread;
    int started;
    _Atomic uint64_t parsed, unparsed, malformed, matched, alerts;
    /*
     * `mimamori import` (set before start): messages are MM_MSG_FILE lines whose
     * peer is an AF_UNIX address carrying the file's name; a source is named by
     * the line's syslog hostname, else by that file name; its first/last seen
     * are event times; a line without a time of its own takes the previous
     * line's; the correlation timers run on event time, as in `replay`; the
     * global counters are not written (they are the daemon's).
     */
    int import;
    _Atomic int64_t alive_ns;         /* CLOCK_MONOTONIC of the last counter flush (watchdog) */
};

/* pipeline.c */
enum mm_err mm_pipeline_start(struct mm_pipeline *p);
/* Swap in a new ruleset (takes the reference); the old one is released. */
void mm_pipeline_set_rules(struct mm_pipeline *p, struct mm_ruleset *rs);
/* Wait for the thread to drain the (closed) queue and exit. */
void mm_pipeline_join(struct mm_pipeline *p);

#endif
