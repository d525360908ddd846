/*
 * sender.c - the notify sender thread: delivers the smtp and webhook
 * channels' outbox rows with libcurl multi (one transfer in flight per
 * channel, so a channel's messages leave in order; channels do not wait for
 * each other).
 *
 * For each channel it looks at the pending rows when kicked by the writer
 * (new rows committed), when a planned time comes (back-off, digest window,
 * end of quiet hours, rate limit) and after each transfer:
 *
 * - A digest formed earlier (rows with a batch_id) goes out first, whole,
 *   with its own key: a digest retried after a crash is the same digest.
 * - Otherwise the channel may hold: during quiet hours, while the rate limit
 *   is spent, or inside a digest window.  Held rows are released together:
 *   one row goes alone, several become one digest (batch_id set in the
 *   database before the first attempt).  When a channel may send is
 *   decided in hold.c (quiet hours, rate limit, digest window), from the
 *   time it is given, so that it is tested without waiting (test_hold.c).
 * - Digest channels: a window of `digest` starts when a message goes out.
 *   The first alert after a quiet spell therefore goes at once (the first
 *   alert of a new incident is not delayed), and the alerts that follow
 *   within the window go together at its end.
 * - Failures: RETRY holds the whole channel with exponential back-off and
 *   jitter (1 s doubling up to retry_max, or the endpoint's Retry-After when
 *   longer); the rows record attempts, next_try_ns and last_error.  FAIL
 *   marks the rows failed with one log line.  A restart tries at once.
 *
 * Each alert reaches each channel once: a row is marked sent only after the
 * endpoint accepted it, and every attempt of one delivery carries the same
 * idempotency key (Message-ID, Idempotency-Key, X-Mimamori-Delivery), so the
 * one remaining window - a crash after the endpoint accepted and before the
 * row was marked - repeats the same key, which a receiver can drop.
 *
 * Rule texts: channels with `locale: ja` show the rules' Japanese titles and
 * descriptions from a table (ruletext.c) that the daemon builds from its
 * loaded ruleset and hands over with mm_notify_sender_set_texts() at start
 * and after each successful reload.  The hand-over is a mailbox under mu;
 * this thread adopts the newest table at the start of each message and frees
 * the one it replaces then, when no alert borrows from it (the alerts of a
 * message borrow its strings only while start() builds it).
 */
#include "mimamori/notify.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mimamori/log.h"
#include "mimamori/tz.h"
#include "notify/notify_int.h"

#define SENDER_LOOK_ROWS 200                /* rows read per look = alerts per digest at most */
#define SENDER_RETRY_MIN_NS 1000000000LL    /* first back-off step */
#define SENDER_RETRY_AFTER_MAX_NS 86400000000000LL /* a Retry-After is honoured up to a day */
#define SENDER_STOP_GRACE_NS 5000000000LL   /* transfers in flight at stop get this long */
#define SENDER_IDLE_MS 1000                 /* the loop wakes at least this often */
#define NEVER INT64_MAX

struct sch {
    struct mm_notify_chan *c;    /* owned */
    struct mm_notify_delivery d; /* the transfer in flight, when busy */
    int busy;
    struct mm_outbox_row *rows;  /* rows read for the transfer in flight (owned) */
    size_t nrows, ntake;         /* read, and taken into the transfer */
    int64_t check_at;            /* wall ns of the next look; NEVER = wait for a kick */
    int64_t hold_until;          /* back-off: no attempt before this (wall ns) */
    unsigned streak;             /* failed attempts in a row */
    int held;                    /* rows were held back: release them as one digest */
    struct mm_notify_hold hold;  /* rate limit ring, digest window (hold.c) */
};

struct mm_notify_sender {
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    int mu_ready;
    int stopping; /* under mu */
    int kicked;   /* under mu */
    CURLM *multi;
    struct mm_outbox *ob;
    struct mm_tz *tz;
    struct sch *ch;
    size_t nch;
    uint64_t rnd; /* xorshift state, for jitter */
    /* the rule texts of the locale channels (see the top) */
    struct mm_notify_texts *texts;      /* in use: sender thread only (owned) */
    struct mm_notify_texts *next_texts; /* under mu: handed over, not adopted yet (owned) */
    int texts_waiting;                  /* under mu: next_texts is to be adopted (even NULL) */
};

static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint32_t next_rand(struct mm_notify_sender *s)
{
    s->rnd ^= s->rnd << 13;
    s->rnd ^= s->rnd >> 7;
    s->rnd ^= s->rnd << 17;
    return (uint32_t)(s->rnd >> 32);
}

/* ---- one transfer ---- */

static void drop_rows(struct sch *h)
{
    mm_outbox_rows_free(h->rows, h->nrows);
    h->rows = NULL;
    h->nrows = h->ntake = 0;
}

/*
 * Sender thread, between two messages: adopt the texts handed over since the
 * last message and free the ones they replace (no alert borrows from them now).
 */
static void adopt_texts(struct mm_notify_sender *s)
{
    struct mm_notify_texts *old = NULL;
    pthread_mutex_lock(&s->mu);
    if (s->texts_waiting) {
        old = s->texts;
        s->texts = s->next_texts;
        s->next_texts = NULL;
        s->texts_waiting = 0;
    }
    pthread_mutex_unlock(&s->mu);
    mm_notify_texts_free(old);
}

/* The rule texts for channel c: the table when it is in c's language, else NULL (English). */
static const struct mm_notify_texts *texts_for(const struct mm_notify_sender *s,
                                               const struct mm_notify_chan *c)
{
    const char *lang = mm_notify_texts_lang(s->texts);
    return c->ja && lang != NULL && strcmp(lang, "ja") == 0 ? s->texts : NULL;
}

/* Build and start the transfer of h->rows[0..ntake); digest: their batch_id is set. */
static void start(struct mm_notify_sender *s, struct sch *h, int digest, int64_t now)
{
    const struct mm_notify_chan *c = h->c;
    struct mm_notify_alert *alerts = calloc(h->ntake, sizeof(*alerts));
    struct mm_notify_alert **ptrs = calloc(h->ntake, sizeof(*ptrs));
    enum mm_err rc = alerts && ptrs ? MM_OK : MM_ENOMEM;
    size_t loaded = 0;
    /* the alerts borrow their translated texts from tx until they are released below */
    adopt_texts(s);
    const struct mm_notify_texts *tx = texts_for(s, c);
    for (; loaded < h->ntake && rc == MM_OK; loaded++) {
        const struct mm_outbox_row *r = &h->rows[loaded];
        rc = mm_notify_alert_load(&alerts[loaded], r->json, r->len);
        if (rc == MM_EPARSE) {
            log_warnx("notify %s: outbox row %lld: the alert JSON is unreadable; sent as it is",
                      c->name, (long long)r->id);
            rc = mm_notify_alert_load(&alerts[loaded], "{}", 2);
        }
        ptrs[loaded] = &alerts[loaded];
        if (rc == MM_OK) {
            mm_notify_alert_translate(&alerts[loaded], tx);
        }
    }
    mm_notify_delivery_init(&h->d);
    if (digest) {
        snprintf(h->d.key, sizeof(h->d.key), "mm-d%lld-%s", (long long)h->rows[0].batch_id,
                 c->name);
    } else {
        snprintf(h->d.key, sizeof(h->d.key), "mm-%016llx-%s",
                 (unsigned long long)h->rows[0].alert_id, c->name);
    }
    if (rc == MM_OK) {
        rc = mm_notify_delivery_build(&h->d, c, ptrs, h->ntake, s->tz, now);
    }
    for (size_t i = 0; i < loaded; i++) {
        mm_notify_alert_release(&alerts[i]);
    }
    free(alerts);
    free(ptrs);
    if (rc == MM_OK && curl_multi_add_handle(s->multi, h->d.easy) != CURLM_OK) {
        rc = MM_ENOMEM;
    }
    if (rc != MM_OK) {
        /* nothing went out: the rows stay pending and are tried again after a pause */
        log_warnx("notify %s: cannot build the message %s: %s; retried later", c->name, h->d.key,
                  mm_strerror(rc));
        mm_notify_delivery_release(&h->d);
        drop_rows(h);
        h->hold_until = now + SENDER_RETRY_MIN_NS * 10;
        h->check_at = h->hold_until;
        return;
    }
    h->busy = 1;
    log_debug("notify %s: sending %s (%zu alert%s)", c->name, h->d.key, h->ntake,
              h->ntake == 1 ? "" : "s");
}

/* Look at the channel's pending rows and start a transfer if one is due. */
static void look(struct mm_notify_sender *s, struct sch *h, int64_t now)
{
    const struct mm_notify_chan *c = h->c;
    if (h->busy || now < h->check_at || now < h->hold_until) {
        return;
    }
    enum mm_err rc = mm_outbox_pending(s->ob, c->name, SENDER_LOOK_ROWS, &h->rows, &h->nrows);
    if (rc != MM_OK) {
        h->check_at = now + SENDER_RETRY_MIN_NS; /* logged by the store; try again soon */
        return;
    }
    if (h->nrows == 0) {
        drop_rows(h);
        h->held = 0;
        h->check_at = NEVER;
        return;
    }
    int digest = 0;
    if (h->rows[0].batch_id != 0) {
        /* a digest formed before (this run or the last): send it as it was formed */
        h->ntake = 1;
        while (h->ntake < h->nrows && h->rows[h->ntake].batch_id == h->rows[0].batch_id) {
            h->ntake++;
        }
        digest = 1;
    } else {
        int why_held;
        int64_t t = mm_notify_release_at(&h->hold, c, s->tz, now, &why_held);
        if (t > now) {
            h->held |= why_held;
            h->check_at = t;
            drop_rows(h);
            return;
        }
        if ((c->digest_ns > 0 || h->held) && h->nrows > 1) {
            h->ntake = h->nrows;
            digest = 1;
            char key[MM_DELIVERY_KEY_MAX];
            snprintf(key, sizeof(key), "mm-d%lld-%s", (long long)h->rows[0].id, c->name);
            if (mm_outbox_set_batch(s->ob, h->rows, h->ntake, h->rows[0].id, key) != MM_OK) {
                drop_rows(h);
                h->check_at = now + SENDER_RETRY_MIN_NS;
                return;
            }
            for (size_t i = 0; i < h->ntake; i++) {
                h->rows[i].batch_id = h->rows[0].id;
            }
        } else {
            h->ntake = 1;
        }
        if (h->ntake == h->nrows && h->nrows < SENDER_LOOK_ROWS) {
            h->held = 0;
        }
    }
    start(s, h, digest, now);
}

/* A transfer ended: record the outcome, log what a person needs to know. */
static void finish(struct mm_notify_sender *s, struct sch *h, CURLcode cc)
{
    const struct mm_notify_chan *c = h->c;
    char why[1024];
    int64_t now = wall_ns(), ra = -1, next = 0;
    enum mm_send out = mm_notify_delivery_outcome(&h->d, (int)cc, now, why, sizeof(why), &ra);
    if (out == MM_SEND_RETRY) {
        h->streak++;
        int64_t delay = mm_notify_backoff_ns(h->streak, SENDER_RETRY_MIN_NS, c->retry_max_ns,
                                             next_rand(s));
        if (ra > delay) {
            delay = ra < SENDER_RETRY_AFTER_MAX_NS ? ra : SENDER_RETRY_AFTER_MAX_NS;
        }
        next = now + delay;
        h->hold_until = next;
    }
    enum mm_err rc = mm_outbox_record(s->ob, c->name, h->rows, h->ntake, out, h->d.key, why, now, next);
    if (rc != MM_OK) {
        log_warnx("notify %s: %s: outcome (%s) not recorded; the rows stay pending", c->name,
                  h->d.key, why);
    }
    switch (out) {
    case MM_SEND_OK:
        if (h->streak > 0) {
            log_info("notify %s: delivering again after %u failed attempts", c->name, h->streak);
        }
        h->streak = 0;
        h->hold_until = 0;
        mm_notify_count_sent(&h->hold, c, now);
        log_debug("notify %s: %s delivered: %s", c->name, h->d.key, why);
        break;
    case MM_SEND_RETRY:
        if (h->streak == 1) {
            log_warnx("notify %s: %s not delivered: %s; alerts stay pending and are retried with "
                      "back-off",
                      c->name, h->d.key, why);
        } else {
            log_debug("notify %s: attempt %u failed: %s; next in %.1fs", c->name, h->streak, why,
                      (double)(next - now) / 1e9);
        }
        break;
    case MM_SEND_FAIL:
        log_warnx("notify %s: %s refused permanently: %s; marked failed (mimamori notify status)",
                  c->name, h->d.key, why);
        h->streak = 0;
        break;
    }
    curl_multi_remove_handle(s->multi, h->d.easy);
    mm_notify_delivery_release(&h->d);
    drop_rows(h);
    h->busy = 0;
    h->check_at = out == MM_SEND_RETRY ? h->hold_until : 0;
}

static struct sch *by_easy(struct mm_notify_sender *s, CURL *e)
{
    for (size_t i = 0; i < s->nch; i++) {
        if (s->ch[i].busy && s->ch[i].d.easy == e) {
            return &s->ch[i];
        }
    }
    return NULL;
}

static void *sender_main(void *arg)
{
    mm_thread_name("mm-notify");
    struct mm_notify_sender *s = arg;
    int64_t stop_deadline = 0;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        int stopping = s->stopping, kicked = s->kicked;
        s->kicked = 0;
        pthread_mutex_unlock(&s->mu);
        int64_t now = wall_ns();
        if (kicked) {
            for (size_t i = 0; i < s->nch; i++) {
                s->ch[i].check_at = 0;
            }
        }
        if (!stopping) {
            for (size_t i = 0; i < s->nch; i++) {
                look(s, &s->ch[i], now);
            }
        } else if (stop_deadline == 0) {
            stop_deadline = mono_ns() + SENDER_STOP_GRACE_NS;
        }
        int running = 0;
        curl_multi_perform(s->multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(s->multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE) {
                continue;
            }
            struct sch *h = by_easy(s, m->easy_handle);
            if (h != NULL) {
                finish(s, h, m->data.result);
            }
        }
        int busy = 0;
        int64_t wake = NEVER;
        now = wall_ns();
        for (size_t i = 0; i < s->nch; i++) {
            struct sch *h = &s->ch[i];
            busy |= h->busy;
            if (!h->busy) {
                int64_t t = h->check_at > h->hold_until ? h->check_at : h->hold_until;
                wake = t < wake ? t : wake;
            }
        }
        if (stopping && (!busy || mono_ns() >= stop_deadline)) {
            break;
        }
        long timeout = SENDER_IDLE_MS;
        if (stopping) {
            timeout = 50;
        } else if (wake != NEVER) {
            int64_t ms = wake <= now ? 0 : (wake - now) / 1000000 + 1;
            timeout = ms < timeout ? (long)ms : timeout;
        }
        curl_multi_poll(s->multi, NULL, 0, (int)timeout, NULL);
    }
    for (size_t i = 0; i < s->nch; i++) {
        struct sch *h = &s->ch[i];
        if (h->busy) {
            log_info("notify %s: stopping during %s; it stays pending", h->c->name, h->d.key);
            curl_multi_remove_handle(s->multi, h->d.easy);
            mm_notify_delivery_release(&h->d);
            drop_rows(h);
            h->busy = 0;
        }
    }
    return NULL;
}

/* ---- start / stop ---- */

static void sender_free(struct mm_notify_sender *s)
{
    if (s == NULL) {
        return;
    }
    for (size_t i = 0; i < s->nch; i++) {
        mm_notify_chan_free(s->ch[i].c);
        mm_notify_hold_release(&s->ch[i].hold);
        drop_rows(&s->ch[i]);
    }
    free(s->ch);
    if (s->multi != NULL) {
        curl_multi_cleanup(s->multi);
    }
    mm_outbox_close(s->ob);
    mm_tz_free(s->tz);
    mm_notify_texts_free(s->texts);
    mm_notify_texts_free(s->next_texts);
    if (s->mu_ready) {
        pthread_mutex_destroy(&s->mu);
    }
    free(s);
}

static int is_remote(const struct mm_notify_conf *nc)
{
    return nc->type != NULL && (strcmp(nc->type, "smtp") == 0 || strcmp(nc->type, "webhook") == 0);
}

enum mm_err mm_notify_sender_start(struct mm_notify_sender **out, const struct mm_config *cfg,
                                   struct mm_notify_texts *texts)
{
    enum mm_err rc = MM_ENOMEM;
    size_t n = 0;
    *out = NULL;
    for (size_t i = 0; i < cfg->nnotify; i++) {
        n += is_remote(&cfg->notify[i]);
    }
    if (n == 0) {
        mm_notify_texts_free(texts);
        return MM_OK;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        log_error("notify: libcurl cannot start");
        mm_notify_texts_free(texts);
        return MM_ENOMEM;
    }
    struct mm_notify_sender *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        mm_notify_texts_free(texts);
        return MM_ENOMEM;
    }
    s->texts = texts; /* before the thread starts: the first message already speaks them */
    s->rnd = ((uint64_t)wall_ns() ^ ((uint64_t)getpid() << 32)) | 1;
    if (pthread_mutex_init(&s->mu, NULL) != 0) {
        goto fail;
    }
    s->mu_ready = 1;
    if (mm_tz_load(&s->tz, cfg->timezone) != MM_OK) {
        log_warnx("notify: time zone %s not loaded; times in messages are UTC", cfg->timezone);
        s->tz = NULL;
    }
    s->ch = calloc(n, sizeof(*s->ch));
    if (s->ch == NULL) {
        goto fail;
    }
    for (size_t i = 0; i < cfg->nnotify; i++) {
        const struct mm_notify_conf *nc = &cfg->notify[i];
        if (!is_remote(nc)) {
            continue;
        }
        struct sch *h = &s->ch[s->nch];
        rc = mm_notify_chan_new(&h->c, nc);
        if (rc != MM_OK) {
            log_error("notify %s: channel not started: %s", nc->name ? nc->name : "?",
                      mm_strerror(rc));
            goto fail;
        }
        s->nch++;
        rc = mm_notify_hold_init(&h->hold, h->c);
        if (rc != MM_OK) {
            goto fail;
        }
    }
    rc = mm_outbox_open(&s->ob, cfg->database);
    if (rc != MM_OK) {
        goto fail;
    }
    for (size_t i = 0; i < s->nch; i++) {
        struct sch *h = &s->ch[i];
        if (h->c->digest_ns > 0) {
            /* the window of the last message before a restart still holds */
            int64_t last = mm_outbox_last_sent(s->ob, h->c->name);
            h->hold.window_end = last > 0 ? last + h->c->digest_ns : 0;
        }
    }
    rc = MM_ENOMEM;
    s->multi = curl_multi_init();
    if (s->multi == NULL) {
        goto fail;
    }
    if (pthread_create(&s->thread, NULL, sender_main, s) != 0) {
        log_error("notify: cannot start the sender thread");
        goto fail;
    }
    s->started = 1;
    log_info("notify: sender started for %zu channel%s", s->nch, s->nch == 1 ? "" : "s");
    *out = s;
    return MM_OK;

fail:
    sender_free(s);
    return rc;
}

void mm_notify_sender_kick(void *sender)
{
    struct mm_notify_sender *s = sender;
    if (s == NULL) {
        return;
    }
    pthread_mutex_lock(&s->mu);
    s->kicked = 1;
    pthread_mutex_unlock(&s->mu);
    curl_multi_wakeup(s->multi);
}

void mm_notify_sender_set_texts(struct mm_notify_sender *s, struct mm_notify_texts *texts)
{
    if (s == NULL) {
        mm_notify_texts_free(texts);
        return;
    }
    pthread_mutex_lock(&s->mu);
    struct mm_notify_texts *unseen = s->next_texts; /* handed over but never adopted */
    s->next_texts = texts;
    s->texts_waiting = 1;
    pthread_mutex_unlock(&s->mu);
    mm_notify_texts_free(unseen);
}

void mm_notify_sender_stop(struct mm_notify_sender *s)
{
    if (s == NULL) {
        return;
    }
    if (s->started) {
        pthread_mutex_lock(&s->mu);
        s->stopping = 1;
        pthread_mutex_unlock(&s->mu);
        curl_multi_wakeup(s->multi);
        pthread_join(s->thread, NULL);
    }
    sender_free(s);
}
