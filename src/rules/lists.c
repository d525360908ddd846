/*
 * lists.c - named lists (`lists:` in the configuration) and the ruleset's
 * environment that holds them: reading list files in the common formats,
 * binding `field|in_list: name` conditions to them, and noticing when a
 * file the ruleset was built from has changed.
 *
 * A list file is read line by line.  Blank lines and lines whose first
 * non-blank byte is `#` or `;` are comments, and so is the rest of a line
 * after a blank followed by `#` or `;` (Spamhaus DROP: `1.2.3.0/24 ; SBL1`).
 *  - ip: an address, a CIDR prefix or a range `a-b` as the first word (or
 *    first comma-separated field: CSV feeds);
 *  - domain: a domain (matches itself and every name below it), `*.d` or
 *    `.d` (only names below d), a hosts-file line `0.0.0.0 d [d...]`, an
 *    Adblock `||d^` or a URL (its host);
 *  - string: the whole line, trimmed (case-insensitive unless `cased`).
 * Lines that are not an entry of the list's type are skipped and counted;
 * the first few are reported as warnings with file:line.
 */
#include "lists_int.h"
#include "rules_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define CHECK_INTERVAL_NS (5LL * 1000000000LL)
#define MAX_LINE 4096
#define SKIP_WARN 3 /* per file; then one summary */

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int domain_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
}

/* Cut comments and surrounding blanks: returns the length of the content at *p. */
static size_t content(char **p, size_t n)
{
    char *s = *p;
    while (n > 0 && is_blank(*s)) {
        s++;
        n--;
    }
    if (n > 0 && (*s == '#' || *s == ';')) {
        n = 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] == '#' || s[i] == ';') && is_blank(s[i - 1])) {
            n = i;
            break;
        }
    }
    while (n > 0 && is_blank(s[n - 1])) {
        n--;
    }
    *p = s;
    return n;
}

static size_t word(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && !is_blank(s[i])) {
        i++;
    }
    return i;
}

/* One ip entry; 0 taken, -1 not an entry, MM_ENOMEM as a positive error. */
static int ip_entry(struct rlist *l, const char *s, size_t n)
{
    size_t w = word(s, n);
    const char *comma = memchr(s, ',', w);
    if (comma != NULL) {
        w = (size_t)(comma - s);
    }
    while (w > 0 && (s[w - 1] == '"' || s[w - 1] == '\'')) {
        w--;
    }
    while (w > 0 && (*s == '"' || *s == '\'')) {
        s++;
        w--;
    }
    const char *dash = memchr(s, '-', w);
    if (dash != NULL) {
        struct mm_addr lo, hi;
        if (mm_addr_parse(&lo, s, (size_t)(dash - s)) != MM_OK ||
            mm_addr_parse(&hi, dash + 1, w - (size_t)(dash - s) - 1) != MM_OK ||
            memcmp(lo.a, hi.a, 16) > 0) {
            return -1;
        }
        return mm_ipset_add_range(&l->ip, &lo, &hi) == MM_OK ? 0 : 1;
    }
    struct mm_cidr c;
    if (w == 0 || mm_cidr_parse(&c, s, w) != MM_OK) {
        return -1;
    }
    return mm_ipset_add(&l->ip, &c) == MM_OK ? 0 : 1;
}

static int is_sink_address(const char *s, size_t n)
{
    static const char *const sinks[] = {"0.0.0.0", "127.0.0.1", "::", "::1", "0::0", NULL};
    for (size_t i = 0; sinks[i] != NULL; i++) {
        if (strlen(sinks[i]) == n && memcmp(sinks[i], s, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int is_local_name(const char *s, size_t n)
{
    static const char *const names[] = {"localhost", "localhost.localdomain", "local",
                                        "broadcasthost", "ip6-localhost", "ip6-loopback",
                                        "0.0.0.0", NULL};
    for (size_t i = 0; names[i] != NULL; i++) {
        if (strlen(names[i]) == n && strncasecmp(names[i], s, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static int add_domain(struct rlist *l, const char *s, size_t n)
{
    uint32_t flags = SS_SELF | SS_SUBS;
    if (n >= 2 && s[0] == '|' && s[1] == '|') { /* Adblock ||d^ */
        s += 2;
        n -= 2;
        if (n > 0 && s[n - 1] == '^') {
            n--;
        }
    }
    const char *scheme = n > 3 ? strstr(s, "://") : NULL;
    if (scheme != NULL && (size_t)(scheme - s) < n) { /* a URL: its host */
        n -= (size_t)(scheme + 3 - s);
        s = scheme + 3;
        size_t h = 0;
        while (h < n && s[h] != '/' && s[h] != ':' && s[h] != '?' && s[h] != '#') {
            h++;
        }
        n = h;
    }
    if (n >= 2 && s[0] == '*' && s[1] == '.') {
        s += 2;
        n -= 2;
        flags = SS_SUBS;
    } else if (n >= 1 && s[0] == '.') {
        s++;
        n--;
        flags = SS_SUBS;
    }
    while (n > 0 && s[n - 1] == '.') {
        n--;
    }
    if (n == 0 || n > 253) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!domain_byte((unsigned char)s[i])) {
            return -1;
        }
    }
    if (is_local_name(s, n)) {
        return -1;
    }
    if (flags != SS_SUBS && memchr(s, '.', n) == NULL) {
        return -1; /* a bare label ("bad") is more likely prose than a domain; `.zip` is fine */
    }
    return mm_strset_add(&l->str, s, n, flags) == MM_OK ? 0 : 1;
}

static int domain_entry(struct rlist *l, const char *s, size_t n)
{
    size_t w = word(s, n);
    if (w < n && is_sink_address(s, w)) {
        /* hosts file: every name after the address */
        int any = 0;
        size_t i = w;
        while (i < n) {
            while (i < n && is_blank(s[i])) {
                i++;
            }
            size_t ww = word(s + i, n - i);
            if (ww > 0) {
                int rc = add_domain(l, s + i, ww);
                if (rc > 0) {
                    return rc;
                }
                any |= rc == 0;
            }
            i += ww;
        }
        return any ? 0 : -1;
    }
    if (w < n) {
        return -1; /* words after a domain: not a list line we know */
    }
    return add_domain(l, s, w);
}

static int string_entry(struct rlist *l, const char *s, size_t n)
{
    return mm_strset_add(&l->str, s, n, SS_SELF) == MM_OK ? 0 : 1;
}

/* Read one file into l; errors and warnings go to d. */
static void load_list_file(struct rules_env *env, struct rlist *l, const char *path,
                           struct mm_diag *d)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        mm_diag_error(d, path, 0, 0, "list '%s': cannot open: %s", l->name, strerror(errno));
        return;
    }
    if (mm_rules_env_stamp(env, path) != MM_OK) {
        mm_diag_error(d, path, 0, 0, "out of memory");
        fclose(f);
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int lineno = 0;
    size_t skipped = 0;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        char *s = line;
        size_t n = content(&s, (size_t)got);
        if (n == 0) {
            continue;
        }
        int rc;
        if (n > MAX_LINE) {
            rc = -1;
        } else if (l->type == MM_LIST_IP) {
            rc = ip_entry(l, s, n);
        } else if (l->type == MM_LIST_DOMAIN) {
            rc = domain_entry(l, s, n);
        } else {
            rc = string_entry(l, s, n);
        }
        if (rc > 0) {
            mm_diag_error(d, path, lineno, 1, "out of memory");
            break;
        }
        if (rc < 0) {
            if (++skipped <= SKIP_WARN) {
                mm_diag_warn(d, path, lineno, 1, "list '%s': not %s: skipped", l->name,
                             l->type == MM_LIST_IP ? "an address, prefix or range"
                                                   : "a domain");
            }
            continue;
        }
        l->entries++;
    }
    if (ferror(f)) {
        mm_diag_error(d, path, lineno, 0, "list '%s': read error: %s", l->name, strerror(errno));
    }
    if (skipped > SKIP_WARN) {
        mm_diag_warn(d, path, 0, 0, "list '%s': %zu lines skipped in all", l->name, skipped);
    }
    l->skipped += skipped;
    free(line);
    fclose(f);
}

static void stamp_of(const char *path, struct fstamp *st)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        st->exists = 0;
        st->mtime_ns = st->size = 0;
        st->ino = 0;
        return;
    }
    st->exists = 1;
    st->mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
    st->size = (int64_t)sb.st_size;
    st->ino = (uint64_t)sb.st_ino;
}

static uint64_t stamp_sig(const struct fstamp *st)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    uint64_t parts[4] = {(uint64_t)st->exists, (uint64_t)st->mtime_ns, (uint64_t)st->size,
                         st->ino};
    for (size_t i = 0; i < 4; i++) {
        h = (h ^ parts[i]) * 0x100000001b3ULL;
    }
    return h;
}

enum mm_err mm_rules_env_stamp(struct rules_env *env, const char *path)
{
    for (size_t i = 0; i < env->nfiles; i++) {
        if (strcmp(env->files[i].path, path) == 0) {
            return MM_OK;
        }
    }
    struct fstamp *nf = realloc(env->files, (env->nfiles + 1) * sizeof(*nf));
    if (nf == NULL) {
        return MM_ENOMEM;
    }
    env->files = nf;
    struct fstamp *st = &env->files[env->nfiles];
    st->path = strdup(path);
    if (st->path == NULL) {
        return MM_ENOMEM;
    }
    stamp_of(path, st);
    env->nfiles++;
    return MM_OK;
}

void mm_rules_env_free(struct rules_env *env)
{
    if (env == NULL) {
        return;
    }
    for (size_t i = 0; i < env->nlists; i++) {
        free(env->lists[i].name);
        mm_ipset_free(&env->lists[i].ip);
        mm_strset_free(&env->lists[i].str);
    }
    free(env->lists);
    mm_tz_free(env->tz);
    free(env->holidays);
    mm_rules_geo_close(env);
    for (size_t i = 0; i < env->nfiles; i++) {
        free(env->files[i].path);
    }
    free(env->files);
    free(env->pending);
    free(env->reported);
    free(env);
}

enum mm_err mm_rules_env_new(struct rules_env **out, const struct mm_config *cfg,
                             struct mm_diag *d)
{
    enum mm_err rc = MM_ENOMEM;
    struct rules_env *env = calloc(1, sizeof(*env));
    *out = NULL;
    if (env == NULL) {
        goto fail;
    }
    env->t_ts = INT64_MIN;
    rc = mm_rules_calendar_setup(env, cfg, d);
    if (rc != MM_OK) {
        goto fail;
    }
    size_t nl = cfg != NULL ? cfg->nlists : 0;
    if (nl > 0) {
        env->lists = calloc(nl, sizeof(*env->lists));
        if (env->lists == NULL) {
            rc = MM_ENOMEM;
            goto fail;
        }
    }
    for (size_t i = 0; i < nl; i++) {
        const struct mm_list_conf *lc = &cfg->lists[i];
        struct rlist *l = &env->lists[env->nlists++];
        l->name = strdup(lc->name != NULL ? lc->name : "");
        if (l->name == NULL) {
            rc = MM_ENOMEM;
            goto fail;
        }
        l->type = lc->type;
        l->str.cased = lc->type == MM_LIST_STRING && lc->cased;
        for (size_t j = 0; j < lc->npaths; j++) {
            load_list_file(env, l, lc->paths[j], d);
        }
        if (mm_ipset_finish(&l->ip) != MM_OK) {
            rc = MM_ENOMEM;
            goto fail;
        }
    }
    if (cfg != NULL && cfg->geoip != NULL) {
        rc = mm_rules_geo_open(env, cfg->geoip, d);
        if (rc != MM_OK) {
            goto fail;
        }
    }
    env->pending = calloc(env->nfiles ? env->nfiles : 1, sizeof(*env->pending));
    env->reported = calloc(env->nfiles ? env->nfiles : 1, sizeof(*env->reported));
    if (env->pending == NULL || env->reported == NULL) {
        rc = MM_ENOMEM;
        goto fail;
    }
    for (size_t i = 0; i < env->nfiles; i++) {
        env->pending[i] = env->reported[i] = stamp_sig(&env->files[i]);
    }
    *out = env;
    return MM_OK;
fail:
    mm_rules_env_free(env);
    return rc;
}

const struct rlist *mm_rules_env_list(const struct rules_env *env, const char *name)
{
    for (size_t i = 0; env != NULL && i < env->nlists; i++) {
        if (strcmp(env->lists[i].name, name) == 0) {
            return &env->lists[i];
        }
    }
    return NULL;
}

int mm_rlist_has(const struct rlist *l, struct mm_str v, int *addr_state, struct mm_addr *addr)
{
    switch (l->type) {
    case MM_LIST_IP:
        if (*addr_state == 0) {
            *addr_state = mm_addr_parse(addr, v.p, v.n) == MM_OK ? 1 : -1;
        }
        return *addr_state == 1 && mm_ipset_has(&l->ip, addr);
    case MM_LIST_DOMAIN:
        return mm_strset_has_domain(&l->str, v.p, v.n);
    default:
        return (mm_strset_get(&l->str, v.p, v.n) & SS_SELF) != 0;
    }
}

static unsigned geo_bits(const struct fref *f, size_t n)
{
    unsigned b = 0;
    for (size_t i = 0; f != NULL && i < n; i++) {
        b |= f[i].virt == VF_GEO_SRC ? 1u : f[i].virt == VF_GEO_DST ? 2u : 0u;
    }
    return b;
}

/*
 * Every `|in_list` value of the set: point it at its list, warn about
 * undefined ones.  Also note which GeoIP fields a group-by or a correlation
 * reads, so they are looked up for every matched event.
 */
void mm_rules_lists_bind(struct mm_ruleset *rs, struct mm_diag *d)
{
    if (rs->env == NULL) {
        return;
    }
    for (size_t i = 0; i < rs->ncorrs; i++) {
        const struct mm_rule *cr = rs->corrs[i];
        rs->env->geo_always |= geo_bits(cr->group_refs, cr->ngroup);
        if (cr->corr != NULL) {
            rs->env->geo_always |= geo_bits(&cr->corr->field, cr->corr->field.name != NULL);
            for (size_t k = 0; k < cr->corr->nsteps; k++) {
                rs->env->geo_always |=
                    geo_bits(cr->corr->steps[k].group_refs, cr->corr->ngroup_refs);
            }
        }
    }
    for (size_t i = 0; i < rs->n; i++) {
        struct mm_rule *r = rs->rules[i];
        rs->env->geo_always |= geo_bits(r->group_refs, r->ngroup);
        for (size_t s = 0; s < r->nsels; s++) {
            for (size_t a = 0; a < r->sels[s].nalts; a++) {
                for (size_t c = 0; c < r->sels[s].alts[a].nc; c++) {
                    struct fcond *f = &r->sels[s].alts[a].c[c];
                    for (size_t v = 0; v < f->nv; v++) {
                        struct cval *cv = &f->v[v];
                        if (cv->op != OP_IN_LIST) {
                            continue;
                        }
                        cv->list = mm_rules_env_list(rs->env, cv->s);
                        if (cv->list == NULL) {
                            r->lists_undefined = 1;
                            mm_diag_warn(d, r->file, f->line, f->col,
                                         "rule %s: list '%s' is not defined under 'lists:' in "
                                         "the configuration; this condition never matches",
                                         r->id, cv->s);
                        }
                    }
                }
            }
        }
    }
}

int mm_ruleset_lists_changed(const struct mm_ruleset *rs, int64_t now_ns)
{
    struct rules_env *env = rs != NULL ? rs->env : NULL;
    if (env == NULL || env->nfiles == 0 || now_ns < env->next_check) {
        return 0;
    }
    env->next_check = now_ns + CHECK_INTERVAL_NS;
    int changed = 0;
    for (size_t i = 0; i < env->nfiles; i++) {
        struct fstamp cur;
        stamp_of(env->files[i].path, &cur);
        uint64_t sig = stamp_sig(&cur);
        if (sig == env->reported[i]) {
            env->pending[i] = sig;
        } else if (sig == env->pending[i]) {
            /* unchanged for a whole interval: the writer is done */
            env->reported[i] = sig;
            changed = 1;
        } else {
            env->pending[i] = sig;
        }
    }
    return changed;
}
