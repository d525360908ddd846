/*
 * pam.c - messages of Linux-PAM modules, whatever program logs them:
 *
 *   pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=
 * rhost=192.0.2.4  user=root pam_unix(sudo:session): session opened for user root(uid=0) by
 * alice(uid=1000) pam_unix(auth): ...      pam_unix: ...      (pam_unix) ...      appname
 * "sshd(pam_unix)"
 *
 * detect(): 95 for a body starting with "pam_<module>(" or "pam_<module>:" or
 * "(pam_", or an appname holding "(pam_" - above sshd.c and sudo.c (90),
 * which step aside for these bodies.
 *
 * Fields: service.name (the PAM service, else the program), user.name (user=,
 * else ruser=), source.ip from rhost= when it is an address (else the extra
 * source.domain), extras pam.module, pam.type and every key=value after "; "
 * as pam.<key>.  "session opened for user root by alice(uid=1000)": user.name
 * alice (who acts), user.target.name and the extra user.effective.name root,
 * pam.by alice; without a "by" name, user.name is the session's user.
 *
 * event.action values (event.category / event.type / event.outcome):
 *   authentication_failure  authentication / info / failure:
 *                           "authentication failure; ...", "auth could not identify
 *                           password for [U]", "conversation failed"
 *   user_unknown            authentication / info / failure: "check pass; user unknown"
 *   requirement_not_met     authentication / info / failure: pam_succeed_if
 *   tally                   authentication / info / failure: pam_tally2 "user U (N) tally N, deny
 * N" session_opened          session / start / success: "session opened for user U by X"
 *   session_closed          session / end / success: "session closed for user U"
 *   password_changed        iam / change / success: "password changed for U"
 */
#include "mimamori/parse.h"

#include <string.h>

#include "parse/auth_int.h"

#define NS "pam"

/* "pam_x(" / "pam_x:" / "(pam_" at the start of the body */
static int pam_prefix(const char *body, size_t len)
{
    if (len >= 5 && memcmp(body, "(pam_", 5) == 0) {
        return 1;
    }
    if (len < 6 || memcmp(body, "pam_", 4) != 0) {
        return 0;
    }
    for (size_t i = 4; i < len && i < 40; i++) {
        char ch = body[i];
        if (ch == '(' || ch == ':') {
            return 1;
        }
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) {
            return 0;
        }
    }
    return 0;
}

static int app_has_pam(const struct mm_event *ev)
{
    struct mm_str app = ev->f[MM_F_SYSLOG_APPNAME];
    return app.p != NULL && memmem(app.p, app.n, "(pam_", 5) != NULL;
}

static int pam_detect(const struct mm_event *ev, const char *body, size_t len)
{
    return pam_prefix(body, len) || app_has_pam(ev) ? 95 : 0;
}

/* "U" or "U(uid=N)": the name */
static struct mm_str strip_uid(struct mm_str u)
{
    const char *par = u.n > 0 ? memchr(u.p, '(', u.n) : NULL;
    if (par != NULL) {
        u.n = (uint32_t)(par - u.p);
    }
    return u;
}

static void set_user(struct mm_event *ev, struct mm_str u)
{
    u = strip_uid(u);
    if (u.n > 0) {
        mm_event_set(ev, MM_F_USER_NAME, u.p, u.n);
    }
}

/* p[0..n) without blanks around it */
static struct mm_str trimmed(const char *p, const char *e)
{
    while (p < e && *p == ' ') {
        p++;
    }
    while (e > p && e[-1] == ' ') {
        e--;
    }
    struct mm_str s = {p, (uint32_t)(e - p)};
    return s;
}

/*
 * "; logname=L uid=N euid=N tty=T ruser=R rhost=H  user=U" (pam_unix's fixed
 * order).  ruser and user come from the client and may hold spaces or look
 * like more pairs ("ruser=x rhost=10.0.0.1"), so the line is read by position:
 * user= runs to the end, rhost= is the last one before " user=", ruser= runs
 * to that rhost=.  The pairs before ruser= are read as key=value.
 */
static void pam_fields(struct mm_event *ev, const char *p, size_t n)
{
    const char *end = p + n;
    struct cur c = {p, end};
    struct mm_str user = {NULL, 0}, rhost = {NULL, 0}, ruser = {NULL, 0};
    const char *u = cur_find(&c, AUTH_LIT(" user="));
    const char *tail = end;
    if (u != NULL) {
        user = trimmed(u + 6, end);
        tail = u;
    }
    struct cur t = {p, tail};
    const char *rh = NULL, *f;
    while ((f = cur_find(&t, AUTH_LIT(" rhost="))) != NULL) {
        rh = f;
        t.p = f + 1;
    }
    const char *head_end = tail;
    if (rh != NULL) {
        rhost = trimmed(rh + 7, tail);
        head_end = rh;
    }
    struct cur h = {p, head_end};
    const char *ru = cur_find(&h, AUTH_LIT("ruser="));
    if (ru != NULL) {
        ruser = trimmed(ru + 6, head_end);
        head_end = ru;
    }
    size_t nkv = mm_kv_parse(ev, NS, p, (size_t)(head_end - p), '\0');
    (void)nkv;
    if (ru != NULL) {
        (void)mm_event_add(ev, NS, AUTH_LIT("ruser"), ruser.p, ruser.n);
    }
    if (rh != NULL) {
        (void)mm_event_add(ev, NS, AUTH_LIT("rhost"), rhost.p, rhost.n);
        if (rhost.n > 0) {
            auth_set_ip(ev, rhost.p, rhost.n);
        }
    }
    if (u != NULL) {
        (void)mm_event_add(ev, NS, AUTH_LIT("user"), user.p, user.n);
    }
    if (user.n > 0) {
        mm_event_set(ev, MM_F_USER_NAME, user.p, user.n);
    } else if (ruser.n > 0) {
        mm_event_set(ev, MM_F_USER_NAME, ruser.p, ruser.n);
    }
}

/* The message after the module prefix. */
static void pam_message(struct mm_event *ev, struct cur *c)
{
    struct mm_str u;
    if (cur_lit(c, AUTH_LIT("authentication failure"))) {
        if (cur_lit(c, AUTH_LIT(";"))) {
            pam_fields(ev, c->p, cur_left(c));
        }
        auth_set_ecs(ev, "authentication_failure", "authentication", "info", "failure");
        return;
    }
    if (cur_lit(c, AUTH_LIT("check pass; user unknown"))) {
        auth_set_ecs(ev, "user_unknown", "authentication", "info", "failure");
        return;
    }
    if (cur_lit(c, AUTH_LIT("session opened for user "))) {
        struct cur t = *c;
        struct mm_str by = {NULL, 0};
        if (cur_until(&t, AUTH_LIT(" by "), &u)) {
            by = strip_uid(cur_rest(&t));
        } else {
            u = cur_rest(c);
        }
        u = strip_uid(u);
        if (by.n > 0) {
            /* "for user root by alice(uid=1000)": alice acts as root */
            (void)mm_event_add(ev, NS, AUTH_LIT("by"), by.p, by.n);
            mm_event_set(ev, MM_F_USER_NAME, by.p, by.n);
            if (u.n > 0) {
                mm_event_set(ev, MM_F_USER_TARGET_NAME, u.p, u.n);
                (void)mm_event_add(ev, NULL, AUTH_LIT("user.effective.name"), u.p, u.n);
            }
        } else {
            set_user(ev, u);
        }
        auth_set_ecs(ev, "session_opened", "session", "start", "success");
        return;
    }
    if (cur_lit(c, AUTH_LIT("session closed for user "))) {
        set_user(ev, cur_rest(c));
        auth_set_ecs(ev, "session_closed", "session", "end", "success");
        return;
    }
    if (cur_lit(c, AUTH_LIT("password changed for "))) {
        set_user(ev, cur_rest(c));
        auth_set_ecs(ev, "password_changed", "iam", "change", "success");
        return;
    }
    if (cur_lit(c, AUTH_LIT("requirement "))) {
        /* requirement "uid >= 1000" not met by user "root" */
        const char *by = cur_find(c, AUTH_LIT(" not met by user "));
        if (by != NULL) {
            struct cur t = {by + 17, c->end};
            u = cur_rest(&t);
            if (u.n >= 2 && u.p[0] == '"' && u.p[u.n - 1] == '"') {
                u.p++;
                u.n -= 2;
            }
            set_user(ev, u);
        }
        auth_set_ecs(ev, "requirement_not_met", "authentication", "info", "failure");
        return;
    }
    if (cur_lit(c, AUTH_LIT("auth could not identify password for "))) {
        u = cur_rest(c);
        if (u.n >= 2 && u.p[0] == '[' && u.p[u.n - 1] == ']') {
            u.p++;
            u.n -= 2;
        }
        set_user(ev, u);
        auth_set_ecs(ev, "authentication_failure", "authentication", "info", "failure");
        return;
    }
    if (cur_lit(c, AUTH_LIT("conversation failed"))) {
        auth_set_ecs(ev, "authentication_failure", "authentication", "info", "failure");
        return;
    }
    if (cur_lit(c, AUTH_LIT("user ")) && cur_find(c, AUTH_LIT(" tally ")) != NULL) {
        /* pam_tally2: "user U (N) tally N, deny N" */
        if (cur_word(c, &u)) {
            set_user(ev, u);
        }
        auth_set_ecs(ev, "tally", "authentication", "info", "failure");
        return;
    }
}

static enum mm_parse_rc pam_parse(struct mm_event *ev, const char *body, size_t len)
{
    struct cur c = {body, body + len};
    struct mm_str module = {NULL, 0}, svc = {NULL, 0}, type = {NULL, 0}, inside;
    struct mm_str app = ev->f[MM_F_SYSLOG_APPNAME];

    if (cur_lit(&c, AUTH_LIT("("))) {
        /* "(pam_unix) msg" or "(pam_unix)[123]: msg" */
        if (!cur_until(&c, AUTH_LIT(")"), &module)) {
            return MM_PARSE_NOMATCH;
        }
        if (cur_lit(&c, AUTH_LIT("["))) {
            struct mm_str pid;
            if (!cur_until(&c, AUTH_LIT("]"), &pid)) {
                return MM_PARSE_MALFORMED;
            }
            cur_lit(&c, AUTH_LIT(":"));
        }
        cur_lit(&c, AUTH_LIT(" "));
    } else if (pam_prefix(body, len)) {
        const char *e = c.p + 4;
        while (e < c.end && *e != '(' && *e != ':') {
            e++;
        }
        module.p = c.p;
        module.n = (uint32_t)(e - c.p);
        c.p = e;
        if (cur_lit(&c, AUTH_LIT("("))) {
            /* "(service:type)" or "(type)" */
            if (!cur_until(&c, AUTH_LIT(")"), &inside)) {
                return MM_PARSE_MALFORMED;
            }
            const char *colon = memchr(inside.p, ':', inside.n);
            if (colon != NULL) {
                svc.p = inside.p;
                svc.n = (uint32_t)(colon - inside.p);
                type.p = colon + 1;
                type.n = (uint32_t)(inside.p + inside.n - colon - 1);
            } else {
                type = inside;
            }
        }
        cur_lit(&c, AUTH_LIT(":"));
        cur_lit(&c, AUTH_LIT(" "));
    } else if (app_has_pam(ev)) {
        /* appname "sshd(pam_unix)": the body is the message */
        const char *par = memchr(app.p, '(', app.n);
        svc.p = app.p;
        svc.n = (uint32_t)(par - app.p);
        module.p = par + 1;
        module.n = (uint32_t)(app.p + app.n - par - 1);
        if (module.n > 0 && module.p[module.n - 1] == ')') {
            module.n--;
        }
    } else {
        return MM_PARSE_NOMATCH;
    }

    if (svc.n == 0 && app.p != NULL) {
        svc = app; /* "sudo: pam_unix(auth): ..." or "(pam_unix)": the program */
    }
    if (svc.n > 0) {
        mm_event_set(ev, MM_F_SERVICE_NAME, svc.p, svc.n);
    }
    if (module.n > 0) {
        (void)mm_event_add(ev, NS, AUTH_LIT("module"), module.p, module.n);
    }
    if (type.n > 0) {
        (void)mm_event_add(ev, NS, AUTH_LIT("type"), type.p, type.n);
    }
    pam_message(ev, &c);
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_pam = {"pam", pam_detect, pam_parse};
