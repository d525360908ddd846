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
#include <strings.h>
#include <sys/stat.h>

#include "config/config_int.h"
#include "mimamori/alert.h"
#include "mimamori/config.h"
#include "mimamori/net.h"
#include "mimamori/tz.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* The field of type `type` at the key's offset inside base. */
#define FIELD(type, base, k) ((type *)(void *)((char *)(base) + (k)->offset))

/* Append the owned string p to an array of strings; frees p when that fails. */
static void push_str(struct cfg_ctx *ctx, char ***arr, size_t *n, char *p)
{
    char **slot = mm_cfg_push(ctx, arr, n, sizeof(*slot));
    if (slot == NULL) {
        free(p);
        return;
    }
    *slot = p;
}

/* A value that is one item or a list of them: add each item. */
static void each_item(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                      void *base, cfg_fn add)
{
    if (n->type != MM_Y_SEQ) {
        add(ctx, k, n, base);
        return;
    }
    for (size_t i = 0; i < n->nkids; i++) {
        add(ctx, k, n->kids[i], base);
    }
}

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
                         const char *s, void *base)
{
    struct mm_config *c = base;
    char q[128];
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
                           void *base)
{
    struct mm_config *c = base;
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
    push_str(ctx, &c->rules, &c->nrules, p);
}

static void set_rules(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                      void *base)
{
    if (n->type != MM_Y_SCALAR && n->type != MM_Y_SEQ) {
        mm_cfg_error(ctx, n, "rules: expected a path or a list of paths, got %s",
                     mm_yaml_type_name(n->type));
        return;
    }
    each_item(ctx, k, n, base, add_rules_path);
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

/* 1 to max letters, digits, '-', '.' or '_': channel and list names, host names. */
static int word_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max) {
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

static int hostname_ok(const char *s)
{
    return s[0] != '-' && s[0] != '.' && word_ok(s, 253);
}

static void set_source_match(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                             const char *s, void *base)
{
    struct mm_source_conf *sc = base;
    char q[128];
    int by_host = strcmp(k->name, "hostname") == 0;
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

static void set_channel_name(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                             const char *s, void *base)
{
    struct mm_notify_conf *nc = base;
    char q[128];
    if (!word_ok(s, 64)) {
        mm_cfg_error(ctx, n, "notify.name: '%s' must be 1 to 64 letters, digits, '-', '_' or '.'",
                     mm_cfg_quote(s, strlen(s), q, sizeof(q)));
        return;
    }
    nc->name = mm_cfg_strdup(ctx, s);
}

static void set_channel_type(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                             const char *s, void *base)
{
    struct mm_notify_conf *nc = base;
    char q[128];
    if (strcmp(s, "file") != 0 && strcmp(s, "smtp") != 0 && strcmp(s, "webhook") != 0) {
        mm_cfg_error(ctx, n,
                     "notify.type: unknown channel type '%s' (expected smtp, webhook or file)",
                     mm_cfg_quote(s, strlen(s), q, sizeof(q)));
        return;
    }
    nc->type = mm_cfg_strdup(ctx, s);
}

/* A string that must be one of a fixed set (NULL-terminated). */
static void set_choice(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                       const char *s, void *base, const char *const *choices, const char *expect)
{
    char q[128];
    for (size_t i = 0; choices[i] != NULL; i++) {
        if (strcmp(s, choices[i]) == 0) {
            char **field = FIELD(char *, base, k);
            free(*field);
            *field = mm_cfg_strdup(ctx, s);
            return;
        }
    }
    mm_cfg_error(ctx, n, "notify.%s: '%s' is not one of %s", k->name,
                 mm_cfg_quote(s, strlen(s), q, sizeof(q)), expect);
}

static void set_starttls(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                         const char *s, void *base)
{
    static const char *const c[] = {"required", "optional", "none", NULL};
    set_choice(ctx, k, n, s, base, c, "required, optional, none");
}

static void set_format(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                       const char *s, void *base)
{
    static const char *const c[] = {"generic", "slack",    "teams",
                                    "discord", "chatwork", "template", NULL};
    set_choice(ctx, k, n, s, base, c, "generic, slack, teams, discord, chatwork, template");
}

static void set_locale(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                       const char *s, void *base)
{
    static const char *const c[] = {"en", "ja", NULL};
    set_choice(ctx, k, n, s, base, c, "en, ja");
}

static void set_bool(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                     const char *s, void *base)
{
    char q[128];
    int *field = FIELD(int, base, k);
    if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0 || strcmp(s, "on") == 0) {
        *field = 1;
    } else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0 || strcmp(s, "off") == 0) {
        *field = 0;
    } else {
        mm_cfg_error(ctx, n, "notify.%s: expected true or false, got '%s'", k->name,
                     mm_cfg_quote(s, strlen(s), q, sizeof(q)));
    }
}

/* "90s", "10m", "2h", "1d", "500ms", "0": nanoseconds; -1 when malformed or above a week. */
static int64_t parse_duration_ns(const char *s)
{
    static const struct {
        const char *unit;
        int64_t ns;
    } units[] = {{"ms", 1000000LL},      {"s", 1000000000LL},    {"m", 60000000000LL},
                 {"h", 3600000000000LL}, {"d", 86400000000000LL}};
    int64_t v = 0;
    const char *p = s;
    if (*p < '0' || *p > '9') {
        return -1;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > 1000000) {
            return -1;
        }
        v = v * 10 + (*p - '0');
    }
    if (*p == '\0') {
        return v == 0 ? 0 : -1; /* a bare number only as 0 */
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(p, units[i].unit) == 0) {
            int64_t ns = v * units[i].ns;
            return ns > 7 * 86400000000000LL ? -1 : ns;
        }
    }
    return -1;
}

static void set_duration(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                         const char *s, void *base)
{
    char q[128];
    int64_t ns = parse_duration_ns(s);
    if (ns < 0) {
        mm_cfg_error(ctx, n, "notify.%s: '%s' is not a duration (e.g. 30s, 10m, 2h; at most 7d)",
                     k->name, mm_cfg_quote(s, strlen(s), q, sizeof(q)));
        return;
    }
    *FIELD(int64_t, base, k) = ns;
}

/* "HH:MM" -> minutes after midnight, -1 when malformed. */
static int parse_hhmm(const char *s, size_t len)
{
    if (len != 5 || s[2] != ':') {
        return -1;
    }
    for (size_t i = 0; i < 5; i++) {
        if (i != 2 && (s[i] < '0' || s[i] > '9')) {
            return -1;
        }
    }
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 24 || m > 59 || (h == 24 && m != 0)) {
        return -1;
    }
    return h * 60 + m;
}

static void set_quiet(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                      const char *s, void *base)
{
    struct mm_notify_conf *nc = base;
    char q[128];
    const char *dash = strchr(s, '-');
    int a = dash ? parse_hhmm(s, (size_t)(dash - s)) : -1;
    int b = dash ? parse_hhmm(dash + 1, strlen(dash + 1)) : -1;
    if (a < 0 || b < 0 || a == b) {
        mm_cfg_error(ctx, n,
                     "notify.quiet_hours: '%s' is not a time range like 22:00-07:00 (local time)",
                     mm_cfg_quote(s, strlen(s), q, sizeof(q)));
        return;
    }
    nc->quiet_start = a;
    nc->quiet_end = b;
}

/* "10/1h": at most 10 messages per hour. */
static void set_rate(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                     const char *s, void *base)
{
    struct mm_notify_conf *nc = base;
    char q[128];
    const char *slash = strchr(s, '/');
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    int64_t per = slash ? parse_duration_ns(slash + 1) : -1;
    if (slash == NULL || end != slash || errno != 0 || v < 1 || v > 100000 || per <= 0) {
        mm_cfg_error(ctx, n, "notify.rate_limit: '%s' is not COUNT/DURATION like 10/1h",
                     mm_cfg_quote(s, strlen(s), q, sizeof(q)));
        return;
    }
    nc->rate_max = (int)v;
    nc->rate_period_ns = per;
}

/* A string or a list of strings; appended to the struct mm_strlist at the key's offset. */
static void set_strlist(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                        void *base)
{
    char q[128];
    struct mm_strlist *l = FIELD(struct mm_strlist, base, k);
    const struct mm_ynode *const *items = n->type == MM_Y_SEQ ? (const struct mm_ynode *const *)n->kids
                                                              : &n;
    size_t nitems = n->type == MM_Y_SEQ ? n->nkids : 1;
    for (size_t i = 0; i < nitems; i++) {
        const char *s = mm_cfg_str(ctx, &mm_config_channel, k, items[i]);
        if (s == NULL) {
            continue;
        }
        if (strcmp(k->name, "headers") == 0) {
            const char *colon = strchr(s, ':');
            int ok = colon != NULL && colon != s && strpbrk(s, "\r\n") == NULL;
            for (const char *p = s; ok && p < colon; p++) {
                ok = *p > ' ' && *p < 0x7f;
            }
            if (!ok) {
                mm_cfg_error(ctx, items[i], "notify.headers: '%s' is not a 'Name: value' line",
                             mm_cfg_quote(s, strlen(s), q, sizeof(q)));
                continue;
            }
        }
        char **slot = mm_cfg_push(ctx, &l->v, &l->n, sizeof(*slot));
        if (slot == NULL) {
            return;
        }
        *slot = mm_cfg_strdup(ctx, s);
    }
}

/* The checks of one channel that need several keys. */
static void check_channel(struct cfg_ctx *ctx, const struct mm_ynode *it, struct mm_notify_conf *nc)
{
    const char *t = nc->type;
    if (t == NULL) {
        return;
    }
    if (strcmp(t, "file") == 0) {
        if (nc->path == NULL) {
            mm_cfg_error(ctx, it, "notify: a file channel needs 'path'");
        }
        return;
    }
    const char *u = nc->url;
    if (u == NULL) {
        mm_cfg_error(ctx, it, "notify: a %s channel needs 'url'", t);
        return;
    }
    if (strcmp(t, "smtp") == 0) {
        if (strncmp(u, "smtp://", 7) != 0 && strncmp(u, "smtps://", 8) != 0) {
            mm_cfg_error(ctx, mm_ymap_get(it, "url"),
                         "notify.url: a smtp channel needs smtp://HOST[:PORT] or smtps://");
        }
        if (nc->from == NULL) {
            mm_cfg_error(ctx, it, "notify: a smtp channel needs 'from'");
        }
        if (nc->to.n == 0) {
            mm_cfg_error(ctx, it, "notify: a smtp channel needs 'to' (one address or a list)");
        }
        if (nc->username != NULL && nc->password_file == NULL) {
            mm_cfg_error(ctx, it, "notify: 'username' needs 'password_file'");
        }
    } else {
        if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0) {
            mm_cfg_error(ctx, mm_ymap_get(it, "url"),
                         "notify.url: a webhook channel needs http:// or https://");
        }
        if (nc->format != NULL && strcmp(nc->format, "chatwork") == 0 && nc->token_file == NULL) {
            mm_cfg_error(ctx, it, "notify: a chatwork webhook needs 'token_file'");
        }
        if (nc->format != NULL && strcmp(nc->format, "template") == 0 && nc->body == NULL) {
            mm_cfg_error(ctx, it, "notify: format 'template' needs 'body'");
        }
    }
}

static void set_severity(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                         const char *s, void *base)
{
    char q[128];
    int sev = mm_severity_parse(s);
    if (sev < 0) {
        mm_cfg_error(ctx, n,
                     "notify.min_severity: '%s' is not one of informational, low, medium, "
                     "high, critical",
                     mm_cfg_quote(s, strlen(s), q, sizeof(q)));
        return;
    }
    *FIELD(int, base, k) = sev;
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
        struct mm_notify_conf *nc = mm_cfg_push(ctx, &c->notify, &c->nnotify, sizeof(*nc));
        if (nc == NULL) {
            return;
        }
        nc->line = it->line;
        nc->col = it->col;
        mm_cfg_map(ctx, &mm_config_channel, it, it, nc);
        check_channel(ctx, it, nc);
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

/* --- lists --- */

/* A file that must exist (not checked for built-in defaults); owned, NULL on error. */
static char *existing_file(struct cfg_ctx *ctx, const char *what, const struct mm_ynode *n,
                           const char *s)
{
    char q[128];
    struct stat st;
    if (*s == '\0') {
        mm_cfg_error(ctx, n, "%s: empty path", what);
        return NULL;
    }
    char *p = mm_cfg_path(ctx, s);
    if (p == NULL || ctx->in_default) {
        return p;
    }
    if (stat(p, &st) != 0) {
        mm_cfg_error(ctx, n, "%s: '%s': %s", what, mm_cfg_quote(p, strlen(p), q, sizeof(q)),
                     strerror(errno));
        free(p);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        mm_cfg_error(ctx, n, "%s: '%s' is not a file", what,
                     mm_cfg_quote(p, strlen(p), q, sizeof(q)));
        free(p);
        return NULL;
    }
    return p;
}

static void set_list_type(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                          const char *s, void *base)
{
    struct mm_list_conf *lc = base;
    char q[128];
    if (strcmp(s, "ip") == 0) {
        lc->type = MM_LIST_IP;
    } else if (strcmp(s, "domain") == 0) {
        lc->type = MM_LIST_DOMAIN;
    } else if (strcmp(s, "string") == 0) {
        lc->type = MM_LIST_STRING;
    } else {
        mm_cfg_error(ctx, n, "lists.type: '%s' is not one of ip, domain, string",
                     mm_cfg_quote(s, strlen(s), q, sizeof(q)));
    }
}

static void add_list_path(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                          void *base)
{
    struct mm_list_conf *lc = base;
    const char *s = mm_cfg_str(ctx, &mm_config_list, k, n);
    if (s == NULL) {
        return;
    }
    char *p = existing_file(ctx, "lists.path", n, s);
    if (p == NULL) {
        return;
    }
    push_str(ctx, &lc->paths, &lc->npaths, p);
}

static void set_list_path(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                          void *base)
{
    each_item(ctx, k, n, base, add_list_path);
}

static void set_list_cased(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                           const char *s, void *base)
{
    struct mm_list_conf *lc = base;
    if (strcmp(s, "true") == 0) {
        lc->cased = 1;
    } else if (strcmp(s, "false") == 0) {
        lc->cased = 0;
    } else {
        mm_cfg_error(ctx, n, "lists.cased: expected true or false");
    }
}

static void set_lists(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                      void *base)
{
    struct mm_config *c = base;
    char q[128];
    (void)k;
    if (n->type != MM_Y_MAP) {
        mm_cfg_error(ctx, n, "lists: expected a mapping of list names, got %s",
                     mm_yaml_type_name(n->type));
        return;
    }
    for (size_t i = 0; i < mm_ymap_size(n); i++) {
        const struct mm_ynode *kn = mm_ymap_key(n, i);
        const struct mm_ynode *it = mm_ymap_val(n, i);
        if (kn->type != MM_Y_SCALAR) {
            continue;
        }
        if (!word_ok(kn->str, 64)) {
            mm_cfg_error(ctx, kn, "lists: '%s' must be 1 to 64 letters, digits, '-', '_' or '.'",
                         mm_cfg_quote(kn->str, kn->len, q, sizeof(q)));
            continue;
        }
        if (it == NULL || it->type != MM_Y_MAP) {
            mm_cfg_error(ctx, it != NULL ? it : kn,
                         "lists.%s: expected a mapping with 'type' and 'path'", kn->str);
            continue;
        }
        struct mm_list_conf *lc = mm_cfg_push(ctx, &c->lists, &c->nlists, sizeof(*lc));
        if (lc == NULL) {
            return;
        }
        lc->line = kn->line;
        lc->col = kn->col;
        lc->name = mm_cfg_strdup(ctx, kn->str);
        mm_cfg_map(ctx, &mm_config_list, it, it, lc);
    }
}

/* --- holidays, business_hours --- */

/* "2026-01-01" -> days since 1970-01-01; -1 when not a valid date. */
static int parse_date(const char *s, int32_t *out)
{
    struct mm_civil cv;
    if (strlen(s) != 10 || mm_civil_date(s, 10, &cv) != 0 || cv.year < 1970) {
        return -1;
    }
    *out = (int32_t)(mm_civil_to_epoch_ns(&cv) / (86400LL * 1000000000LL));
    return 0;
}

static void add_holiday(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                        void *base)
{
    struct mm_config *c = base;
    const char *s = mm_cfg_str(ctx, &mm_config_top, k, n);
    int32_t day;
    if (s == NULL) {
        return;
    }
    if (parse_date(s, &day) == 0) {
        int32_t *slot = mm_cfg_push(ctx, &c->holiday_days, &c->nholiday_days, sizeof(*slot));
        if (slot != NULL) {
            *slot = day;
        }
        return;
    }
    if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
        mm_cfg_error(ctx, n, "holidays: '%s' is not a valid date", s);
        return;
    }
    char *p = existing_file(ctx, "holidays", n, s);
    if (p == NULL) {
        return;
    }
    push_str(ctx, &c->holiday_files, &c->nholiday_files, p);
}

static void set_holidays(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                         void *base)
{
    each_item(ctx, k, n, base, add_holiday);
}

/* "09:00" .. "24:00" -> minutes after midnight */
static void set_bh_time(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                        const char *s, void *base)
{
    char q[128];
    int ok = strlen(s) == 5 && s[2] == ':' && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' &&
             s[1] <= '9' && s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9';
    int m = ok ? ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 + (s[4] - '0') : -1;
    if (!ok || m > 24 * 60) {
        mm_cfg_error(ctx, n, "business_hours.%s: '%s' is not a time HH:MM (00:00 .. 24:00)",
                     k->name, mm_cfg_quote(s, strlen(s), q, sizeof(q)));
        return;
    }
    *FIELD(int, base, k) = m;
}

static void set_bh_days(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                        void *base)
{
    static const char *const names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
    struct mm_config *c = base;
    char q[128];
    if (n->type != MM_Y_SEQ) {
        mm_cfg_error(ctx, n, "business_hours.days: expected a list such as [mon, tue, wed], got %s",
                     mm_yaml_type_name(n->type));
        return;
    }
    unsigned mask = 0;
    for (size_t i = 0; i < n->nkids; i++) {
        const char *s = mm_cfg_str(ctx, &mm_config_business_hours, k, n->kids[i]);
        if (s == NULL) {
            continue;
        }
        size_t d;
        for (d = 0; d < 7; d++) {
            if (strcasecmp(s, names[d]) == 0) {
                break;
            }
        }
        if (d == 7) {
            mm_cfg_error(ctx, n->kids[i],
                         "business_hours.days: '%s' is not one of mon, tue, wed, thu, fri, sat, "
                         "sun",
                         mm_cfg_quote(s, strlen(s), q, sizeof(q)));
            continue;
        }
        mask |= 1u << d;
    }
    c->bh_days = mask;
}

static void set_geoip(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                      const char *s, void *base)
{
    struct mm_config *c = base;
    c->geoip = existing_file(ctx, "geoip", n, s);
}

/*
 * `retention:` ages: "365d", "52w", "8760h", or 0 (keep forever); at most
 * 100 years.
 */
static void set_retention(struct cfg_ctx *ctx, const struct cfg_key *k, const struct mm_ynode *n,
                          const char *s, void *base)
{
    char q[128];
    long long v = 0;
    const char *p = s;
    int ok = *p >= '0' && *p <= '9';
    for (; ok && *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (*p - '0');
        ok = v <= 1000000;
    }
    long long unit = 0;
    if (ok && *p == '\0' && v == 0) {
        unit = 1;
    } else if (ok && strcmp(p, "h") == 0) {
        unit = 3600;
    } else if (ok && strcmp(p, "d") == 0) {
        unit = 86400;
    } else if (ok && strcmp(p, "w") == 0) {
        unit = 7 * 86400;
    }
    if (unit == 0 || v * unit > 36600LL * 86400) {
        mm_cfg_error(ctx, n,
                     "retention.%s: '%s' is not an age (e.g. 90d, 52w, 8760h; 0 keeps forever)",
                     k->name, mm_cfg_quote(s, strlen(s), q, sizeof(q)));
        return;
    }
    *FIELD(int64_t, base, k) = v * unit * 1000000000LL;
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
     .def = "20",
     .min = 1,
     .max = 10000,
     .offset = TOP(batch_ms),
     .help = "commit at least this often"},
};

const struct cfg_table mm_config_limits = {"limits", limit_keys, COUNT(limit_keys)};

/* `retention:` - the struct fields sit in struct mm_config itself. */
static const struct cfg_key retention_keys[] = {
    {.name = "alerts",
     .kind = CFG_SCALAR,
     .type = "age",
     .def = "365d",
     .offset = TOP(retention_alerts_ns),
     .sfn = set_retention,
     .help = "delete alerts (with their evidence and deliveries) whose last event is older"},
    {.name = "rollups",
     .kind = CFG_SCALAR,
     .type = "age",
     .def = "400d",
     .offset = TOP(retention_rollups_ns),
     .sfn = set_retention,
     .help = "delete hourly roll-ups (the report's data) older than this"},
};

const struct cfg_table mm_config_retention = {"retention", retention_keys, COUNT(retention_keys)};

/* `business_hours:` - the struct fields sit in struct mm_config itself. */
static const struct cfg_key bh_keys[] = {
    {.name = "start",
     .kind = CFG_SCALAR,
     .type = "time HH:MM",
     .def = "\"09:00\"",
     .offset = TOP(bh_start),
     .sfn = set_bh_time,
     .help = "business hours begin (local time, `timezone`)"},
    {.name = "end",
     .kind = CFG_SCALAR,
     .type = "time HH:MM",
     .def = "\"18:00\"",
     .offset = TOP(bh_end),
     .sfn = set_bh_time,
     .help = "business hours end (exclusive)"},
    {.name = "days",
     .kind = CFG_CUSTOM,
     .type = "list of weekdays",
     .def = "[mon, tue, wed, thu, fri]",
     .fn = set_bh_days,
     .help = "business days; holidays are not business days"},
};

const struct cfg_table mm_config_business_hours = {"business_hours", bh_keys, COUNT(bh_keys)};

#define LST(f) offsetof(struct mm_list_conf, f)

/* One list of `lists:`. */
static const struct cfg_key list_keys[] = {
    {.name = "type",
     .kind = CFG_SCALAR,
     .type = "ip | domain | string",
     .required = 1,
     .sfn = set_list_type,
     .help = "what the entries are: addresses and prefixes, domains, or strings"},
    {.name = "path",
     .kind = CFG_CUSTOM,
     .type = "path or list of paths",
     .required = 1,
     .fn = set_list_path,
     .help = "the list files; plain lines and common threat-feed formats"},
    {.name = "cased",
     .kind = CFG_SCALAR,
     .type = "boolean",
     .def = "false",
     .sfn = set_list_cased,
     .help = "string lists: compare case-sensitively"},
};

const struct cfg_table mm_config_list = {"lists", list_keys, COUNT(list_keys)};

static const struct cfg_key top_keys[] = {
    {.name = "listen",
     .kind = CFG_CUSTOM,
     .type = "list of URLs",
     .def = "[\"udp://127.0.0.1:5514\", \"tcp://127.0.0.1:5514\"]",
     .fn = set_listen,
     .help = "where syslog is received: udp://HOST:PORT, tcp://HOST:PORT"},
    {.name = "timezone",
     .kind = CFG_SCALAR,
     .type = "IANA time zone",
     .def = "UTC",
     .sfn = set_timezone,
     .help = "zone of timestamps that carry none (RFC 3164) and of reports"},
    {.name = "database",
     .kind = CFG_PATH,
     .type = "path",
     .def = "mimamori.db",
     .offset = TOP(database),
     .help = "SQLite database of events and alerts"},
    {.name = "user",
     .kind = CFG_STRING,
     .type = "user name",
     .offset = TOP(user), /* NULL when absent: "mimamori" if that account exists */
     .help = "started as root (not under systemd): run as this user after binding"},
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
    {.name = "lists",
     .kind = CFG_CUSTOM,
     .type = "mapping of lists",
     .def = "{}",
     .fn = set_lists,
     .help = "named IP, domain and string lists that rules test with |in_list"},
    {.name = "holidays",
     .kind = CFG_CUSTOM,
     .type = "path or list of dates/paths",
     .def = "[]",
     .fn = set_holidays,
     .help = "days that are not business days: YYYY-MM-DD dates or files of them"},
    {.name = "business_hours",
     .kind = CFG_TABLE,
     .type = "mapping",
     .def = "{}",
     .sub = &mm_config_business_hours,
     .help = "office hours for mimamori.time.business_hours"},
    {.name = "geoip",
     .kind = CFG_SCALAR,
     .type = "path",
     .sfn = set_geoip,
     .help = "MaxMind .mmdb for source/destination.geo.country_iso_code"},
    {.name = "limits",
     .kind = CFG_TABLE,
     .type = "mapping",
     .def = "{}",
     .sub = &mm_config_limits,
     .help = "memory and batching limits"},
    {.name = "retention",
     .kind = CFG_TABLE,
     .type = "mapping",
     .def = "{}",
     .sub = &mm_config_retention,
     .help = "how long alerts and hourly roll-ups are kept"},
};

const struct cfg_table mm_config_top = {"", top_keys, COUNT(top_keys)};

#define SRC(f) offsetof(struct mm_source_conf, f)

/* One item of `sources:`; exactly one of address/hostname (checked in set_sources). */
static const struct cfg_key source_keys[] = {
    {.name = "address",
     .kind = CFG_SCALAR,
     .type = "IP address or CIDR prefix",
     .sfn = set_source_match,
     .help = "messages from this peer address"},
    {.name = "hostname",
     .kind = CFG_SCALAR,
     .type = "host name",
     .sfn = set_source_match,
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
     .kind = CFG_SCALAR,
     .type = "string",
     .required = 1,
     .sfn = set_channel_name,
     .help = "unique channel name"},
    {.name = "type",
     .kind = CFG_SCALAR,
     .type = "smtp|webhook|file",
     .required = 1,
     .sfn = set_channel_type,
     .help = "channel type: smtp (mail), webhook (HTTP POST) or file (JSON lines)"},
    {.name = "path",
     .kind = CFG_PATH,
     .type = "path",
     .offset = CHAN(path),
     .help = "type file: JSON lines are appended here"},
    {.name = "min_severity",
     .kind = CFG_SCALAR,
     .type = "severity",
     .def = "informational",
     .offset = CHAN(min_severity),
     .sfn = set_severity,
     .help = "alerts below this severity are not sent"},
    {.name = "url",
     .kind = CFG_STRING,
     .type = "URL",
     .offset = CHAN(url),
     .help = "smtp: smtp://HOST:PORT or smtps://; webhook: http(s)://"},
    {.name = "starttls",
     .kind = CFG_SCALAR,
     .type = "required|optional|none",
     .def = "required",
     .offset = CHAN(starttls),
     .sfn = set_starttls,
     .help = "smtp:// only: STARTTLS required, tried, or not used"},
    {.name = "username",
     .kind = CFG_STRING,
     .type = "string",
     .offset = CHAN(username),
     .help = "smtp AUTH user name"},
    {.name = "password_file",
     .kind = CFG_PATH,
     .type = "path",
     .offset = CHAN(password_file),
     .help = "smtp AUTH password: the first line of this file"},
    {.name = "from",
     .kind = CFG_STRING,
     .type = "mail address",
     .offset = CHAN(from),
     .help = "smtp sender address"},
    {.name = "to",
     .kind = CFG_CUSTOM,
     .type = "address or list",
     .offset = CHAN(to),
     .fn = set_strlist,
     .help = "smtp recipients"},
    {.name = "format",
     .kind = CFG_SCALAR,
     .type = "webhook format",
     .def = "generic",
     .offset = CHAN(format),
     .sfn = set_format,
     .help = "webhook body: generic, slack, teams, discord, chatwork, template"},
    {.name = "headers",
     .kind = CFG_CUSTOM,
     .type = "list of 'Name: value'",
     .offset = CHAN(headers),
     .fn = set_strlist,
     .help = "extra header lines sent with every message"},
    {.name = "secret_file",
     .kind = CFG_PATH,
     .type = "path",
     .offset = CHAN(secret_file),
     .help = "generic webhook: HMAC-SHA256 key (first line) for X-Mimamori-Signature"},
    {.name = "token_file",
     .kind = CFG_PATH,
     .type = "path",
     .offset = CHAN(token_file),
     .help = "chatwork: API token (first line)"},
    {.name = "ca_file",
     .kind = CFG_PATH,
     .type = "path",
     .offset = CHAN(ca_file),
     .help = "CA certificates (PEM) to verify the server with, instead of the system's"},
    {.name = "tls_verify",
     .kind = CFG_SCALAR,
     .type = "boolean",
     .def = "true",
     .offset = CHAN(tls_verify),
     .sfn = set_bool,
     .help = "verify the server's certificate and name"},
    {.name = "locale",
     .kind = CFG_SCALAR,
     .type = "en|ja",
     .def = "en",
     .offset = CHAN(locale),
     .sfn = set_locale,
     .help = "language of the default templates"},
    {.name = "subject",
     .kind = CFG_STRING,
     .type = "template",
     .offset = CHAN(subject),
     .help = "subject / title template, instead of the default"},
    {.name = "body",
     .kind = CFG_STRING,
     .type = "template",
     .offset = CHAN(body),
     .help = "body template, instead of the default"},
    {.name = "html",
     .kind = CFG_SCALAR,
     .type = "boolean",
     .def = "false",
     .offset = CHAN(html),
     .sfn = set_bool,
     .help = "smtp: add an HTML alternative to the plain text"},
    {.name = "digest",
     .kind = CFG_SCALAR,
     .type = "duration",
     .def = "0",
     .offset = CHAN(digest_ns),
     .sfn = set_duration,
     .help = "collect alerts for this long and send one message; 0 = one message each"},
    {.name = "quiet_hours",
     .kind = CFG_SCALAR,
     .type = "HH:MM-HH:MM",
     .sfn = set_quiet,
     .help = "local time range in which alerts are held and sent as one digest after it"},
    {.name = "rate_limit",
     .kind = CFG_SCALAR,
     .type = "COUNT/DURATION",
     .sfn = set_rate,
     .help = "at most COUNT messages per DURATION; the rest go out as a digest"},
    {.name = "retry_max",
     .kind = CFG_SCALAR,
     .type = "duration",
     .def = "5m",
     .offset = CHAN(retry_max_ns),
     .sfn = set_duration,
     .help = "longest wait between two attempts of a failing delivery"},
    {.name = "include_rules",
     .kind = CFG_CUSTOM,
     .type = "list of patterns",
     .offset = CHAN(include_rules),
     .fn = set_strlist,
     .help = "only alerts of rules whose id matches one of these (shell patterns)"},
    {.name = "exclude_rules",
     .kind = CFG_CUSTOM,
     .type = "list of patterns",
     .offset = CHAN(exclude_rules),
     .fn = set_strlist,
     .help = "never alerts of rules whose id matches one of these"},
    {.name = "include_tags",
     .kind = CFG_CUSTOM,
     .type = "list of patterns",
     .offset = CHAN(include_tags),
     .fn = set_strlist,
     .help = "only alerts with a tag matching one of these"},
    {.name = "exclude_tags",
     .kind = CFG_CUSTOM,
     .type = "list of patterns",
     .offset = CHAN(exclude_tags),
     .fn = set_strlist,
     .help = "never alerts with a tag matching one of these"},
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
