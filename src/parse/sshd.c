/*
 * sshd.c - OpenSSH sshd (also sshd-session, sshd-auth) and Dropbear messages.
 *
 * detect(): the syslog appname is sshd, sshd-session, sshd-auth or dropbear
 * (90), or, for lines without a usable header, the body starts like a known
 * sshd/dropbear message (60).  Bodies of PAM modules ("pam_unix(sshd:auth):")
 * are left to pam.c.  parse() takes every body of those programs; the ones
 * listed below are mapped to ECS, others keep only the header fields.
 *
 * event.action values (event.category / event.type / event.outcome):
 *   ssh_login            authentication / start (success) or info (failure)
 *                        "Accepted|Failed <method> for [invalid user] U from A port P",
 *                        "error: PAM: Authentication failure for U from H",
 *                        dropbear "Bad password attempt", "Password auth succeeded"
 *   invalid_user         authentication / info / failure: "Invalid user U from A",
 *                        "input_userauth_request: invalid user U", dropbear
 *                        "Login attempt for nonexistent user"
 *   user_not_allowed     authentication / info / failure: "User U from A not allowed
 *                        because ...", "ROOT LOGIN REFUSED FROM A"
 *   max_auth_attempts    authentication / info / failure: "maximum authentication
 *                        attempts exceeded", "Too many authentication failures",
 *                        "PAM N more authentication failures", dropbear "Max auth tries"
 *   connection_closed    network / end: "Connection closed by [... user U] A port P"
 *   connection_reset     network / end: "Connection reset by ..."
 *   disconnect           network / end: "Disconnected from ...", "Received disconnect
 *                        from A: N: reason", "Disconnecting ...", dropbear "Exit ..."
 *   no_identification    network / info / failure: "Did not receive identification string"
 *   bad_protocol         network / info / failure: "Bad protocol version identification",
 *                        "banner exchange: ... invalid format", "kex_exchange_identification"
 *   negotiation_failed   network / info / failure: "Unable to negotiate with A"
 *   auth_timeout         network / info / failure: "Timeout before authentication for A"
 *   reverse_mapping_failed  network / info: "reverse mapping checking getaddrinfo for H
 *                        [A] failed", "Address A maps to H, but this does not map back"
 *   connection           network / start: "Connection from A port P on B port Q",
 *                        dropbear "Child connection from A:P"
 *   connection_refused   network / denied / failure: tcp_wrappers "refused connect from H (A)"
 *   connection_dropped   network / denied / failure: "drop connection #N from [A]:P ... penalty"
 *   session_closed       session / end: "Close session: user U from A port P"
 *   subsystem            session / start: "subsystem request for S by user U"
 * Outcome of connection_closed/reset and disconnect: "failure" when [preauth]
 * or the user was still authenticating/invalid; otherwise unset.
 *
 * Extras (ns "sshd"): auth_method, key_type, key_fingerprint, disconnect_code,
 * invalid_user ("true"), repeated (the "message repeated N times" count).
 * A host name where an address was expected becomes the extra source.domain.
 */
#include "mimamori/parse.h"

#include <string.h>

#include "parse/auth_int.h"

#define NS "sshd"

static const char *const sshd_apps[] = {"sshd", "sshd-session", "sshd-auth", "dropbear", NULL};

/* Body prefixes that are sshd's or dropbear's even without a header. */
static const struct {
    const char *s;
    uint8_t n;
} signatures[] = {
/* clang-format off */
#define S(x) {x, sizeof(x) - 1}
    /* clang-format on */
    S("Failed password for "),
    S("Failed publickey for "),
    S("Failed none for "),
    S("Failed keyboard-interactive"),
    S("Accepted password for "),
    S("Accepted publickey for "),
    S("Accepted keyboard-interactive"),
    S("Invalid user "),
    S("Connection closed by "),
    S("Connection reset by "),
    S("Disconnected from "),
    S("Received disconnect from "),
    S("Did not receive identification string"),
    S("PAM: "),
    S("Unable to negotiate with "),
    S("Bad protocol version identification"),
    S("ROOT LOGIN REFUSED FROM "),
    S("Bad password attempt for '"),
    S("Bad PAM password attempt for '"),
    S("Login attempt for nonexistent user"),
    S("Exit before auth"),
    S("reverse mapping checking getaddrinfo"),
    S("input_userauth_request: invalid user"),
    S("maximum authentication attempts exceeded"),
#undef S
};

static int body_is_pam(const char *body, size_t len)
{
    return (len >= 4 && memcmp(body, "pam_", 4) == 0) ||
           (len >= 5 && memcmp(body, "(pam_", 5) == 0);
}

/* Strip what comes before the message proper: "error: ", "[ID n fac.lvl] ", dropbear's "[pid] date
 * ". */
static void strip_prefixes(struct cur *c)
{
    for (int i = 0; i < 3; i++) {
        while (cur_lit(c, AUTH_LIT(" "))) {
        }
        if (cur_lit(c, AUTH_LIT("error: ")) || cur_lit(c, AUTH_LIT("fatal: "))) {
            continue;
        }
        if (cur_left(c) > 4 && c->p[0] == '[') {
            /* "[ID 800047 auth.info] " (Solaris) or "[825] Jul 10 23:53:52 " (dropbear) */
            const char *e = memchr(c->p, ']', cur_left(c) > 40 ? 40 : cur_left(c));
            if (e != NULL && e + 1 < c->end && e[1] == ' ') {
                struct cur t = {e + 2, c->end};
                if (c->p[1] >= '0' && c->p[1] <= '9' && cur_left(&t) > 16 && t.p[3] == ' ' &&
                    t.p[15] == ' ') {
                    t.p += 16; /* "Mmm dd hh:mm:ss " */
                }
                *c = t;
                continue;
            }
        }
        break;
    }
}

static int sshd_detect(const struct mm_event *ev, const char *body, size_t len)
{
    if (body_is_pam(body, len)) {
        return 0;
    }
    if (auth_app_is(ev, sshd_apps)) {
        return 90;
    }
    struct cur c = {body, body + len};
    strip_prefixes(&c); /* "error: ", "[ID 800047 auth.info] " */
    body = c.p;
    len = cur_left(&c);
    if (len < 10) {
        return 0;
    }
    char first = body[0];
    for (size_t i = 0; i < sizeof(signatures) / sizeof(signatures[0]); i++) {
        if (signatures[i].s[0] == first && len >= signatures[i].n &&
            memcmp(body, signatures[i].s, signatures[i].n) == 0) {
            return 60;
        }
    }
    /* "Failed <method> for U from A", "User U from A not allowed because R" */
    if ((first == 'F' && cur_lit(&c, AUTH_LIT("Failed ")) && cur_find(&c, AUTH_LIT(" for ")) &&
         cur_find(&c, AUTH_LIT(" from "))) ||
        (first == 'U' && cur_lit(&c, AUTH_LIT("User ")) &&
         cur_find(&c, AUTH_LIT(" not allowed because ")))) {
        return 60;
    }
    /* dropbear writes some of them in lower case */
    if (cur_ilit(&c, AUTH_LIT("bad password attempt for '")) ||
        cur_ilit(&c, AUTH_LIT("login attempt for nonexistent user"))) {
        return 60;
    }
    return 0;
}

/* ---- pieces ---- */

static void set_user(struct mm_event *ev, struct mm_str u)
{
    if (u.n > 0) {
        mm_event_set(ev, MM_F_USER_NAME, u.p, u.n);
    }
}

/* The user as sent, even empty ("Invalid user  from A": a client sent no name). */
static void set_user_as_sent(struct mm_event *ev, struct mm_str u)
{
    if (u.p != NULL) {
        mm_event_set(ev, MM_F_USER_NAME, u.p, u.n);
    }
}

/* "A[:]" then optional " port P" and an optional ':' */
static int addr_port(struct mm_event *ev, struct cur *c)
{
    struct mm_str a, port;
    if (!cur_word(c, &a)) {
        return 0;
    }
    while (a.n > 0 && (a.p[a.n - 1] == ':' || a.p[a.n - 1] == ',')) {
        a.n--;
    }
    auth_set_ip(ev, a.p, a.n);
    if (cur_lit(c, AUTH_LIT(" port ")) && cur_num(c, &port)) {
        mm_event_set(ev, MM_F_SOURCE_PORT, port.p, port.n);
    }
    return 1;
}

/*
 * "U A port P" or "U A" (the user may hold spaces: the address is the last
 * word before " port ", or the last word).
 */
static void user_addr_port(struct mm_event *ev, struct cur *c)
{
    struct mm_str ua, port;
    struct cur t = *c;
    if (cur_until_last(&t, AUTH_LIT(" port "), &ua) && cur_num(&t, &port)) {
        mm_event_set(ev, MM_F_SOURCE_PORT, port.p, port.n);
        c->p = t.p;
    } else {
        ua = cur_rest(c);
        const char *colon = ua.n > 0 && ua.p[ua.n - 1] == ':' ? ua.p + ua.n - 1 : NULL;
        if (colon != NULL) {
            ua.n--;
        }
        c->p = c->end;
    }
    const char *sp = ua.n > 0 ? memrchr(ua.p, ' ', ua.n) : NULL;
    if (sp == NULL) {
        auth_set_ip(ev, ua.p, ua.n);
        return;
    }
    struct mm_str u = {ua.p, (uint32_t)(sp - ua.p)};
    set_user_as_sent(ev, u);
    auth_set_ip(ev, sp + 1, (size_t)(ua.p + ua.n - sp - 1));
}

/* "[authenticating |invalid ]user U A port P" or "A port P"; 1 when a user kind was seen */
static int who(struct mm_event *ev, struct cur *c, int *invalid)
{
    int bad = 0;
    *invalid = 0;
    if (cur_lit(c, AUTH_LIT("authenticating user "))) {
        bad = 1;
    } else if (cur_lit(c, AUTH_LIT("invalid user "))) {
        bad = 1;
        *invalid = 1;
    } else if (!cur_lit(c, AUTH_LIT("user "))) {
        addr_port(ev, c);
        return 0;
    }
    user_addr_port(ev, c);
    return bad ? 1 : 2;
}

static void set_invalid(struct mm_event *ev)
{
    (void)mm_event_add(ev, NS, AUTH_LIT("invalid_user"), AUTH_LIT("true"));
}

/* ": KEYTYPE FINGERPRINT" after "ssh2" */
static void key_info(struct mm_event *ev, struct cur *c)
{
    struct mm_str kt, fp;
    if (cur_lit(c, AUTH_LIT(": ")) && cur_word(c, &kt) && cur_lit(c, AUTH_LIT(" ")) &&
        cur_word(c, &fp)) {
        (void)mm_event_add(ev, NS, AUTH_LIT("key_type"), kt.p, kt.n);
        (void)mm_event_add(ev, NS, AUTH_LIT("key_fingerprint"), fp.p, fp.n);
    }
}

/* ---- messages ---- */

/* "Accepted|Failed <method> for [invalid user ]U from A port P ssh2[: KT FP]" */
static int login(struct mm_event *ev, struct cur *c, int ok)
{
    struct mm_str method, user;
    if (!cur_until(c, AUTH_LIT(" for "), &method)) {
        return 0;
    }
    if (cur_lit(c, AUTH_LIT("invalid user "))) {
        set_invalid(ev);
    } else if (cur_lit(c, AUTH_LIT("illegal user "))) {
        set_invalid(ev);
    }
    /*
     * The user name is the client's and may hold " from "; so may the text
     * after "ssh2:".  The peer is the last " from A port P ssh" there is.
     */
    const char *from = NULL, *f;
    struct cur t = *c;
    while ((f = cur_find(&t, AUTH_LIT(" from "))) != NULL) {
        struct cur a = {f + 6, c->end};
        struct mm_str w, port;
        if (f > c->p && cur_word(&a, &w) && auth_ipish(w.p, w.n) &&
            cur_lit(&a, AUTH_LIT(" port ")) && cur_num(&a, &port) &&
            cur_lit(&a, AUTH_LIT(" ssh"))) {
            from = f;
        }
        t.p = f + 1;
    }
    if (from != NULL) {
        user.p = c->p;
        user.n = (uint32_t)(from - c->p);
        c->p = from + 6;
    } else if (!cur_until_last(c, AUTH_LIT(" from "), &user)) {
        return 0;
    }
    set_user(ev, user);
    addr_port(ev, c);
    if (cur_lit(c, AUTH_LIT(" ssh2")) || cur_lit(c, AUTH_LIT(" ssh1"))) {
        key_info(ev, c);
    }
    (void)mm_event_add(ev, NS, AUTH_LIT("auth_method"), method.p, method.n);
    if (ok) {
        auth_set_ecs(ev, "ssh_login", "authentication", "start", "success");
    } else {
        auth_set_ecs(ev, "ssh_login", "authentication", "info", "failure");
    }
    return 1;
}

/* after "error: PAM: ": "<reason> for [illegal user |invalid user ]U from H" */
static int pam_error(struct mm_event *ev, struct cur *c)
{
    struct mm_str reason, user, host;
    if (!cur_until(c, AUTH_LIT(" for "), &reason)) {
        return 0;
    }
    if (cur_lit(c, AUTH_LIT("illegal user ")) || cur_lit(c, AUTH_LIT("invalid user "))) {
        set_invalid(ev);
    }
    if (!cur_until_last(c, AUTH_LIT(" from "), &user)) {
        return 0;
    }
    set_user(ev, user);
    if (cur_word(c, &host)) { /* "from H via B": B is the BSM proxy on macOS */
        auth_set_ip(ev, host.p, host.n);
    }
    mm_event_set(ev, MM_F_EVENT_REASON, reason.p, reason.n);
    (void)mm_event_add(ev, NS, AUTH_LIT("auth_method"), AUTH_LIT("pam"));
    auth_set_ecs(ev, "ssh_login", "authentication", "info", "failure");
    return 1;
}

/* "Received disconnect from A[ port P]:[ ]N: reason" */
static int received_disconnect(struct mm_event *ev, struct cur *c, int preauth)
{
    struct mm_str code;
    addr_port(ev, c);
    cur_lit(c, AUTH_LIT(":"));
    cur_lit(c, AUTH_LIT(" "));
    if (cur_num(c, &code)) {
        (void)mm_event_add(ev, NS, AUTH_LIT("disconnect_code"), code.p, code.n);
        if (cur_lit(c, AUTH_LIT(": "))) {
            struct mm_str r = cur_rest(c);
            if (r.n > 0) {
                mm_event_set(ev, MM_F_EVENT_REASON, r.p, r.n);
            }
        }
    }
    auth_set_ecs(ev, "disconnect", "network", "end", preauth ? "failure" : NULL);
    return 1;
}

/* dropbear "... for 'U' from A:P" */
static void dropbear_user_from(struct mm_event *ev, struct cur *c)
{
    struct mm_str user, addr;
    if (cur_lit(c, AUTH_LIT("'")) && cur_until(c, AUTH_LIT("'"), &user)) {
        set_user(ev, user);
    }
    struct cur t = *c;
    if (cur_until_last(&t, AUTH_LIT("from "), &addr) || cur_lit(&t, AUTH_LIT("from "))) {
        struct mm_str a;
        if (cur_word(&t, &a)) {
            auth_set_ip_colon_port(ev, a.p, a.n);
        }
    }
}

/* dropbear "Exit before auth from <A:P>: (user 'U', N fails): reason" and friends */
static int dropbear_exit(struct mm_event *ev, struct cur *c)
{
    struct mm_str a, user;
    if (cur_lit(c, AUTH_LIT(" before auth"))) {
        if (cur_lit(c, AUTH_LIT(" from <")) && cur_until(c, AUTH_LIT(">"), &a)) {
            auth_set_ip_colon_port(ev, a.p, a.n);
        }
        const char *u = cur_find(c, AUTH_LIT("(user '"));
        if (u != NULL) {
            struct cur t = {u + 7, c->end};
            if (cur_until(&t, AUTH_LIT("'"), &user)) {
                set_user(ev, user);
            }
        }
        if (cur_find(c, AUTH_LIT("Max auth tries reached")) != NULL) {
            const char *f = cur_find(c, AUTH_LIT(" from "));
            if (f != NULL && ev->f[MM_F_SOURCE_IP].p == NULL) {
                struct cur t = {f + 6, c->end};
                if (cur_word(&t, &a)) {
                    auth_set_ip_colon_port(ev, a.p, a.n);
                }
            }
            auth_set_ecs(ev, "max_auth_attempts", "authentication", "info", "failure");
        } else {
            auth_set_ecs(ev, "disconnect", "network", "end", "failure");
        }
        return 1;
    }
    /* "Exit (U): reason" / "Exit (U) from <A:P>: reason" */
    if (cur_lit(c, AUTH_LIT(" (")) && cur_until(c, AUTH_LIT(")"), &user)) {
        set_user(ev, user);
        if (cur_lit(c, AUTH_LIT(" from <")) && cur_until(c, AUTH_LIT(">"), &a)) {
            auth_set_ip_colon_port(ev, a.p, a.n);
        }
        auth_set_ecs(ev, "disconnect", "network", "end", NULL);
        return 1;
    }
    return 0;
}

/* "PAM N more authentication failures; logname= ... rhost=H  user=U" */
static int pam_more(struct mm_event *ev, struct cur *c)
{
    struct mm_str v;
    const char *r = cur_find(c, AUTH_LIT("rhost="));
    if (r != NULL) {
        struct cur t = {r + 6, c->end};
        if (cur_word(&t, &v)) {
            auth_set_ip(ev, v.p, v.n);
        }
    }
    const char *u = cur_find(c, AUTH_LIT(" user="));
    if (u != NULL) {
        struct cur t = {u + 6, c->end};
        if (cur_word(&t, &v)) {
            set_user(ev, v);
        }
    }
    auth_set_ecs(ev, "max_auth_attempts", "authentication", "info", "failure");
    return 1;
}

/* Recognise one message; 0 when it is not one of the mapped ones. */
static int sshd_message(struct mm_event *ev, struct cur *c)
{
    struct mm_str u, a, r;
    int invalid;
    int preauth = cur_chop(c, AUTH_LIT(" [preauth]"));
    if (cur_left(c) == 0) {
        return 0;
    }
    switch (c->p[0]) {
    case 'A':
        if (cur_lit(c, AUTH_LIT("Accepted "))) {
            return login(ev, c, 1);
        }
        if (cur_lit(c, AUTH_LIT("Address "))) {
            /* "Address A maps to H, but this does not map back to the address" */
            if (cur_until(c, AUTH_LIT(" maps to "), &a) && cur_until(c, AUTH_LIT(", "), &r)) {
                auth_set_ip(ev, a.p, a.n);
                (void)mm_event_add(ev, NULL, AUTH_LIT("source.domain"), r.p, r.n);
                auth_set_ecs(ev, "reverse_mapping_failed", "network", "info", NULL);
                return 1;
            }
        }
        return 0;
    case 'F':
        if (cur_lit(c, AUTH_LIT("Failed "))) {
            return login(ev, c, 0);
        }
        return 0;
    case 'I':
    case 'i':
        if (cur_lit(c, AUTH_LIT("Invalid user ")) || cur_lit(c, AUTH_LIT("Illegal user "))) {
            /* "Invalid user U from A[ port P]"; the user may be empty or hold spaces */
            if (cur_lit(c, AUTH_LIT("from "))) {
                addr_port(ev, c);
            } else if (cur_lit(c, AUTH_LIT(" from "))) {
                struct mm_str empty = {c->p, 0};
                set_user_as_sent(ev, empty);
                addr_port(ev, c);
            } else if (cur_until_last(c, AUTH_LIT(" from "), &u)) {
                set_user(ev, u);
                addr_port(ev, c);
            } else {
                set_user(ev, cur_rest(c));
            }
            auth_set_ecs(ev, "invalid_user", "authentication", "info", "failure");
            return 1;
        }
        if (cur_lit(c, AUTH_LIT("input_userauth_request: invalid user ")) ||
            cur_lit(c, AUTH_LIT("input_userauth_request: illegal user "))) {
            set_user(ev, cur_rest(c));
            auth_set_ecs(ev, "invalid_user", "authentication", "info", "failure");
            return 1;
        }
        return 0;
    case 'C':
        if (cur_lit(c, AUTH_LIT("Connection closed by ")) ||
            cur_lit(c, AUTH_LIT("Connection reset by "))) {
            int reset = memcmp(c->p - 9, "reset by ", 9) == 0;
            int bad = who(ev, c, &invalid);
            if (invalid) {
                set_invalid(ev);
            }
            auth_set_ecs(ev, reset ? "connection_reset" : "connection_closed", "network", "end",
                         preauth || bad == 1 ? "failure" : NULL);
            return 1;
        }
        if (cur_lit(c, AUTH_LIT("Connection from "))) {
            /* "Connection from A port P on B port Q" */
            addr_port(ev, c);
            if (cur_lit(c, AUTH_LIT(" on ")) && cur_word(c, &a)) {
                struct mm_str port;
                mm_event_set(ev, MM_F_DESTINATION_IP, a.p, a.n);
                if (cur_lit(c, AUTH_LIT(" port ")) && cur_num(c, &port)) {
                    mm_event_set(ev, MM_F_DESTINATION_PORT, port.p, port.n);
                }
            }
            auth_set_ecs(ev, "connection", "network", "start", NULL);
            return 1;
        }
        if (cur_lit(c, AUTH_LIT("Close session: user ")) &&
            cur_until_last(c, AUTH_LIT(" from "), &u)) {
            set_user(ev, u);
            addr_port(ev, c);
            auth_set_ecs(ev, "session_closed", "session", "end", NULL);
            return 1;
        }
        if (cur_lit(c, AUTH_LIT("Child connection from ")) && cur_word(c, &a)) {
            auth_set_ip_colon_port(ev, a.p, a.n);
            auth_set_ecs(ev, "connection", "network", "start", NULL);
            return 1;
        }
        return 0;
    case 'D':
        if (cur_lit(c, AUTH_LIT("Disconnected from "))) {
            int bad = who(ev, c, &invalid);
            if (invalid) {
                set_invalid(ev);
            }
            auth_set_ecs(ev, "disconnect", "network", "end",
                         preauth || bad == 1 ? "failure" : NULL);
            return 1;
        }
        if (cur_lit(c, AUTH_LIT("Did not receive identification string from "))) {
            addr_port(ev, c);
            auth_set_ecs(ev, "no_identification", "network", "info", "failure");
            return 1;
        }
        if (cur_lit(c, AUTH_LIT("Disconnecting: Too many authentication failures"))) {
            if (cur_lit(c, AUTH_LIT(" for ")) || cur_lit(c, AUTH_LIT(" for invalid user "))) {
                set_user(ev, cur_rest(c));
            }
            auth_set_ecs(ev, "max_auth_attempts", "authentication", "info", "failure");
            return 1;
        }
        if (cur_lit(c, AUTH_LIT("Disconnecting "))) {
            /* "Disconnecting (authenticating|invalid) user U A port P: reason" */
            struct cur t = *c;
            const char *colon = cur_find(c, AUTH_LIT(": "));
            if (colon != NULL) {
                t.end = colon;
                r.p = colon + 2;
                r.n = (uint32_t)(c->end - colon - 2);
                mm_event_set(ev, MM_F_EVENT_REASON, r.p, r.n);
            }
            who(ev, &t, &invalid);
            if (invalid) {
                set_invalid(ev);
            }
            if (colon != NULL && memmem(r.p, r.n, AUTH_LIT("Too many authentication")) != NULL) {
                auth_set_ecs(ev, "max_auth_attempts", "authentication", "info", "failure");
            } else {
                auth_set_ecs(ev, "disconnect", "network", "end", "failure");
            }
            return 1;
        }
        return 0;
    case 'R':
        if (cur_lit(c, AUTH_LIT("Received disconnect from "))) {
            return received_disconnect(ev, c, preauth);
        }
        if (cur_lit(c, AUTH_LIT("ROOT LOGIN REFUSED FROM "))) {
            addr_port(ev, c);
            AUTH_SET(ev, MM_F_USER_NAME, "root");
            auth_set_ecs(ev, "user_not_allowed", "authentication", "info", "failure");
            return 1;
        }
        return 0;
    case 'U':
        if (cur_lit(c, AUTH_LIT("User "))) {
            /* "User U from A not allowed because R" / "User U not allowed because R" */
            struct cur t = *c;
            if (cur_until(&t, AUTH_LIT(" not allowed because "), &u)) {
                r = cur_rest(&t);
                mm_event_set(ev, MM_F_EVENT_REASON, r.p, r.n);
                struct cur t2 = {u.p, u.p + u.n};
                struct mm_str user;
                if (cur_until_last(&t2, AUTH_LIT(" from "), &user)) {
                    set_user(ev, user);
                    addr_port(ev, &t2);
                } else {
                    set_user(ev, u);
                }
                auth_set_ecs(ev, "user_not_allowed", "authentication", "info", "failure");
                return 1;
            }
            return 0;
        }
        if (cur_lit(c, AUTH_LIT("Unable to negotiate with "))) {
            addr_port(ev, c);
            if (cur_lit(c, AUTH_LIT(": "))) {
                r = cur_rest(c);
                mm_event_set(ev, MM_F_EVENT_REASON, r.p, r.n);
            }
            auth_set_ecs(ev, "negotiation_failed", "network", "info", "failure");
            return 1;
        }
        return 0;
    case 'T':
        if (cur_lit(c, AUTH_LIT("Timeout before authentication for "))) {
            cur_lit(c, AUTH_LIT("connection from "));
            addr_port(ev, c);
            auth_set_ecs(ev, "auth_timeout", "network", "info", "failure");
            return 1;
        }
        return 0;
    case 'B':
    case 'b':
        if (cur_lit(c, AUTH_LIT("Bad protocol version identification "))) {
            if (cur_until_last(c, AUTH_LIT(" from "), &r)) {
                addr_port(ev, c);
            }
            auth_set_ecs(ev, "bad_protocol", "network", "info", "failure");
            return 1;
        }
        if (cur_lit(c, AUTH_LIT("banner exchange: Connection from "))) {
            addr_port(ev, c);
            auth_set_ecs(ev, "bad_protocol", "network", "info", "failure");
            return 1;
        }
        if (cur_ilit(c, AUTH_LIT("Bad password attempt for ")) ||
            cur_ilit(c, AUTH_LIT("Bad PAM password attempt for "))) {
            dropbear_user_from(ev, c);
            (void)mm_event_add(ev, NS, AUTH_LIT("auth_method"), AUTH_LIT("password"));
            auth_set_ecs(ev, "ssh_login", "authentication", "info", "failure");
            return 1;
        }
        return 0;
    case 'L':
    case 'l':
        if (cur_ilit(c, AUTH_LIT("Login attempt for nonexistent user"))) {
            cur_lit(c, AUTH_LIT(" "));
            dropbear_user_from(ev, c);
            auth_set_ecs(ev, "invalid_user", "authentication", "info", "failure");
            return 1;
        }
        return 0;
    case 'P':
        if (cur_lit(c, AUTH_LIT("Password auth succeeded for ")) ||
            cur_lit(c, AUTH_LIT("Pubkey auth succeeded for "))) {
            dropbear_user_from(ev, c);
            auth_set_ecs(ev, "ssh_login", "authentication", "start", "success");
            return 1;
        }
        if (cur_lit(c, AUTH_LIT("PAM: "))) {
            return pam_error(ev, c);
        }
        if (cur_lit(c, AUTH_LIT("PAM ")) && cur_find(c, AUTH_LIT(" more authentication failure"))) {
            return pam_more(ev, c);
        }
        return 0;
    case 'E':
        if (cur_lit(c, AUTH_LIT("Exit"))) {
            return dropbear_exit(ev, c);
        }
        return 0;
    case 'm':
        if (cur_lit(c, AUTH_LIT("maximum authentication attempts exceeded for "))) {
            if (cur_lit(c, AUTH_LIT("invalid user "))) {
                set_invalid(ev);
            }
            if (cur_until_last(c, AUTH_LIT(" from "), &u)) {
                set_user(ev, u);
                addr_port(ev, c);
            }
            auth_set_ecs(ev, "max_auth_attempts", "authentication", "info", "failure");
            return 1;
        }
        return 0;
    case 'r':
        if (cur_lit(c, AUTH_LIT("reverse mapping checking getaddrinfo for "))) {
            /* "... for H [A] failed - POSSIBLE BREAK-IN ATTEMPT!" */
            if (cur_until(c, AUTH_LIT(" ["), &r) && cur_until(c, AUTH_LIT("]"), &a)) {
                (void)mm_event_add(ev, NULL, AUTH_LIT("source.domain"), r.p, r.n);
                auth_set_ip(ev, a.p, a.n);
            }
            auth_set_ecs(ev, "reverse_mapping_failed", "network", "info", NULL);
            return 1;
        }
        if (cur_lit(c, AUTH_LIT("refused connect from "))) {
            /* tcp_wrappers: "refused connect from H (A)" */
            struct mm_str h;
            if (cur_until(c, AUTH_LIT(" ("), &h) && cur_until(c, AUTH_LIT(")"), &a)) {
                auth_set_ip(ev, a.p, a.n);
            } else {
                h = cur_rest(c);
                auth_set_ip(ev, h.p, h.n);
            }
            auth_set_ecs(ev, "connection_refused", "network", "denied", "failure");
            return 1;
        }
        return 0;
    case 's':
        if (cur_lit(c, AUTH_LIT("ssh_dispatch_run_fatal: Connection from "))) {
            /* "... from [authenticating user U ]A port P: reason" */
            struct cur t = *c;
            const char *colon = cur_find(c, AUTH_LIT(": "));
            if (colon != NULL) {
                t.end = colon;
                mm_event_set(ev, MM_F_EVENT_REASON, colon + 2, (size_t)(c->end - colon - 2));
            }
            int bad = who(ev, &t, &invalid);
            if (invalid) {
                set_invalid(ev);
            }
            auth_set_ecs(ev, "disconnect", "network", "end",
                         preauth || bad == 1 ? "failure" : NULL);
            return 1;
        }
        if (cur_lit(c, AUTH_LIT("subsystem request for "))) {
            struct mm_str sub;
            if (cur_until(c, AUTH_LIT(" by user "), &sub)) {
                (void)mm_event_add(ev, NS, AUTH_LIT("subsystem"), sub.p, sub.n);
                if (cur_word(c, &u)) {
                    set_user(ev, u);
                }
            }
            auth_set_ecs(ev, "subsystem", "session", "start", NULL);
            return 1;
        }
        return 0;
    case 'd':
        if (cur_lit(c, AUTH_LIT("drop connection #"))) {
            /* "drop connection #0 from [A]:P on [B]:Q penalty: R" (OpenSSH 9.8+) */
            if (cur_until(c, AUTH_LIT(" from "), &r) && cur_word(c, &a)) {
                auth_set_ip_colon_port(ev, a.p, a.n);
            }
            const char *pen = cur_find(c, AUTH_LIT("penalty: "));
            if (pen != NULL) {
                mm_event_set(ev, MM_F_EVENT_REASON, pen + 9, (size_t)(c->end - pen - 9));
            }
            auth_set_ecs(ev, "connection_dropped", "network", "denied", "failure");
            return 1;
        }
        return 0;
    case 'k':
        if (cur_lit(c, AUTH_LIT("kex_exchange_identification: "))) {
            r = cur_rest(c);
            mm_event_set(ev, MM_F_EVENT_REASON, r.p, r.n);
            auth_set_ecs(ev, "bad_protocol", "network", "info", "failure");
            return 1;
        }
        return 0;
    default:
        return 0;
    }
}

static enum mm_parse_rc sshd_parse(struct mm_event *ev, const char *body, size_t len)
{
    struct cur c = {body, body + len};
    struct mm_str n;
    strip_prefixes(&c);
    /* rsyslog: "message repeated 5 times: [ Failed password for ...]" */
    if (cur_lit(&c, AUTH_LIT("message repeated ")) && cur_num(&c, &n) &&
        cur_lit(&c, AUTH_LIT(" times: [")) && cur_chop(&c, AUTH_LIT("]"))) {
        (void)mm_event_add(ev, NS, AUTH_LIT("repeated"), n.p, n.n);
        strip_prefixes(&c);
    }
    struct cur all = c;
    int known = sshd_message(ev, &c);
    if (!known && !auth_app_is(ev, sshd_apps)) {
        return MM_PARSE_NOMATCH; /* detected by a prefix that then did not fit */
    }
    if (!known && ev->f[MM_F_SOURCE_IP].p == NULL) {
        /* an unmapped message: still the peer of "... from A[ port P]" */
        const char *f = cur_find(&all, AUTH_LIT(" from "));
        struct mm_str a;
        if (f != NULL) {
            struct cur t = {f + 6, all.end};
            if (cur_word(&t, &a) && auth_ipish(a.p, a.n - (a.p[a.n - 1] == ':'))) {
                t.p = a.p;
                addr_port(ev, &t);
            }
        }
    }
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_sshd = {"sshd", sshd_detect, sshd_parse};
