/*
 * log.h - the daemon's own log, to stderr with a level prefix (journald adds
 * the time).  The level is checked before the arguments are evaluated.
 * log_warn appends strerror(errno); errno is preserved by every call.
 * Bytes from the network must go through mm_log_escape() before printing.
 */
#ifndef MIMAMORI_LOG_H
#define MIMAMORI_LOG_H

#include <stddef.h>

enum mm_log_level { MM_LOG_ERR = 0, MM_LOG_WARN, MM_LOG_INFO, MM_LOG_DEBUG };

extern int mm_log_verbosity; /* highest level printed; default MM_LOG_INFO */

/* log.c */
void mm_log_init(int verbosity, int with_time);
void mm_log_emit(int level, int with_errno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Escape non-printable bytes of src as \xNN into dst (always NUL-terminated). */
const char *mm_log_escape(char *dst, size_t dstlen, const char *src, size_t len);

#define MM_LOG_AT(lvl, errn, ...)                                                                  \
    do {                                                                                           \
        if ((lvl) <= mm_log_verbosity) {                                                           \
            mm_log_emit((lvl), (errn), __VA_ARGS__);                                               \
        }                                                                                          \
    } while (0)

#define log_warn(...) MM_LOG_AT(MM_LOG_WARN, 1, __VA_ARGS__)
#define log_warnx(...) MM_LOG_AT(MM_LOG_WARN, 0, __VA_ARGS__)
#define log_error(...) MM_LOG_AT(MM_LOG_ERR, 0, __VA_ARGS__)
#define log_info(...) MM_LOG_AT(MM_LOG_INFO, 0, __VA_ARGS__)
#define log_debug(...) MM_LOG_AT(MM_LOG_DEBUG, 0, __VA_ARGS__)

/* Name the calling thread (15 bytes at most), as `top -H` and `ps -L` show it. */
void mm_thread_name(const char *name);

#endif
