/*
 * config.h - the YAML configuration, validated into a plain struct.
 *
 * Every verb loads it with mm_config_load(); unknown keys, wrong types and
 * out-of-range values are errors with file:line:col.  Relative paths are
 * resolved against the config file's directory.  The struct owns all its
 * strings; mm_config_free() accepts NULL and half-built configs.
 */
#ifndef MIMAMORI_CONFIG_H
#define MIMAMORI_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "mimamori/diag.h"
#include "mimamori/err.h"
#include "mimamori/net.h"

#define MM_CONFIG_DEFAULT_PATH "/etc/mimamori/mimamori.yaml"

enum mm_listen_proto { MM_LISTEN_UDP, MM_LISTEN_TCP };

struct mm_listen {
    enum mm_listen_proto proto;
    char *host; /* "127.0.0.1", "::1", "0.0.0.0", "::" */
    char *port; /* decimal text */
    char *url;  /* as written, for messages */
};

struct mm_source_conf {
    char *match;  /* `address` (IP or CIDR) or `hostname` */
    int by_hostname;
    char *parser; /* NULL = automatic */
    char *name;   /* display name, NULL = the address */
};

/* A list of strings from YAML (a scalar counts as a list of one). */
struct mm_strlist {
    char **v; /* owned, each owned */
    size_t n;
};

struct mm_notify_conf {
    char *name;
    char *type;         /* "file", "smtp" or "webhook" */
    char *path;         /* type file: where JSON lines are appended */
    int min_severity;   /* enum mm_severity, default informational */
    int line, col;      /* where the channel was defined */
    /* smtp and webhook (docs/notifications.md) */
    char *url;                   /* smtp://, smtps://, http://, https:// */
    char *starttls;              /* smtp: "required" (default), "optional", "none" */
    char *username;              /* smtp AUTH user, NULL = no AUTH */
    char *password_file;         /* smtp AUTH password (first line of the file) */
    char *from;                  /* smtp envelope and header From */
    struct mm_strlist to;        /* smtp recipients */
    char *format;                /* webhook: generic slack teams discord chatwork template */
    struct mm_strlist headers;   /* extra "Name: value" header lines */
    char *secret_file;           /* webhook generic: HMAC-SHA256 key (first line) */
    char *token_file;            /* webhook chatwork: API token (first line) */
    char *ca_file;               /* CA bundle for TLS, NULL = the system's */
    int tls_verify;              /* verify the peer certificate and name (default 1) */
    char *locale;                /* "en" (default) or "ja": default templates */
    char *subject;               /* template of the subject / title, NULL = the default */
    char *body;                  /* template of the body, NULL = the default */
    int html;                    /* smtp: add a text/html alternative part */
    int64_t digest_ns;           /* batch alerts for this long; 0 = one message each */
    int quiet_start, quiet_end;  /* minutes after local midnight; equal = no quiet hours */
    int rate_max;                /* messages per rate_period_ns; 0 = no limit */
    int64_t rate_period_ns;
    int64_t retry_max_ns;        /* longest back-off between attempts */
    struct mm_strlist include_rules, exclude_rules; /* rule id patterns (fnmatch) */
    struct mm_strlist include_tags, exclude_tags;   /* tag patterns (fnmatch) */
};

/* One named list of `lists:` (rules test fields against it with |in_list). */
enum mm_list_type { MM_LIST_IP, MM_LIST_DOMAIN, MM_LIST_STRING };

struct mm_list_conf {
    char *name;
    int type;           /* enum mm_list_type */
    char **paths;       /* files, resolved against the config directory */
    size_t npaths;
    int cased;          /* string lists: compare bytes exactly (default: ASCII case-insensitive) */
    int line, col;      /* where the list was defined */
};

struct mm_config {
    char *path;                   /* the config file as given */
    char *dir;                    /* its directory, for relative paths */
    struct mm_listen *listen;
    size_t nlisten;
    char *timezone;               /* IANA name, default "UTC" */
    char *database;               /* absolute or relative to dir (resolved) */
    char *user;                   /* `run` started as root becomes this user; NULL: "mimamori" */
    char **rules;                 /* files or directories (resolved) */
    size_t nrules;
    struct mm_cidr *allowed;      /* empty = allow every peer */
    size_t nallowed;
    struct mm_source_conf *sources;
    size_t nsources;
    struct mm_notify_conf *notify;
    size_t nnotify;
    /* `lists:`, `holidays:`, `business_hours:`, `geoip:` (read by the rules module) */
    struct mm_list_conf *lists;
    size_t nlists;
    char **holiday_files;         /* files of dates (resolved); read when rules are built */
    size_t nholiday_files;
    int32_t *holiday_days;        /* dates written in the config, days since 1970-01-01 */
    size_t nholiday_days;
    int bh_start, bh_end;         /* business hours, minutes after midnight [start, end) */
    unsigned bh_days;             /* business days: bit 0 Sunday .. bit 6 Saturday */
    char *geoip;                  /* MaxMind .mmdb (resolved), NULL = none */
    /* `limits:` */
    size_t max_message;           /* bytes; longer messages are truncated (default 8192) */
    size_t queue_bytes;           /* ingest queue memory (default 16 MiB) */
    int udp_rcvbuf;               /* SO_RCVBUF request (default 8 MiB) */
    int batch_max;                /* store: rows per transaction (default 1000) */
    int batch_ms;                 /* store: commit at least this often (default 50) */
    /* `retention:` (the daemon's writer prunes hourly); 0 = keep forever */
    int64_t retention_alerts_ns;  /* alerts (and their evidence, outbox rows) by last event */
    int64_t retention_rollups_ns; /* hourly roll-ups */
};

/* config.c */
/* path NULL = MM_CONFIG_DEFAULT_PATH.  Errors go to d; MM_ECONFIG if any. */
enum mm_err mm_config_load(struct mm_config **out, const char *path, struct mm_diag *d);
/* The same from a buffer (fuzzing, tests): `name` is used in diagnostics and
 * relative paths are resolved against `dir` (NULL = the current directory). */
enum mm_err mm_config_load_mem(struct mm_config **out, const char *name, const char *buf,
                               size_t len, const char *dir, struct mm_diag *d);
/* The built-in defaults, as if from an empty file located in dir. */
enum mm_err mm_config_default(struct mm_config **out, const char *dir);
void mm_config_free(struct mm_config *c);
/* Parse "udp://127.0.0.1:5514", "tcp://[::1]:5514". */
enum mm_err mm_listen_parse(struct mm_listen *out, const char *url);
/* Free the strings of a listen address filled by mm_listen_parse (not l itself). */
void mm_listen_free(struct mm_listen *l);
/* Free the strings of a list (not l itself); accepts an empty list. */
void mm_strlist_free(struct mm_strlist *l);
/* Free the smtp/webhook members of a channel (not name, type, path). */
void mm_notify_conf_free_fields(struct mm_notify_conf *nc);

#endif
