/*
 * handoff.h - batches passed from one thread to another, in order.
 *
 * A fixed ring of slots: the producer takes the next free slot, fills the
 * batch it stands for (the caller's own array, indexed by the slot number)
 * and hands it over; the consumer takes full slots in the order they were
 * filled and gives each back when done.  One producer, one consumer; every
 * slot goes round free -> filling -> full -> in use -> free, in ring order.
 * The lock is taken once per batch, not per item.
 */
#ifndef MIMAMORI_HANDOFF_H
#define MIMAMORI_HANDOFF_H

#include <stddef.h>

#include "mimamori/err.h"

struct mm_handoff;

#define MM_HANDOFF_TIMEOUT (-1) /* mm_handoff_take: nothing came in time */
#define MM_HANDOFF_DONE (-2)    /* mm_handoff_take: finished, and every batch was taken */

/* handoff.c */
enum mm_err mm_handoff_new(struct mm_handoff **out, size_t nslots);
void mm_handoff_free(struct mm_handoff *h);
/* Producer: the slot to fill next; waits while every slot is full or in use. */
int mm_handoff_claim(struct mm_handoff *h);
/* Producer: the claimed slot is full. */
void mm_handoff_publish(struct mm_handoff *h, int slot);
/* Producer: no more batches will come. */
void mm_handoff_finish(struct mm_handoff *h);
/* Consumer: the oldest full slot, waiting up to timeout_ms (< 0: forever);
 * MM_HANDOFF_TIMEOUT or MM_HANDOFF_DONE otherwise. */
int mm_handoff_take(struct mm_handoff *h, int timeout_ms);
/* Consumer: done with the slot it took first among those it holds. */
void mm_handoff_release(struct mm_handoff *h, int slot);

#endif
