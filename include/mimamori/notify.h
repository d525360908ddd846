/*
 * notify.h - delivery of alerts to people: mail (SMTP) and chat/HTTP
 * webhooks, from the durable outbox (docs/notifications.md).
 *
 * The store writer commits each new alert together with one outbox row per
 * channel that wants it (routing: min_severity, rule and tag lists).  For
 * smtp and webhook channels the sender thread (one, libcurl multi) reads the
 * pending rows on its own database connection, sends each alert once per
 * channel (or many as a digest), retries with back-off while the endpoint is
 * down or busy, marks permanent refusals failed, and records every outcome in
 * the row.  Pending rows survive any crash or restart: the row is the only
 * queue.  The sender owns its channels, connection and transfers; the caller
 * owns the config it was started with only for the duration of the call.
 */
#ifndef MIMAMORI_NOTIFY_H
#define MIMAMORI_NOTIFY_H

#include <stdint.h>

#include "mimamori/config.h"
#include "mimamori/err.h"

struct mm_notify_sender;
struct mm_notify_texts;
struct mm_store;

/*
 * ruletext.c - the rules' titles and descriptions in one language: rule id
 * -> title, description, for the messages of the channels of that locale.
 * A plain table of copies, independent of the rules module (which this one
 * does not link): the daemon fills it from its loaded ruleset
 * (mm_ruleset_texts() in rules.h) and hands it to the sender, at start and
 * after each successful reload.  Built on one thread, then handed over whole.
 */
enum mm_err mm_notify_texts_new(struct mm_notify_texts **out, const char *lang);
void mm_notify_texts_free(struct mm_notify_texts *t); /* accepts NULL */
/*
 * The texts of rule_id (all copied).  title / description NULL or "": the
 * message keeps the alert's English one; both: nothing is added.  A rule id
 * added again replaces the earlier entry.  MM_EINVAL for an empty rule_id.
 */
enum mm_err mm_notify_texts_add(struct mm_notify_texts *t, const char *rule_id, const char *title,
                                const char *description);
const char *mm_notify_texts_lang(const struct mm_notify_texts *t); /* borrowed; NULL for NULL */
size_t mm_notify_texts_count(const struct mm_notify_texts *t);     /* rules in the table */

/* sender.c */
/*
 * Start the sender thread for the smtp/webhook channels of cfg (*out stays
 * NULL, MM_OK, when there are none).  Reads password/token/secret files now:
 * an unreadable one is an error.  The database must exist (the writer
 * created it).  texts: the rule texts for the channels of its language
 * (locale ja: a "ja" table), NULL = the English texts of the alerts; taken
 * over in every case (freed when there is no sender or on failure).
 */
enum mm_err mm_notify_sender_start(struct mm_notify_sender **out, const struct mm_config *cfg,
                                   struct mm_notify_texts *texts);
/*
 * Replace the rule texts (taken over; NULL = English from now on).  Any
 * thread.  Every message built after this returns uses them; the old table
 * is freed by the sender thread between two messages, never while a
 * message borrows from it.  Accepts a NULL sender (frees texts).
 */
void mm_notify_sender_set_texts(struct mm_notify_sender *s, struct mm_notify_texts *texts);
/* New outbox rows were committed: look now.  Any thread; accepts NULL. */
void mm_notify_sender_kick(void *sender);
/*
 * Stop: no new transfer starts; transfers in flight get a few seconds to end,
 * then are abandoned (their rows stay pending and go out after the next
 * start, with the same idempotency key).  Accepts NULL.
 */
void mm_notify_sender_stop(struct mm_notify_sender *s);

/* `mimamori notify test CHANNEL`: send a test message now, print the answer to out. */
int mm_notify_test(const struct mm_config *cfg, const char *channel, void *out_file);

/*
 * report_send.c - `mimamori report --send CHANNEL`: mail subject, text and
 * html (all UTF-8, borrowed) now through the smtp channel, as one
 * multipart/alternative message; print the server's answer to out.  0 when
 * the server took it.
 */
int mm_notify_send_report(const struct mm_config *cfg, const char *channel, const char *subject,
                          const char *text, const char *html, void *out_file);

/* store/outbox.c - `mimamori notify status` */
struct mm_notify_state_count {
    const char *channel;    /* borrowed, valid during the callback */
    const char *state;      /* pending, sent, failed */
    int64_t count;
    int64_t last_sent_ns;   /* sent: the latest */
    int64_t next_try_ns;    /* pending: the latest planned retry (wall clock), 0 = none */
    const char *last_error; /* the latest error of rows in this state, NULL = none */
};
typedef int (*mm_notify_status_cb)(void *arg, const struct mm_notify_state_count *c);
/* One call per (channel, state) with rows, by channel; fn returns non-zero to stop. */
enum mm_err mm_notify_status(struct mm_store *st, mm_notify_status_cb fn, void *arg);

#endif
