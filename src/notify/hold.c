/*
 * hold.c - when a smtp or webhook channel may send: its quiet hours, its rate
 * limit and its digest window (docs/notifications.md, "Flood control").
 *
 * Pure functions of the time they are given (`now`, wall ns since the epoch),
 * the zone of the quiet hours and the channel's settings, plus the small state
 * of struct mm_notify_hold that the sender thread (sender.c) keeps per channel:
 * no clock is read here, so the unit tests inject any instant
 * (tests/unit/notify/test_hold.c).
 */
#include "notify/notify_int.h"

#include <stdlib.h>

#include "mimamori/tz.h"

enum mm_err mm_notify_hold_init(struct mm_notify_hold *h, const struct mm_notify_chan *c)
{
    *h = (struct mm_notify_hold){0};
    if (c->rate_max > 0 &&
        (h->sent_at = calloc((size_t)c->rate_max, sizeof(*h->sent_at))) == NULL) {
        return MM_ENOMEM;
    }
    return MM_OK;
}

void mm_notify_hold_release(struct mm_notify_hold *h)
{
    free(h->sent_at);
    h->sent_at = NULL;
}

int64_t mm_notify_quiet_end(const struct mm_notify_chan *c, const struct mm_tz *tz, int64_t now)
{
    if (c->quiet_start == c->quiet_end) {
        return 0;
    }
    struct mm_civil t;
    mm_tz_from_utc(tz, now, &t);
    int m = t.hour * 60 + t.min;
    int in = c->quiet_start < c->quiet_end ? (m >= c->quiet_start && m < c->quiet_end)
                                           : (m >= c->quiet_start || m < c->quiet_end);
    if (!in) {
        return 0;
    }
    /*
     * The end is the first instant the local clock reads quiet_end, today or
     * tomorrow: a clock change in between moves it by the change (01:00-04:00
     * on a spring night lasts 2 h, on an autumn night 4 h).  In an autumn
     * overlap mm_tz_to_utc() gives the first of the two instants; when that
     * one has gone by (now is in the repeated hour), the end is the second,
     * at the offset of now.
     */
    int left = (c->quiet_end - m + 1440) % 1440; /* minutes to the end, on the clock */
    struct mm_civil e = t;
    e.mday += c->quiet_end <= m; /* tomorrow (mm_tz_to_utc normalises the day) */
    e.hour = c->quiet_end / 60;
    e.min = c->quiet_end % 60;
    e.sec = 0;
    e.nsec = 0;
    int64_t end = mm_tz_to_utc(tz, &e);
    if (end <= now) {
        end = now + ((int64_t)left * 60 - t.sec) * 1000000000LL - t.nsec;
    }
    return end;
}

int64_t mm_notify_release_at(const struct mm_notify_hold *h, const struct mm_notify_chan *c,
                             const struct mm_tz *tz, int64_t now, int *why_held)
{
    int64_t t = now;
    *why_held = 0;
    int64_t q = mm_notify_quiet_end(c, tz, now);
    if (q > t) {
        t = q;
        *why_held = 1;
    }
    if (c->rate_max > 0 && h->nsent == (size_t)c->rate_max) {
        int64_t oldest = h->sent_at[h->head]; /* the ring is full: head is the oldest */
        if (oldest + c->rate_period_ns > t) {
            t = oldest + c->rate_period_ns;
            *why_held = 1;
        }
    }
    if (c->digest_ns > 0 && h->window_end > t) {
        t = h->window_end;
    }
    return t;
}

void mm_notify_count_sent(struct mm_notify_hold *h, const struct mm_notify_chan *c, int64_t now)
{
    if (c->rate_max > 0) {
        if (h->nsent < (size_t)c->rate_max) {
            h->sent_at[(h->head + h->nsent) % (size_t)c->rate_max] = now;
            h->nsent++;
        } else {
            h->sent_at[h->head] = now;
            h->head = (h->head + 1) % (size_t)c->rate_max;
        }
    }
    if (c->digest_ns > 0) {
        h->window_end = now + c->digest_ns;
    }
}
