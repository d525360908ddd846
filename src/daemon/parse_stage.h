/*
 * parse_stage.h - the first half of the pipeline, on a thread of its own.
 *
 * It pops messages from the ingest queue and parses each into an event; the
 * pipeline thread (pipeline.c) takes the parsed batches in order, runs the
 * rules, correlation and alerter on them, and only then releases the
 * messages back to the queue (the events point into them).  Parsing is about
 * half of the work per line, so on two cores the two halves overlap.
 */
#ifndef MIMAMORI_DAEMON_PARSE_STAGE_H
#define MIMAMORI_DAEMON_PARSE_STAGE_H

#include "mimamori/event.h"
#include "mimamori/ingest.h"
#include "mimamori/parse.h"
#include "mimamori/tz.h"

/* batches in flight: at most 256 events (~16 KiB each, mostly untouched) */
#define MM_PARSED_BATCH 64 /* messages per batch */
#define MM_PARSED_SLOTS 4
#define MM_SOURCE_TEXT 64

struct mm_parsed {
    size_t n;
    struct mm_msg msg[MM_PARSED_BATCH];
    struct mm_event *ev;                       /* MM_PARSED_BATCH events (owned) */
    char src[MM_PARSED_BATCH][MM_SOURCE_TEXT]; /* ev[i].source points here (or into msg[i]) */
};

struct mm_parse_stage;

/*
 * Per-event work that needs no rules, done on the parse thread after parsing
 * (pipeline.c: the hourly roll-ups, and an imported line's source name and
 * time).  Each hook may be NULL; all run on the parse thread.
 */
struct mm_parse_hooks {
    void *arg;
    /* src: the event's own MM_SOURCE_TEXT buffer; ev->source may be pointed at it */
    void (*event)(void *arg, struct mm_event *ev, const struct mm_msg *m, char *src);
    void (*tick)(void *arg);   /* after each batch, and at least every 200 ms */
    void (*finish)(void *arg); /* once, at the end, before the last batch is taken */
};

/* parse_stage.c */
/* Start the thread; it stops when q is closed and empty.  pins are copied by the parser. */
enum mm_err mm_parse_stage_start(struct mm_parse_stage **out, struct mm_msgq *q,
                                 const struct mm_tz *tz, const struct mm_source_pin *pins,
                                 size_t npins, const struct mm_parse_hooks *hooks);
/* The next parsed batch in order, waiting up to timeout_ms; NULL on timeout, and NULL
 * with *done set once the queue is closed and every batch has been taken. */
struct mm_parsed *mm_parse_stage_take(struct mm_parse_stage *s, int timeout_ms, int *done);
/* Done with the oldest batch taken (its messages must already be released to the queue). */
void mm_parse_stage_release(struct mm_parse_stage *s, struct mm_parsed *b);
/* Join the thread (after the queue was closed and everything taken) and free. */
void mm_parse_stage_free(struct mm_parse_stage *s);

#endif
