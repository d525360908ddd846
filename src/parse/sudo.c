/*
 * sudo.c - sudo's log lines:
 *
 *   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls -la
 *   alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ;
 * COMMAND=/bin/ls alice : user NOT in sudoers ; TTY=pts/0 ; PWD=/home/alice ; USER=root ;
 * COMMAND=/bin/ls
 *
 * detect(): appname "sudo" (90) unless the body is a PAM module's (pam.c);
 * without an appname, a body holding " : " and " ; COMMAND=" (50).
 *
 * Fields: user.name (who ran sudo), user.target.name and the extra
 * user.effective.name (USER=, whom the command runs as), extras
 * sudo.<key> for every KEY=value (lower-cased: tty, pwd, user, group, command,
 * env, tsid ...), process.command_line (COMMAND=) and
 * process.working_directory (PWD=); event.reason for a message such as
 * "3 incorrect password attempts"; sudo.attempts for the count.
 * COMMAND= is always last and runs to the end of the line (it may hold " ; ").
 *
 * event.action values (event.category / event.type / event.outcome):
 *   sudo_command       process / start / success: a command was run
 *   sudo_auth_failure  authentication / info / failure: "N incorrect password attempt(s)"
 *   sudo_not_allowed   authentication / info / failure: "user NOT in sudoers",
 *                      "command not allowed", "user NOT authorized on host",
 *                      "a password is required"
 */
#include "mimamori/parse.h"

#include <string.h>

#include "parse/auth_int.h"

#define NS "sudo"

static const char *const sudo_apps[] = {"sudo", NULL};

static int sudo_detect(const struct mm_event *ev, const char *body, size_t len)
{
    if (len >= 4 && memcmp(body, "pam_", 4) == 0) {
        return 0;
    }
    if (auth_app_is(ev, sudo_apps)) {
        return 90;
    }
    if (ev->f[MM_F_SYSLOG_APPNAME].p == NULL && memmem(body, len, " ; COMMAND=", 11) != NULL &&
        memmem(body, len, " : ", 3) != NULL) {
        return 50;
    }
    return 0;
}

/* KEY=value with KEY in upper case; the key's lower-case static name, or NULL. */
static const char *known_key(struct mm_str k)
{
    static const struct {
        const char *up, *low;
    } keys[] = {{"TTY", "tty"},         {"PWD", "pwd"}, {"USER", "user"},    {"GROUP", "group"},
                {"COMMAND", "command"}, {"ENV", "env"}, {"TSID", "tsid"},    {"HOST", "host"},
                {"CHROOT", "chroot"},   {"CWD", "cwd"}, {"RUNCWD", "runcwd"}};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (strlen(keys[i].up) == k.n && memcmp(keys[i].up, k.p, k.n) == 0) {
            return keys[i].low;
        }
    }
    return NULL;
}

/* "KEY=" at the start of seg: the key */
static int seg_key(struct mm_str seg, struct mm_str *k)
{
    uint32_t i = 0;
    while (i < seg.n && ((seg.p[i] >= 'A' && seg.p[i] <= 'Z') || seg.p[i] == '_')) {
        i++;
    }
    if (i == 0 || i >= seg.n || seg.p[i] != '=') {
        return 0;
    }
    k->p = seg.p;
    k->n = i;
    return 1;
}

static void sudo_pair(struct mm_event *ev, struct mm_str k, struct mm_str v)
{
    const char *low = known_key(k);
    if (low != NULL) {
        (void)mm_event_add(ev, NS, low, strlen(low), v.p, v.n);
    } else {
        (void)mm_event_add(ev, NS, k.p, k.n, v.p, v.n);
    }
    if (k.n == 4 && memcmp(k.p, "USER", 4) == 0) {
        mm_event_set(ev, MM_F_USER_TARGET_NAME, v.p, v.n);
        (void)mm_event_add(ev, NULL, AUTH_LIT("user.effective.name"), v.p, v.n);
    } else if (k.n == 7 && memcmp(k.p, "COMMAND", 7) == 0) {
        (void)mm_event_add(ev, NULL, AUTH_LIT("process.command_line"), v.p, v.n);
    } else if (k.n == 3 && memcmp(k.p, "PWD", 3) == 0) {
        (void)mm_event_add(ev, NULL, AUTH_LIT("process.working_directory"), v.p, v.n);
    }
}

/* A message segment ("3 incorrect password attempts"); what it says about the outcome. */
enum sudo_msg { MSG_NONE, MSG_AUTH_FAIL, MSG_NOT_ALLOWED, MSG_OTHER };

static enum sudo_msg sudo_msg(struct mm_event *ev, struct mm_str seg)
{
    mm_event_set(ev, MM_F_EVENT_REASON, seg.p, seg.n);
    struct cur c = {seg.p, seg.p + seg.n};
    struct mm_str n;
    if (cur_num(&c, &n) && cur_lit(&c, AUTH_LIT(" incorrect password attempt"))) {
        (void)mm_event_add(ev, NS, AUTH_LIT("attempts"), n.p, n.n);
        return MSG_AUTH_FAIL;
    }
    if (memmem(seg.p, seg.n, "NOT in sudoers", 14) != NULL ||
        memmem(seg.p, seg.n, "command not allowed", 19) != NULL ||
        memmem(seg.p, seg.n, "NOT authorized", 14) != NULL ||
        memmem(seg.p, seg.n, "a password is required", 22) != NULL) {
        return MSG_NOT_ALLOWED;
    }
    return MSG_OTHER;
}

static enum mm_parse_rc sudo_parse(struct mm_event *ev, const char *body, size_t len)
{
    struct cur c = {body, body + len};
    struct mm_str user, k;
    enum sudo_msg msg = MSG_NONE;
    int have_cmd = 0;

    while (cur_lit(&c, AUTH_LIT(" "))) {
    }
    if (!cur_until(&c, AUTH_LIT(" : "), &user) || memchr(user.p, ' ', user.n) != NULL) {
        /* not "user : ...": another sudo message ("(command continued)", warnings) */
        return auth_app_is(ev, sudo_apps) ? MM_PARSE_OK : MM_PARSE_NOMATCH;
    }
    mm_event_set(ev, MM_F_USER_NAME, user.p, user.n);
    while (cur_left(&c) > 0) {
        struct mm_str seg;
        if (seg_key(cur_rest(&c), &k) && k.n == 7 && memcmp(k.p, "COMMAND", 7) == 0) {
            seg = cur_rest(&c); /* the command runs to the end */
            c.p = c.end;
        } else if (!cur_until(&c, AUTH_LIT(" ; "), &seg)) {
            seg = cur_rest(&c);
            c.p = c.end;
        }
        if (seg.n == 0) {
            continue;
        }
        if (seg_key(seg, &k)) {
            struct mm_str v = {seg.p + k.n + 1, seg.n - k.n - 1};
            sudo_pair(ev, k, v);
            if (k.n == 7 && memcmp(k.p, "COMMAND", 7) == 0) {
                have_cmd = 1;
            }
        } else if (msg == MSG_NONE) {
            msg = sudo_msg(ev, seg);
        }
    }
    switch (msg) {
    case MSG_AUTH_FAIL:
        auth_set_ecs(ev, "sudo_auth_failure", "authentication", "info", "failure");
        break;
    case MSG_NOT_ALLOWED:
        auth_set_ecs(ev, "sudo_not_allowed", "authentication", "info", "failure");
        break;
    default:
        if (have_cmd) {
            auth_set_ecs(ev, "sudo_command", "process", "start",
                         msg == MSG_NONE ? "success" : NULL);
        }
        break;
    }
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_sudo = {"sudo", sudo_detect, sudo_parse};
