#include "mimamori/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

int mm_log_verbosity = MM_LOG_INFO;
static int log_with_time;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

void mm_log_init(int verbosity, int with_time)
{
    mm_log_verbosity = verbosity;
    log_with_time = with_time;
}

static void vlog(int level, int with_errno, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void vlog(int level, int with_errno, const char *fmt, va_list ap)
{
    int saved = errno;
    char msg[2048];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (log_with_time) {
        char ts[32];
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
        fprintf(stderr, "%s ", ts);
    }
    if (with_errno) {
        fprintf(stderr, "mimamori: %s: %s: %s\n", level_names[level], msg, strerror(saved));
    } else {
        fprintf(stderr, "mimamori: %s: %s\n", level_names[level], msg);
    }
    errno = saved;
}

void mm_log_emit(int level, int with_errno, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(level, with_errno, fmt, ap);
    va_end(ap);
}

void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(MM_LOG_ERR, 1, fmt, ap);
    va_end(ap);
    exit(1);
}

void fatalx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(MM_LOG_ERR, 0, fmt, ap);
    va_end(ap);
    exit(1);
}

const char *mm_log_escape(char *dst, size_t dstlen, const char *src, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    if (dstlen == 0) {
        return dst;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            if (o + 1 >= dstlen) {
                break;
            }
            dst[o++] = (char)c;
        } else {
            if (o + 4 >= dstlen) {
                break;
            }
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[c >> 4];
            dst[o++] = hex[c & 15];
        }
    }
    dst[o] = '\0';
    return dst;
}

void mm_thread_name(const char *name)
{
    prctl(PR_SET_NAME, name, 0, 0, 0);
}
