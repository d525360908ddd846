/*
 * openvpn.c - OpenVPN server lines (appname openvpn, ovpn-<name>, or
 * OpenVPN's own log file), and the lines pfSense's auth script writes.
 *
 *   1.2.3.4:51234 TLS Auth Error: Auth Username/Password verification failed for peer
 *   1.2.3.4:51234 VERIFY ERROR: depth=0, error=certificate has expired: CN=alice
 *   alice/1.2.3.4:51234 MULTI_sva: pool returned IPv4=10.8.0.6, IPv6=(Not enabled)
 *   1.2.3.4:51234 [alice] Peer Connection Initiated with [AF_INET]1.2.3.4:51234
 *   alice/1.2.3.4:51234 SIGTERM[soft,remote-exit] received, client-instance exiting
 *   TLS Error: cannot locate HMAC in incoming packet from [AF_INET]1.2.3.4:51234
 *   user 'alice' authenticated / user 'alice' could not authenticate.     (pfSense)
 *
 * A multi-client server prefixes each client's line with "[cn/]addr:port";
 * that is source.ip/port and the common name (unless "UNDEF") user.name.
 * OpenVPN's own time stamp ("2024-12-15 14:10:00 " or the ctime form
 * "Mon Oct 21 21:07:09 2019 ") is skipped, and so is a wrapper such as
 * "[OVPN 0] OUT: '...'" of a process supervisor.
 *
 * event.action is a word of ours (OpenVPN has none): auth-success,
 * auth-failure, tls-error, verify-error, verify-ok, connection-initiated,
 * connection-established, connection-reset, client-exiting, client-restarting,
 * address-assigned, peer-info, plugin-failure, ldap-failure, started,
 * initialized; see docs/parsers.md.  Vendor details are extras "openvpn.<key>".
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/auth_int.h"
#include "parse/vendor_util.h"

#define NS "openvpn"

static void add(struct mm_event *ev, const char *key, const char *v, size_t n)
{
    (void)mm_event_add(ev, NS, key, strlen(key), v, n);
}

/*
 * An endpoint "1.2.3.4:51234", "[2001:db8::1]:51234", "[AF_INET]1.2.3.4:51234",
 * "[AF_INET6]2001:db8::1:51234" in p[0..n): address and port.  1 when found.
 */
static int endpoint(const char *p, size_t n, struct mm_str *ip, struct mm_str *port)
{
    if (n > 9 && memcmp(p, "[AF_INET]", 9) == 0) {
        p += 9;
        n -= 9;
    } else if (n > 10 && memcmp(p, "[AF_INET6]", 10) == 0) {
        p += 10;
        n -= 10;
    }
    const char *colon = n > 0 ? memrchr(p, ':', n) : NULL;
    if (colon == NULL) {
        return 0;
    }
    size_t an = (size_t)(colon - p);
    size_t pn = n - an - 1;
    if (pn == 0 || pn > 5) {
        return 0;
    }
    for (size_t i = 0; i < pn; i++) {
        if (!vu_is_digit(colon[1 + i])) {
            return 0;
        }
    }
    const char *a = p;
    if (an >= 2 && a[0] == '[' && a[an - 1] == ']') {
        a++;
        an -= 2;
    }
    if (!vu_ip_n(a, an)) {
        return 0;
    }
    ip->p = a;
    ip->n = (uint32_t)an;
    port->p = colon + 1;
    port->n = (uint32_t)pn;
    return 1;
}

/*
 * The client prefix token p[0..n): "addr:port", "cn/addr:port" or (seen in
 * the wild) "addr:port/cn".  1 with the parts when it is one.
 */
static int client_split(const char *p, size_t n, struct mm_str *ip, struct mm_str *port,
                        struct mm_str *cn)
{
    cn->p = NULL;
    cn->n = 0;
    if (endpoint(p, n, ip, port)) {
        return 1;
    }
    const char *sl = n > 0 ? memchr(p, '/', n) : NULL;
    if (sl == NULL) {
        return 0;
    }
    /* "cn/addr:port": the name may itself hold '/', the address does not */
    const char *last = memrchr(p, '/', n);
    if (endpoint(last + 1, (size_t)(p + n - last - 1), ip, port)) {
        cn->p = p;
        cn->n = (uint32_t)(last - p);
        return 1;
    }
    if (endpoint(p, (size_t)(sl - p), ip, port)) {
        cn->p = sl + 1;
        cn->n = (uint32_t)(p + n - sl - 1);
        return 1;
    }
    return 0;
}

/* The client prefix: source.ip/port and the common name as user.name. */
static int client_prefix(struct mm_event *ev, const char *p, size_t n)
{
    struct mm_str ip, port, cn;
    if (!client_split(p, n, &ip, &port, &cn)) {
        return 0;
    }
    add(ev, "client", p, n);
    mm_event_set(ev, MM_F_SOURCE_IP, ip.p, ip.n);
    mm_event_set(ev, MM_F_SOURCE_PORT, port.p, port.n);
    if (cn.n > 0) {
        add(ev, "common_name", cn.p, cn.n);
        if (!(cn.n == 5 && memcmp(cn.p, "UNDEF", 5) == 0)) {
            mm_event_set(ev, MM_F_USER_NAME, cn.p, cn.n);
        }
    }
    return 1;
}

/*
 * A header-less log-file line "2024-12-15 14:10:00 1.2.3.4:5 ...": the
 * syslog header read the time, found neither host nor tag, and left the
 * client as the first word of the body (a host name has no ':' unless it is
 * an IPv6 address, see syslog.c).  A bare body starting with a client is not
 * enough: it may be anyone's.
 */
static int body_is_client(const struct mm_event *ev, const char *p, const char *end)
{
    struct mm_str ip, port, cn;
    if (!(ev->flags & MM_EV_HEADER_OK) || ev->f[MM_F_SYSLOG_HOSTNAME].p != NULL ||
        ev->f[MM_F_SYSLOG_APPNAME].p != NULL) {
        return 0;
    }
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    const char *te = sp != NULL ? sp : end;
    return te > p && client_split(p, (size_t)(te - p), &ip, &port, &cn);
}

/* The first "[AF_INET]addr:port" / "[AF_INET6]..." in [p, end): source.ip/port if unset. */
static void af_endpoint(struct mm_event *ev, const char *p, const char *end)
{
    const char *h = vu_find(p, end, "[AF_INET");
    if (h == NULL) {
        return;
    }
    const char *e = h;
    while (e < end && *e != ' ' && *e != ',' && *e != '\'') {
        e++;
    }
    struct mm_str ip, port;
    if (endpoint(h, (size_t)(e - h), &ip, &port)) {
        add(ev, "remote", h, (size_t)(e - h));
        if (ev->f[MM_F_SOURCE_IP].p == NULL) {
            mm_event_set(ev, MM_F_SOURCE_IP, ip.p, ip.n);
            mm_event_set(ev, MM_F_SOURCE_PORT, port.p, port.n);
        }
    }
}

/* "'name'" after lit in [p, end): user.name.  1 when found. */
static int quoted_user(struct mm_event *ev, const char *p, const char *end, const char *lit)
{
    const char *h = vu_find(p, end, lit);
    if (h == NULL) {
        return 0;
    }
    const char *s = h + strlen(lit);
    if (s >= end || *s != '\'') {
        return 0;
    }
    s++;
    const char *q = memchr(s, '\'', (size_t)(end - s));
    if (q == NULL || q == s) {
        return 0;
    }
    mm_event_set(ev, MM_F_USER_NAME, s, (size_t)(q - s));
    return 1;
}

/* Skip OpenVPN's own time stamp at p, if any. */
static const char *skip_stamp(const char *p, const char *end)
{
    /* "2024-12-15 14:10:00 " (OpenVPN 2.5+ log file) */
    static const char iso[] = "dddd-dd-dd dd:dd:dd ";
    if (end - p >= 20) {
        int ok = 1;
        for (int i = 0; i < 20 && ok; i++) {
            ok = iso[i] == 'd' ? vu_is_digit(p[i]) : p[i] == iso[i];
        }
        if (ok) {
            return p + 20;
        }
    }
    /* "Mon Oct 21 21:07:09 2019 " (ctime) */
    if (end - p >= 25 && p[3] == ' ' && p[7] == ' ' && p[13] == ':' && p[16] == ':' &&
        p[19] == ' ' && vu_is_digit(p[20]) && vu_is_digit(p[23]) && p[24] == ' ') {
        return p + 25;
    }
    return p;
}

static int app_is_openvpn(const struct mm_event *ev)
{
    struct mm_str app = ev->f[MM_F_SYSLOG_APPNAME];
    if (app.p == NULL) {
        return 0;
    }
    return (app.n == 7 && memcmp(app.p, "openvpn", 7) == 0) ||
           (app.n >= 5 && memcmp(app.p, "ovpn-", 5) == 0) ||
           (app.n >= 8 && memcmp(app.p, "openvpn-", 8) == 0) ||
           (app.n >= 8 && memcmp(app.p, "openvpn@", 8) == 0);
}

/* Message shapes that only OpenVPN writes; 1 when one is in [p, end). */
static int signature(const char *p, const char *end)
{
    static const char *const sig[] = {
        "Peer Connection Initiated with [AF_INET", "TLS Error: ", "TLS Auth Error: ",
        "VERIFY ERROR: depth=", "MULTI_sva: pool returned", "client-instance exiting",
        "client-instance restarting", "TCP connection established with [AF_INET",
        "[OVPN ", "TLS: Initial packet from [AF_INET", "MULTI: Learn: ",
    };
    for (size_t i = 0; i < sizeof(sig) / sizeof(sig[0]); i++) {
        if (vu_find(p, end, sig[i]) != NULL) {
            return 1;
        }
    }
    return 0;
}

static int openvpn_detect(const struct mm_event *ev, const char *body, size_t len)
{
    if (app_is_openvpn(ev)) {
        return 90;
    }
    if (signature(body, body + len)) {
        return 70;
    }
    if (body_is_client(ev, body, body + len)) {
        return 50;
    }
    return 0;
}

static void ecs(struct mm_event *ev, const char *action, const char *cat, const char *type,
                const char *outcome)
{
    auth_set_ecs(ev, action, cat, type, outcome);
}

/* The rest after lit (trimmed) as event.reason. */
static void reason_after(struct mm_event *ev, const char *h, size_t litn, const char *end)
{
    const char *r = h + litn;
    while (r < end && *r == ' ') {
        r++;
    }
    const char *e = end;
    while (e > r && (e[-1] == ' ' || e[-1] == '.')) {
        e--;
    }
    if (e > r) {
        mm_event_set(ev, MM_F_EVENT_REASON, r, (size_t)(e - r));
    }
}

/* The message after the client prefix. 1 when recognised. */
static int message(struct mm_event *ev, const char *p, const char *end)
{
    const char *h;
    /* "[cn] Peer Connection Initiated with [AF_INET]1.2.3.4:1194" */
    if ((h = vu_find(p, end, "Peer Connection Initiated with ")) != NULL) {
        if (*p == '[' && h > p + 1) {
            const char *c = memchr(p, ']', (size_t)(h - p));
            if (c != NULL && c > p + 1) {
                add(ev, "common_name", p + 1, (size_t)(c - p - 1));
                if (!(c - p - 1 == 5 && memcmp(p + 1, "UNDEF", 5) == 0)) {
                    mm_event_set(ev, MM_F_USER_NAME, p + 1, (size_t)(c - p - 1));
                }
            }
        }
        af_endpoint(ev, h, end);
        ecs(ev, "connection-initiated", "network", "start", "success");
        return 1;
    }
    if ((h = vu_find(p, end, "TLS Auth Error: ")) != NULL) {
        reason_after(ev, h, 16, end);
        quoted_user(ev, h, end, "username ");
        ecs(ev, "auth-failure", "authentication", "start", "failure");
        af_endpoint(ev, h, end);
        return 1;
    }
    if ((h = vu_find(p, end, "TLS Error: ")) != NULL) {
        reason_after(ev, h, 11, end);
        ecs(ev, "tls-error", "authentication", "start", "failure");
        af_endpoint(ev, h, end);
        return 1;
    }
    if ((h = vu_find(p, end, "VERIFY ERROR: ")) != NULL || (h = vu_find(p, end, "VERIFY OK: ")) != NULL) {
        int ok = h[7] == 'O';
        const char *s = h + (ok ? 11 : 14);
        reason_after(ev, h, (size_t)(s - h), end);
        const char *d = vu_find(s, end, "depth=");
        if (d != NULL) {
            const char *q = d + 6;
            while (q < end && vu_is_digit(*q)) {
                q++;
            }
            add(ev, "depth", d + 6, (size_t)(q - d - 6));
        }
        const char *er = vu_find(s, end, "error=");
        if (er != NULL) {
            const char *q = memchr(er, ':', (size_t)(end - er));
            add(ev, "error", er + 6, (size_t)((q != NULL ? q : end) - er - 6));
        }
        /* the certificate's CN at depth 0 is the client's identity */
        const char *cn = vu_find(s, end, "CN=");
        if (cn != NULL && d != NULL && d + 6 < end && d[6] == '0') {
            const char *q = cn + 3;
            while (q < end && *q != ',' && *q != '/' && *q != ' ') {
                q++;
            }
            if (q > cn + 3) {
                add(ev, "cert_cn", cn + 3, (size_t)(q - cn - 3));
                if (ev->f[MM_F_USER_NAME].p == NULL) {
                    mm_event_set(ev, MM_F_USER_NAME, cn + 3, (size_t)(q - cn - 3));
                }
            }
        }
        if (ok) {
            ecs(ev, "verify-ok", "authentication", "info", "success");
        } else {
            ecs(ev, "verify-error", "authentication", "start", "failure");
        }
        return 1;
    }
    /* pfSense: "user 'bob' authenticated" / "user 'bob' could not authenticate." */
    if (vu_starts(p, end, "user '") && quoted_user(ev, p, end, "user ")) {
        if (vu_find(p, end, "could not authenticate") != NULL || vu_find(p, end, "fail") != NULL) {
            ecs(ev, "auth-failure", "authentication", "start", "failure");
        } else if (vu_find(p, end, "authenticated") != NULL) {
            ecs(ev, "auth-success", "authentication", "start", "success");
        } else {
            ecs(ev, NULL, "authentication", "info", NULL);
        }
        return 1;
    }
    /* "AUTH-PAM: BACKGROUND: user 'alice' failed to authenticate: Authentication failure" */
    if ((h = vu_find(p, end, "AUTH-PAM: ")) != NULL) {
        quoted_user(ev, h, end, "user ");
        if (vu_find(h, end, "fail") != NULL) {
            const char *r = vu_find(h, end, "authenticate: ");
            if (r != NULL) {
                reason_after(ev, r, 14, end);
            }
            ecs(ev, "auth-failure", "authentication", "start", "failure");
        } else {
            ecs(ev, NULL, "authentication", "info", NULL);
        }
        return 1;
    }
    if ((h = vu_find(p, end, "PLUGIN_CALL: ")) != NULL) {
        if (vu_find(h, end, "failed") != NULL || vu_find(h, end, "status=1") != NULL) {
            const char *f = vu_find(h, end, "PLUGIN_AUTH_USER_PASS_VERIFY");
            reason_after(ev, h, 13, end);
            ecs(ev, f != NULL ? "auth-failure" : "plugin-failure",
                f != NULL ? "authentication" : "process", "start", "failure");
        } else {
            ecs(ev, "plugin-call", "process", "info", NULL);
        }
        return 1;
    }
    /* "TLS: Username/Password authentication succeeded for username 'bob'" */
    if ((h = vu_find(p, end, "authentication succeeded for username ")) != NULL) {
        quoted_user(ev, h, end, "username ");
        ecs(ev, "auth-success", "authentication", "start", "success");
        return 1;
    }
    if ((h = vu_find(p, end, "authentication failed for username ")) != NULL) {
        quoted_user(ev, h, end, "username ");
        ecs(ev, "auth-failure", "authentication", "start", "failure");
        return 1;
    }
    if (vu_starts(p, end, "Authentication succeeded")) {
        ecs(ev, "auth-success", "authentication", "start", "success");
        return 1;
    }
    if ((h = vu_find(p, end, "AUTH_FAILED")) != NULL) {
        ecs(ev, "auth-failure", "authentication", "start", "failure");
        return 1;
    }
    /* "MULTI_sva: pool returned IPv4=10.8.0.6, IPv6=(Not enabled)" */
    if ((h = vu_find(p, end, "MULTI_sva: pool returned ")) != NULL) {
        const char *v4 = vu_find(h, end, "IPv4=");
        if (v4 != NULL) {
            const char *q = v4 + 5;
            while (q < end && *q != ',' && *q != ' ') {
                q++;
            }
            if (vu_ip_n(v4 + 5, (size_t)(q - v4 - 5))) {
                mm_event_set(ev, MM_F_VPN_ASSIGNED_IP, v4 + 5, (size_t)(q - v4 - 5));
            }
            add(ev, "pool_ipv4", v4 + 5, (size_t)(q - v4 - 5));
        }
        const char *v6 = vu_find(h, end, "IPv6=");
        if (v6 != NULL) {
            const char *q = v6 + 5;
            while (q < end && *q != ',' && (*q != ' ' || v6[5] == '(')) {
                q++;
            }
            add(ev, "pool_ipv6", v6 + 5, (size_t)(q - v6 - 5));
        }
        ecs(ev, "address-assigned", "network", "info", "success");
        return 1;
    }
    /* "MULTI: Learn: 10.8.0.6 -> alice/1.2.3.4:1194" */
    if ((h = vu_find(p, end, "MULTI: Learn: ")) != NULL) {
        const char *a = h + 14;
        const char *q = a;
        while (q < end && *q != ' ') {
            q++;
        }
        if (vu_ip_n(a, (size_t)(q - a))) {
            mm_event_set(ev, MM_F_VPN_ASSIGNED_IP, a, (size_t)(q - a));
        }
        const char *arrow = vu_find(q, end, "-> ");
        if (arrow != NULL && ev->f[MM_F_SOURCE_IP].p == NULL) {
            client_prefix(ev, arrow + 3, (size_t)(end - arrow - 3));
        }
        ecs(ev, "address-assigned", "network", "info", "success");
        return 1;
    }
    /* "SIGTERM[soft,remote-exit] received, client-instance exiting" */
    if ((h = vu_find(p, end, "] received, client-instance ")) != NULL) {
        const char *s = p;
        const char *ob = memchr(p, '[', (size_t)(h - p));
        if (ob != NULL) {
            add(ev, "signal", s, (size_t)(ob - s));
            const char *c = memchr(ob, ',', (size_t)(h - ob));
            if (c != NULL) {
                add(ev, "signal_reason", c + 1, (size_t)(h - c - 1));
                mm_event_set(ev, MM_F_EVENT_REASON, c + 1, (size_t)(h - c - 1));
            }
        }
        int exiting = vu_find(h, end, "exiting") != NULL;
        ecs(ev, exiting ? "client-exiting" : "client-restarting", "network", "end", NULL);
        return 1;
    }
    if (vu_starts(p, end, "Connection reset, restarting")) {
        ecs(ev, "connection-reset", "network", "end", NULL);
        return 1;
    }
    if ((h = vu_find(p, end, "TCP connection established with ")) != NULL) {
        af_endpoint(ev, h, end);
        ecs(ev, "connection-established", "network", "start", "success");
        return 1;
    }
    if ((h = vu_find(p, end, "TLS: Initial packet from ")) != NULL) {
        af_endpoint(ev, h, end);
        ecs(ev, "connection-initial-packet", "network", "start", NULL);
        return 1;
    }
    /* "peer info: IV_VER=2.6.3" */
    if (vu_starts(p, end, "peer info: ")) {
        const char *k = p + 11;
        const char *eqs = memchr(k, '=', (size_t)(end - k));
        if (eqs != NULL && eqs > k) {
            (void)mm_event_add(ev, NS, k, (size_t)(eqs - k), eqs + 1, (size_t)(end - eqs - 1));
        }
        ecs(ev, "peer-info", "network", "info", NULL);
        return 1;
    }
    if ((h = vu_find(p, end, "LDAP bind failed")) != NULL ||
        (h = vu_find(p, end, "Incorrect password supplied for LDAP DN ")) != NULL) {
        const char *dn = vu_find(p, end, "LDAP DN \"");
        if (dn != NULL) {
            const char *s = dn + 9;
            const char *q = memchr(s, '"', (size_t)(end - s));
            if (q != NULL) {
                add(ev, "ldap_dn", s, (size_t)(q - s));
                if (vu_starts(s, q, "CN=")) {
                    const char *c = s + 3;
                    while (c < q && *c != ',') {
                        c++;
                    }
                    mm_event_set(ev, MM_F_USER_NAME, s + 3, (size_t)(c - s - 3));
                }
            }
        } else {
            const char *c = memchr(h, ':', (size_t)(end - h));
            if (c != NULL) {
                reason_after(ev, c, 1, end);
            }
        }
        ecs(ev, "ldap-failure", "authentication", "start", "failure");
        return 1;
    }
    if (vu_starts(p, end, "OpenSSL: ")) {
        reason_after(ev, p, 9, end);
        ecs(ev, "openssl-error", "network", "info", "failure");
        return 1;
    }
    if (vu_starts(p, end, "WARNING: ")) {
        reason_after(ev, p, 9, end);
        ecs(ev, "warning", "network", "info", NULL);
        return 1;
    }
    if (vu_starts(p, end, "Initialization Sequence Completed")) {
        ecs(ev, "initialized", "process", "start", "success");
        return 1;
    }
    if (vu_starts(p, end, "OpenVPN ") && vu_find(p, end, " started") != NULL) {
        ecs(ev, "started", "process", "start", NULL);
        return 1;
    }
    return 0;
}

static enum mm_parse_rc openvpn_parse(struct mm_event *ev, const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    int ours = app_is_openvpn(ev);

    /* a supervisor's wrapper: "[stdout#info] [OVPN 0] OUT: '<line>'" */
    const char *w = vu_find(p, end, "[OVPN ");
    if (w != NULL) {
        const char *o = vu_find(w, end, "OUT: '");
        if (o != NULL) {
            p = o + 6;
            if (end > p && end[-1] == '\'') {
                end--;
            }
            ours = 1;
        }
    }
    p = skip_stamp(p, end);
    while (p < end && *p == ' ') {
        p++;
    }
    if (!ours && !body_is_client(ev, p, end) && !signature(p, end)) {
        return MM_PARSE_NOMATCH;
    }

    /* the client prefix "addr:port", "cn/addr:port", "addr:port/cn" */
    const char *te = p;
    while (te < end && *te != ' ') {
        te++;
    }
    if (te > p && client_prefix(ev, p, (size_t)(te - p))) {
        p = te;
        while (p < end && *p == ' ') {
            p++;
        }
    }

    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "OpenVPN");
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "OpenVPN");
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "vpn");
    mm_event_set_cstr(ev, MM_F_TUNNEL_TYPE, "openvpn");
    if (ev->f[MM_F_PROCESS_NAME].p == NULL) {
        mm_event_set_cstr(ev, MM_F_PROCESS_NAME, "openvpn");
    }
    if (!message(ev, p, end)) {
        AUTH_SET(ev, MM_F_EVENT_KIND, "event");
    }
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_openvpn = {
    .name = "openvpn",
    .detect = openvpn_detect,
    .parse = openvpn_parse,
};
