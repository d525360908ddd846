/*
 * pfsense.c - pfSense and OPNsense: the pf `filterlog` CSV (IPv4 and IPv6;
 * TCP, UDP, ICMP, CARP ...) and the web GUI authentication lines.
 *
 * filterlog, after the pfSense "Filter Log Format" reference:
 *   common  rule, subrule, anchor, tracker, interface, reason, action,
 *           direction, ip version
 *   IPv4    tos, ecn, ttl, id, offset, flags, proto id, proto, length, src, dst
 *   IPv6    class, flow label, hop limit, proto, proto id, length, src, dst
 *   TCP     src port, dst port, data length, tcp flags, seq, ack, window,
 *           urg, options
 *   UDP     src port, dst port, data length
 *   ICMP    icmp type, then per type (request/reply: id, seq; unreachport:
 *           dst, proto, port; needfrag: dst, mtu; ... others a description)
 *   CARP    type, ttl, vhid, version, advbase, advskew
 * OPNsense writes the same record with a 32-hex rule hash or a UUID as tracker.
 *
 * GUI lines (php-fpm / audit):
 *   "/index.php: webConfigurator authentication error for user 'x' from: 192.0.2.1"
 *   "/index.php: Successful login for user 'admin' from: 192.0.2.1 (Local Database)"
 *   "/index.php: Web GUI authentication error for 'x' from 192.0.2.1"        (OPNsense)
 *   "/index.php: User logged out for user 'admin' from: 192.0.2.1"
 *
 * Extras: "pfsense.<field>" with the names of the reference above.
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/vendor_util.h"

#define NS "pfsense"
#define MAXF 48

/* A tracker: pfSense a number, OPNsense a 32-hex hash or a UUID. */
static int is_hex(struct mm_str s)
{
    if (s.p == NULL || s.n == 0) {
        return 0;
    }
    for (uint32_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
              c == '-')) {
            return 0;
        }
    }
    return 1;
}

/* Split p[0..n) at commas (filterlog never quotes); returns the field count. */
static size_t split(const char *p, size_t n, struct mm_str *f, size_t maxf)
{
    const char *end = p + n;
    size_t nf = 0;
    const char *q = p;
    while (nf < maxf) {
        const char *c = memchr(q, ',', (size_t)(end - q));
        const char *fe = c != NULL ? c : end;
        f[nf].p = q;
        f[nf].n = (uint32_t)(fe - q);
        nf++;
        if (c == NULL) {
            break;
        }
        q = c + 1;
    }
    return nf;
}

/* "filterlog[123]: " or "filterlog: " left in the body by a header without a host */
static size_t skip_tag(const char *body, size_t len)
{
    static const char tag[] = "filterlog";
    size_t i = sizeof(tag) - 1;
    if (len < i || memcmp(body, tag, i) != 0) {
        return 0;
    }
    if (i < len && body[i] == '[') {
        while (i < len && body[i] != ']') {
            i++;
        }
        i++;
    }
    if (i < len && body[i] == ':') {
        i++;
        while (i < len && body[i] == ' ') {
            i++;
        }
        return i;
    }
    return 0;
}

/* The filterlog shape: rule,subrule,anchor,tracker,iface,reason,action,dir,4|6 */
static int filterlog_shape(const struct mm_str *f, size_t nf)
{
    if (nf < 9 || !vu_digits(f[0]) || f[4].n == 0 || f[5].n == 0) {
        return 0;
    }
    if (f[3].n > 0 && !is_hex(f[3])) {
        return 0;
    }
    if (!(vu_eq(f[6], "pass") || vu_eq(f[6], "block") || vu_eq(f[6], "reject") ||
          vu_eq(f[6], "scrub") || vu_eq(f[6], "nat") || vu_eq(f[6], "rdr") || vu_eq(f[6], "binat"))) {
        return 0;
    }
    if (!(vu_eq(f[7], "in") || vu_eq(f[7], "out"))) {
        return 0;
    }
    return vu_eq(f[8], "4") || vu_eq(f[8], "6");
}

/* Which GUI line this is: 0 none, 1 failure, 2 success, 3 logout. */
static int gui_kind(const char *body, size_t len, const char **user, const char **from)
{
    static const struct {
        const char *lit;
        int kind;
    } pats[] = {
        {"webConfigurator authentication error for user '", 1},
        {"Web GUI authentication error for user '", 1},
        {"Web GUI authentication error for '", 1},
        {"Successful login for user '", 2},
        {"User logged out for user '", 3},
    };
    const char *end = body + len;
    for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
        const char *hit = vu_find(body, end, pats[i].lit);
        if (hit != NULL) {
            *user = hit + strlen(pats[i].lit);
            *from = NULL;
            const char *q = vu_find(*user, end, " from");
            if (q != NULL) {
                *from = q;
            }
            return pats[i].kind;
        }
    }
    return 0;
}

static int pfsense_detect(const struct mm_event *ev, const char *body, size_t len)
{
    const char *u, *fr;
    if (gui_kind(body, len, &u, &fr) != 0) {
        return 85;
    }
    size_t off = skip_tag(body, len);
    struct mm_str f[9];
    size_t nf = split(body + off, len - off, f, 9);
    if (!filterlog_shape(f, nf)) {
        return 0;
    }
    struct mm_str app = ev->f[MM_F_SYSLOG_APPNAME];
    return vu_eq(app, "filterlog") || off > 0 ? 95 : 85;
}

static void observer(struct mm_event *ev, int opnsense)
{
    if (!opnsense) {
        struct mm_str h = ev->f[MM_F_HOST_HOSTNAME];
        opnsense = vu_icontains(h, "opnsense");
    }
    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, opnsense ? "Deciso" : "Netgate");
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, opnsense ? "OPNsense" : "pfSense");
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "firewall");
}

static void add(struct mm_event *ev, const char *key, struct mm_str v)
{
    if (v.p != NULL && v.n > 0) {
        mm_event_add(ev, NS, key, strlen(key), v.p, v.n);
    }
}

static enum mm_parse_rc parse_gui(struct mm_event *ev, const char *body, size_t len, int kind,
                                  const char *user, const char *from)
{
    const char *end = body + len;
    const char *ue = user;
    while (ue < end && *ue != '\'') {
        ue++;
    }
    struct mm_str u = {user, (uint32_t)(ue - user)};
    if (ue >= end) {
        return MM_PARSE_MALFORMED;
    }
    vu_set(ev, MM_F_USER_NAME, u);
    add(ev, "user", u);
    if (from != NULL) {
        const char *p = from + 5; /* " from" */
        if (p < end && *p == ':') {
            p++;
        }
        while (p < end && *p == ' ') {
            p++;
        }
        const char *q = p;
        while (q < end && *q != ' ' && *q != ',' && *q != ')') {
            q++;
        }
        struct mm_str ip = {p, (uint32_t)(q - p)};
        vu_set_ip(ev, MM_F_SOURCE_IP, ip);
        add(ev, "from", ip);
    }
    /* "/index.php: ..." names the page */
    if (len > 0 && body[0] == '/') {
        const char *c = memchr(body, ':', len);
        if (c != NULL) {
            struct mm_str page = {body, (uint32_t)(c - body)};
            vu_set(ev, MM_F_URL_PATH, page);
        }
    }
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
    mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "authentication");
    if (kind == 3) {
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "end");
        mm_event_set_cstr(ev, MM_F_EVENT_ACTION, "logout");
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
    } else {
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "start");
        mm_event_set_cstr(ev, MM_F_EVENT_ACTION, kind == 2 ? "login" : "login-failed");
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, kind == 2 ? "success" : "failure");
    }
    mm_event_set_cstr(ev, MM_F_SERVICE_NAME, "webgui");
    observer(ev, vu_find(body, end, "Web GUI") != NULL);
    return MM_PARSE_OK;
}

static const char *const common_names[] = {"rule_number", "sub_rule", "anchor", "tracker",
                                           "interface", "reason", "action", "direction",
                                           "ip_version"};
static const char *const v4_names[] = {"tos", "ecn", "ttl", "id", "offset", "flags",
                                       "proto_id", "proto", "length", "src", "dst"};
static const char *const v6_names[] = {"class", "flow_label", "hop_limit", "proto",
                                       "proto_id", "length", "src", "dst"};
static const char *const tcp_names[] = {"src_port", "dst_port", "data_length", "tcp_flags",
                                        "seq", "ack", "window", "urg", "options"};
static const char *const udp_names[] = {"src_port", "dst_port", "data_length"};
static const char *const carp_names[] = {"carp_type", "carp_ttl", "vhid", "carp_version",
                                         "advbase", "advskew"};

static void add_names(struct mm_event *ev, const char *const *names, size_t nn,
                      const struct mm_str *f, size_t nf, size_t from)
{
    for (size_t i = 0; i < nn && from + i < nf; i++) {
        add(ev, names[i], f[from + i]);
    }
}

/* lower-case protocol name into scratch ("TCP" -> "tcp"; ICMPv6 -> ipv6-icmp) */
static void set_transport(struct mm_event *ev, struct mm_str p)
{
    if (p.p == NULL || p.n == 0 || p.n > 32) {
        return;
    }
    if (vu_icontains(p, "icmp6") || vu_icontains(p, "icmpv6") ||
        vu_icontains(p, "ipv6-icmp")) {
        mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, "ipv6-icmp");
        return;
    }
    int lower = 1;
    for (uint32_t i = 0; i < p.n; i++) {
        if (p.p[i] >= 'A' && p.p[i] <= 'Z') {
            lower = 0;
        }
    }
    if (lower) {
        mm_event_set(ev, MM_F_NETWORK_TRANSPORT, p.p, p.n);
        return;
    }
    vu_set_lower(ev, MM_F_NETWORK_TRANSPORT, p, 32);
}

static enum mm_parse_rc parse_filterlog(struct mm_event *ev, const struct mm_str *f, size_t nf)
{
    int v6 = vu_eq(f[8], "6");
    add_names(ev, common_names, 9, f, nf, 0);
    size_t ipn = v6 ? 8 : 11;
    add_names(ev, v6 ? v6_names : v4_names, ipn, f, nf, 9);

    vu_set(ev, MM_F_RULE_ID, f[3].n > 0 ? f[3] : f[0]);
    vu_set(ev, MM_F_EVENT_REASON, f[5]);
    vu_set(ev, MM_F_EVENT_ACTION, f[6]);
    int in = vu_eq(f[7], "in");
    vu_set(ev, in ? MM_F_OBSERVER_INGRESS_IF : MM_F_OBSERVER_EGRESS_IF, f[4]);
    mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, in ? "ingress" : "egress");
    mm_event_add(ev, NULL, "network.type", 12, v6 ? "ipv6" : "ipv4", 4);
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
    mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "network");
    mm_event_set_cstr(ev, MM_F_EVENT_TYPE, vu_eq(f[6], "pass") ? "allowed" :
                                           (vu_eq(f[6], "block") || vu_eq(f[6], "reject")) ? "denied"
                                                                                     : "info");
    observer(ev, f[3].n >= 32);

    if (nf < 9 + ipn) {
        return MM_PARSE_MALFORMED;
    }
    struct mm_str proto = v6 ? f[12] : f[16];
    struct mm_str proto_id = v6 ? f[13] : f[15];
    struct mm_str src = v6 ? f[15] : f[18];
    struct mm_str dst = v6 ? f[16] : f[19];
    vu_set_ip(ev, MM_F_SOURCE_IP, src);
    vu_set_ip(ev, MM_F_DESTINATION_IP, dst);
    set_transport(ev, proto);
    vu_set_num(ev, MM_F_NETWORK_IANA_NUMBER, proto_id);
    if (ev->f[MM_F_SOURCE_IP].p == NULL || ev->f[MM_F_DESTINATION_IP].p == NULL) {
        return MM_PARSE_MALFORMED;
    }

    size_t pi = 9 + ipn; /* first protocol field */
    if (vu_eq(proto_id, "6")) {
        add_names(ev, tcp_names, 9, f, nf, pi);
        if (nf < pi + 2) {
            return MM_PARSE_MALFORMED;
        }
        vu_set_num(ev, MM_F_SOURCE_PORT, f[pi]);
        vu_set_num(ev, MM_F_DESTINATION_PORT, f[pi + 1]);
    } else if (vu_eq(proto_id, "17") || vu_eq(proto_id, "132")) {
        add_names(ev, udp_names, 3, f, nf, pi);
        if (nf < pi + 2) {
            return MM_PARSE_MALFORMED;
        }
        vu_set_num(ev, MM_F_SOURCE_PORT, f[pi]);
        vu_set_num(ev, MM_F_DESTINATION_PORT, f[pi + 1]);
    } else if (vu_eq(proto_id, "1") || vu_eq(proto_id, "58")) {
        if (pi < nf && f[pi].n > 11 && memcmp(f[pi].p, "datalength=", 11) == 0) {
            /* pfSense 2.1 and older: "...,icmp,56,src,dst,datalength=36" */
            struct mm_str dl = {f[pi].p + 11, f[pi].n - 11};
            add(ev, "data_length", dl);
        } else if (pi < nf) {
            struct mm_str t = f[pi];
            add(ev, "icmp_type", t);
            if (vu_eq(t, "request") || vu_eq(t, "reply") || vu_eq(t, "tstamp")) {
                add(ev, "icmp_id", pi + 1 < nf ? f[pi + 1] : (struct mm_str){NULL, 0});
                add(ev, "icmp_seq", pi + 2 < nf ? f[pi + 2] : (struct mm_str){NULL, 0});
            } else if (vu_eq(t, "unreachport") || vu_eq(t, "unreachproto") || vu_eq(t, "needfrag")) {
                add(ev, "icmp_dst", pi + 1 < nf ? f[pi + 1] : (struct mm_str){NULL, 0});
                add(ev, vu_eq(t, "needfrag") ? "icmp_mtu" : "icmp_proto",
                    pi + 2 < nf ? f[pi + 2] : (struct mm_str){NULL, 0});
                if (vu_eq(t, "unreachport")) {
                    add(ev, "icmp_port", pi + 3 < nf ? f[pi + 3] : (struct mm_str){NULL, 0});
                }
            } else if (pi + 1 < nf) {
                add(ev, "icmp_description", f[pi + 1]);
            }
        }
    } else if (vu_eq(proto_id, "112")) {
        add_names(ev, carp_names, 6, f, nf, pi);
    }
    return MM_PARSE_OK;
}

static enum mm_parse_rc pfsense_parse(struct mm_event *ev, const char *body, size_t len)
{
    const char *user, *from;
    int kind = gui_kind(body, len, &user, &from);
    if (kind != 0) {
        return parse_gui(ev, body, len, kind, user, from);
    }
    size_t off = skip_tag(body, len);
    struct mm_str f[MAXF];
    size_t nf = split(body + off, len - off, f, MAXF);
    if (!filterlog_shape(f, nf)) {
        return MM_PARSE_NOMATCH;
    }
    return parse_filterlog(ev, f, nf);
}

const struct mm_parser mm_parser_pfsense = {
    .name = "pfsense",
    .detect = pfsense_detect,
    .parse = pfsense_parse,
};
