/*
 * notify_int.h - private to src/notify and its caller, the store writer.
 *
 * Delivery reads the outbox that the store writer fills: each notify channel
 * has one outbox row per alert, created in the same transaction as the
 * alert, and a deliverer turns pending rows into sent ones.  This version has
 * one channel type, `file`: one JSON line per alert appended to a file.
 *
 * A channel state is owned by the writer thread and used only from it (the
 * same thread owns the database connection).  Delivery never drops: a row
 * stays pending until its line is written, retried with back-off.
 */
#ifndef MM_NOTIFY_INT_H
#define MM_NOTIFY_INT_H

#include <stdint.h>

#include "mimamori/buf.h"
#include "mimamori/err.h"
#include "mimamori/store.h"

struct mm_notify_file {
    char *name;          /* channel name, as in the outbox rows (owned) */
    char *path;          /* file the JSON lines are appended to (owned) */
    int pending;         /* outbox rows may be pending: worth a look */
    unsigned streak;     /* consecutive failed attempts; 0 = healthy */
    int64_t next_try_ns; /* monotonic; no attempt before this while streak > 0 */
    uint64_t delivered;  /* lines written since start */
    struct mm_buf out;   /* the lines of one round, reused */
};

/* file.c */
/* name, path: copied.  Starts with pending = 1 so rows of a previous run go out. */
enum mm_err mm_notify_file_init(struct mm_notify_file *f, const char *name, const char *path);
/* Accepts a zeroed or half-initialised channel. */
void mm_notify_file_release(struct mm_notify_file *f);
/*
 * Append the pending rows' JSON lines and mark them sent.  Outside a
 * transaction.  force: ignore the back-off (start and stop).  MM_EIO when the
 * file cannot be written (rows stay pending, next attempt after a back-off),
 * MM_EDB on a database error.
 */
enum mm_err mm_notify_file_deliver(struct mm_notify_file *f, struct mm_store *st, int force);
/* When the writer should wake up to retry: a monotonic time, or 0 for no retry due. */
int64_t mm_notify_file_retry_at(const struct mm_notify_file *f);

#endif
