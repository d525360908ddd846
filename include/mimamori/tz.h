/*
 * tz.h - local time in the configured IANA time zone, without touching the
 * process-wide TZ.  Used to read year-less and offset-less syslog timestamps
 * and (later) calendar conditions.  A zone is immutable after loading and may
 * be shared between threads.
 */
#ifndef MIMAMORI_TZ_H
#define MIMAMORI_TZ_H

#include <stddef.h>
#include <stdint.h>

#include "mimamori/err.h"

struct mm_tz;

/* Broken-down civil time (no time zone attached). */
struct mm_civil {
    int year, mon, mday; /* mon 1..12 */
    int hour, min, sec;
    int nsec;
};

/* tz.c */
/* name: "Asia/Tokyo", "UTC", ... (NULL or "" = UTC).  Reads the system zoneinfo. */
enum mm_err mm_tz_load(struct mm_tz **out, const char *name);
void mm_tz_free(struct mm_tz *tz);
const char *mm_tz_name(const struct mm_tz *tz);
/* Local civil time in tz -> epoch ns (for a gap or overlap, the earlier offset). */
int64_t mm_tz_to_utc(const struct mm_tz *tz, const struct mm_civil *c);
/* epoch ns -> local civil time in tz; returns the UTC offset in seconds. */
int mm_tz_from_utc(const struct mm_tz *tz, int64_t ns, struct mm_civil *out);
/* Days-from-civil arithmetic shared by header parsers: civil time as if UTC. */
int64_t mm_civil_to_epoch_ns(const struct mm_civil *c);
/*
 * "YYYY-MM-DD" in the first 10 of n bytes at s (what follows is the caller's)
 * -> out's date, the time of day 0; -1 unless it is a real day (leap years
 * counted).  Any year 0000..9999: the caller bounds it.
 */
int mm_civil_date(const char *s, size_t n, struct mm_civil *out);
/* ... and back: epoch ns -> civil time in UTC. */
void mm_epoch_ns_to_civil(int64_t ns, struct mm_civil *out);

#endif
