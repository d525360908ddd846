/*
 * rollup.c - hourly roll-ups: the pipeline's in-memory aggregation, the
 * writer's upserts, retention, and the report's reads.
 *
 * Aggregation (pipeline thread only).  Each event is counted in the hour of
 * its own time (ev->ts_ns, so `import` fills the past hours it describes):
 *   - one counts row per (source, event.category, event.type, event.outcome,
 *     event.action);
 *   - top talkers: the external source address of a denied, IDS or failed
 *     sign-in event ("attacker", with source.geo.country_iso_code when
 *     known); the internal source of a denied event ("blocked_host") and its
 *     destination ("blocked_dest": url.domain, dns.question.name, else the
 *     address);
 *   - sign-ins (event.category authentication with an outcome, or a VPN
 *     tunnel that came up): "vpn" when the event names a tunnel, else
 *     "admin" (the device's or a server's own sign-in), with user, source
 *     address, country and outcome.
 * A row is a fixed block of five NUL-padded columns of at most 63 bytes, so
 * a lookup is one hash and one memcmp, and nothing is allocated per event.
 *
 * Bounds.  At most MM_ROLLUP_HOURS hours at once; an event of another hour
 * takes the least recently used hour's slot after moving that hour's
 * changes to the spill list (handed over with the next take).  Per hour,
 * MM_ROLLUP_CAP_COUNTS counts rows, MM_ROLLUP_CAP_TOP values per kind and
 * MM_ROLLUP_CAP_LOGIN sign-in rows; beyond a cap the event is counted in the
 * "(other)" row of its class.  A slot keeps its keys across takes (only the
 * deltas are reset), so the caps hold for the hour as a whole, not per
 * minute; an hour that comes back after eviction starts afresh, which can
 * put more rows into the database for that hour (merged by the upserts).
 * Worst case per slot: ~2,600 rows of 336 bytes plus a 32 KiB index, so
 * about 4 MiB for the four slots.
 */
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mimamori/event.h"
#include "mimamori/log.h"
#include "mimamori/net.h"
#include "store/sql.h"

#define HOUR_NS 3600000000000LL
#define RU_STR 64 /* column bytes, NUL included */
#define RU_NCOL 5
#define RU_INDEX 8192 /* hash slots per hour (a power of two > the row limit) */
#define RU_MAX_ROWS (MM_ROLLUP_CAP_COUNTS + 3 * MM_ROLLUP_CAP_TOP + MM_ROLLUP_CAP_LOGIN + 1024)

enum ru_table { RU_COUNTS = 1, RU_TOP, RU_LOGIN };
enum ru_kind { RU_K_ATTACKER, RU_K_BLOCKED_HOST, RU_K_BLOCKED_DEST, RU_K_NKINDS };
static const char *const kind_names[RU_K_NKINDS] = {"attacker", "blocked_host", "blocked_dest"};

/* One row: its key (table, hour, columns) and the count since the last take. */
struct ru_row {
    int64_t hour_ns;
    uint32_t table; /* enum ru_table */
    uint32_t hash;
    char c[RU_NCOL][RU_STR]; /* NUL-padded, so whole keys compare with memcmp */
    uint64_t count;
};

struct ru_slot {
    int64_t hour_ns;
    int used;
    uint64_t lru;        /* r->tick when last touched */
    struct ru_row *rows; /* dense, grown by doubling up to RU_MAX_ROWS */
    size_t n, cap;
    uint32_t *index;        /* RU_INDEX entries: row index + 1, 0 = empty */
    size_t ncounts, nlogin; /* rows per class, for the caps */
    size_t ntop[RU_K_NKINDS];
    size_t dirty; /* rows with a count since the last take */
};

struct mm_rollup {
    struct ru_slot slot[MM_ROLLUP_HOURS];
    uint64_t tick;
    struct ru_row *spill; /* changes of evicted hours, handed over with the next take */
    size_t nspill, capspill;
    struct mm_rollup_stats stats;
};

struct mm_rollup_batch {
    struct ru_row *rows; /* owned */
    size_t n;
};

enum mm_err mm_rollup_new(struct mm_rollup **out)
{
    *out = calloc(1, sizeof(**out));
    return *out != NULL ? MM_OK : MM_ENOMEM;
}

void mm_rollup_free(struct mm_rollup *r)
{
    if (r == NULL) {
        return;
    }
    for (size_t i = 0; i < MM_ROLLUP_HOURS; i++) {
        free(r->slot[i].rows);
        free(r->slot[i].index);
    }
    free(r->spill);
    free(r);
}

void mm_rollup_get_stats(const struct mm_rollup *r, struct mm_rollup_stats *out)
{
    *out = r->stats;
}

size_t mm_rollup_pending(const struct mm_rollup *r)
{
    size_t n = r->nspill;
    for (size_t i = 0; i < MM_ROLLUP_HOURS; i++) {
        n += r->slot[i].dirty;
    }
    return n;
}

/* Append rows with a count to the spill list; 0 on success, -1 out of memory. */
static int spill_slot(struct mm_rollup *r, struct ru_slot *s)
{
    if (r->nspill + s->dirty > r->capspill) {
        size_t cap = r->capspill ? r->capspill : 1024;
        while (cap < r->nspill + s->dirty) {
            cap *= 2;
        }
        struct ru_row *nv = realloc(r->spill, cap * sizeof(*nv));
        if (nv == NULL) {
            return -1;
        }
        r->spill = nv;
        r->capspill = cap;
    }
    for (size_t i = 0; i < s->n; i++) {
        if (s->rows[i].count > 0) {
            r->spill[r->nspill++] = s->rows[i];
        }
    }
    return 0;
}

static void slot_reset(struct ru_slot *s, int64_t hour_ns)
{
    s->hour_ns = hour_ns;
    s->used = 1;
    s->n = 0;
    s->ncounts = s->nlogin = 0;
    memset(s->ntop, 0, sizeof(s->ntop));
    s->dirty = 0;
    if (s->index != NULL) {
        memset(s->index, 0, RU_INDEX * sizeof(*s->index));
    }
}

/* The slot of hour_ns: found, free, or the least recently used one (handed over first). */
static struct ru_slot *slot_for(struct mm_rollup *r, int64_t hour_ns)
{
    struct ru_slot *lru = NULL;
    r->tick++;
    for (size_t i = 0; i < MM_ROLLUP_HOURS; i++) {
        struct ru_slot *s = &r->slot[i];
        if (s->used && s->hour_ns == hour_ns) {
            s->lru = r->tick;
            return s;
        }
        if (!s->used) {
            if (lru == NULL || lru->used) {
                lru = s;
            }
        } else if (lru == NULL || (lru->used && s->lru < lru->lru)) {
            lru = s;
        }
    }
    if (lru->used) {
        if (lru->dirty > 0 && spill_slot(r, lru) != 0) {
            return NULL; /* keep the old hour rather than lose its counts */
        }
        r->stats.evicted++;
    }
    if (lru->index == NULL) {
        lru->index = calloc(RU_INDEX, sizeof(*lru->index));
        if (lru->index == NULL) {
            return NULL;
        }
    }
    slot_reset(lru, hour_ns);
    lru->lru = r->tick;
    return lru;
}

static uint32_t row_hash(const struct ru_row *k)
{
    uint64_t h = 1469598103934665603ULL ^ k->table;
    const unsigned char *p = (const unsigned char *)k->c;
    for (size_t col = 0; col < RU_NCOL; col++, p += RU_STR) {
        for (size_t i = 0; i < RU_STR && p[i] != '\0'; i++) {
            h = (h ^ p[i]) * 1099511628211ULL;
        }
        h = (h ^ 0x1f) * 1099511628211ULL;
    }
    return (uint32_t)(h ^ (h >> 32));
}

/* Find the row of key k in s; add it when absent and room is left.  NULL: not added. */
static struct ru_row *row_get(struct ru_slot *s, struct ru_row *k, int may_add)
{
    k->hash = row_hash(k);
    uint32_t h = k->hash & (RU_INDEX - 1);
    for (;;) {
        uint32_t ix = s->index[h];
        if (ix == 0) {
            break;
        }
        struct ru_row *row = &s->rows[ix - 1];
        if (row->hash == k->hash && row->table == k->table &&
            memcmp(row->c, k->c, sizeof(k->c)) == 0) {
            return row;
        }
        h = (h + 1) & (RU_INDEX - 1);
    }
    if (!may_add || s->n >= RU_MAX_ROWS) {
        return NULL;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        cap = cap > RU_MAX_ROWS ? RU_MAX_ROWS : cap;
        struct ru_row *nv = realloc(s->rows, cap * sizeof(*nv));
        if (nv == NULL) {
            return NULL;
        }
        s->rows = nv;
        s->cap = cap;
    }
    struct ru_row *row = &s->rows[s->n];
    *row = *k;
    row->hour_ns = s->hour_ns;
    row->count = 0;
    s->index[h] = (uint32_t)++s->n;
    return row;
}

/* Copy a slice into a column: cut at 63 bytes on a UTF-8 boundary; absent is "". */
static void col_set(char *dst, const char *p, size_t n)
{
    if (p == NULL) {
        return;
    }
    if (n > RU_STR - 1) {
        n = RU_STR - 1;
        while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80) {
            n--;
        }
    }
    memcpy(dst, p, n);
}

static void col_str(char *dst, struct mm_str s)
{
    col_set(dst, s.p, s.n);
}

static int str_is(struct mm_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.p != NULL && s.n == n && memcmp(s.p, lit, n) == 0;
}

static int str_has(struct mm_str s, const char *lit)
{
    size_t n = strlen(lit);
    if (s.p == NULL || s.n < n) {
        return 0;
    }
    for (size_t i = 0; i + n <= s.n; i++) {
        if (strncasecmp(s.p + i, lit, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/*
 * Internal: private, loopback, link-local, shared (CGNAT) and unique-local
 * addresses.  -1 when the text is not an address.
 */
static int addr_internal(struct mm_str s)
{
    struct mm_addr a;
    if (s.p == NULL || mm_addr_parse(&a, s.p, s.n) != MM_OK) {
        return -1;
    }
    static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a.a, v4mapped, 12) == 0) {
        const uint8_t *b = a.a + 12;
        return b[0] == 10 || b[0] == 127 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
               (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) ||
               (b[0] == 100 && (b[1] & 0xc0) == 64);
    }
    static const uint8_t loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return (a.a[0] & 0xfe) == 0xfc || (a.a[0] == 0xfe && (a.a[1] & 0xc0) == 0x80) ||
           memcmp(a.a, loop6, 16) == 0;
}

/*
 * Count one in the row of key k, whose class has *cls rows of at most cap.
 * Over the cap the event goes to the class's "(other)" row: columns
 * first..last are cleared and `first` says "(other)" (that row may take the
 * class one over its cap).
 */
static void count_class(struct mm_rollup *r, struct ru_slot *s, struct ru_row *k, size_t *cls,
                        size_t cap, int first, int last)
{
    size_t before = s->n;
    struct ru_row *row = row_get(s, k, *cls < cap);
    if (row == NULL) {
        for (int c = first; c <= last; c++) {
            memset(k->c[c], 0, RU_STR);
        }
        memcpy(k->c[first], MM_ROLLUP_OTHER, sizeof(MM_ROLLUP_OTHER));
        row = row_get(s, k, 1);
        if (row == NULL) {
            r->stats.dropped++;
            return;
        }
        r->stats.other++;
    }
    if (s->n > before) {
        (*cls)++;
    }
    if (row->count++ == 0) {
        s->dirty++;
    }
}

void mm_rollup_event(struct mm_rollup *r, const struct mm_event *ev, const char *source)
{
    int64_t t = ev->ts_ns;
    int64_t hour = t / HOUR_NS * HOUR_NS;
    if (t < 0 && hour != t) {
        hour -= HOUR_NS; /* floor, for times before 1970 */
    }
    struct ru_slot *s = slot_for(r, hour);
    if (s == NULL) {
        r->stats.dropped++;
        return;
    }
    r->stats.events++;
    struct ru_row k;

    struct mm_str cat = ev->f[MM_F_EVENT_CATEGORY], type = ev->f[MM_F_EVENT_TYPE];
    struct mm_str outcome = ev->f[MM_F_EVENT_OUTCOME], action = ev->f[MM_F_EVENT_ACTION];
    memset(&k, 0, sizeof(k));
    k.table = RU_COUNTS;
    col_set(k.c[0], source != NULL ? source : "-", source != NULL ? strlen(source) : 1);
    if (ev->flags & MM_EV_UNPARSED) {
        memcpy(k.c[1], "(unparsed)", sizeof("(unparsed)"));
    } else {
        col_str(k.c[1], cat);
        col_str(k.c[2], type);
        col_str(k.c[3], outcome);
        col_str(k.c[4], action);
    }
    count_class(r, s, &k, &s->ncounts, MM_ROLLUP_CAP_COUNTS, 1, 4);
    if (ev->flags & MM_EV_UNPARSED) {
        return;
    }

    /* top talkers */
    struct mm_str sip = ev->f[MM_F_SOURCE_IP];
    int internal = addr_internal(sip);
    int denied = str_is(type, "denied") || str_is(cat, "intrusion_detection");
    int auth_fail = str_is(cat, "authentication") && str_is(outcome, "failure");
    if (internal == 0 && (denied || auth_fail)) {
        memset(&k, 0, sizeof(k));
        k.table = RU_TOP;
        memcpy(k.c[0], kind_names[RU_K_ATTACKER], strlen(kind_names[RU_K_ATTACKER]));
        col_str(k.c[1], sip);
        col_str(k.c[2], ev->f[MM_F_SOURCE_GEO_COUNTRY]);
        count_class(r, s, &k, &s->ntop[RU_K_ATTACKER], MM_ROLLUP_CAP_TOP, 1, 2);
    } else if (internal == 1 && denied) {
        memset(&k, 0, sizeof(k));
        k.table = RU_TOP;
        memcpy(k.c[0], kind_names[RU_K_BLOCKED_HOST], strlen(kind_names[RU_K_BLOCKED_HOST]));
        col_str(k.c[1], sip);
        count_class(r, s, &k, &s->ntop[RU_K_BLOCKED_HOST], MM_ROLLUP_CAP_TOP, 1, 2);
        struct mm_str dst = ev->f[MM_F_URL_DOMAIN];
        if (dst.p == NULL || dst.n == 0) {
            dst = ev->f[MM_F_DNS_QUESTION_NAME];
        }
        if (dst.p == NULL || dst.n == 0) {
            dst = ev->f[MM_F_DESTINATION_IP];
        }
        if (dst.p != NULL && dst.n > 0) {
            memset(&k, 0, sizeof(k));
            k.table = RU_TOP;
            memcpy(k.c[0], kind_names[RU_K_BLOCKED_DEST], strlen(kind_names[RU_K_BLOCKED_DEST]));
            col_str(k.c[1], dst);
            col_str(k.c[2], ev->f[MM_F_DESTINATION_GEO_COUNTRY]);
            count_class(r, s, &k, &s->ntop[RU_K_BLOCKED_DEST], MM_ROLLUP_CAP_TOP, 1, 2);
        }
    }

    /* sign-ins: an authentication with an outcome, or a VPN tunnel that came up */
    struct mm_str ttype = ev->f[MM_F_TUNNEL_TYPE], tname = ev->f[MM_F_TUNNEL_NAME];
    int is_auth =
        str_is(cat, "authentication") && (str_is(outcome, "success") || str_is(outcome, "failure"));
    int tunnel_up = ttype.p != NULL && str_is(type, "start") && !str_is(outcome, "failure");
    if (!is_auth && !tunnel_up) {
        return;
    }
    int vpn = ttype.p != NULL || tname.p != NULL || str_has(action, "vpn") ||
              str_has(action, "tunnel") || str_has(action, "l2tp") || str_has(action, "ipsec");
    memset(&k, 0, sizeof(k));
    k.table = RU_LOGIN;
    memcpy(k.c[0], vpn ? "vpn" : "admin", vpn ? 3 : 5);
    col_str(k.c[1], ev->f[MM_F_USER_NAME]);
    col_str(k.c[2], sip);
    col_str(k.c[3], ev->f[MM_F_SOURCE_GEO_COUNTRY]);
    if (is_auth) {
        col_str(k.c[4], outcome);
    } else {
        memcpy(k.c[4], "success", sizeof("success"));
    }
    /* over the cap: kind and outcome stay, who and from where become "(other)" */
    count_class(r, s, &k, &s->nlogin, MM_ROLLUP_CAP_LOGIN, 1, 3);
}

struct mm_rollup_batch *mm_rollup_take(struct mm_rollup *r)
{
    size_t n = mm_rollup_pending(r);
    if (n == 0) {
        return NULL;
    }
    struct mm_rollup_batch *b = calloc(1, sizeof(*b));
    struct ru_row *rows = malloc(n * sizeof(*rows));
    if (b == NULL || rows == NULL) {
        free(b);
        free(rows);
        return NULL; /* the counts stay; the next take tries again */
    }
    if (r->nspill > 0) {
        memcpy(rows, r->spill, r->nspill * sizeof(*rows));
    }
    b->n = r->nspill;
    r->nspill = 0;
    for (size_t i = 0; i < MM_ROLLUP_HOURS; i++) {
        struct ru_slot *s = &r->slot[i];
        for (size_t j = 0; j < s->n && s->dirty > 0; j++) {
            if (s->rows[j].count > 0) {
                rows[b->n++] = s->rows[j];
                s->rows[j].count = 0;
                s->dirty--;
            }
        }
    }
    b->rows = rows;
    return b;
}

void mm_rollup_batch_free(struct mm_rollup_batch *b)
{
    if (b != NULL) {
        free(b->rows);
        free(b);
    }
}

size_t mm_rollup_batch_rows(const struct mm_rollup_batch *b)
{
    return b != NULL ? b->n : 0;
}

/* ---- the writer's side ---- */

static int step_done(struct mm_store *st, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        mm_store_fail(st, what);
        return 0;
    }
    return 1;
}

static void bind_col(sqlite3_stmt *s, int i, const char *c)
{
    sqlite3_bind_text(s, i, c, (int)strnlen(c, RU_STR), SQLITE_STATIC);
}

static enum mm_err write_row(struct mm_store *st, const struct ru_row *w)
{
    sqlite3_stmt *s;
    switch (w->table) {
    case RU_COUNTS:
        s = mm_store_stmt(st, MM_STMT_ROLLUP_COUNTS_ADD);
        if (s == NULL) {
            return MM_EDB;
        }
        sqlite3_bind_int64(s, 1, w->hour_ns);
        for (int i = 0; i < 5; i++) {
            bind_col(s, 2 + i, w->c[i]);
        }
        sqlite3_bind_int64(s, 7, (int64_t)w->count);
        break;
    case RU_TOP:
        s = mm_store_stmt(st, MM_STMT_ROLLUP_TOP_ADD);
        if (s == NULL) {
            return MM_EDB;
        }
        sqlite3_bind_int64(s, 1, w->hour_ns);
        for (int i = 0; i < 3; i++) {
            bind_col(s, 2 + i, w->c[i]);
        }
        sqlite3_bind_int64(s, 5, (int64_t)w->count);
        break;
    case RU_LOGIN:
        s = mm_store_stmt(st, MM_STMT_ROLLUP_LOGIN_ADD);
        if (s == NULL) {
            return MM_EDB;
        }
        sqlite3_bind_int64(s, 1, w->hour_ns);
        for (int i = 0; i < 5; i++) {
            bind_col(s, 2 + i, w->c[i]);
        }
        sqlite3_bind_int64(s, 7, (int64_t)w->count);
        break;
    default:
        return MM_OK;
    }
    return step_done(st, s, "roll-up upsert") ? MM_OK : MM_EDB;
}

enum mm_err mm_store_rollup_write(struct mm_store *st, const struct mm_rollup_batch *b)
{
    if (b == NULL || b->n == 0) {
        return MM_OK;
    }
    enum mm_err rc = mm_store_exec(st, SQL_BEGIN);
    if (rc != MM_OK) {
        return rc;
    }
    for (size_t i = 0; i < b->n && rc == MM_OK; i++) {
        rc = write_row(st, &b->rows[i]);
    }
    if (rc == MM_OK) {
        rc = mm_store_exec(st, SQL_COMMIT);
    }
    if (rc != MM_OK) {
        sqlite3_exec(st->db, SQL_ROLLBACK, NULL, NULL, NULL);
    }
    return rc;
}

/* ---- retention ---- */

/* One DELETE in its own transaction; rows deleted, or -1. */
static int64_t prune_step(struct mm_store *st, const char *sql, int64_t cutoff)
{
    sqlite3_stmt *s = NULL;
    int64_t n = -1;
    if (mm_store_exec(st, SQL_BEGIN) != MM_OK) {
        return -1;
    }
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, cutoff);
        if (sqlite3_step(s) == SQLITE_DONE) {
            n = sqlite3_changes(st->db);
        }
    }
    if (n < 0) {
        mm_store_fail(st, "retention");
    }
    sqlite3_finalize(s);
    if (n >= 0 && mm_store_exec(st, SQL_COMMIT) == MM_OK) {
        return n;
    }
    sqlite3_exec(st->db, SQL_ROLLBACK, NULL, NULL, NULL);
    return -1;
}

enum mm_err mm_store_prune(struct mm_store *st, int64_t alerts_before_ns, int64_t rollups_before_ns,
                           unsigned max_batches, struct mm_prune_stats *out, int *more)
{
    struct mm_prune_stats ps = {0, 0};
    static const char *const rollup_sql[] = {SQL_PRUNE_ROLLUP_COUNTS, SQL_PRUNE_ROLLUP_TOP,
                                             SQL_PRUNE_ROLLUP_LOGIN};
    int left = 0;
    unsigned used = 0;
    enum mm_err rc = MM_OK;
    while (alerts_before_ns > 0) {
        if (used == max_batches) {
            left = 1;
            break;
        }
        used++;
        int64_t n = prune_step(st, SQL_PRUNE_ALERTS, alerts_before_ns);
        if (n < 0) {
            rc = MM_EDB;
            break;
        }
        ps.alerts += (uint64_t)n;
        if (n == 0) {
            break;
        }
    }
    for (size_t i = 0; rc == MM_OK && rollups_before_ns > 0 && i < 3; i++) {
        for (;;) {
            if (used == max_batches) {
                left = 1;
                break;
            }
            used++;
            int64_t n = prune_step(st, rollup_sql[i], rollups_before_ns);
            if (n < 0) {
                rc = MM_EDB;
                break;
            }
            ps.rollup_rows += (uint64_t)n;
            if (n == 0) {
                break;
            }
        }
    }
    if (out != NULL) {
        *out = ps;
    }
    if (more != NULL) {
        *more = left;
    }
    return rc;
}

/* ---- the report's reads ---- */

static const char *const report_sql[] = {
    [MM_RQ_HOURS] = SQL_REPORT_HOURS,         [MM_RQ_TOP] = SQL_REPORT_TOP,
    [MM_RQ_COUNTRIES] = SQL_REPORT_COUNTRIES, [MM_RQ_TOP_TOTALS] = SQL_REPORT_TOP_TOTALS,
    [MM_RQ_LOGINS] = SQL_REPORT_LOGINS,       [MM_RQ_ALERTS] = SQL_REPORT_ALERTS,
    [MM_RQ_SOURCES] = SQL_REPORT_SOURCES,
};

enum mm_err mm_store_report_rows(struct mm_store *st, enum mm_report_query q, int64_t since_ns,
                                 int64_t until_ns, mm_report_row_cb fn, void *arg)
{
    if ((size_t)q >= sizeof(report_sql) / sizeof(report_sql[0])) {
        return MM_EINVAL;
    }
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, report_sql[q], -1, &s, NULL) != SQLITE_OK) {
        return mm_store_fail(st, "report query");
    }
    if (sqlite3_bind_parameter_count(s) >= 2) {
        sqlite3_bind_int64(s, 1, since_ns);
        sqlite3_bind_int64(s, 2, until_ns);
    }
    enum mm_err rc = MM_OK;
    int ncol = sqlite3_column_count(s);
    ncol = ncol > MM_RQ_MAXCOL ? MM_RQ_MAXCOL : ncol;
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t num[MM_RQ_MAXCOL];
        const char *txt[MM_RQ_MAXCOL];
        for (int i = 0; i < ncol; i++) {
            num[i] = sqlite3_column_int64(s, i);
            const unsigned char *t = sqlite3_column_text(s, i);
            txt[i] = t != NULL ? (const char *)t : "";
        }
        if (fn(arg, ncol, num, txt) != 0) {
            break;
        }
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        rc = mm_store_fail(st, "report query");
    }
    sqlite3_finalize(s);
    return rc;
}
