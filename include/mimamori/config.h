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

struct mm_notify_conf {
    char *name;
    char *type;         /* "file" in this version */
    char *path;         /* type file: where JSON lines are appended */
    int min_severity;   /* enum mm_severity, default informational */
    int line, col;      /* where the channel was defined */
};

struct mm_config {
    char *path;                   /* the config file as given */
    char *dir;                    /* its directory, for relative paths */
    struct mm_listen *listen;
    size_t nlisten;
    char *timezone;               /* IANA name, default "UTC" */
    char *database;               /* absolute or relative to dir (resolved) */
    char **rules;                 /* files or directories (resolved) */
    size_t nrules;
    struct mm_cidr *allowed;      /* empty = allow every peer */
    size_t nallowed;
    struct mm_source_conf *sources;
    size_t nsources;
    struct mm_notify_conf *notify;
    size_t nnotify;
    /* `limits:` */
    size_t max_message;           /* bytes; longer messages are truncated (default 8192) */
    size_t queue_bytes;           /* ingest queue memory (default 16 MiB) */
    int udp_rcvbuf;               /* SO_RCVBUF request (default 8 MiB) */
    int batch_max;                /* store: rows per transaction (default 1000) */
    int batch_ms;                 /* store: commit at least this often (default 50) */
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

#endif
