/* common.c - helpers the verbs share: loading the config, reading times. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mimamori/tz.h"

struct mm_config *mm_cli_load_config(const char *path)
{
    struct mm_diag d;
    struct mm_config *cfg = NULL;
    mm_diag_init(&d);
    enum mm_err rc = mm_config_load(&cfg, path, &d);
    mm_diag_print(&d, stderr);
    mm_diag_free(&d);
    if (rc != MM_OK) {
        mm_config_free(cfg);
        return NULL;
    }
    return cfg;
}

int64_t mm_cli_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Read exactly n digits at *p into *v. */
static int digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') {
            return -1;
        }
        x = x * 10 + (c - '0');
    }
    *p += n;
    *v = x;
    return 0;
}

static int parse_duration(const char *s, int64_t *ns)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || v < 0) {
        return -1;
    }
    double mult;
    if (strcmp(end, "s") == 0) {
        mult = 1;
    } else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0) {
        mult = 60;
    } else if (strcmp(end, "h") == 0) {
        mult = 3600;
    } else if (strcmp(end, "d") == 0) {
        mult = 86400;
    } else if (strcmp(end, "w") == 0) {
        mult = 7 * 86400;
    } else {
        return -1;
    }
    double total = v * mult * 1e9;
    if (total > 9.0e18) {
        return -1;
    }
    *ns = (int64_t)total;
    return 0;
}

int mm_cli_parse_time(const char *s, const char *tzname, int64_t now_ns, int64_t *ns)
{
    int64_t d;
    if (parse_duration(s, &d) == 0) {
        *ns = now_ns - d;
        return 0;
    }
    struct mm_civil c;
    memset(&c, 0, sizeof(c));
    const char *p = s;
    if (digits(&p, 4, &c.year) != 0 || *p++ != '-' || digits(&p, 2, &c.mon) != 0 ||
        *p++ != '-' || digits(&p, 2, &c.mday) != 0) {
        return -1;
    }
    if (*p == 'T' || *p == ' ') {
        p++;
        if (digits(&p, 2, &c.hour) != 0 || *p++ != ':' || digits(&p, 2, &c.min) != 0) {
            return -1;
        }
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &c.sec) != 0) {
                return -1;
            }
        }
    }
    if (c.mon < 1 || c.mon > 12 || c.mday < 1 || c.mday > 31 || c.hour > 23 || c.min > 59 ||
        c.sec > 60) {
        return -1;
    }
    if (*p == 'Z' && p[1] == '\0') {
        *ns = mm_civil_to_epoch_ns(&c);
        return 0;
    }
    if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int sign = *p == '-' ? -1 : 1;
        int oh, om;
        const char *q = p + 1;
        if (digits(&q, 2, &oh) != 0 || *q++ != ':' || digits(&q, 2, &om) != 0) {
            return -1;
        }
        *ns = mm_civil_to_epoch_ns(&c) - (int64_t)sign * (oh * 3600 + om * 60) * 1000000000LL;
        return 0;
    }
    if (*p != '\0') {
        return -1;
    }
    struct mm_tz *tz = NULL;
    if (mm_tz_load(&tz, tzname) != MM_OK) {
        return -1;
    }
    *ns = mm_tz_to_utc(tz, &c);
    mm_tz_free(tz);
    return 0;
}
