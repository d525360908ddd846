/*
 * config.c - load the YAML configuration into struct mm_config.
 *
 * The YAML tree (yaml.c) is walked against the key tables of keys.c.  Every
 * error is reported with file:line:col and the walk goes on, so that
 * `mimamori check` shows all of them; the load fails at the end if there was
 * any.  A key whose value is empty (`notify:` with every item commented out)
 * counts as absent and gets its default.
 */
#include "mimamori/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config_int.h"
#include "mimamori/yaml.h"

#define CFG_MAX_KEYS 32 /* keys per table, checked when walking */

void mm_cfg_error(struct cfg_ctx *ctx, const struct mm_ynode *n, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n != NULL && n->line > 0) {
        mm_diag_error(ctx->d, ctx->file, n->line, n->col, "%s", msg);
    } else {
        mm_diag_error(ctx->d, ctx->file, 0, 0, "%s", msg);
    }
}

const char *mm_cfg_quote(const char *s, size_t len, char *buf, size_t buflen)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (o + 8 >= buflen || o >= 60) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (ch >= 0x20 && ch < 0x7f) {
            buf[o++] = (char)ch;
        } else {
            buf[o++] = '\\';
            buf[o++] = 'x';
            buf[o++] = hex[ch >> 4];
            buf[o++] = hex[ch & 15];
        }
    }
    buf[o] = '\0';
    return buf;
}

const char *mm_cfg_keyname(const struct cfg_table *t, const struct cfg_key *k, char *buf,
                           size_t len)
{
    if (t->name[0] == '\0') {
        snprintf(buf, len, "%s", k->name);
    } else {
        snprintf(buf, len, "%s.%s", t->name, k->name);
    }
    return buf;
}

char *mm_cfg_strdup(struct cfg_ctx *ctx, const char *s)
{
    char *p = strdup(s);
    if (p == NULL) {
        ctx->nomem = 1;
    }
    return p;
}

void *mm_cfg_push(struct cfg_ctx *ctx, void *arrp, size_t *nmemb, size_t sz)
{
    void **arr = arrp;
    if (*nmemb >= SIZE_MAX / sz - 1) {
        ctx->nomem = 1;
        return NULL;
    }
    char *p = realloc(*arr, (*nmemb + 1) * sz);
    if (p == NULL) {
        ctx->nomem = 1;
        return NULL;
    }
    *arr = p;
    memset(p + *nmemb * sz, 0, sz);
    return p + (*nmemb)++ * sz;
}

const char *mm_cfg_str(struct cfg_ctx *ctx, const struct cfg_table *t, const struct cfg_key *k,
                       const struct mm_ynode *n)
{
    char kn[96];
    mm_cfg_keyname(t, k, kn, sizeof(kn));
    if (n->type != MM_Y_SCALAR) {
        mm_cfg_error(ctx, n, "%s: expected a string, got %s", kn, mm_yaml_type_name(n->type));
        return NULL;
    }
    if (strlen(n->str) != n->len) {
        mm_cfg_error(ctx, n, "%s: NUL byte in value", kn);
        return NULL;
    }
    return n->str;
}

char *mm_cfg_path(struct cfg_ctx *ctx, const char *p)
{
    if (p[0] == '/') {
        return mm_cfg_strdup(ctx, p);
    }
    /* ctx->dir is canonical (realpath), so leading "." and ".." can be
     * folded into it lexically; later components are kept as written
     * because they may cross symbolic links. */
    size_t dl = strlen(ctx->dir), pl = strlen(p);
    char *out = malloc(dl + pl + 2);
    if (out == NULL) {
        ctx->nomem = 1;
        return NULL;
    }
    memcpy(out, ctx->dir, dl + 1);
    while (dl > 1 && out[dl - 1] == '/') {
        out[--dl] = '\0';
    }
    for (;;) {
        if (p[0] == '/') {
            p++;
        } else if (p[0] == '.' && (p[1] == '/' || p[1] == '\0')) {
            p += 1;
        } else if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0')) {
            char *slash = strrchr(out, '/');
            if (slash == NULL) {
                /* a relative dir (only when the caller gave one): keep ".." */
                break;
            }
            p += 2;
            dl = slash == out ? 1 : (size_t)(slash - out);
            out[dl] = '\0';
        } else {
            break;
        }
    }
    if (*p != '\0') {
        if (out[dl - 1] != '/') {
            out[dl++] = '/';
        }
        memcpy(out + dl, p, strlen(p) + 1);
    }
    return out;
}

/* Decimal, with an optional binary suffix when bytes is set.  0 ok, -1 not
 * a number, 1 a number too large for any key (reported as out of range). */
static int parse_num(const char *s, int bytes, long long *out)
{
    long long v = 0;
    int big = 0;
    const char *p = s;
    if (*p < '0' || *p > '9') {
        return -1;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (LLONG_MAX - 9) / 10) {
            big = 1;
        } else {
            v = v * 10 + (*p - '0');
        }
    }
    long long mult = 1;
    if (bytes && *p != '\0') {
        switch (*p) {
        case 'k':
        case 'K':
            mult = 1LL << 10;
            break;
        case 'm':
        case 'M':
            mult = 1LL << 20;
            break;
        case 'g':
        case 'G':
            mult = 1LL << 30;
            break;
        default:
            return -1;
        }
        p++;
    }
    if (*p != '\0') {
        return -1;
    }
    if (big || v > LLONG_MAX / mult) {
        return 1;
    }
    *out = v * mult;
    return 0;
}

static const char *fmt_bytes(long long v, char *buf, size_t len)
{
    if (v != 0 && v % (1LL << 30) == 0) {
        snprintf(buf, len, "%lldG", v >> 30);
    } else if (v != 0 && v % (1LL << 20) == 0) {
        snprintf(buf, len, "%lldM", v >> 20);
    } else if (v != 0 && v % (1LL << 10) == 0 && v >= 4096) {
        snprintf(buf, len, "%lldk", v >> 10);
    } else {
        snprintf(buf, len, "%lld", v);
    }
    return buf;
}

static void apply(struct cfg_ctx *ctx, const struct cfg_table *t, const struct cfg_key *k,
                  const struct mm_ynode *n, void *base)
{
    char kn[96], q[128];
    char *field = (char *)base + k->offset;
    const char *s;
    mm_cfg_keyname(t, k, kn, sizeof(kn));
    switch (k->kind) {
    case CFG_STRING:
        if ((s = mm_cfg_str(ctx, t, k, n)) != NULL) {
            *(char **)(void *)field = mm_cfg_strdup(ctx, s);
        }
        return;
    case CFG_PATH:
        if ((s = mm_cfg_str(ctx, t, k, n)) == NULL) {
            return;
        }
        if (*s == '\0') {
            mm_cfg_error(ctx, n, "%s: empty path", kn);
            return;
        }
        *(char **)(void *)field = mm_cfg_path(ctx, s);
        return;
    case CFG_BYTES:
    case CFG_BYTES_INT:
    case CFG_INT: {
        int bytes = k->kind != CFG_INT;
        long long v;
        if (n->type != MM_Y_SCALAR) {
            mm_cfg_error(ctx, n, "%s: expected a number, got %s", kn, mm_yaml_type_name(n->type));
            return;
        }
        int prc = strlen(n->str) != n->len ? -1 : parse_num(n->str, bytes, &v);
        if (prc < 0) {
            mm_cfg_error(ctx, n, "%s: expected %s, got '%s'", kn,
                         bytes ? "a size in bytes (e.g. 8192, 64k, 16M, 1G)" : "a number",
                         mm_cfg_quote(n->str, n->len, q, sizeof(q)));
            return;
        }
        if (prc > 0 || v < k->min || v > k->max) {
            char lo[32], hi[32];
            if (bytes) {
                fmt_bytes(k->min, lo, sizeof(lo));
                fmt_bytes(k->max, hi, sizeof(hi));
            } else {
                snprintf(lo, sizeof(lo), "%lld", k->min);
                snprintf(hi, sizeof(hi), "%lld", k->max);
            }
            mm_cfg_error(ctx, n, "%s: %s is out of range (%s..%s)", kn,
                         mm_cfg_quote(n->str, n->len, q, sizeof(q)), lo, hi);
            return;
        }
        if (k->kind == CFG_BYTES) {
            *(size_t *)(void *)field = (size_t)v;
        } else {
            *(int *)(void *)field = (int)v;
        }
        return;
    }
    case CFG_TABLE:
        mm_cfg_map(ctx, k->sub, n, n, base);
        return;
    case CFG_SCALAR:
        if ((s = mm_cfg_str(ctx, t, k, n)) != NULL) {
            k->sfn(ctx, k, n, s, base);
        }
        return;
    case CFG_CUSTOM:
        k->fn(ctx, k, n, base);
        return;
    }
}

static void apply_default(struct cfg_ctx *ctx, const struct cfg_table *t, const struct cfg_key *k,
                          void *base)
{
    if (k->kind == CFG_TABLE) {
        mm_cfg_map(ctx, k->sub, NULL, NULL, base);
        return;
    }
    if (k->def == NULL) {
        return;
    }
    /* Defaults are YAML text, converted by the code that converts the file. */
    struct mm_diag dd;
    struct mm_ystream *s = NULL;
    mm_diag_init(&dd);
    enum mm_err rc = mm_yaml_load_mem(&s, "<default>", k->def, strlen(k->def), &dd);
    if (rc == MM_OK && s->ndocs == 1) {
        int was = ctx->in_default;
        ctx->in_default = 1;
        apply(ctx, t, k, s->docs[0], base);
        ctx->in_default = was;
    } else if (rc == MM_ENOMEM) {
        ctx->nomem = 1;
    } else {
        mm_cfg_error(ctx, NULL, "internal error: bad default for '%s'", k->name);
    }
    mm_yaml_free(s);
    mm_diag_free(&dd);
}

void mm_cfg_map(struct cfg_ctx *ctx, const struct cfg_table *t, const struct mm_ynode *map,
                const struct mm_ynode *where, void *base)
{
    const struct mm_ynode *seen[CFG_MAX_KEYS] = {0};  /* key node of each table key */
    const struct mm_ynode *value[CFG_MAX_KEYS] = {0}; /* its value, NULL when YAML null */
    char q[128];

    if (t->nkeys > CFG_MAX_KEYS) {
        mm_cfg_error(ctx, NULL, "internal error: table '%s' too large", t->name);
        return;
    }
    if (map != NULL && map->type != MM_Y_MAP) {
        if (t->name[0] == '\0') {
            mm_cfg_error(ctx, map, "expected a mapping at the top level, got %s",
                         mm_yaml_type_name(map->type));
        } else {
            mm_cfg_error(ctx, map, "%s: expected a mapping, got %s", t->name,
                         mm_yaml_type_name(map->type));
        }
        return;
    }
    size_t npairs = mm_ymap_size(map);
    for (size_t i = 0; i < npairs; i++) {
        const struct mm_ynode *kn = mm_ymap_key(map, i);
        const struct mm_ynode *vn = mm_ymap_val(map, i);
        if (kn->type != MM_Y_SCALAR) {
            continue; /* yaml.c has reported it */
        }
        size_t j;
        for (j = 0; j < t->nkeys; j++) {
            if (strlen(t->keys[j].name) == kn->len &&
                memcmp(t->keys[j].name, kn->str, kn->len) == 0) {
                break;
            }
        }
        if (j == t->nkeys) {
            mm_cfg_error(ctx, kn, "unknown key '%s'", mm_cfg_quote(kn->str, kn->len, q, sizeof(q)));
            continue;
        }
        if (seen[j] != NULL) {
            mm_cfg_error(ctx, kn, "duplicate key '%s' (first at line %d)", t->keys[j].name,
                         seen[j]->line);
            continue;
        }
        seen[j] = kn;
        if (!mm_yaml_is_null(vn)) {
            value[j] = vn;
            apply(ctx, t, &t->keys[j], vn, base);
        }
    }
    for (size_t j = 0; j < t->nkeys; j++) {
        const struct cfg_key *k = &t->keys[j];
        if (value[j] != NULL) {
            continue;
        }
        if (k->required) {
            const struct mm_ynode *at = seen[j] != NULL ? seen[j] : where;
            if (t->name[0] == '\0') {
                mm_cfg_error(ctx, at, "missing key '%s'", k->name);
            } else {
                mm_cfg_error(ctx, at, "%s: missing key '%s'", t->name, k->name);
            }
            continue;
        }
        apply_default(ctx, t, k, base);
    }
}

/* --- listen URLs --- */

enum mm_err mm_cfg_listen_parse(struct mm_listen *out, const char *url, const char **why)
{
    const char *rest, *host, *port;
    size_t hlen;
    char hbuf[64];

    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (strncmp(url, "udp://", 6) == 0) {
        out->proto = MM_LISTEN_UDP;
    } else if (strncmp(url, "tcp://", 6) == 0) {
        out->proto = MM_LISTEN_TCP;
    } else if (strstr(url, "://") != NULL) {
        *why = "unknown scheme (expected udp:// or tcp://)";
        return MM_EINVAL;
    } else {
        *why = "missing scheme (expected udp://HOST:PORT or tcp://HOST:PORT)";
        return MM_EINVAL;
    }
    rest = url + 6;
    if (rest[0] == '[') {
        const char *close = strchr(rest, ']');
        if (close == NULL) {
            *why = "missing ']' after the IPv6 address";
            return MM_EINVAL;
        }
        host = rest + 1;
        hlen = (size_t)(close - host);
        if (close[1] != ':') {
            *why = "missing ':PORT' after ']'";
            return MM_EINVAL;
        }
        port = close + 2;
        struct in6_addr a6;
        if (hlen == 0 || hlen >= sizeof(hbuf)) {
            *why = "not an IPv6 address inside [ ]";
            return MM_EINVAL;
        }
        memcpy(hbuf, host, hlen);
        hbuf[hlen] = '\0';
        if (inet_pton(AF_INET6, hbuf, &a6) != 1) {
            *why = "not an IPv6 address inside [ ]";
            return MM_EINVAL;
        }
    } else {
        const char *colon = strrchr(rest, ':');
        if (colon == NULL) {
            *why = "missing ':PORT'";
            return MM_EINVAL;
        }
        if (memchr(rest, ':', (size_t)(colon - rest)) != NULL) {
            *why = "an IPv6 address must be in brackets, e.g. tcp://[::1]:5514";
            return MM_EINVAL;
        }
        host = rest;
        hlen = (size_t)(colon - rest);
        port = colon + 1;
        if (hlen == 0) {
            *why = "missing host (use 0.0.0.0 or [::] for every address)";
            return MM_EINVAL;
        }
        struct in_addr a4;
        if (hlen >= sizeof(hbuf)) {
            *why = "host must be an IPv4 address or a bracketed IPv6 address";
            return MM_EINVAL;
        }
        memcpy(hbuf, host, hlen);
        hbuf[hlen] = '\0';
        if (inet_pton(AF_INET, hbuf, &a4) != 1) {
            *why = "host must be an IPv4 address or a bracketed IPv6 address";
            return MM_EINVAL;
        }
    }
    unsigned long pv = 0;
    size_t pl = 0;
    for (; port[pl] >= '0' && port[pl] <= '9' && pl < 6; pl++) {
        pv = pv * 10 + (unsigned long)(port[pl] - '0');
    }
    if (pl == 0 || port[pl] != '\0' || pv > 65535) {
        *why = "the port must be a number from 0 to 65535";
        return MM_EINVAL;
    }
    char pbuf[8];
    snprintf(pbuf, sizeof(pbuf), "%lu", pv);
    out->host = strdup(hbuf);
    out->port = strdup(pbuf);
    out->url = strdup(url);
    if (out->host == NULL || out->port == NULL || out->url == NULL) {
        mm_listen_free(out);
        *why = "out of memory";
        return MM_ENOMEM;
    }
    return MM_OK;
}

enum mm_err mm_listen_parse(struct mm_listen *out, const char *url)
{
    const char *why;
    return mm_cfg_listen_parse(out, url, &why);
}

void mm_listen_free(struct mm_listen *l)
{
    if (l == NULL) {
        return;
    }
    free(l->host);
    free(l->port);
    free(l->url);
    l->host = l->port = l->url = NULL;
}

/* --- the struct --- */

void mm_strlist_free(struct mm_strlist *l)
{
    for (size_t i = 0; l != NULL && i < l->n; i++) {
        free(l->v[i]);
    }
    if (l != NULL) {
        free(l->v);
        l->v = NULL;
        l->n = 0;
    }
}

/* The members of a channel beyond name, type and path (those are freed by the caller). */
void mm_notify_conf_free_fields(struct mm_notify_conf *nc)
{
    char **strs[] = {&nc->url,         &nc->starttls,   &nc->username, &nc->password_file,
                     &nc->from,        &nc->format,     &nc->secret_file, &nc->token_file,
                     &nc->ca_file,     &nc->locale,     &nc->subject,  &nc->body};
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
        free(*strs[i]);
        *strs[i] = NULL;
    }
    struct mm_strlist *lists[] = {&nc->to, &nc->headers, &nc->include_rules, &nc->exclude_rules,
                                  &nc->include_tags, &nc->exclude_tags};
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        mm_strlist_free(lists[i]);
    }
}

void mm_config_free(struct mm_config *c)
{
    if (c == NULL) {
        return;
    }
    free(c->path);
    free(c->dir);
    for (size_t i = 0; i < c->nlisten; i++) {
        mm_listen_free(&c->listen[i]);
    }
    free(c->listen);
    free(c->timezone);
    free(c->database);
    free(c->user);
    for (size_t i = 0; i < c->nrules; i++) {
        free(c->rules[i]);
    }
    free(c->rules);
    free(c->allowed);
    for (size_t i = 0; i < c->nsources; i++) {
        free(c->sources[i].match);
        free(c->sources[i].parser);
        free(c->sources[i].name);
    }
    free(c->sources);
    for (size_t i = 0; i < c->nnotify; i++) {
        free(c->notify[i].name);
        free(c->notify[i].type);
        free(c->notify[i].path);
        mm_notify_conf_free_fields(&c->notify[i]);
    }
    free(c->notify);
    for (size_t i = 0; i < c->nlists; i++) {
        free(c->lists[i].name);
        for (size_t j = 0; j < c->lists[i].npaths; j++) {
            free(c->lists[i].paths[j]);
        }
        free(c->lists[i].paths);
    }
    free(c->lists);
    for (size_t i = 0; i < c->nholiday_files; i++) {
        free(c->holiday_files[i]);
    }
    free(c->holiday_files);
    free(c->holiday_days);
    free(c->geoip);
    free(c);
}

/* Build from a parsed stream (s NULL = an empty file). */
static enum mm_err build(struct mm_config **out, const struct mm_ystream *s, const char *name,
                         const char *dir, struct mm_diag *d)
{
    struct cfg_ctx ctx;
    size_t before = mm_diag_errors(d);

    *out = NULL;
    memset(&ctx, 0, sizeof(ctx));
    ctx.file = name;
    ctx.dir = dir;
    ctx.d = d;
    struct mm_config *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        return MM_ENOMEM;
    }
    c->path = mm_cfg_strdup(&ctx, name);
    c->dir = mm_cfg_strdup(&ctx, dir);
    const struct mm_ynode *root = NULL;
    if (s != NULL && s->ndocs > 0) {
        root = s->docs[0];
        if (s->ndocs > 1) {
            mm_diag_error(d, name, s->doc_lines[1], 1,
                          "the configuration must be a single YAML document");
        }
        if (mm_yaml_is_null(root)) {
            root = NULL;
        }
    }
    mm_cfg_map(&ctx, &mm_config_top, root, root, c);
    if (!ctx.nomem && mm_diag_errors(d) == before) {
        mm_config_check(&ctx, c);
    }
    if (ctx.nomem) {
        mm_config_free(c);
        return MM_ENOMEM;
    }
    if (mm_diag_errors(d) != before) {
        mm_config_free(c);
        return MM_ECONFIG;
    }
    *out = c;
    return MM_OK;
}

/* The directory of path, absolute and canonical when it exists. Owned. */
static char *dir_of(const char *path)
{
    char *real = realpath(path, NULL);
    char *dir;
    if (real != NULL) {
        char *slash = strrchr(real, '/');
        if (slash == real) {
            slash[1] = '\0';
        } else if (slash != NULL) {
            *slash = '\0';
        }
        return real;
    }
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        return getcwd(NULL, 0);
    }
    dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
    return dir;
}

enum mm_err mm_config_load(struct mm_config **out, const char *path, struct mm_diag *d)
{
    struct mm_ystream *s = NULL;
    *out = NULL;
    if (path == NULL) {
        path = MM_CONFIG_DEFAULT_PATH;
    }
    enum mm_err rc = mm_yaml_load_file(&s, path, d);
    if (rc == MM_ENOMEM) {
        return rc;
    }
    if (rc != MM_OK) {
        return MM_ECONFIG;
    }
    char *dir = dir_of(path);
    if (dir == NULL) {
        mm_yaml_free(s);
        return MM_ENOMEM;
    }
    rc = build(out, s, path, dir, d);
    free(dir);
    mm_yaml_free(s);
    return rc;
}

enum mm_err mm_config_load_mem(struct mm_config **out, const char *name, const char *buf,
                               size_t len, const char *dir, struct mm_diag *d)
{
    struct mm_ystream *s = NULL;
    char *cwd = NULL;
    *out = NULL;
    enum mm_err rc = mm_yaml_load_mem(&s, name, buf, len, d);
    if (rc == MM_ENOMEM) {
        return rc;
    }
    if (rc != MM_OK) {
        return MM_ECONFIG;
    }
    if (dir == NULL) {
        if ((cwd = getcwd(NULL, 0)) == NULL) {
            mm_yaml_free(s);
            return MM_ENOMEM;
        }
        dir = cwd;
    }
    rc = build(out, s, name, dir, d);
    free(cwd);
    mm_yaml_free(s);
    return rc;
}

enum mm_err mm_config_default(struct mm_config **out, const char *dir)
{
    struct mm_diag d;
    char *cwd = NULL;
    mm_diag_init(&d);
    if (dir == NULL) {
        if ((cwd = getcwd(NULL, 0)) == NULL) {
            return MM_ENOMEM;
        }
        dir = cwd;
    }
    enum mm_err rc = build(out, NULL, "<defaults>", dir, &d);
    mm_diag_free(&d);
    free(cwd);
    return rc;
}
