/*
 * routeros.c - MikroTik RouterOS: the body a RouterOS router sends to a remote
 * syslog action, "<topics> <message>".  The topics are RouterOS's own
 * comma-separated words (system,error,critical); the message shapes read here
 * are the ones in the RouterOS "Log" and firewall documentation:
 *
 *   firewall   "[prefix ]chain: in:IF out:IF, [connection-state:S ][src-mac M, ]
 *               proto P[ (flags | type T, code C)], SRC[:port]->DST[:port],
 *               [NAT (a->b)->c | NAT a->(b->c) | NAT (a->b)->(c->d), ]len N"
 *              (IPv6 addresses in brackets when a port follows)
 *   logins     "login failure for user U from A via M"
 *              "user U logged in from A via M", "user U logged out from A via M"
 *   changes    "<object> added|changed|removed|moved by U"
 *
 * Any other body whose first word is made only of known topic words, one of
 * them a severity (info, warning, error, critical, debug), is taken with the
 * topics and log.level only.
 *
 * Extras: "routeros.<name>" (topics, chain, in_interface, out_interface,
 * connection_state, tcp_flags, icmp_type, icmp_code, len, nat, via, object, by).
 */
#include "mimamori/parse.h"

#include <string.h>

#include "parse/vendor_util.h"

#define NS "routeros"

/* Topic words of RouterOS ("/system logging" topics), in no particular order. */
static const char *const topics_known[] = {
    "account", "bfd", "bgp", "bridge", "caps", "certificate", "container", "critical",
    "ddns", "debug", "dhcp", "disk", "dns", "dot1x", "e-mail", "error", "event",
    "firewall", "gsm", "health", "hotspot", "igmp-proxy", "info", "interface", "ipsec",
    "iscsi", "isdn", "l2tp", "ldp", "lora", "lte", "manager", "mpls", "netwatch", "ntp",
    "ospf", "ovpn", "packet", "pim", "ppp", "pppoe", "pptp", "radius", "raw", "read",
    "rip", "route", "rsvp", "script", "sertcp", "smb", "snmp", "sstp", "state", "store",
    "system", "telephony", "tftp", "timer", "ups", "vrrp", "warning", "watchdog",
    "web-proxy", "wireguard", "wireless", "write", "ssh", "upnp", "ipv6", "wifi",
};

static const char *const severities[] = {"debug", "info", "warning", "error", "critical"};

/* What the topics token says. */
struct topics {
    struct mm_str all;      /* the token */
    struct mm_str severity; /* the last severity word, or absent */
    int firewall, system, account;
};

static int known_topic(const char *p, size_t n, const char *const *t, size_t nt)
{
    for (size_t i = 0; i < nt; i++) {
        if (strlen(t[i]) == n && memcmp(t[i], p, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/*
 * The topics token at the start of body: known words joined by commas, then a
 * blank.  Returns the offset of the message (after the blank), 0 when the
 * body does not start with one.
 */
static size_t read_topics(const char *body, size_t len, struct topics *t)
{
    memset(t, 0, sizeof(*t));
    const char *sp = memchr(body, ' ', len < 160 ? len : 160);
    if (sp == NULL || sp == body) {
        return 0;
    }
    const char *p = body;
    int words = 0;
    while (p < sp) {
        const char *c = memchr(p, ',', (size_t)(sp - p));
        const char *we = c != NULL ? c : sp;
        size_t n = (size_t)(we - p);
        if (n == 0 || !known_topic(p, n, topics_known, sizeof(topics_known) / sizeof(*topics_known))) {
            return 0;
        }
        if (known_topic(p, n, severities, sizeof(severities) / sizeof(*severities))) {
            t->severity = vu_slice(p, n);
        }
        t->firewall |= n == 8 && memcmp(p, "firewall", 8) == 0;
        t->system |= n == 6 && memcmp(p, "system", 6) == 0;
        t->account |= n == 7 && memcmp(p, "account", 7) == 0;
        words++;
        p = we + (c != NULL ? 1 : 0);
        if (c != NULL && p == sp) {
            return 0; /* "firewall, x" */
        }
    }
    if (words < 2 || t->severity.p == NULL) {
        return 0;
    }
    t->all = vu_slice(body, (size_t)(sp - body));
    return (size_t)(sp - body) + 1;
}

/* Message shapes. */
enum shape { SH_NONE, SH_FIREWALL, SH_LOGIN_FAIL, SH_LOGIN, SH_LOGOUT, SH_CONFIG, SH_OTHER };

static const char *const config_verbs[] = {" added by ", " changed by ", " removed by ",
                                           " moved by "};

/* The config verb of msg and where it is; -1 when none. */
static int config_verb(const char *m, const char *end, const char **at)
{
    for (size_t i = 0; i < sizeof(config_verbs) / sizeof(*config_verbs); i++) {
        const char *hit = vu_find(m, end, config_verbs[i]);
        if (hit != NULL && hit > m) {
            *at = hit;
            return (int)i;
        }
    }
    return -1;
}

static enum shape classify(const struct topics *t, const char *m, const char *end)
{
    /* a firewall topic line is a packet log; without its shape it is a cut one */
    if (t->firewall) {
        return SH_FIREWALL;
    }
    if (vu_starts(m, end, "login failure for user ")) {
        return SH_LOGIN_FAIL;
    }
    if (vu_starts(m, end, "user ")) {
        if (vu_find(m, end, " logged in ") != NULL) {
            return SH_LOGIN;
        }
        if (vu_find(m, end, " logged out ") != NULL) {
            return SH_LOGOUT;
        }
    }
    const char *at;
    if (t->system && config_verb(m, end, &at) >= 0) {
        return SH_CONFIG;
    }
    return SH_OTHER;
}

static int routeros_detect(const struct mm_event *ev, const char *body, size_t len)
{
    (void)ev;
    struct topics t;
    size_t off = read_topics(body, len, &t);
    if (off == 0) {
        return 0;
    }
    const char *m = body + off, *end = body + len;
    switch (classify(&t, m, end)) {
    case SH_FIREWALL:
        return vu_find(m, end, ": in:") != NULL ? 95 : 40;
    case SH_LOGIN_FAIL:
        return vu_find(m, end, " from ") != NULL ? 95 : 40;
    case SH_LOGIN:
    case SH_LOGOUT:
    case SH_CONFIG:
        return 90;
    default:
        return 40;
    }
}

static void add(struct mm_event *ev, const char *key, struct mm_str v)
{
    if (v.p != NULL && v.n > 0) {
        (void)mm_event_add(ev, NS, key, strlen(key), v.p, v.n);
    }
}

static struct mm_str span(const char *p, const char *e)
{
    return vu_slice(p, e > p ? (size_t)(e - p) : 0);
}

/* The end of a word: the first blank or comma at parenthesis depth 0, or end. */
static const char *word_end(const char *p, const char *end)
{
    int depth = 0;
    for (; p < end; p++) {
        if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            depth -= depth > 0;
        } else if (depth == 0 && (*p == ' ' || *p == ',')) {
            break;
        }
    }
    return p;
}

/* The first "->" at parenthesis depth 0 in p[0..end), or NULL. */
static const char *arrow(const char *p, const char *end)
{
    int depth = 0;
    for (; p + 1 < end; p++) {
        if (*p == '(') {
            depth++;
        } else if (*p == ')') {
            depth -= depth > 0;
        } else if (depth == 0 && p[0] == '-' && p[1] == '>') {
            return p;
        }
    }
    return NULL;
}

/*
 * An endpoint "1.2.3.4", "1.2.3.4:80", "[2001:db8::1]:80" or "2001:db8::1":
 * set ipf/portf.  Returns 1 when the address was one.
 */
static int endpoint(struct mm_event *ev, const char *p, const char *e, enum mm_field ipf,
                    enum mm_field portf)
{
    if (p >= e) {
        return 0;
    }
    struct mm_str ip = {NULL, 0}, port = {NULL, 0};
    if (*p == '[') {
        const char *rb = memchr(p, ']', (size_t)(e - p));
        if (rb == NULL) {
            return 0;
        }
        ip = span(p + 1, rb);
        if (rb + 1 < e && rb[1] == ':') {
            port = span(rb + 2, e);
        } else if (rb + 1 != e) {
            return 0;
        }
    } else if (vu_ip_n(p, (size_t)(e - p))) {
        ip = span(p, e);
    } else {
        const char *c = memrchr(p, ':', (size_t)(e - p));
        if (c == NULL) {
            return 0;
        }
        ip = span(p, c);
        port = span(c + 1, e);
    }
    if (!vu_ip(ip) || (port.p != NULL && !vu_digits(port))) {
        return 0;
    }
    mm_event_set(ev, ipf, ip.p, ip.n);
    vu_set_num(ev, portf, port);
    return 1;
}

/* "(a->b)" or "a->b" inside a NAT note; the right-hand side of the pair to f. */
static void nat_pair(struct mm_event *ev, const char *p, const char *e, enum mm_field ipf,
                     enum mm_field portf)
{
    if (e - p >= 2 && *p == '(' && e[-1] == ')') {
        p++;
        e--;
    }
    const char *a = arrow(p, e);
    if (a != NULL) {
        (void)endpoint(ev, a + 2, e, ipf, portf);
    }
}

/* "NAT (a->b)->c", "NAT a->(b->c)", "NAT (a->b)->(c->d)": the translated addresses. */
static void nat_note(struct mm_event *ev, const char *p, const char *e)
{
    add(ev, "nat", span(p, e));
    const char *a = arrow(p, e);
    if (a == NULL) {
        return;
    }
    if (*p == '(') {
        nat_pair(ev, p, a, MM_F_SOURCE_NAT_IP, MM_F_SOURCE_NAT_PORT);
    }
    if (a + 2 < e && a[2] == '(') {
        nat_pair(ev, a + 2, e, MM_F_DESTINATION_NAT_IP, MM_F_DESTINATION_NAT_PORT);
    }
}

/* "(SYN)" / "(ACK,PSH)" / "(type 3, code 3)" after the protocol word. */
static void proto_detail(struct mm_event *ev, struct mm_str d)
{
    const char *p = d.p, *end = d.p + d.n;
    const char *t = vu_find(p, end, "type ");
    if (t == NULL) {
        add(ev, "tcp_flags", d);
        return;
    }
    const char *te = t + 5;
    while (te < end && vu_is_digit(*te)) {
        te++;
    }
    add(ev, "icmp_type", span(t + 5, te));
    const char *c = vu_find(te, end, "code ");
    if (c != NULL) {
        const char *ce = c + 5;
        while (ce < end && vu_is_digit(*ce)) {
            ce++;
        }
        add(ev, "icmp_code", span(c + 5, ce));
    }
}

static void set_transport(struct mm_event *ev, struct mm_str w)
{
    const char *t = vu_transport(w);
    if (t != NULL) {
        mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, t);
        const struct vu_proto *e = vu_proto_find(w, 1);
        if (e == NULL) {
            e = vu_proto_find(w, 0);
        }
        if (e != NULL) {
            mm_event_set_cstr(ev, MM_F_NETWORK_IANA_NUMBER, e->num);
        } else if (strcmp(t, "ipv6-icmp") == 0) {
            mm_event_set_cstr(ev, MM_F_NETWORK_IANA_NUMBER, "58");
        }
    } else {
        vu_set_lower(ev, MM_F_NETWORK_TRANSPORT, w, 32);
    }
}

/* An interface as logged: "(unknown 0)" and "(none)" are none; "bridge(port)" is the bridge. */
static void interface(struct mm_event *ev, const char *key, enum mm_field f, struct mm_str v)
{
    if (v.n == 0 || v.p[0] == '(') {
        return;
    }
    add(ev, key, v);
    const char *par = memchr(v.p, '(', v.n);
    vu_set(ev, f, par != NULL ? span(v.p, par) : v);
}

/* What the log prefix says the rule did; NULL when it does not say. */
static const char *prefix_verdict(struct mm_str pre, const char **type)
{
    static const char *const denied[] = {"drop", "reject", "deny", "block"};
    static const char *const allowed[] = {"accept", "allow", "pass"};
    for (size_t i = 0; i < sizeof(denied) / sizeof(*denied); i++) {
        if (vu_icontains(pre, denied[i])) {
            *type = "denied";
            return denied[i];
        }
    }
    for (size_t i = 0; i < sizeof(allowed) / sizeof(*allowed); i++) {
        if (vu_icontains(pre, allowed[i])) {
            *type = "allowed";
            return allowed[i];
        }
    }
    return NULL;
}

static enum mm_parse_rc parse_firewall(struct mm_event *ev, const char *m, const char *end)
{
    const char *colon = vu_find(m, end, ": in:");
    if (colon == NULL) {
        return MM_PARSE_MALFORMED;
    }
    /* the chain is the word before ": in:", the log prefix what precedes it */
    const char *cs = colon;
    while (cs > m && cs[-1] != ' ') {
        cs--;
    }
    struct mm_str chain = span(cs, colon);
    const char *pe = cs;
    while (pe > m && pe[-1] == ' ') {
        pe--;
    }
    struct mm_str prefix = span(m, pe);
    add(ev, "chain", chain);
    vu_set(ev, MM_F_RULE_NAME, prefix);

    const char *type = "connection";
    const char *verdict = prefix.n > 0 ? prefix_verdict(prefix, &type) : NULL;
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
    mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "network");
    mm_event_set_cstr(ev, MM_F_EVENT_TYPE, type);
    if (verdict != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_ACTION, verdict);
    }
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "firewall");

    /* in: up to " out:" (a name may hold a blank: "(unknown 0)"), out: one word */
    const char *p = colon + 5;
    const char *out = vu_find(p, end, " out:");
    const char *comma = memchr(p, ',', (size_t)(end - p));
    const char *ie = out != NULL && (comma == NULL || out < comma) ? out : word_end(p, end);
    interface(ev, "in_interface", MM_F_OBSERVER_INGRESS_IF, span(p, ie));
    p = ie;
    if (out != NULL && p == out) {
        p += 5;
        const char *oe = word_end(p, end);
        interface(ev, "out_interface", MM_F_OBSERVER_EGRESS_IF, span(p, oe));
        p = oe;
    }

    int addresses = 0;
    while (p < end) {
        if (*p == ' ' || *p == ',') {
            p++;
            continue;
        }
        const char *we = word_end(p, end);
        if (vu_starts(p, end, "connection-state:")) {
            /* "new,dnat" holds a comma: the state runs to the next blank */
            const char *v = p + 17, *ve = v;
            while (ve < end && *ve != ' ') {
                ve++;
            }
            we = ve;
            if (ve > v && ve[-1] == ',') {
                ve--;
            }
            add(ev, "connection_state", span(v, ve));
        } else if (vu_starts(p, end, "src-mac ")) {
            const char *v = p + 8;
            we = word_end(v, end);
            vu_set(ev, MM_F_SOURCE_MAC, span(v, we));
        } else if (vu_starts(p, end, "proto ")) {
            const char *v = p + 6;
            we = word_end(v, end);
            struct mm_str w = span(v, we);
            set_transport(ev, w);
            add(ev, "proto", w);
            /* "TCP (SYN)" or "ICMP (type 3, code 3)" */
            if (end - we >= 2 && we[0] == ' ' && we[1] == '(') {
                const char *rp = memchr(we + 2, ')', (size_t)(end - we - 2));
                if (rp != NULL) {
                    proto_detail(ev, span(we + 2, rp));
                    we = rp + 1;
                }
            }
        } else if (vu_starts(p, end, "NAT ")) {
            const char *v = p + 4;
            we = word_end(v, end);
            nat_note(ev, v, we);
        } else if (vu_starts(p, end, "len ")) {
            const char *v = p + 4;
            we = word_end(v, end);
            struct mm_str n = span(v, we);
            if (vu_digits(n)) {
                add(ev, "len", n);
            }
        } else if (!addresses) {
            const char *a = arrow(p, we);
            if (a != NULL) {
                addresses = 1;
                int ok = endpoint(ev, p, a, MM_F_SOURCE_IP, MM_F_SOURCE_PORT);
                ok &= endpoint(ev, a + 2, we, MM_F_DESTINATION_IP, MM_F_DESTINATION_PORT);
                if (!ok) {
                    addresses = -1;
                }
            }
        }
        p = we > p ? we : p + 1;
    }
    return addresses == 1 ? MM_PARSE_OK : MM_PARSE_MALFORMED;
}

/* "A via M" or "via M" at p: the address and the access method. */
static void from_via(struct mm_event *ev, const char *p, const char *end)
{
    const char *via = vu_find(p, end, " via ");
    const char *ae = via != NULL ? via : end;
    struct mm_str a = span(p, ae);
    if (vu_ip(a)) {
        mm_event_set(ev, MM_F_SOURCE_IP, a.p, a.n);
    } else if (a.n > 0) {
        (void)mm_event_add(ev, NULL, "source.domain", 13, a.p, a.n);
    }
    if (via == NULL) {
        return;
    }
    const char *v = via + 5, *ve = v;
    while (ve < end && *ve != ' ') {
        ve++;
    }
    struct mm_str m = span(v, ve);
    add(ev, "via", m);
    static const char *const protos[] = {"winbox", "ssh", "telnet", "ftp", "api", "api-ssl"};
    for (size_t i = 0; i < sizeof(protos) / sizeof(*protos); i++) {
        if (vu_eq(m, protos[i])) {
            mm_event_set_cstr(ev, MM_F_NETWORK_PROTOCOL, protos[i]);
        }
    }
    if (vu_eq(m, "web")) {
        mm_event_set_cstr(ev, MM_F_NETWORK_PROTOCOL, "http");
    }
}

static void auth(struct mm_event *ev, const char *action, const char *type, const char *outcome)
{
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
    mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "authentication");
    mm_event_set_cstr(ev, MM_F_EVENT_TYPE, type);
    mm_event_set_cstr(ev, MM_F_EVENT_ACTION, action);
    mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, outcome);
}

/* "login failure for user U from A via M": U may be empty or hold blanks. */
static enum mm_parse_rc parse_login_fail(struct mm_event *ev, const char *m, const char *end)
{
    auth(ev, "login", "start", "failure");
    const char *u = m + 23; /* "login failure for user " */
    const char *from = NULL, *f = u;
    /* the last " from " before " via ": a user name may hold " from " */
    const char *via = vu_find(u, end, " via ");
    const char *lim = via != NULL ? via : end;
    /* an empty name ("for user  from A") leaves u at " from " itself */
    while ((f = vu_find(f, lim, " from ")) != NULL) {
        from = f;
        f++;
    }
    if (from == NULL) {
        return MM_PARSE_MALFORMED;
    }
    vu_set(ev, MM_F_USER_NAME, span(u, from));
    from_via(ev, from + 6, end);
    return ev->f[MM_F_SOURCE_IP].p != NULL ? MM_PARSE_OK : MM_PARSE_MALFORMED;
}

/* "user U logged in from A via M" / "user U logged out from A via M" / "... via M" */
static enum mm_parse_rc parse_login(struct mm_event *ev, const char *m, const char *end, int in)
{
    if (in) {
        auth(ev, "login", "start", "success");
    } else {
        auth(ev, "logout", "end", "success");
    }
    const char *u = m + 5;
    const char *w = vu_find(u, end, in ? " logged in " : " logged out ");
    if (w == NULL) {
        return MM_PARSE_MALFORMED;
    }
    vu_set(ev, MM_F_USER_NAME, span(u, w));
    const char *p = w + (in ? 11 : 12);
    if (vu_starts(p, end, "from ")) {
        from_via(ev, p + 5, end);
    } else if (vu_starts(p, end, "via ")) {
        from_via(ev, p - 1, end);
    } else {
        return MM_PARSE_MALFORMED;
    }
    return MM_PARSE_OK;
}

/* "<object> added|changed|removed|moved by <user>" */
static enum mm_parse_rc parse_config(struct mm_event *ev, const char *m, const char *end)
{
    static const char *const actions[] = {"added", "changed", "removed", "moved"};
    static const char *const types[] = {"creation", "change", "deletion", "change"};
    const char *at;
    int v = config_verb(m, end, &at);
    if (v < 0) {
        return MM_PARSE_NOMATCH;
    }
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
    mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "configuration");
    mm_event_set_cstr(ev, MM_F_EVENT_TYPE, types[v]);
    mm_event_set_cstr(ev, MM_F_EVENT_ACTION, actions[v]);
    mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
    struct mm_str obj = span(m, at);
    add(ev, "object", obj);
    /* "user fred added by admin": the account that was changed */
    if (obj.n > 5 && memcmp(obj.p, "user ", 5) == 0 && memchr(obj.p + 5, ' ', obj.n - 5) == NULL) {
        mm_event_set(ev, MM_F_USER_TARGET_NAME, obj.p + 5, obj.n - 5);
    }
    const char *b = at + strlen(config_verbs[v]);
    const char *be = b;
    while (be < end && *be != ' ') {
        be++;
    }
    struct mm_str by = span(b, be);
    add(ev, "by", by);
    /* a plain account name; anything composite stays in routeros.by */
    if (by.n > 0 && memchr(by.p, '@', by.n) == NULL && memchr(by.p, '/', by.n) == NULL &&
        memchr(by.p, ':', by.n) == NULL && memchr(by.p, '(', by.n) == NULL) {
        mm_event_set(ev, MM_F_USER_NAME, by.p, by.n);
    }
    return by.n > 0 ? MM_PARSE_OK : MM_PARSE_MALFORMED;
}

static enum mm_parse_rc routeros_parse(struct mm_event *ev, const char *body, size_t len)
{
    struct topics t;
    size_t off = read_topics(body, len, &t);
    if (off == 0) {
        return MM_PARSE_NOMATCH;
    }
    const char *m = body + off, *end = body + len;
    enum shape sh = classify(&t, m, end);
    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "MikroTik");
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "RouterOS");
    add(ev, "topics", t.all);
    (void)mm_event_add(ev, NULL, "log.level", 9, t.severity.p, t.severity.n);
    switch (sh) {
    case SH_FIREWALL:
        return parse_firewall(ev, m, end);
    case SH_LOGIN_FAIL:
        return parse_login_fail(ev, m, end);
    case SH_LOGIN:
        return parse_login(ev, m, end, 1);
    case SH_LOGOUT:
        return parse_login(ev, m, end, 0);
    case SH_CONFIG:
        return parse_config(ev, m, end);
    default:
        mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
        return MM_PARSE_OK;
    }
}

const struct mm_parser mm_parser_routeros = {
    .name = "routeros",
    .detect = routeros_detect,
    .parse = routeros_parse,
};
