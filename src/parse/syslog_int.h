/*
 * syslog_int.h - the syslog header reader with a zone-offset cache, for the
 * registry.  The cache belongs to one parse context (one thread); it remembers
 * the UTC offset of a few local hours in which the zone does not change, so
 * that a year-less or offset-less timestamp costs no zone lookup.
 */
#ifndef MM_PARSE_SYSLOG_INT_H
#define MM_PARSE_SYSLOG_INT_H

#include "mimamori/parse.h"

#define MM_TZCACHE_SLOTS 7 /* prime to 24 and to 8760: see local_to_utc() */

struct mm_tzslot {
    int64_t local_hour; /* local time / 1 h; INT64_MIN = empty */
    int32_t off;        /* UTC offset in seconds during that whole hour */
};

struct mm_tzcache {
    const struct mm_tz *tz; /* the zone the entries are for; a change empties them */
    int init;
    int64_t now_hour; /* UTC hour of the cached now offset; INT64_MIN = none */
    int32_t now_off;
    int64_t now_day; /* local day (local ns / 1 d) of now_year, now_mon; INT64_MIN = none */
    int now_year, now_mon;
    struct mm_tzslot slot[MM_TZCACHE_SLOTS];
};

/*
 * The well-known fields the header may set.  mm_parse_event() starts from an
 * event fresh from mm_event_reset(), so after the header every other field is
 * empty: the registry saves only these for undoing a parser.  A field the
 * header learns to set must be added here.
 */
#define MM_SYSLOG_HEADER_FIELDS                                                                    \
    MM_F_SYSLOG_PRIORITY, MM_F_SYSLOG_FACILITY, MM_F_SYSLOG_SEVERITY, MM_F_SYSLOG_HOSTNAME,        \
        MM_F_HOST_HOSTNAME, MM_F_SYSLOG_APPNAME, MM_F_PROCESS_NAME, MM_F_SYSLOG_PROCID,            \
        MM_F_PROCESS_PID, MM_F_SYSLOG_MSGID, MM_F_SYSLOG_SD, MM_F_MESSAGE

/* syslog.c */
/* mm_syslog_parse_header() with a cache (zeroed before first use; NULL = none). */
void mm_syslog_header(struct mm_event *ev, const struct mm_tz *tz, struct mm_tzcache *tc,
                      int64_t now_ns, const char **body, size_t *bodylen);

#endif
