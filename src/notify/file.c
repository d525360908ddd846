/*
 * file.c - the `file` notify channel: one JSON line per alert, appended.
 *
 * A round reads up to FILE_ROUND_ROWS pending outbox rows of the channel
 * (oldest first, with the alert's current JSON), writes all their lines with
 * one write(2) on an O_APPEND descriptor, fdatasync()s once, then marks the
 * rows sent with one statement.  The file is opened per round, so a rotated
 * file is picked up at once.
 *
 * Exactly once, with one window: a crash between the fdatasync and the
 * commit of "sent" writes those lines again after the restart (at least
 * once).  A failed or short write is cut back to the old end of the file, so
 * no torn line is left and the rows stay pending.  A failure streak is logged
 * once when it starts and once when it ends; attempts back off from 1 s to 60 s.
 */
#include "notify/notify_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mimamori/log.h"
#include "store/store_int.h"

#define FILE_ROUND_ROWS 8192 /* with the byte cap: a few batches per round, one fdatasync */
#define FILE_ROUND_BYTES ((size_t)4 << 20) /* a round stops growing past this */
#define FILE_BUF_MAX ((size_t)16 << 20)    /* one alert JSON is far below this */
#define FILE_BACKOFF_MIN_NS 1000000000LL
#define FILE_BACKOFF_MAX_NS 60000000000LL

enum mm_err mm_notify_file_init(struct mm_notify_file *f, const char *name, const char *path)
{
    memset(f, 0, sizeof(*f));
    mm_buf_init(&f->out, FILE_BUF_MAX);
    f->pending = 1;
    f->name = strdup(name);
    f->path = strdup(path);
    if (f->name == NULL || f->path == NULL) {
        return MM_ENOMEM;
    }
    return MM_OK;
}

void mm_notify_file_release(struct mm_notify_file *f)
{
    if (f == NULL) {
        return;
    }
    free(f->name);
    free(f->path);
    mm_buf_free(&f->out);
    memset(f, 0, sizeof(*f));
}

int64_t mm_notify_file_retry_at(const struct mm_notify_file *f)
{
    return (f->pending && f->streak > 0) ? f->next_try_ns : 0;
}

/* Write the whole buffer at the end of the file and sync it; errno set on failure. */
static int append_all(const char *path, const char *p, size_t len)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        return -1;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    int ok = 1;
    size_t off = 0;
    while (ok && off < len) {
        ssize_t n = write(fd, p + off, len - off);
        if (n >= 0) {
            off += (size_t)n;
        } else if (errno != EINTR) {
            ok = 0;
        }
    }
    if (ok && fdatasync(fd) != 0 && errno != EINVAL) { /* EINVAL: a pipe or a device */
        ok = 0;
    }
    int saved = errno;
    if (!ok && S_ISREG(sb.st_mode) && ftruncate(fd, sb.st_size) != 0) {
        /* leave no torn line: the rows stay pending and are written whole next time */
        log_warn("notify: %s: cannot remove a partial write", path);
    }
    if (close(fd) != 0 && ok) {
        return -1;
    }
    errno = saved;
    return ok ? 0 : -1;
}

static enum mm_err record_failure(struct mm_notify_file *f, struct mm_store *st, int err)
{
    f->streak++;
    int shift = f->streak - 1 < 6 ? (int)f->streak - 1 : 6;
    int64_t backoff = FILE_BACKOFF_MIN_NS << shift;
    if (backoff > FILE_BACKOFF_MAX_NS) {
        backoff = FILE_BACKOFF_MAX_NS;
    }
    f->next_try_ns = mm_store_mono_ns() + backoff;
    if (f->streak == 1) {
        errno = err;
        log_warn("notify %s: cannot write %s; alerts stay pending and are retried", f->name,
                 f->path);
    }
    sqlite3_stmt *s = mm_store_stmt(st, MM_STMT_OUTBOX_FAILED);
    if (s == NULL) {
        return MM_EDB;
    }
    sqlite3_bind_text(s, 1, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, strerror(err), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, mm_store_now_ns() + backoff);
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    if (r != SQLITE_DONE) {
        mm_store_fail(st, "outbox: record failure");
        return MM_EDB;
    }
    return MM_EIO;
}

/*
 * Read one round of pending rows into f->out: *n rows, the last with outbox
 * id *last_id.  *full: the round stopped on a limit, more may be pending.
 */
static enum mm_err read_round(struct mm_notify_file *f, struct mm_store *st, size_t *n,
                              int64_t *last_id, int *full)
{
    enum mm_err rc = MM_OK;
    *n = 0;
    *full = 0;
    mm_buf_reset(&f->out);
    sqlite3_stmt *s = mm_store_stmt(st, MM_STMT_OUTBOX_PENDING);
    if (s == NULL) {
        return MM_EDB;
    }
    sqlite3_bind_text(s, 1, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, FILE_ROUND_ROWS);
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        const char *json = (const char *)sqlite3_column_text(s, 1);
        size_t len = (size_t)sqlite3_column_bytes(s, 1);
        if (json == NULL) {
            json = "{}";
            len = 2;
        }
        rc = mm_buf_append(&f->out, json, len);
        if (rc == MM_OK) {
            rc = mm_buf_putc(&f->out, '\n');
        }
        if (rc != MM_OK) {
            break;
        }
        *last_id = sqlite3_column_int64(s, 0);
        (*n)++;
        if (*n == FILE_ROUND_ROWS || f->out.len >= FILE_ROUND_BYTES) {
            *full = 1;
            break;
        }
    }
    if (rc == MM_OK && r != SQLITE_ROW && r != SQLITE_DONE) {
        rc = mm_store_fail(st, "outbox: read pending");
    }
    sqlite3_reset(s); /* the round may stop early: end the read transaction */
    return rc;
}

static enum mm_err mark_sent(struct mm_notify_file *f, struct mm_store *st, int64_t last_id)
{
    sqlite3_stmt *s = mm_store_stmt(st, MM_STMT_OUTBOX_SENT);
    if (s == NULL) {
        return MM_EDB;
    }
    sqlite3_bind_text(s, 1, f->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, last_id);
    sqlite3_bind_int64(s, 3, mm_store_now_ns());
    int r = sqlite3_step(s);
    sqlite3_reset(s);
    return r == SQLITE_DONE ? MM_OK : mm_store_fail(st, "outbox: mark sent");
}

enum mm_err mm_notify_file_deliver(struct mm_notify_file *f, struct mm_store *st, int force)
{
    if (!f->pending) {
        return MM_OK;
    }
    if (f->streak > 0 && !force && mm_store_mono_ns() < f->next_try_ns) {
        return MM_OK;
    }
    for (;;) {
        size_t n = 0;
        int64_t last_id = 0;
        int full = 0;
        enum mm_err rc = read_round(f, st, &n, &last_id, &full);
        if (rc != MM_OK) {
            return rc;
        }
        if (n == 0) {
            f->pending = 0;
            return MM_OK;
        }
        if (append_all(f->path, f->out.p, f->out.len) != 0) {
            return record_failure(f, st, errno);
        }
        /* the lines are on disk: from here a failure can only repeat them, never lose them */
        rc = mark_sent(f, st, last_id);
        if (rc != MM_OK) {
            log_warnx("notify %s: %zu lines written but not marked sent; they will be written "
                      "again",
                      f->name, n);
            return rc;
        }
        if (f->streak > 0) {
            log_info("notify %s: %s is writable again after %u failed attempts", f->name, f->path,
                     f->streak);
            f->streak = 0;
        }
        f->delivered += n;
        if (!full) {
            f->pending = 0; /* that was the last of them */
            return MM_OK;
        }
    }
}
