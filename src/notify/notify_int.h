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

#include <stddef.h>
#include <stdint.h>

#include "mimamori/buf.h"
#include "mimamori/err.h"
#include "mimamori/config.h"
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

/*
 * ---- smtp and webhook channels (docs/notifications.md) ----
 *
 * The writer creates their outbox rows (route.c decides which channel gets
 * an alert) and kicks the sender thread (sender.c), which owns a second
 * connection to the database, reads pending rows, builds the messages
 * (template.c, digest.c, message.c, webhook.c) and sends them with libcurl
 * (delivery.c, smtp.c, webhook.c), recording each outcome in the outbox
 * (store/outbox.c).
 */

struct mm_tz;
struct mm_alert;

/* json.c - a small DOM reader for the alert JSON (bounded depth and size) */
enum mm_json_type { MM_JSON_NULL, MM_JSON_BOOL, MM_JSON_NUM, MM_JSON_STR, MM_JSON_ARR, MM_JSON_OBJ };
struct mm_json {
    enum mm_json_type type;
    char *key;             /* member name when inside an object (owned), else NULL */
    char *str;             /* STR: the unescaped text; NUM/BOOL: the literal (owned) */
    size_t len;            /* of str */
    struct mm_json *kids;  /* ARR/OBJ members (owned array) */
    size_t nkids;
};
/* NULL on malformed input or ENOMEM (*rc says which). */
struct mm_json *mm_json_parse(const char *p, size_t len, enum mm_err *rc);
void mm_json_free(struct mm_json *j);
/* Member `key` of an object (borrowed), NULL when absent or j is not an object. */
const struct mm_json *mm_json_get(const struct mm_json *j, const char *key);
/* The string value of member `key`, or def. */
const char *mm_json_str(const struct mm_json *j, const char *key, const char *def);

/* hmac.c */
#define MM_SHA256_LEN 32
/* HMAC-SHA256 of msg under key; out gets MM_SHA256_LEN bytes. */
enum mm_err mm_notify_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
                                  unsigned char out[MM_SHA256_LEN]);
/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void mm_notify_hex(const unsigned char *p, size_t n, char *out);

/* backoff.c */
/*
 * Wait before the next attempt after `attempt` failed ones (attempt >= 1):
 * min_ns doubled per attempt, capped at max_ns, then "equal jitter": half of
 * it fixed and the other half scaled by rnd (0 .. UINT32_MAX), so that many
 * daemons that failed together do not retry together.
 */
int64_t mm_notify_backoff_ns(unsigned attempt, int64_t min_ns, int64_t max_ns, uint32_t rnd);
/*
 * A Retry-After header value (RFC 9110: delay-seconds or an HTTP-date) as a
 * wait in ns from now_ns (0 when the date is past); -1 when malformed.
 */
int64_t mm_notify_retry_after_ns(const char *value, size_t len, int64_t now_ns);

/* One alert as a message needs it: a view of the alert JSON. */
struct mm_notify_alert {
    struct mm_json *doc;       /* the parsed alert JSON (owned) */
    char *json;                /* the JSON text as stored (owned), for generic webhooks */
    size_t json_len;
    const char *id;            /* hex id, "" if absent; the rest borrowed from doc */
    const char *rule_id, *title, *description, *severity_name, *group_key;
    int severity;              /* enum mm_severity */
    uint64_t count;
    int64_t first_ns, last_ns; /* event times, 0 when unknown */
    const struct mm_json *tags, *fields, *group, *evidence;
};

/* template.c */
/* Read an alert JSON text (copied).  MM_EPARSE when it is not an alert object. */
enum mm_err mm_notify_alert_load(struct mm_notify_alert *a, const char *json, size_t len);
void mm_notify_alert_release(struct mm_notify_alert *a);
/* "2026-11-21T10:00:03.120Z" -> ns; 0 when malformed. */
int64_t mm_notify_parse_iso(const char *s);

/*
 * ruletext.c (the table itself: mimamori/notify.h).  Point a->title /
 * a->description at the translation of a->rule_id when t has one (borrowed
 * from t: keep t until a is released); else unchanged.  t may be NULL.
 */
struct mm_notify_texts;
void mm_notify_alert_translate(struct mm_notify_alert *a, const struct mm_notify_texts *t);

/* How a message is shaped: from the channel's configuration. */
struct mm_notify_style {
    int ja;                 /* locale ja */
    const struct mm_tz *tz; /* times in this zone (NULL = UTC) */
    const char *channel;    /* channel name, for {{channel}} */
    const char *subject;    /* user templates, NULL = the defaults */
    const char *body;
    const char *msg_subject; /* {{subject}} and {{text}}: the composed message (template webhooks) */
    const char *msg_text;
};

/*
 * Expand a template: {{name}} or {{name|filter}}, filter json (a JSON string's
 * inside), url (form encoding) or html.  Names: title rule_id id severity
 * severity_label count first_seen last_seen where description todo evidence
 * tags channel json fields.<ecs name>.  An unknown name expands to nothing.
 */
enum mm_err mm_notify_render(struct mm_buf *out, const char *tmpl, const struct mm_notify_alert *a,
                             const struct mm_notify_style *st);
/* The default templates of a locale. */
const char *mm_notify_default_subject(int ja);
const char *mm_notify_default_body(int ja);
/* "2026-11-21 19:00:03 +09:00" (UTC: "... UTC") in tz; returns buf. */
const char *mm_notify_time(int64_t ns, const struct mm_tz *tz, char *buf, size_t len);

/* A composed message, before it is put on the wire. */
struct mm_notify_msg {
    struct mm_buf subject; /* one line, UTF-8 */
    struct mm_buf text;    /* plain text, LF line ends */
    struct mm_buf html;    /* smtp with html: the HTML alternative, else empty */
    int nalerts;           /* alerts in the message (1 or a digest) */
};
void mm_notify_msg_init(struct mm_notify_msg *m);
void mm_notify_msg_free(struct mm_notify_msg *m);
/* Make the subject one line and, when html, add the HTML alternative of the text. */
enum mm_err mm_notify_finish_html(struct mm_notify_msg *m, int html);
/* One alert: the channel's templates (or the locale's defaults). */
enum mm_err mm_notify_compose_one(struct mm_notify_msg *m, const struct mm_notify_alert *a,
                                  const struct mm_notify_style *st, int html);

/* digest.c */
/*
 * Several alerts as one message: "14 alerts, 3 rules, the worst first".
 * Sorts alerts[] (worst severity, then highest count, then oldest) in place.
 */
enum mm_err mm_notify_compose_digest(struct mm_notify_msg *m, struct mm_notify_alert **alerts,
                                     size_t n, const struct mm_notify_style *st, int html);

/* message.c - RFC 5322 / MIME / RFC 2047 */
struct mm_notify_mail {
    const char *from;
    const char *const *to;
    size_t nto;
    const char *subject;  /* UTF-8 */
    const char *text;     /* UTF-8, LF or CRLF line ends */
    const char *html;     /* NULL or "" = text/plain only */
    const char *key;      /* idempotency key: Message-ID <key@mimamori> and X-Mimamori-Delivery */
    int64_t date_ns;      /* the Date header */
};
enum mm_err mm_notify_mail_build(struct mm_buf *out, const struct mm_notify_mail *m);
/* Subject text as one or more RFC 2047 encoded-words when it is not plain ASCII. */
enum mm_err mm_notify_rfc2047(struct mm_buf *out, const char *s, size_t len, size_t used);
enum mm_err mm_notify_base64(struct mm_buf *out, const void *p, size_t n, int wrap);
/* RFC 5322 date: "Sat, 21 Nov 2026 10:00:03 +0000". */
const char *mm_notify_mail_date(int64_t ns, char *buf, size_t len);

/* route.c - which alerts a channel gets (evaluated by the writer) */
struct mm_notify_route;
/* NULL when the channel takes every alert of min_severity and above (*rc MM_OK) or on ENOMEM. */
struct mm_notify_route *mm_notify_route_new(const struct mm_notify_conf *nc, enum mm_err *rc);
void mm_notify_route_free(struct mm_notify_route *r);
/* 1 when the alert goes to the channel (min_severity is checked by the caller). */
int mm_notify_route_match(const struct mm_notify_route *r, const struct mm_alert *a);
/* The same decision from parts (tags_json may be NULL). */
int mm_notify_route_match_parts(const struct mm_notify_route *r, const char *rule_id,
                                const char *tags_json);

/* chan.c - a smtp/webhook channel ready to send: its configuration and secrets */
enum mm_notify_kind { MM_NOTIFY_SMTP, MM_NOTIFY_WEBHOOK };
enum mm_notify_format {
    MM_FMT_GENERIC,
    MM_FMT_SLACK,
    MM_FMT_TEAMS,
    MM_FMT_DISCORD,
    MM_FMT_CHATWORK,
    MM_FMT_TEMPLATE
};
enum mm_notify_tls { MM_TLS_REQUIRED, MM_TLS_OPTIONAL, MM_TLS_NONE };

struct mm_notify_chan {
    char *name;
    enum mm_notify_kind kind;
    enum mm_notify_format format;
    enum mm_notify_tls starttls;
    char *url, *username, *password, *from, *ca_file, *token;
    unsigned char *secret; /* HMAC key, NULL = no signature */
    size_t secret_len;
    char **to;
    size_t nto;
    char **headers; /* "Name: value" */
    size_t nheaders;
    int tls_verify, html, ja;
    char *subject, *body; /* templates, NULL = the defaults */
    int64_t digest_ns, rate_period_ns, retry_max_ns;
    int rate_max, quiet_start, quiet_end;
};
/* Copy the configuration and read the secret files.  Errors are logged. */
enum mm_err mm_notify_chan_new(struct mm_notify_chan **out, const struct mm_notify_conf *nc);
void mm_notify_chan_free(struct mm_notify_chan *c);
void mm_notify_chan_style(const struct mm_notify_chan *c, const struct mm_tz *tz,
                          struct mm_notify_style *st);

/*
 * hold.c - when a channel may send: quiet hours, rate limit, digest window.
 * Functions of the given time (now: wall ns since the epoch), no clock read.
 */
struct mm_notify_hold {
    int64_t *sent_at;   /* rate limit: times of the last rate_max messages, a ring (owned) */
    size_t head, nsent; /* the oldest entry, and how many are filled (<= rate_max) */
    int64_t window_end; /* digest: the current window ends (wall ns), 0 = none */
};
/* A zeroed state with its ring for c->rate_max sends; MM_ENOMEM. */
enum mm_err mm_notify_hold_init(struct mm_notify_hold *h, const struct mm_notify_chan *c);
/* Accepts a zeroed or failed-init state. */
void mm_notify_hold_release(struct mm_notify_hold *h);
/*
 * The end of c's quiet hours (local time in tz; NULL = UTC) that contain now,
 * or 0 when now is not in them: the first instant the local clock reads the
 * end time, so a clock change in between moves it (01:00-04:00 lasts 2 h on
 * a spring night, 4 h on an autumn night).
 */
int64_t mm_notify_quiet_end(const struct mm_notify_chan *c, const struct mm_tz *tz, int64_t now);
/*
 * The earliest time c may send a message; <= now when it may now.  *why_held:
 * 1 when quiet hours or the rate limit hold it (what is held then goes out as
 * one digest), 0 when free or only inside a digest window.
 */
int64_t mm_notify_release_at(const struct mm_notify_hold *h, const struct mm_notify_chan *c,
                             const struct mm_tz *tz, int64_t now, int *why_held);
/* A message of c went out at now: fill the ring, start the digest window. */
void mm_notify_count_sent(struct mm_notify_hold *h, const struct mm_notify_chan *c, int64_t now);

/* delivery.c - one message on the wire (libcurl easy handle) */
enum mm_send { MM_SEND_OK, MM_SEND_RETRY, MM_SEND_FAIL };

#define MM_DELIVERY_KEY_MAX 160
struct mm_notify_delivery {
    void *easy;                     /* CURL * (owned) */
    struct mm_buf payload;          /* what is sent: the mail or the HTTP body */
    size_t off;                     /* upload position in payload */
    struct mm_buf answer;           /* what the endpoint said (capped) */
    void *hdrs, *rcpt;              /* struct curl_slist * (owned) */
    char key[MM_DELIVERY_KEY_MAX];  /* idempotency key */
    char errbuf[256];               /* CURLOPT_ERRORBUFFER */
    char *userpwd;                  /* owned */
};
void mm_notify_delivery_init(struct mm_notify_delivery *d);
void mm_notify_delivery_release(struct mm_notify_delivery *d);
/* The easy handle with what every transfer has (timeouts, TLS, capture); 0 ok, -1 ENOMEM. */
int mm_notify_delivery_easy(struct mm_notify_delivery *d, const struct mm_notify_chan *c);
/*
 * Decide the outcome of a finished transfer (cc is its CURLcode): why gets a
 * one-line reason, *retry_ns a wait asked by the endpoint (Retry-After) or -1.
 */
enum mm_send mm_notify_delivery_outcome(struct mm_notify_delivery *d, int cc, int64_t now_ns,
                                        char *why, size_t whylen, int64_t *retry_ns);
/* Build the message for c into d (a prepared easy handle): smtp.c / webhook.c. */
enum mm_err mm_notify_smtp_prepare(struct mm_notify_delivery *d, const struct mm_notify_chan *c,
                                   const struct mm_notify_msg *m, int64_t now_ns);
/* alerts: the alerts of the message (one, or a digest) for the generic JSON body. */
enum mm_err mm_notify_webhook_prepare(struct mm_notify_delivery *d, const struct mm_notify_chan *c,
                                      const struct mm_notify_msg *m,
                                      struct mm_notify_alert *const *alerts, size_t n,
                                      const struct mm_notify_style *st);
/* The HTTP body alone (unit tests, and prepare). */
enum mm_err mm_notify_webhook_body(struct mm_buf *out, const struct mm_notify_chan *c,
                                   const struct mm_notify_msg *m,
                                   struct mm_notify_alert *const *alerts, size_t n,
                                   const struct mm_notify_style *st, const char **content_type);
/* Prepare one complete delivery of alerts[0..n) (n > 1: a digest) for c, key set by the caller. */
enum mm_err mm_notify_delivery_build(struct mm_notify_delivery *d, const struct mm_notify_chan *c,
                                     struct mm_notify_alert **alerts, size_t n,
                                     const struct mm_tz *tz, int64_t now_ns);

/* store/outbox.c - the sender's statements on its own connection */
struct mm_outbox;
struct mm_outbox_row {
    int64_t id;       /* outbox row id */
    int64_t alert_id;
    int64_t batch_id; /* 0 = not in a digest */
    int attempts;
    char *json;       /* the alert's JSON (owned) */
    size_t len;
};
enum mm_err mm_outbox_open(struct mm_outbox **out, const char *db_path);
void mm_outbox_close(struct mm_outbox *o);
/* Pending rows of a channel, oldest first (a formed digest's rows come together). */
enum mm_err mm_outbox_pending(struct mm_outbox *o, const char *channel, size_t limit,
                              struct mm_outbox_row **rows, size_t *n);
void mm_outbox_rows_free(struct mm_outbox_row *rows, size_t n);
/* Tie rows into one digest (batch_id) and record the key, in one transaction. */
enum mm_err mm_outbox_set_batch(struct mm_outbox *o, const struct mm_outbox_row *rows, size_t n,
                                int64_t batch_id, const char *key);
/* Record one attempt's outcome for rows. */
enum mm_err mm_outbox_record(struct mm_outbox *o, const char *channel,
                             const struct mm_outbox_row *rows, size_t n, enum mm_send outcome,
                             const char *key, const char *why, int64_t now_ns, int64_t next_try_ns);
/* The last time a message of the channel was sent (wall ns), 0 if never. */
int64_t mm_outbox_last_sent(struct mm_outbox *o, const char *channel);

#endif
