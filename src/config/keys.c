/*
 * keys.c - every configuration key, once: name, kind, default, bounds,
 * offset, help (Redis `static_configs[]`, Fluent Bit `config_map[]`).
 *
 * docs/configuration.md documents these tables; test_config.c checks that it
 * names every key.  Handlers for keys that are more than a scalar (lists,
 * URLs, time zones) live here too, next to their table entry.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/config_int.h"
#include "mimamori/alert.h"
#include "mimamori/config.h"
#include "mimamori/net.h"
#include "mimamori/tz.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The list a handler is fed must be a YAML sequence. */
static int want_list(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n)
{
    if (n->type != MM_Y_SEQ) {
        mm_cfg_error(ctx, n, "%s: expected a list, got %s", k->name, mm_yaml_type_name(n->type));
        return -1;
    }
    return 0;
}

/* --- listen --- */

static void set_listen(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                       void *base)
{
    struct mm_config *c = base;
    char q[128];
    if (want_list(ctx, k, n) != 0) {
        return;
    }
    if (n->nkids == 0) {
        mm_cfg_error(ctx, n, "listen: empty list (remove the key for the default)");
        return;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        const struct mm_ynode *it = n->kids[i];
        const char *s = mm_cfg_str(ctx, &mm_config_top, k, it);
        const char *why;
        struct mm_listen l;
        if (s == NULL) {
            continue;
        }
        enum mm_err rc = mm_cfg_listen_parse(&l, s, &why);
        if (rc == MM_ENOMEM) {
            ctx->nomem = 1;
            return;
        }
        if (rc != MM_OK) {
            mm_cfg_error(ctx, it, "listen: '%s': %s", mm_cfg_quote(s, strlen(s), q, sizeof(q)),
                         why);
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < c->nlisten; j++) {
            const struct mm_listen *o = &c->listen[j];
            if (o->proto == l.proto && strcmp(o->host, l.host) == 0 &&
                strcmp(o->port, l.port) == 0 && strcmp(l.port, "0") != 0) {
                dup = 1;
            }
        }
        if (dup) {
            mm_cfg_error(ctx, it, "listen: '%s' is listed twice",
                         mm_cfg_quote(s, strlen(s), q, sizeof(q)));
            mm_listen_free(&l);
            continue;
        }
        struct mm_listen *slot = mm_cfg_push(ctx, &c->listen, &c->nlisten, sizeof(*slot));
        if (slot == NULL) {
            mm_listen_free(&l);
            return;
        }
        *slot = l;
    }
}

/* --- timezone --- */

static int tz_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128 || s[0] == '/' || s[0] == '.') {
        return 0;
    }
    for (const char *p = s; *p != '\0'; p++) {
        char ch = *p;
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '/' || ch == '_' || ch == '-' || ch == '+' || ch == '.')) {
            return 0;
        }
        /* no "..", no "/." (hidden files, "./"): the name stays below TZDIR */
        if (ch == '/' && (p[1] == '.' || p[1] == '/' || p[1] == '\0')) {
            return 0;
        }
    }
    return 1;
}

static void set_timezone(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                         void *base)
{
    struct mm_config *c = base;
    char q[128];
    const char *s = mm_cfg_str(ctx, &mm_config_top, k, n);
    if (s == NULL) {
        return;
    }
    const char *tzdir = getenv("TZDIR");
    if (tzdir == NULL || *tzdir == '\0') {
        tzdir = "/usr/share/zoneinfo";
    }
    /* Validated by loading it, so that the config accepts exactly the zones
     * the daemon can use (tz.c also checks the name; tz_name_ok keeps ""
     * from meaning UTC here). */
    struct mm_tz *tz = NULL;
    enum mm_err rc = tz_name_ok(s) ? mm_tz_load(&tz, s) : MM_EINVAL;
    mm_tz_free(tz);
    if (rc == MM_ENOMEM) {
        ctx->nomem = 1;
        return;
    }
    if (rc != MM_OK) {
        mm_cfg_error(ctx, n, "timezone: unknown time zone '%s' (not in %s)",
                     mm_cfg_quote(s, strlen(s), q, sizeof(q)), tzdir);
        return;
    }
    c->timezone = mm_cfg_strdup(ctx, s);
}

/* --- rules --- */

static void add_rules_path(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                           struct mm_config *c)
{
    char q[128];
    const char *s = mm_cfg_str(ctx, &mm_config_top, k, n);
    struct stat st;
    if (s == NULL) {
        return;
    }
    if (*s == '\0') {
        mm_cfg_error(ctx, n, "rules: empty path");
        return;
    }
    char *p = mm_cfg_path(ctx, s);
    if (p == NULL) {
        return;
    }
    /* the built-in default is checked by the rule loader, not here: a
     * default has no line to point at */
    if (!ctx->in_default) {
        if (stat(p, &st) != 0) {
            mm_cfg_error(ctx, n, "rules: '%s': %s", mm_cfg_quote(p, strlen(p), q, sizeof(q)),
                         strerror(errno));
            free(p);
            return;
        }
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
            mm_cfg_error(ctx, n, "rules: '%s' is neither a file nor a directory",
                         mm_cfg_quote(p, strlen(p), q, sizeof(q)));
            free(p);
            return;
        }
    }
    char **slot = mm_cfg_push(ctx, &c->rules, &c->nrules, sizeof(*slot));
    if (slot == NULL) {
        free(p);
        return;
    }
    *slot = p;
}

static void set_rules(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                      void *base)
{
    struct mm_config *c = base;
    if (n->type == MM_Y_SCALAR) {
        add_rules_path(ctx, k, n, c);
        return;
    }
    if (n->type != MM_Y_SEQ) {
        mm_cfg_error(ctx, n, "rules: expected a path or a list of paths, got %s",
                     mm_yaml_type_name(n->type));
        return;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        add_rules_path(ctx, k, n->kids[i], c);
    }
}

/* --- allowed_sources --- */

static void set_allowed(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                        void *base)
{
    struct mm_config *c = base;
    char q[128];
    if (want_list(ctx, k, n) != 0) {
        return;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        const struct mm_ynode *it = n->kids[i];
        const char *s = mm_cfg_str(ctx, &mm_config_top, k, it);
        struct mm_cidr cidr;
        if (s == NULL) {
            continue;
        }
        if (mm_cidr_parse(&cidr, s, strlen(s)) != MM_OK) {
            mm_cfg_error(ctx, it, "allowed_sources: '%s' is not an IP address or CIDR prefix",
                         mm_cfg_quote(s, strlen(s), q, sizeof(q)));
            continue;
        }
        struct mm_cidr *slot = mm_cfg_push(ctx, &c->allowed, &c->nallowed, sizeof(*slot));
        if (slot == NULL) {
            return;
        }
        *slot = cidr;
    }
}

/* --- sources --- */

static int hostname_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253 || s[0] == '-' || s[0] == '.') {
        return 0;
    }
    for (const char *p = s; *p != '\0'; p++) {
        char ch = *p;
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '.' || ch == '_')) {
            return 0;
        }
    }
    return 1;
}

static void set_source_match(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                             void *base)
{
    struct mm_source_conf *sc = base;
    char q[128];
    int by_host = strcmp(k->name, "hostname") == 0;
    const char *s = mm_cfg_str(ctx, &mm_config_source, k, n);
    if (s == NULL) {
        return;
    }
    if (sc->match != NULL) {
        mm_cfg_error(ctx, n, "sources: give either 'address' or 'hostname', not both");
        return;
    }
    if (by_host) {
        if (!hostname_ok(s)) {
            mm_cfg_error(ctx, n, "sources.hostname: '%s' is not a host name",
                         mm_cfg_quote(s, strlen(s), q, sizeof(q)));
            return;
        }
    } else {
        struct mm_cidr cidr;
        if (mm_cidr_parse(&cidr, s, strlen(s)) != MM_OK) {
            mm_cfg_error(ctx, n, "sources.address: '%s' is not an IP address or CIDR prefix",
                         mm_cfg_quote(s, strlen(s), q, sizeof(q)));
            return;
        }
    }
    sc->match = mm_cfg_strdup(ctx, s);
    sc->by_hostname = by_host;
}

static void set_sources(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                        void *base)
{
    struct mm_config *c = base;
    if (want_list(ctx, k, n) != 0) {
        return;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        const struct mm_ynode *it = n->kids[i];
        if (it->type != MM_Y_MAP) {
            mm_cfg_error(ctx, it, "sources: each item must be a mapping, got %s",
                         mm_yaml_type_name(it->type));
            continue;
        }
        struct mm_source_conf *sc = mm_cfg_push(ctx, &c->sources, &c->nsources, sizeof(*sc));
        if (sc == NULL) {
            return;
        }
        mm_cfg_map(ctx, &mm_config_source, it, it, sc);
        const struct mm_ynode *a = mm_ymap_get(it, "address");
        const struct mm_ynode *h = mm_ymap_get(it, "hostname");
        if ((a == NULL || mm_yaml_is_null(a)) && (h == NULL || mm_yaml_is_null(h))) {
            mm_cfg_error(ctx, it, "sources: each source needs 'address' or 'hostname'");
        }
    }
}

/* --- notify --- */

static int channel_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64) {
        return 0;
    }
    for (const char *p = s; *p != '\0'; p++) {
        char ch = *p;
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '.' || ch == '_')) {
            return 0;
        }
    }
    return 1;
}

static void set_channel_name(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                             void *base)
{
    struct mm_notify_conf *nc = base;
    char q[128];
    const char *s = mm_cfg_str(ctx, &mm_config_channel, k, n);
    if (s == NULL) {
        return;
    }
    if (!channel_name_ok(s)) {
        mm_cfg_error(ctx, n, "notify.name: '%s' must be 1 to 64 letters, digits, '-', '_' or '.'",
                     mm_cfg_quote(s, strlen(s), q, sizeof(q)));
        return;
    }
    nc->name = mm_cfg_strdup(ctx, s);
}

static void set_channel_type(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                             void *base)
{
    struct mm_notify_conf *nc = base;
    char q[128];
    const char *s = mm_cfg_str(ctx, &mm_config_channel, k, n);
    if (s == NULL) {
        return;
    }
    if (strcmp(s, "file") != 0) {
        mm_cfg_error(ctx, n, "notify.type: unknown channel type '%s' (expected file)",
                     mm_cfg_quote(s, strlen(s), q, sizeof(q)));
        return;
    }
    nc->type = mm_cfg_strdup(ctx, s);
}

static void set_severity(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                         void *base)
{
    char q[128];
    const char *s = mm_cfg_str(ctx, &mm_config_channel, k, n);
    if (s == NULL) {
        return;
    }
    int sev = mm_severity_parse(s);
    if (sev < 0) {
        mm_cfg_error(ctx, n,
                     "notify.min_severity: '%s' is not one of informational, low, medium, "
                     "high, critical",
                     mm_cfg_quote(s, strlen(s), q, sizeof(q)));
        return;
    }
    *(int *)(void *)((char *)base + k->offset) = sev;
}

static void set_notify(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                       void *base)
{
    struct mm_config *c = base;
    char q[128];
    if (want_list(ctx, k, n) != 0) {
        return;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        const struct mm_ynode *it = n->kids[i];
        if (it->type != MM_Y_MAP) {
            mm_cfg_error(ctx, it, "notify: each channel must be a mapping, got %s",
                         mm_yaml_type_name(it->type));
            continue;
        }
        /* Types planned for later get one clear error instead of one per
         * key we do not know yet. */
        const struct mm_ynode *t = mm_ymap_get(it, "type");
        if (t != NULL && t->type == MM_Y_SCALAR &&
            (strcmp(t->str, "smtp") == 0 || strcmp(t->str, "webhook") == 0)) {
            mm_cfg_error(ctx, t, "channel type '%s' is not supported in this version", t->str);
            continue;
        }
        struct mm_notify_conf *nc = mm_cfg_push(ctx, &c->notify, &c->nnotify, sizeof(*nc));
        if (nc == NULL) {
            return;
        }
        nc->line = it->line;
        nc->col = it->col;
        mm_cfg_map(ctx, &mm_config_channel, it, it, nc);
        const struct mm_ynode *pn = mm_ymap_get(it, "path");
        if (nc->type != NULL && strcmp(nc->type, "file") == 0 && nc->path == NULL &&
            (pn == NULL || mm_yaml_is_null(pn))) {
            mm_cfg_error(ctx, it, "notify: a file channel needs 'path'");
        }
        if (nc->name == NULL) {
            continue;
        }
        for (size_t j = 0; j + 1 < c->nnotify; j++) {
            if (c->notify[j].name != NULL && strcmp(c->notify[j].name, nc->name) == 0) {
                mm_cfg_error(ctx, mm_ymap_get(it, "name"),
                             "notify: duplicate channel name '%s' (first at line %d)",
                             mm_cfg_quote(nc->name, strlen(nc->name), q, sizeof(q)),
                             c->notify[j].line);
                break;
            }
        }
    }
}

/* --- tables --- */

#define TOP(f) offsetof(struct mm_config, f)
#define KIB(n) ((long long)(n) << 10)
#define MIB(n) ((long long)(n) << 20)
#define GIB(n) ((long long)(n) << 30)

/* `limits:` - the struct fields sit in struct mm_config itself. */
static const struct cfg_key limit_keys[] = {
    {.name = "max_message",
     .kind = CFG_BYTES,
     .type = "bytes",
     .def = "8192",
     .min = 480,
     .max = 65535,
     .offset = TOP(max_message),
     .help = "longest message kept; longer ones are truncated"},
    {.name = "queue_bytes",
     .kind = CFG_BYTES,
     .type = "bytes",
     .def = "16M",
     .min = MIB(1),
     .max = GIB(1),
     .offset = TOP(queue_bytes),
     .help = "memory for messages waiting between ingest and the pipeline"},
    {.name = "udp_rcvbuf",
     .kind = CFG_BYTES_INT,
     .type = "bytes",
     .def = "8M",
     .min = KIB(4),
     .max = GIB(1),
     .offset = TOP(udp_rcvbuf),
     .help = "SO_RCVBUF asked for on UDP sockets (the kernel caps it at net.core.rmem_max)"},
    {.name = "batch_max",
     .kind = CFG_INT,
     .type = "integer",
     .def = "1000",
     .min = 1,
     .max = 100000,
     .offset = TOP(batch_max),
     .help = "rows per database transaction"},
    {.name = "batch_ms",
     .kind = CFG_INT,
     .type = "milliseconds",
     .def = "50",
     .min = 1,
     .max = 10000,
     .offset = TOP(batch_ms),
     .help = "commit at least this often"},
};

const struct cfg_table mm_config_limits = {"limits", limit_keys, COUNT(limit_keys)};

static const struct cfg_key top_keys[] = {
    {.name = "listen",
     .kind = CFG_CUSTOM,
     .type = "list of URLs",
     .def = "[\"udp://127.0.0.1:5514\", \"tcp://127.0.0.1:5514\"]",
     .fn = set_listen,
     .help = "where syslog is received: udp://HOST:PORT, tcp://HOST:PORT"},
    {.name = "timezone",
     .kind = CFG_CUSTOM,
     .type = "IANA time zone",
     .def = "UTC",
     .fn = set_timezone,
     .help = "zone of timestamps that carry none (RFC 3164) and of reports"},
    {.name = "database",
     .kind = CFG_PATH,
     .type = "path",
     .def = "mimamori.db",
     .offset = TOP(database),
     .help = "SQLite database of events and alerts"},
    {.name = "rules",
     .kind = CFG_CUSTOM,
     .type = "path or list of paths",
     .def = "rules",
     .fn = set_rules,
     .help = "rule files, or directories of them"},
    {.name = "allowed_sources",
     .kind = CFG_CUSTOM,
     .type = "list of addresses/prefixes",
     .def = "[]",
     .fn = set_allowed,
     .help = "peers allowed to send; empty = every peer"},
    {.name = "sources",
     .kind = CFG_CUSTOM,
     .type = "list of mappings",
     .def = "[]",
     .fn = set_sources,
     .help = "pin a parser or a display name to a sender"},
    {.name = "notify",
     .kind = CFG_CUSTOM,
     .type = "list of mappings",
     .def = "[]",
     .fn = set_notify,
     .help = "notification channels"},
    {.name = "limits",
     .kind = CFG_TABLE,
     .type = "mapping",
     .def = "{}",
     .sub = &mm_config_limits,
     .help = "memory and batching limits"},
};

const struct cfg_table mm_config_top = {"", top_keys, COUNT(top_keys)};

#define SRC(f) offsetof(struct mm_source_conf, f)

/* One item of `sources:`; exactly one of address/hostname (checked in set_sources). */
static const struct cfg_key source_keys[] = {
    {.name = "address",
     .kind = CFG_CUSTOM,
     .type = "IP address or CIDR prefix",
     .fn = set_source_match,
     .help = "messages from this peer address"},
    {.name = "hostname",
     .kind = CFG_CUSTOM,
     .type = "host name",
     .fn = set_source_match,
     .help = "messages whose syslog HOSTNAME field is this"},
    {.name = "parser",
     .kind = CFG_STRING,
     .type = "parser name",
     .offset = SRC(parser),
     .help = "parser to use instead of automatic detection"},
    {.name = "name",
     .kind = CFG_STRING,
     .type = "string",
     .offset = SRC(name),
     .help = "display name in alerts and reports"},
};

const struct cfg_table mm_config_source = {"sources", source_keys, COUNT(source_keys)};

#define CHAN(f) offsetof(struct mm_notify_conf, f)

/* One item of `notify:`; `path` is required for type file (checked in set_notify). */
static const struct cfg_key channel_keys[] = {
    {.name = "name",
     .kind = CFG_CUSTOM,
     .type = "string",
     .required = 1,
     .fn = set_channel_name,
     .help = "unique channel name"},
    {.name = "type",
     .kind = CFG_CUSTOM,
     .type = "file",
     .required = 1,
     .fn = set_channel_type,
     .help = "channel type; only 'file' in this version"},
    {.name = "path",
     .kind = CFG_PATH,
     .type = "path",
     .offset = CHAN(path),
     .help = "type file: JSON lines are appended here"},
    {.name = "min_severity",
     .kind = CFG_CUSTOM,
     .type = "severity",
     .def = "informational",
     .offset = CHAN(min_severity),
     .fn = set_severity,
     .help = "alerts below this severity are not sent"},
};

const struct cfg_table mm_config_channel = {"notify", channel_keys, COUNT(channel_keys)};

/* --- whole-config checks --- */

static int is_loopback(const char *host)
{
    struct mm_addr a;
    static const uint8_t v4pre[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t v6lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (mm_addr_parse(&a, host, strlen(host)) != MM_OK) {
        return 0;
    }
    if (memcmp(a.a, v4pre, 12) == 0) {
        return a.a[12] == 127;
    }
    return memcmp(a.a, v6lo, 16) == 0;
}

void mm_config_check(struct cfg_ctx *ctx, struct mm_config *c)
{
    if (c->nallowed != 0) {
        return;
    }
    for (size_t i = 0; i < c->nlisten; i++) {
        if (!is_loopback(c->listen[i].host)) {
            mm_diag_warn(ctx->d, ctx->file, 0, 0,
                         "listen: %s accepts every peer; set allowed_sources to restrict it",
                         c->listen[i].url);
        }
    }
}
