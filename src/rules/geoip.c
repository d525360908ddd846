/*
 * geoip.c - source.geo.country_iso_code and destination.geo.country_iso_code
 * from a MaxMind-format database (`geoip:` in the configuration), through
 * libmaxminddb when the build found it (MM_HAVE_MAXMINDDB).
 *
 * A parser's value wins (WatchGuard and others log the country themselves);
 * otherwise the address is looked up only when a rule reads the field, and
 * the last answer per side is cached (a burst from one address costs one
 * lookup).  After matching, the countries that were looked up are copied
 * into the event so that alerts and correlation see them.
 *
 * Without the library a configured database is a warning: the fields then
 * come only from the parsers.  The database is memory-mapped, read-only.
 */
#include "lists_int.h"

#include <stdlib.h>
#include <string.h>

#ifdef MM_HAVE_MAXMINDDB
#include <maxminddb.h>
#include <netinet/in.h>
#endif

enum mm_err mm_rules_geo_open(struct rules_env *env, const char *path, struct mm_diag *d)
{
#ifdef MM_HAVE_MAXMINDDB
    MMDB_s *db = calloc(1, sizeof(*db));
    if (db == NULL) {
        return MM_ENOMEM;
    }
    int st = MMDB_open(path, MMDB_MODE_MMAP, db);
    if (st != MMDB_SUCCESS) {
        mm_diag_error(d, path, 0, 0, "geoip: cannot open the database: %s", MMDB_strerror(st));
        free(db);
        return MM_OK;
    }
    env->geo = db;
    return mm_rules_env_stamp(env, path);
#else
    (void)env;
    mm_diag_warn(d, path, 0, 0,
                 "geoip: this build has no libmaxminddb; geo fields come only from the parsers");
    return MM_OK;
#endif
}

void mm_rules_geo_close(struct rules_env *env)
{
#ifdef MM_HAVE_MAXMINDDB
    if (env->geo != NULL) {
        MMDB_close(env->geo);
        free(env->geo);
    }
#endif
    env->geo = NULL;
}

#ifdef MM_HAVE_MAXMINDDB
/* The ISO code of the country of addr text into cc ("" when unknown). */
static void lookup(MMDB_s *db, const char *ip, size_t n, char *cc, size_t cclen)
{
    cc[0] = '\0';
    struct mm_addr a;
    if (mm_addr_parse(&a, ip, n) != MM_OK) {
        return;
    }
    static const uint8_t v4pre[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    if (memcmp(a.a, v4pre, 12) == 0) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        memcpy(&s4->sin_addr, a.a + 12, 4);
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        memcpy(&s6->sin6_addr, a.a, 16);
    }
    int err = 0;
    MMDB_lookup_result_s r = MMDB_lookup_sockaddr(db, (const struct sockaddr *)&ss, &err);
    if (err != MMDB_SUCCESS || !r.found_entry) {
        return;
    }
    MMDB_entry_data_s ed;
    if (MMDB_get_value(&r.entry, &ed, "country", "iso_code", NULL) != MMDB_SUCCESS ||
        !ed.has_data || ed.type != MMDB_DATA_TYPE_UTF8_STRING) {
        /* anonymous proxies and satellite providers have only a registered country */
        if (MMDB_get_value(&r.entry, &ed, "registered_country", "iso_code", NULL) !=
                MMDB_SUCCESS ||
            !ed.has_data || ed.type != MMDB_DATA_TYPE_UTF8_STRING) {
            return;
        }
    }
    if (ed.data_size > 0 && ed.data_size < cclen) {
        memcpy(cc, ed.utf8_string, ed.data_size);
        cc[ed.data_size] = '\0';
    }
}
#endif

struct mm_str mm_rules_geo_get(struct rules_env *env, int side, const struct mm_event *ev)
{
    struct mm_str none = {NULL, 0};
    enum mm_field fid = side == 0 ? MM_F_SOURCE_GEO_COUNTRY : MM_F_DESTINATION_GEO_COUNTRY;
    if (ev->f[fid].p != NULL) {
        return ev->f[fid];
    }
#ifdef MM_HAVE_MAXMINDDB
    struct mm_str ip = ev->f[side == 0 ? MM_F_SOURCE_IP : MM_F_DESTINATION_IP];
    if (env == NULL || env->geo == NULL || ip.p == NULL || ip.n == 0 ||
        ip.n >= sizeof(env->geo_key[0])) {
        return none;
    }
    char *key = env->geo_key[side];
    if (strlen(key) != ip.n || memcmp(key, ip.p, ip.n) != 0) {
        lookup(env->geo, ip.p, ip.n, env->geo_cc[side], sizeof(env->geo_cc[side]));
        memcpy(key, ip.p, ip.n);
        key[ip.n] = '\0';
    }
    env->geo_used |= 1u << side;
    if (env->geo_cc[side][0] == '\0') {
        return none;
    }
    struct mm_str v = {env->geo_cc[side], (uint32_t)strlen(env->geo_cc[side])};
    return v;
#else
    (void)env;
    return none;
#endif
}

void mm_rules_geo_begin(struct rules_env *env)
{
    if (env != NULL) {
        env->geo_used = 0;
    }
}

void mm_rules_geo_enrich(struct rules_env *env, struct mm_event *ev, unsigned sides)
{
    if (env == NULL || env->geo == NULL) {
        return;
    }
    for (int side = 0; side < 2; side++) {
        if (!((env->geo_used | sides) & (1u << side))) {
            continue;
        }
        enum mm_field fid = side == 0 ? MM_F_SOURCE_GEO_COUNTRY : MM_F_DESTINATION_GEO_COUNTRY;
        if (ev->f[fid].p != NULL) {
            continue;
        }
        struct mm_str v = mm_rules_geo_get(env, side, ev);
        if (v.p != NULL) {
            (void)mm_event_set_copy(ev, fid, v.p, v.n); /* scratch full: the alert lacks it */
        }
    }
}
