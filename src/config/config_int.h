/*
 * config_int.h - private to src/config: the key tables and the helpers the
 * per-key handlers use.
 *
 * keys.c describes every configuration key once ({name, kind, default,
 * bounds, offset, help}); config.c walks a YAML mapping against a table,
 * reports unknown, duplicate and ill-typed keys with file:line:col and fills
 * the struct.  Defaults are YAML text run through the same code as a value
 * written in the file, so docs/configuration.md, mm_config_default() and the
 * loader cannot disagree.  The unit tests check that the documentation names
 * every key of these tables.
 */
#ifndef MIMAMORI_CONFIG_INT_H
#define MIMAMORI_CONFIG_INT_H

#include <stddef.h>

#include "mimamori/config.h"
#include "mimamori/yaml.h"

/* The state of one load: where errors go and how paths are resolved. */
struct cfg_ctx {
    const char *file;  /* name used in diagnostics (borrowed) */
    const char *dir;   /* absolute directory for relative paths (borrowed) */
    struct mm_diag *d; /* errors and warnings (borrowed) */
    int nomem;         /* an allocation failed: the load returns MM_ENOMEM */
    int in_default;    /* applying a built-in default: do not check paths on disk */
};

enum cfg_kind {
    CFG_STRING,    /* char * at offset */
    CFG_PATH,      /* char * at offset, resolved against the config directory */
    CFG_BYTES,     /* size_t at offset: decimal with optional k/M/G suffix (binary) */
    CFG_BYTES_INT, /* int at offset, same syntax */
    CFG_INT,       /* int at offset, decimal */
    CFG_TABLE,     /* a nested mapping described by `sub`, same base */
    CFG_SCALAR,    /* a string (checked by mm_cfg_str) that `sfn` converts and stores */
    CFG_CUSTOM     /* `fn` converts and stores */
};

struct cfg_key;
struct cfg_table;

/* Convert node n (never NULL, never a YAML null) into the struct at base. */
typedef void (*cfg_fn)(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                       void *base);
/* Convert the string s, the value of scalar node n, into the struct at base. */
typedef void (*cfg_str_fn)(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                           const char *s, void *base);

struct cfg_key {
    const char *name;
    enum cfg_kind kind;
    const char *type;            /* for humans: "list of URLs", "bytes" */
    const char *def;             /* default as YAML text; NULL = none */
    int required;                /* absent (or null) is an error */
    long long min, max;          /* bounds of numeric kinds (inclusive) */
    size_t offset;               /* where the value goes inside base */
    cfg_fn fn;                   /* CFG_CUSTOM */
    cfg_str_fn sfn;              /* CFG_SCALAR */
    const struct cfg_table *sub; /* CFG_TABLE */
    const char *help;            /* one line, also in docs/configuration.md */
};

struct cfg_table {
    const char *name; /* "" at top level, "limits", "notify", ... for messages */
    const struct cfg_key *keys;
    size_t nkeys;
};

/* keys.c */
extern const struct cfg_table mm_config_top;     /* the whole file */
extern const struct cfg_table mm_config_limits;  /* `limits:` */
extern const struct cfg_table mm_config_source;  /* one item of `sources:` */
extern const struct cfg_table mm_config_channel; /* one item of `notify:` */
extern const struct cfg_table mm_config_list;    /* one list of `lists:` */
extern const struct cfg_table mm_config_business_hours; /* `business_hours:` */
extern const struct cfg_table mm_config_retention;      /* `retention:` */
/* Checks that need the whole struct (listen duplicates, open allow-list). */
void mm_config_check(struct cfg_ctx *ctx, struct mm_config *c);

/* config.c */
/* Walk map (NULL = empty) against t, then apply defaults of absent keys.
 * `where` is the node used for "missing key" errors (may be NULL). */
void mm_cfg_map(struct cfg_ctx *ctx, const struct cfg_table *t, const struct mm_ynode *map,
                const struct mm_ynode *where, void *base);
/* A scalar as a string without NUL bytes; NULL (and an error) otherwise.
 * Borrowed from n. */
const char *mm_cfg_str(struct cfg_ctx *ctx, const struct cfg_table *t, const struct cfg_key *k,
                       const struct mm_ynode *n);
/* Resolve a relative path against ctx->dir; owned result, NULL on ENOMEM. */
char *mm_cfg_path(struct cfg_ctx *ctx, const char *p);
char *mm_cfg_strdup(struct cfg_ctx *ctx, const char *s);
/* Grow an array of nmemb elements of size sz by one; NULL on ENOMEM. */
void *mm_cfg_push(struct cfg_ctx *ctx, void *arrp, size_t *nmemb, size_t sz);
/* Error at node n (n may be NULL: no position). */
void mm_cfg_error(struct cfg_ctx *ctx, const struct mm_ynode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "limits.batch_ms", "listen" */
const char *mm_cfg_keyname(const struct cfg_table *t, const struct cfg_key *k, char *buf,
                           size_t len);
/* User text made safe for a message: control and non-ASCII bytes as \xNN,
 * cut at about 60 characters.  Returns buf. */
const char *mm_cfg_quote(const char *s, size_t len, char *buf, size_t buflen);
/* mm_listen_parse with a reason for the error message. */
enum mm_err mm_cfg_listen_parse(struct mm_listen *out, const char *url, const char **why);

#endif
