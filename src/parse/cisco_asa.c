/*
 * cisco_asa.c - Cisco ASA, Firepower Threat Defense (FTD), PIX and FWSM
 * syslog messages: "%ASA-<level>-<id>: <text>" (also "%ASA-session-5-...",
 * "ASA-4-106023:" without '%', and the bare texts some relays keep).
 *
 * The text of each message ID is fixed by the "Cisco Secure Firewall ASA
 * Series Syslog Messages" guide; this file reads the families that matter
 * for a small office gateway:
 *   connections   302013-302016 (Built/Teardown TCP/UDP), 302020/302021
 *                 (ICMP), 305011/305012 (xlate)
 *   denies        106001 106002 106006 106007 106010 106014 106015 106016
 *                 106017 106020 106021 106022 106023 106027 106100
 *                 313001 313004 313005 710003 710005 419002
 *   access        710001/710002, 304001/304002 (URL filter)
 *   auth          113004 113005 113006 113012 113015 113019 113039
 *                 605004 605005 611101 611102 611103 716039
 *                 722022 722023 722028 722037 722051 734001
 *   config        111001-111010, 502101-502103
 *   threat        733100 733101, 4000nn (IDS)
 * Any other ID still gets its code, severity and the addresses/users a few
 * generic patterns ("from A to B", "src A dst B", "user = U") find.
 *
 * Connections name the initiator first only for inbound ones: "Built
 * outbound TCP connection 1 for outside:B/80 (B/80) to inside:A/1772 (N/9)"
 * means A (mapped to N) opened a connection to B; source is A, source.nat N.
 *
 * Extras: "cisco.<name>" (message_id, level, connection_id, duration,
 * tcp_flags, reason, acl, command ...); the text itself is `message`.
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/vendor_util.h"

#define NS "cisco"

struct ep {
    struct mm_str iface, ip, port, user;
};

static const struct mm_str none = {NULL, 0};

static struct mm_str mk(const char *p, const char *e)
{
    struct mm_str s = {p, (uint32_t)(e - p)};
    return s;
}

static void add(struct mm_event *ev, const char *key, struct mm_str v)
{
    if (v.p != NULL && v.n > 0) {
        mm_event_add(ev, NS, key, strlen(key), v.p, v.n);
    }
}

/* The token at p: up to a blank, without trailing punctuation (",", ";", "."). */
static struct mm_str token(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && *q != ' ' && *q != '\t') {
        q++;
    }
    while (q > p && (q[-1] == ',' || q[-1] == ';' || q[-1] == '.')) {
        q--;
    }
    return mk(p, q);
}

/*
 * An endpoint token: "iface:ip/port", "iface:ip", "iface/ip(port)", "ip/port",
 * "ip", "(ip)", with IPv6 addresses, optionally followed by the identity
 * firewall user "(LOCAL\\user)".  Fields not present stay NULL.
 */
static void read_ep(struct mm_str t, struct ep *e)
{
    e->iface = e->ip = e->port = e->user = none;
    if (t.p == NULL || t.n == 0) {
        return;
    }
    const char *p = t.p, *end = t.p + t.n;
    if (*p == '(') {
        /* "(192.0.2.1/80)" or "(192.0.2.1)(LOCAL\\u)": the inner part only */
        const char *c = memchr(p, ')', (size_t)(end - p));
        p++;
        end = c != NULL ? c : end;
    } else {
        const char *open = memchr(p, '(', (size_t)(end - p));
        if (open != NULL) {
            const char *c = memchr(open, ')', (size_t)(end - open));
            struct mm_str in = mk(open + 1, c != NULL ? c : end);
            if (vu_digits(in)) {
                e->port = in; /* "inside/10.1.2.16(2241)" */
                const char *o2 = c != NULL ? memchr(c, '(', (size_t)(end - c)) : NULL;
                if (o2 != NULL) {
                    const char *c2 = memchr(o2, ')', (size_t)(end - o2));
                    e->user = mk(o2 + 1, c2 != NULL ? c2 : end);
                }
            } else {
                e->user = in; /* "10.0.0.1/443(LOCAL\\user)" */
            }
            end = open;
        }
    }
    const char *slash = NULL;
    for (const char *q = end; q > p; q--) {
        if (q[-1] == '/') {
            slash = q - 1;
            break;
        }
    }
    if (slash != NULL) {
        struct mm_str after = mk(slash + 1, end);
        struct mm_str before = mk(p, slash);
        if (vu_ip(after)) {
            e->iface = before; /* iface/ip */
            e->ip = after;
            return;
        }
        if (e->port.p == NULL) {
            e->port = after;
        }
        end = slash;
    }
    struct mm_str a = mk(p, end);
    if (vu_ip(a)) {
        e->ip = a;
        return;
    }
    const char *colon = memchr(p, ':', (size_t)(end - p));
    if (colon != NULL) {
        e->iface = mk(p, colon);
        e->ip = mk(colon + 1, end); /* may be an object or host name */
    } else {
        e->ip = a;
    }
}

/* "LOCAL\\user" / "DOMAIN\\user": user.name and user.domain */
static void set_user(struct mm_event *ev, struct mm_str u)
{
    if (u.p == NULL || u.n == 0 || ev->f[MM_F_USER_NAME].p != NULL) {
        return;
    }
    const char *bs = NULL;
    for (uint32_t i = u.n; i-- > 0;) {
        if (u.p[i] == '\\') {
            bs = u.p + i;
            break;
        }
    }
    if (bs != NULL) {
        vu_set(ev, MM_F_USER_DOMAIN, mk(u.p, bs));
        vu_set(ev, MM_F_USER_NAME, mk(bs + 1, u.p + u.n));
    } else {
        vu_set(ev, MM_F_USER_NAME, u);
    }
}

static void set_src(struct mm_event *ev, const struct ep *e)
{
    vu_set_ip(ev, MM_F_SOURCE_IP, e->ip);
    vu_set_num(ev, MM_F_SOURCE_PORT, e->port);
    vu_set(ev, MM_F_OBSERVER_INGRESS_IF, e->iface);
    set_user(ev, e->user);
}

static void set_dst(struct mm_event *ev, const struct ep *e)
{
    vu_set_ip(ev, MM_F_DESTINATION_IP, e->ip);
    vu_set_num(ev, MM_F_DESTINATION_PORT, e->port);
    vu_set(ev, MM_F_OBSERVER_EGRESS_IF, e->iface);
    if (e->iface.p != NULL && e->ip.p != NULL && !vu_ip(e->ip) &&
        memchr(e->ip.p, '.', e->ip.n) != NULL) {
        vu_set(ev, MM_F_URL_DOMAIN, e->ip); /* "dst inside:www.example.com/23" */
    }
}

/* the endpoint after lit (lit included in the search), or none */
static int ep_after(const char *p, const char *end, const char *lit, struct ep *e,
                    const char **next)
{
    const char *h = vu_find(p, end, lit);
    if (h == NULL) {
        return 0;
    }
    const char *s = h + strlen(lit);
    struct mm_str t = token(s, end);
    read_ep(t, e);
    if (next != NULL) {
        *next = t.p + t.n;
    }
    return e->ip.p != NULL;
}

/* Word after lit, up to one of stops. */
static struct mm_str word_after(const char *p, const char *end, const char *lit,
                                const char *stops)
{
    const char *h = vu_find(p, end, lit);
    if (h == NULL) {
        return none;
    }
    const char *s = h + strlen(lit);
    const char *q = s;
    while (q < end && strchr(stops, *q) == NULL) {
        q++;
    }
    while (q > s && q[-1] == ' ') {
        q--; /* "reason = AAA failure : server" */
    }
    return mk(s, q);
}

static void set_transport_word(struct mm_event *ev, struct mm_str w)
{
    const char *t = vu_proto_word(w);
    if (t != NULL) {
        mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, t);
    }
}

static void category(struct mm_event *ev, const char *cat, const char *type, const char *action)
{
    if (cat != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, cat);
    }
    if (type != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, type);
    }
    if (action != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_ACTION, action);
    }
}

static void outcome(struct mm_event *ev, int ok)
{
    mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, ok ? "success" : "failure");
}

static int same_str(struct mm_str a, struct mm_str b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* same address and port: the mapped end of a connection that was not translated */
static int same_ep(const struct ep *a, const struct ep *b)
{
    return same_str(a->ip, b->ip) && same_str(a->port, b->port);
}

/* "for A (mapped) to B (mapped)" of 302013-302016; returns 1 when both ends were read. */
static int conn_ends(struct mm_event *ev, const char *p, const char *end, int inbound, int built)
{
    struct ep a, b, am, bm;
    const char *q;
    memset(&am, 0, sizeof(am));
    memset(&bm, 0, sizeof(bm));
    if (!ep_after(p, end, " for ", &a, &q) && !ep_after(p, end, " from ", &a, &q)) {
        return 0;
    }
    if (q + 2 < end && q[0] == ' ' && q[1] == '(') {
        read_ep(token(q + 1, end), &am);
        q = vu_find(q + 1, end, ")");
        q = q != NULL ? q + 1 : end;
    }
    if (!ep_after(q, end, " to ", &b, &q)) {
        return 0;
    }
    if (q + 2 < end && q[0] == ' ' && q[1] == '(') {
        read_ep(token(q + 1, end), &bm);
    }
    /* built outbound: the second end (the local host) opened the connection */
    int swap = built && !inbound;
    const struct ep *s = swap ? &b : &a, *d = swap ? &a : &b;
    const struct ep *sm = swap ? &bm : &am, *dm = swap ? &am : &bm;
    set_src(ev, s);
    set_dst(ev, d);
    if (sm->ip.p != NULL && !same_ep(sm, s)) {
        vu_set_ip(ev, MM_F_SOURCE_NAT_IP, sm->ip);
        vu_set_num(ev, MM_F_SOURCE_NAT_PORT, sm->port);
    }
    if (dm->ip.p != NULL && !same_ep(dm, d)) {
        vu_set_ip(ev, MM_F_DESTINATION_NAT_IP, dm->ip);
        vu_set_num(ev, MM_F_DESTINATION_NAT_PORT, dm->port);
    }
    return 1;
}

/* Generic: "src A dst B" or "from A to B"; returns 1 when a source was read. */
static int generic_ends(struct mm_event *ev, const char *p, const char *end)
{
    struct ep a, b;
    const char *q;
    if (ep_after(p, end, "src ", &a, &q)) {
        set_src(ev, &a);
        if (ep_after(q, end, " dst ", &b, NULL)) {
            set_dst(ev, &b);
        }
        return 1;
    }
    if (ep_after(p, end, " from ", &a, &q) || (vu_starts(p, end, "from ") &&
                                               ep_after(p, end, "from ", &a, &q))) {
        set_src(ev, &a);
        if (ep_after(q, end, " to ", &b, NULL)) {
            set_dst(ev, &b);
        }
        return 1;
    }
    return 0;
}

/* "Group <g> User <u> IP <ip>" (716xxx, 722xxx) or "Group = g, Username = u, IP = ip" */
static void vpn_who(struct mm_event *ev, const char *p, const char *end)
{
    struct mm_str g = word_after(p, end, "Group = ", ",");
    struct mm_str u = word_after(p, end, "Username = ", ",");
    struct mm_str ip = word_after(p, end, "IP = ", ", ");
    if (g.p == NULL) {
        g = word_after(p, end, "Group <", ">");
        u = word_after(p, end, "User <", ">");
        ip = word_after(p, end, "IP <", ">");
    }
    if (g.p == NULL && vu_starts(p, end, "Group ")) {
        g = word_after(p, end, "Group ", " ");
        u = word_after(p, end, " User ", " ");
        ip = word_after(p, end, " IP ", " ");
    }
    vu_set(ev, MM_F_GROUP_NAME, g);
    vu_set(ev, MM_F_USER_NAME, u);
    vu_set_ip(ev, MM_F_SOURCE_IP, ip);
}

/* the part of "user" fields up to ':' ',' or blank */
static void aaa_who(struct mm_event *ev, const char *p, const char *end)
{
    struct mm_str u = word_after(p, end, "User = ", ":, ");
    if (u.p == NULL) {
        u = word_after(p, end, "user = ", ":, ");
    }
    if (u.p == NULL) {
        u = word_after(p, end, "Uname: ", ":, ");
    }
    vu_set(ev, MM_F_USER_NAME, u);
    struct mm_str ip = word_after(p, end, "user IP = ", ",: ");
    if (ip.p == NULL) {
        ip = word_after(p, end, "IP address: ", ",: ");
    }
    vu_set_ip(ev, MM_F_SOURCE_IP, ip);
    struct mm_str srv = word_after(p, end, "server = ", ",: ");
    add(ev, "aaa_server", srv);
    struct mm_str reason = word_after(p, end, "reason = ", ":");
    vu_set(ev, MM_F_EVENT_REASON, reason);
}

static struct mm_str quoted_after(const char *p, const char *end, const char *lit, char q)
{
    const char *h = vu_find(p, end, lit);
    if (h == NULL) {
        return none;
    }
    const char *s = h + strlen(lit);
    const char *e = memchr(s, q, (size_t)(end - s));
    return e != NULL ? mk(s, e) : none;
}

static void parse_text(struct mm_event *ev, long id, const char *p, const char *end)
{
    struct ep a, b;
    const char *q;
    switch (id) {
    case 106001: case 106002: case 106006: case 106007: case 106010: case 106011:
    case 106012: case 106014: case 106015: case 106016: case 106017: case 106018:
    case 106020: case 106021: case 106022: case 106023: case 106027: case 106029:
    case 313001: case 313004: case 313005: case 313008: case 710003: case 710005:
    case 419002: case 500004: case 106026: case 106025: case 106024:
        category(ev, "network", "denied", "deny");
        generic_ends(ev, p, end);
        if (id == 313001 || id == 313004) {
            struct mm_str ip = word_after(p, end, " from ", " ");
            if (vu_eq(ip, "laddr")) {
                ip = word_after(p, end, " from laddr ", " ");
            }
            vu_set_ip(ev, MM_F_SOURCE_IP, ip);
            vu_set_ip(ev, MM_F_DESTINATION_IP, word_after(p, end, " to ", ": "));
            vu_set(ev, MM_F_OBSERVER_INGRESS_IF, word_after(p, end, "on interface ", " "));
            mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, "icmp");
        }
        if (id == 106001 || id == 106006 || id == 106007 || id == 106015 || id == 106021 ||
            id == 106022 || id == 106016 || id == 106012) {
            struct mm_str itf = word_after(p, end, "on interface ", "");
            if (itf.p != NULL) {
                vu_set(ev, MM_F_OBSERVER_INGRESS_IF, token(itf.p, end));
            }
        }
        if (vu_find(p, end, " inbound ") != NULL || vu_starts(p, end, "Inbound ")) {
            mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "inbound");
        } else if (vu_find(p, end, " outbound ") != NULL) {
            mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "outbound");
        }
        {
            struct mm_str acl = quoted_after(p, end, "access-group \"", '"');
            if (acl.p == NULL) {
                acl = word_after(p, end, "outbound list ", " ");
            }
            vu_set(ev, MM_F_RULE_NAME, acl);
            add(ev, "acl", acl);
        }
        /* protocol word: "Deny tcp src", "Deny inbound UDP from", "Deny TCP (no connection)" */
        {
            const char *w = p;
            for (int i = 0; i < 4 && w < end; i++) {
                struct mm_str t = token(w, end);
                set_transport_word(ev, t);
                if (ev->f[MM_F_NETWORK_TRANSPORT].p != NULL) {
                    break;
                }
                w = t.p + t.n;
                while (w < end && *w == ' ') {
                    w++;
                }
            }
        }
        add(ev, "tcp_flags", word_after(p, end, " flags ", " "));
        break;
    case 106100: {
        /* access-list NAME permitted|denied|est-allowed PROTO IF/IP(PORT) -> IF/IP(PORT) */
        const char *s = vu_starts(p, end, "access-list ") ? p + 12 : p;
        struct mm_str acl = token(s, end);
        vu_set(ev, MM_F_RULE_NAME, acl);
        add(ev, "acl", acl);
        const char *w = acl.p + acl.n + (acl.p + acl.n < end ? 1 : 0);
        struct mm_str verdict = token(w, end);
        vu_set(ev, MM_F_EVENT_ACTION, verdict);
        category(ev, "network", vu_eq(verdict, "denied") ? "denied" : "allowed", NULL);
        w = verdict.p + verdict.n + (verdict.p + verdict.n < end ? 1 : 0);
        struct mm_str proto = token(w, end);
        set_transport_word(ev, proto);
        w = proto.p + proto.n + (proto.p + proto.n < end ? 1 : 0);
        read_ep(token(w, end), &a);
        set_src(ev, &a);
        if (ep_after(w, end, "-> ", &b, NULL)) {
            set_dst(ev, &b);
        }
        add(ev, "hit_count", word_after(p, end, "hit-cnt ", " "));
        break;
    }
    case 302013: case 302015: case 302017: case 302303: case 302020: case 302023:
    case 302014: case 302016: case 302018: case 302304: case 302021: case 302024: {
        int built = vu_starts(p, end, "Built");
        int inbound = vu_find(p, end, "inbound") != NULL || vu_starts(p, end, "Built in");
        category(ev, "network", built ? "start" : "end", built ? "built" : "teardown");
        struct mm_str proto = word_after(p, end, built ? (vu_find(p, end, "bound ") ? "bound "
                                                                                   : "Built ")
                                                       : "Teardown ", " ");
        set_transport_word(ev, proto);
        if (built) {
            mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, inbound ? "inbound" : "outbound");
        }
        if ((id == 302020 || id == 302021) && vu_find(p, end, "faddr ") != NULL) {
            /* ICMP: faddr (foreign) gaddr (global) laddr (local) */
            struct mm_str fa = word_after(p, end, "faddr ", " "), la = word_after(p, end,
                                                                                 "laddr ", " ");
            struct mm_str ga = word_after(p, end, "gaddr ", " ");
            struct ep f, l, g;
            read_ep(fa, &f);
            read_ep(la, &l);
            read_ep(ga, &g);
            int out = !inbound && (built || vu_find(p, end, "outbound") != NULL);
            vu_set_ip(ev, MM_F_SOURCE_IP, out ? l.ip : f.ip);
            vu_set_ip(ev, MM_F_DESTINATION_IP, out ? f.ip : l.ip);
            if (!same_str(g.ip, l.ip)) {
                vu_set_ip(ev, out ? MM_F_SOURCE_NAT_IP : MM_F_DESTINATION_NAT_IP, g.ip);
            }
            mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, "icmp");
        } else {
            conn_ends(ev, p, end, inbound, built);
            struct mm_str cid = word_after(p, end, "connection ", " ");
            add(ev, "connection_id", cid);
        }
        if (!built) {
            add(ev, "duration", word_after(p, end, " duration ", " "));
            struct mm_str bytes = word_after(p, end, " bytes ", " ");
            vu_set_num(ev, MM_F_NETWORK_BYTES, bytes);
            const char *r = bytes.p != NULL ? bytes.p + bytes.n : NULL;
            if (r != NULL && r + 1 < end && r[1] != '(') {
                const char *rs = r + 1;
                if (vu_starts(rs, end, "reason ")) {
                    rs += 7;
                }
                const char *re = vu_find(rs, end, " (");
                vu_set(ev, MM_F_EVENT_REASON, mk(rs, re != NULL ? re : end));
            }
        }
        break;
    }
    case 305011: case 305012: {
        int built = vu_starts(p, end, "Built");
        category(ev, "network", built ? "start" : "end", built ? "built" : "teardown");
        struct mm_str proto = word_after(p, end, built ? "Built " : "Teardown ", " ");
        struct mm_str kind = proto;
        add(ev, "xlate_type", kind);
        const char *w = proto.p != NULL ? proto.p + proto.n + 1 : p;
        if (w <= end) {
            set_transport_word(ev, token(w, end));
        }
        if (ep_after(p, end, "translation from ", &a, &q)) {
            set_src(ev, &a);
            if (ep_after(q, end, " to ", &b, NULL)) {
                vu_set_ip(ev, MM_F_SOURCE_NAT_IP, b.ip);
                vu_set_num(ev, MM_F_SOURCE_NAT_PORT, b.port);
                vu_set(ev, MM_F_OBSERVER_EGRESS_IF, b.iface);
            }
        }
        add(ev, "duration", word_after(p, end, " duration ", " "));
        break;
    }
    case 710001: case 710002: case 710004:
        category(ev, "network", "allowed", id == 710001 ? "requested" : "permitted");
        generic_ends(ev, p, end);
        set_transport_word(ev, token(p, end));
        break;
    case 304001: case 304002: {
        /* "10.1.1.1(DOMAIN\user) Accessed URL 192.0.2.1:http://x/" or "user@10.1.1.1 ..." */
        category(ev, "web", id == 304001 ? "allowed" : "denied",
                 id == 304001 ? "accessed" : "deny");
        if (id == 304001) {
            struct mm_str t = token(p, end);
            const char *at = memchr(t.p, '@', t.n);
            const char *s = at != NULL ? at + 1 : t.p;
            const char *e = s;
            while (e < t.p + t.n && *e != '(') {
                e++;
            }
            vu_set_ip(ev, MM_F_SOURCE_IP, mk(s, e));
            if (at != NULL) {
                vu_set(ev, MM_F_USER_NAME, mk(t.p, at));
            } else if (e < t.p + t.n) {
                const char *ce = memchr(e, ')', (size_t)(t.p + t.n - e));
                if (ce != NULL) {
                    vu_set(ev, MM_F_USER_NAME, mk(e + 1, ce));
                }
            }
            struct mm_str d = word_after(p, end, "URL ", " ");
            const char *colon = d.p != NULL ? memchr(d.p, ':', d.n) : NULL;
            if (colon != NULL) {
                vu_set_ip(ev, MM_F_DESTINATION_IP, mk(d.p, colon));
                vu_set(ev, MM_F_URL_ORIGINAL, mk(colon + 1, d.p + d.n));
            }
        } else {
            vu_set(ev, MM_F_URL_ORIGINAL, word_after(p, end, "URL ", " "));
            vu_set_ip(ev, MM_F_SOURCE_IP, word_after(p, end, "SRC ", " "));
            vu_set_ip(ev, MM_F_DESTINATION_IP, word_after(p, end, "DEST ", " "));
        }
        struct mm_str u = ev->f[MM_F_URL_ORIGINAL];
        const char *sch = u.p != NULL ? vu_find(u.p, u.p + u.n, "://") : NULL;
        if (sch != NULL) {
            const char *h = sch + 3, *he = h;
            while (he < u.p + u.n && *he != '/' && *he != ':') {
                he++;
            }
            vu_set(ev, MM_F_URL_DOMAIN, mk(h, he));
        }
        break;
    }
    case 113004: case 113012:
        category(ev, "authentication", "start", "auth-success");
        outcome(ev, 1);
        aaa_who(ev, p, end);
        break;
    case 113005: case 113015:
        category(ev, "authentication", "start", "auth-rejected");
        outcome(ev, 0);
        aaa_who(ev, p, end);
        break;
    case 113006:
        category(ev, "authentication", "info", "locked-out");
        outcome(ev, 0);
        vu_set(ev, MM_F_USER_NAME, word_after(p, end, "User ", " "));
        break;
    case 113019:
        category(ev, "authentication", "end", "disconnect");
        vpn_who(ev, p, end);
        vu_set(ev, MM_F_TUNNEL_TYPE, word_after(p, end, "Session Type: ", ","));
        vu_set(ev, MM_F_EVENT_REASON, word_after(p, end, "Reason: ", ""));
        vu_set_num(ev, MM_F_SOURCE_BYTES, word_after(p, end, "Bytes xmt: ", ","));
        vu_set_num(ev, MM_F_DESTINATION_BYTES, word_after(p, end, "Bytes rcv: ", ","));
        break;
    case 113039: case 716001: case 722022: case 722033: case 722034:
        category(ev, "authentication", "start", "connect");
        outcome(ev, 1);
        vpn_who(ev, p, end);
        break;
    case 716002: case 722023: case 722028: case 722037: case 722030: case 722031:
        category(ev, "authentication", "end", "disconnect");
        vpn_who(ev, p, end);
        if (id == 722037) {
            vu_set(ev, MM_F_EVENT_REASON, word_after(p, end, "closing connection: ", "."));
        }
        break;
    case 716039: case 716038:
        category(ev, "authentication", "start", id == 716039 ? "auth-rejected" : "auth-success");
        outcome(ev, id == 716038);
        vpn_who(ev, p, end);
        vu_set(ev, MM_F_TUNNEL_TYPE, word_after(p, end, "Session Type: ", ". "));
        break;
    case 722051: {
        category(ev, "network", "info", "address-assigned");
        vpn_who(ev, p, end);
        struct mm_str v4 = word_after(p, end, "IPv4 Address <", ">");
        if (v4.p == NULL) {
            v4 = word_after(p, end, "IPv4 Address ", " ");
        }
        vu_set_ip(ev, MM_F_VPN_ASSIGNED_IP, v4);
        break;
    }
    case 734001:
        category(ev, "authentication", "info", "dap-selected");
        vu_set(ev, MM_F_USER_NAME, word_after(p, end, "User ", ","));
        vu_set_ip(ev, MM_F_SOURCE_IP, word_after(p, end, "Addr ", ","));
        break;
    case 605004: case 605005: {
        category(ev, "authentication", "start", id == 605005 ? "login-permitted" : "login-denied");
        outcome(ev, id == 605005);
        generic_ends(ev, p, end);
        struct mm_str u = quoted_after(p, end, "for user \"", '"');
        if (u.p == NULL) {
            u = word_after(p, end, "for user ", " ");
        }
        vu_set(ev, MM_F_USER_NAME, u);
        struct ep d;
        if (ep_after(p, end, " to ", &d, NULL)) {
            vu_set(ev, MM_F_NETWORK_PROTOCOL, d.port); /* the service: ssh, https, telnet */
        }
        break;
    }
    case 611101: case 611102: case 611103:
        category(ev, "authentication", id == 611103 ? "end" : "start",
                 id == 611101 ? "login" : id == 611102 ? "login-failed" : "logout");
        if (id != 611103) {
            outcome(ev, id == 611101);
        }
        aaa_who(ev, p, end);
        break;
    case 111008: case 111009: case 111010: {
        category(ev, "configuration", "change", "command");
        struct mm_str u = quoted_after(p, end, "User '", '\'');
        if (u.p == NULL) {
            u = word_after(p, end, "User ", " ,");
        }
        vu_set(ev, MM_F_USER_NAME, u);
        struct mm_str cmd = quoted_after(p, end, "the '", '\'');
        if (cmd.p == NULL) {
            cmd = quoted_after(p, end, "executed '", '\'');
        }
        if (cmd.p == NULL) {
            cmd = word_after(p, end, "cmd:", "");
        }
        add(ev, "command", cmd);
        vu_set_ip(ev, MM_F_SOURCE_IP, word_after(p, end, "from IP ", ", "));
        break;
    }
    case 111001: case 111002: case 111003: case 111004: case 111005: case 111007:
        category(ev, "configuration", "change", "configure");
        vu_set_ip(ev, MM_F_SOURCE_IP, token(p, end));
        vu_set_ip(ev, MM_F_SOURCE_IP, word_after(p, end, "configuration: ", " "));
        if (vu_find(p, end, "FAILED") != NULL && vu_find(p, end, "OK") == NULL) {
            outcome(ev, 0);
        } else if (vu_find(p, end, ": OK") != NULL) {
            outcome(ev, 1);
        }
        break;
    case 502101: case 502102: case 502103: case 502111: case 502112:
        category(ev, "iam", "change", id == 502101 ? "user-added" :
                                      id == 502102 ? "user-deleted" : "user-changed");
        vu_set(ev, MM_F_USER_TARGET_NAME, word_after(p, end, "Uname: ", " "));
        break;
    case 733100: case 733101: case 733102: case 733104: case 733105:
        category(ev, "intrusion_detection", "info", "rate-exceeded");
        mm_event_set_cstr(ev, MM_F_EVENT_KIND, "alert");
        {
            struct mm_str obj = word_after(p, end, "[", "]");
            while (obj.n > 0 && obj.p[0] == ' ') {
                obj.p++;
                obj.n--;
            }
            if (obj.p != NULL && vu_starts(p, end, "[")) {
                vu_set(ev, MM_F_THREAT_NAME, obj);
                vu_set_ip(ev, MM_F_SOURCE_IP, obj);
            } else {
                struct mm_str o = word_after(p, end, "Object ", " ");
                vu_set_ip(ev, MM_F_SOURCE_IP, o);
            }
        }
        break;
    default:
        if (id >= 400000 && id <= 400999) {
            /* IDS: "IDS:2004 ICMP echo request from 10.1.1.1 to 10.2.2.2 on interface outside" */
            category(ev, "intrusion_detection", "info", "ids-alert");
            mm_event_set_cstr(ev, MM_F_EVENT_KIND, "alert");
            struct mm_str sig = word_after(p, end, "IDS:", " ");
            const char *s = sig.p != NULL ? sig.p + sig.n + 1 : NULL;
            const char *fr = vu_find(p, end, " from ");
            if (s != NULL && fr != NULL && s < fr) {
                vu_set(ev, MM_F_THREAT_SIGNATURE, mk(s, fr));
            }
            add(ev, "ids_signature_id", sig);
            generic_ends(ev, p, end);
            break;
        }
        if (vu_starts(p, end, "Group ")) {
            vpn_who(ev, p, end);
        }
        if (generic_ends(ev, p, end)) {
            mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "network");
            if (vu_find(p, end, "drop") != NULL || vu_find(p, end, "Drop") != NULL ||
                vu_find(p, end, "denied") != NULL || vu_find(p, end, "Deny") != NULL) {
                mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "denied");
            } else {
                mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "info");
            }
        }
        break;
    }
}

/*
 * Find the "%ASA-6-302013: " tag: at the start, or after a few header words
 * left in the body ("Apr 15 2014 09:34:34 EDT: %ASA-...").  Returns the tag
 * start or NULL.
 */
static const char *find_tag(const char *body, size_t len)
{
    size_t lim = len < 96 ? len : 96;
    const char *end = body + lim;
    for (const char *p = body; p < end; p++) {
        if (*p != '%' || (p > body && p[-1] != ' ' && p[-1] != ':')) {
            continue;
        }
        const char *full_end = body + len;
        if (vu_starts(p, full_end, "%ASA-") || vu_starts(p, full_end, "%FTD-") ||
            vu_starts(p, full_end, "%PIX-") || vu_starts(p, full_end, "%FWSM-")) {
            return p;
        }
    }
    return NULL;
}

struct tag {
    const char *product; /* static: "ASA", "FTD", "PIX", "FWSM" */
    struct mm_str level, id;
    const char *text; /* message text */
};

/* Read "[%]PROD-[session-]L-NNNNNN: " at p. */
static int read_tag(const char *p, const char *end, struct tag *t)
{
    if (p < end && *p == '%') {
        p++;
    }
    if (vu_starts(p, end, "ASA-")) {
        t->product = "ASA";
    } else if (vu_starts(p, end, "FTD-")) {
        t->product = "FTD";
    } else if (vu_starts(p, end, "PIX-")) {
        t->product = "PIX";
    } else if (vu_starts(p, end, "FWSM-")) {
        t->product = "FWSM";
    } else {
        return 0;
    }
    p += strlen(t->product) + 1;
    /* optional facility word ("session-") */
    if (p < end && !vu_is_digit(*p)) {
        const char *d = memchr(p, '-', (size_t)(end - p));
        if (d == NULL || d - p > 16) {
            return 0;
        }
        p = d + 1;
    }
    if (end - p < 3 || !vu_is_digit(p[0]) || p[1] != '-') {
        return 0;
    }
    t->level = mk(p, p + 1);
    p += 2;
    const char *s = p;
    while (p < end && vu_is_digit(*p)) {
        p++;
    }
    /* some relays drop the colon: "%ASA-6-302016 Teardown ..." */
    if (p - s < 6 || p - s > 7 || p >= end || (*p != ':' && *p != ' ')) {
        return 0;
    }
    t->id = mk(s, p);
    p++;
    while (p < end && *p == ' ') {
        p++;
    }
    t->text = p;
    return 1;
}

/* Message texts some relays keep without the tag (low confidence). */
static const char *const bare_starts[] = {
    "Deny tcp src ", "Deny udp src ", "Deny icmp src ", "Deny protocol ", "Deny TCP (no connection)",
    "Deny inbound ", "access-list ", "Built inbound ", "Built outbound ", "Built dynamic ",
    "Built static ", "Teardown TCP ", "Teardown UDP ", "Teardown ICMP ", "Teardown dynamic ",
    "Teardown static ", "Inbound TCP connection denied", "No matching connection for ICMP",
    "Denied ICMP ", "(Primary) ", "(Secondary) ", "AAA user authentication ",
};

static long bare_id(const char *p, const char *end)
{
    if (vu_starts(p, end, "Deny ") && vu_find(p, end, "access-group") != NULL) {
        return 106023;
    }
    if (vu_starts(p, end, "Deny TCP (no connection)")) {
        return 106015;
    }
    if (vu_starts(p, end, "Deny inbound ")) {
        return vu_find(p, end, "icmp") ? 106014 : 106006;
    }
    if (vu_starts(p, end, "access-list ")) {
        return 106100;
    }
    if (vu_starts(p, end, "Inbound TCP connection denied")) {
        return 106001;
    }
    if (vu_starts(p, end, "Built inbound TCP") || vu_starts(p, end, "Built outbound TCP")) {
        return 302013;
    }
    if (vu_starts(p, end, "Built inbound UDP") || vu_starts(p, end, "Built outbound UDP")) {
        return 302015;
    }
    if (vu_starts(p, end, "Teardown TCP")) {
        return 302014;
    }
    if (vu_starts(p, end, "Teardown UDP")) {
        return 302016;
    }
    if (vu_starts(p, end, "Built dynamic") || vu_starts(p, end, "Built static")) {
        return 305011;
    }
    if (vu_starts(p, end, "Teardown dynamic") || vu_starts(p, end, "Teardown static")) {
        return 305012;
    }
    if (vu_starts(p, end, "Denied ICMP")) {
        return 313001;
    }
    if (vu_starts(p, end, "No matching connection for ICMP")) {
        return 313005;
    }
    if (vu_find(p, end, " Accessed URL ") != NULL) {
        return 304001;
    }
    return 0;
}

/* "302020: text" or "6|Nov 28 2014 12:59:03|302021: text" (id-only forms) */
static const char *id_only(const char *body, const char *end, struct mm_str *id)
{
    const char *p = body;
    if (end - p > 2 && vu_is_digit(p[0]) && p[1] == '|') {
        const char *bar = memchr(p + 2, '|', (size_t)(end - p - 2));
        if (bar == NULL || bar - p > 40) {
            return NULL;
        }
        p = bar + 1;
    }
    const char *s = p;
    while (p < end && vu_is_digit(*p)) {
        p++;
    }
    if (p - s != 6 || p >= end || *p != ':') {
        return NULL;
    }
    *id = mk(s, p);
    p++;
    while (p < end && *p == ' ') {
        p++;
    }
    return p;
}

static int cisco_asa_detect(const struct mm_event *ev, const char *body, size_t len)
{
    (void)ev;
    const char *end = body + len;
    struct tag t;
    const char *tp = find_tag(body, len);
    if (tp != NULL && read_tag(tp, end, &t)) {
        return 95;
    }
    if (read_tag(body, end, &t)) {
        return 90;
    }
    struct mm_str id;
    if (id_only(body, end, &id) != NULL) {
        return 40;
    }
    for (size_t i = 0; i < sizeof(bare_starts) / sizeof(bare_starts[0]); i++) {
        if (vu_starts(body, end, bare_starts[i])) {
            return 30;
        }
    }
    if (bare_id(body, end) == 304001) {
        return 30;
    }
    return 0;
}

static long to_long(struct mm_str s)
{
    long v = 0;
    for (uint32_t i = 0; i < s.n && i < 9; i++) {
        v = v * 10 + (s.p[i] - '0');
    }
    return v;
}

static enum mm_parse_rc cisco_asa_parse(struct mm_event *ev, const char *body, size_t len)
{
    const char *end = body + len;
    struct tag t;
    memset(&t, 0, sizeof(t));
    const char *tp = find_tag(body, len);
    long id = 0;
    const char *text;
    if ((tp != NULL && read_tag(tp, end, &t)) || read_tag(body, end, &t)) {
        text = t.text;
        id = to_long(t.id);
    } else if ((text = id_only(body, end, &t.id)) != NULL) {
        id = to_long(t.id);
    } else {
        int bare = 0;
        for (size_t i = 0; i < sizeof(bare_starts) / sizeof(bare_starts[0]); i++) {
            if (vu_starts(body, end, bare_starts[i])) {
                bare = 1;
                break;
            }
        }
        id = bare_id(body, end);
        if (!bare && id == 0) {
            return MM_PARSE_NOMATCH;
        }
        text = body;
    }
    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "Cisco");
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, t.product != NULL ? t.product : "ASA");
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "firewall");
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
    if (t.id.p != NULL) {
        vu_set(ev, MM_F_EVENT_CODE, t.id);
        add(ev, "message_id", t.id);
    }
    if (t.level.p != NULL) {
        vu_set(ev, MM_F_EVENT_SEVERITY, t.level);
        add(ev, "level", t.level);
    }
    if (text >= end) {
        return t.id.p != NULL ? MM_PARSE_MALFORMED : MM_PARSE_NOMATCH;
    }
    parse_text(ev, id, text, end);
    if (ev->f[MM_F_EVENT_CATEGORY].p == NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "host");
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "info");
    }
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_cisco_asa = {
    .name = "cisco_asa",
    .detect = cisco_asa_detect,
    .parse = cisco_asa_parse,
};
