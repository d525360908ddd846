/*
 * watchguard.c - WatchGuard Firebox (Fireware OS 11.x/12.x) syslog.
 *
 * Every Fireware message carries msg_id="XXXX-XXXX" (the Log Catalog id, the
 * first four hex digits naming the area: 3000 packet filter, 1AFF HTTP proxy,
 * 0203 IKE, 1100 authentication ...).  What precedes it is what the Firebox
 * put after the syslog header, in any of these shapes:
 *
 *   <142>May 10 15:19:06 NAME SERIAL (2024-01-10T09:49:05) firewall[10]: msg_id=...
 *   2025-11-21T00:28:01Z MEMBER SERIAL DEVNAME firewall: msg_id=...   (cluster)
 *   Mar 21 23:43:20 NAME firewall: msg_id=...     (serial sent as NAME sometimes)
 *   msg_id=...                                    (header already stripped)
 *
 * The header parser takes the first host name; the words left before
 * msg_id are read backwards: "proc[pid]:" (process.name/pid when the header
 * had none), "(timestamp)" (extra watchguard.timestamp), the serial number
 * (12-14 upper-case letters and digits, >= 5 digits), the device name between
 * serial and process (observer.name), and a host name before the serial when
 * the header was not recognised.
 *
 * Traffic messages (3000-0148/0149/0150/0151/0173, proxy 1AFF-..., ...) are
 * positional:
 *
 *   DISP INIF OUTIF [PKTLEN] PROTO [IPHLEN TTL] SRC DST [SPORT DPORT | TYPE CODE]
 *        [offset N FLAGS SEQ win N] [key="v" ...] [route words] (POLICY)
 *
 * Interface aliases may contain blanks ("WAN - Aruba"), so the parse anchors
 * on the protocol word followed by two addresses, not on token positions; the
 * words before it are split into INIF and OUTIF (words joined by a lone "-"
 * stay together).  Key names of the positional values follow the Log
 * Catalog's message variables (inif, outif, ip_pkt_len, protocol, iph_len,
 * ttl, src_ip, dst_ip, src_port, dst_port, tcp_offset, tcp_flags, tcp_seq,
 * tcp_window, icmp_type, icmp_code, route_type, policy_name) and become
 * extras "watchguard.<name>" like every key="value" pair.
 *
 * Other messages are free text; from them come the IPs after "from" /
 * "against" / "to", the user of "user [u@dom]", "user 'u'", "Management user
 * u from", the outcome words (accepted / rejected / failed / logged in ...),
 * and key=value pairs (ARP spoofing "ip=..., mac=...").
 *
 * event.action: the disposition as written (Allow, Deny) for traffic; for
 * free text a word made from the message: accepted, rejected, authenticated,
 * logged-in, logged-out, failed, or "<kind>-attack" (syn-flood-attack ...).
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/keytab.h"
#include "parse/vendor_util.h"

#define NS "watchguard"
#define MAXTOK 48

struct tok {
    const char *p;
    uint32_t n;
};

/* --- small helpers, all bounded --- */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int teq(struct tok t, const char *lit)
{
    return vu_eq(vu_slice(t.p, t.n), lit);
}

static int tieq(const char *p, size_t n, const char *lit)
{
    return vu_ieq(vu_slice(p, n), lit);
}

/* p[0..n) contains lit, ASCII case-insensitively (lit lower-case). */
static const char *ifind(const char *p, size_t n, const char *lit)
{
    long i = vu_ifind(vu_slice(p, n), lit);
    return i >= 0 ? p + i : NULL;
}

static int all_digits(const char *p, size_t n)
{
    return vu_digits(vu_slice(p, n));
}


/* Address-shaped: hex digits, dots and colons (and the 'x' of masked addresses). */
static int addrish(struct tok t)
{
    int dots = 0, colons = 0;
    if (t.n < 2 || t.n > 45) {
        return 0;
    }
    for (uint32_t i = 0; i < t.n; i++) {
        char c = t.p[i];
        if (c == '.') {
            dots++;
        } else if (c == ':') {
            colons++;
        } else if (!(vu_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == 'x' ||
                     c == 'X')) {
            return 0;
        }
    }
    return dots == 3 || colons >= 2;
}

static void set_tok(struct mm_event *ev, enum mm_field f, struct tok t)
{
    vu_set(ev, f, vu_slice(t.p, t.n));
}

static void set_ip(struct mm_event *ev, enum mm_field f, const char *p, size_t n)
{
    vu_set_ip(ev, f, vu_slice(p, n));
}

static void set_num(struct mm_event *ev, enum mm_field f, const char *p, size_t n)
{
    vu_set_num(ev, f, vu_slice(p, n));
}

static void add(struct mm_event *ev, const char *key, struct tok v)
{
    if (v.p != NULL) {
        (void)mm_event_add(ev, NS, key, strlen(key), v.p, v.n);
    }
}

/* Lower-case slug of p[0..n) in scratch: runs of non-alphanumerics become one '-'. */
static void set_slug(struct mm_event *ev, enum mm_field f, const char *p, size_t n)
{
    if (n == 0 || n > 96) {
        return;
    }
    char *d = mm_event_alloc(ev, n);
    if (d == NULL) {
        return;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = vu_lower(p[i]);
        if ((c >= 'a' && c <= 'z') || vu_is_digit(c)) {
            d[o++] = c;
        } else if (o > 0 && d[o - 1] != '-') {
            d[o++] = '-';
        }
    }
    while (o > 0 && d[o - 1] == '-') {
        o--;
    }
    if (o > 0) {
        mm_event_set(ev, f, d, o);
    }
}

/* Split p[0..end) on blanks into at most max tokens; returns the count. */
static int tokenize(const char *p, const char *end, struct tok *t, int max)
{
    int n = 0;
    while (p < end && n < max) {
        while (p < end && is_blank(*p)) {
            p++;
        }
        if (p >= end) {
            break;
        }
        const char *s = p;
        while (p < end && !is_blank(*p)) {
            p++;
        }
        t[n].p = s;
        t[n].n = (uint32_t)(p - s);
        n++;
    }
    return n;
}

/* --- detection --- */

static const char *find_msgid(const char *body, size_t len)
{
    return len >= 8 ? memmem(body, len, "msg_id=\"", 8) : NULL;
}

static int is_hex(char c)
{
    return vu_is_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

static int detect(const struct mm_event *ev, const char *body, size_t len)
{
    (void)ev;
    const char *m = find_msgid(body, len);
    if (m == NULL) {
        return 0;
    }
    const char *v = m + 8, *end = body + len;
    if (end - v >= 10 && is_hex(v[0]) && is_hex(v[1]) && is_hex(v[2]) && is_hex(v[3]) &&
        v[4] == '-' && is_hex(v[5]) && is_hex(v[6]) && is_hex(v[7]) && is_hex(v[8]) &&
        v[9] == '"') {
        return 95;
    }
    return 60;
}

/* --- the words before msg_id --- */

static int serial_like(const char *p, size_t n)
{
    int digits = 0;
    if (n < 12 || n > 14) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (vu_is_digit(p[i])) {
            digits++;
        } else if (!(p[i] >= 'A' && p[i] <= 'Z')) {
            return 0;
        }
    }
    return digits >= 5;
}

/* "name:" or "name[pid]:" */
static int proc_token(struct tok t, struct tok *name, struct tok *pid)
{
    if (t.n < 2 || t.p[t.n - 1] != ':') {
        return 0;
    }
    char c0 = t.p[0];
    if (!((c0 >= 'a' && c0 <= 'z') || (c0 >= 'A' && c0 <= 'Z'))) {
        return 0;
    }
    const char *e = t.p + t.n - 1;
    const char *br = memchr(t.p, '[', (size_t)(e - t.p));
    name->p = t.p;
    pid->p = NULL;
    pid->n = 0;
    if (br != NULL) {
        if (e[-1] != ']' || e - 1 <= br + 1) {
            return 0;
        }
        name->n = (uint32_t)(br - t.p);
        pid->p = br + 1;
        pid->n = (uint32_t)(e - 1 - pid->p);
    } else {
        name->n = (uint32_t)(e - t.p);
    }
    for (uint32_t i = 0; i < name->n; i++) {
        char c = name->p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || vu_is_digit(c) || c == '-' ||
              c == '_' || c == '.' || c == '/')) {
            return 0;
        }
    }
    return name->n > 0;
}

static int time_like(struct tok t)
{
    return t.n >= 5 && vu_is_digit(t.p[0]) && memchr(t.p, ':', t.n) != NULL;
}

static void read_prefix(struct mm_event *ev, const char *body, const char *mid)
{
    struct tok t[8];
    /* the last few words before msg_id, collected backwards */
    int n = 0;
    const char *p = mid;
    while (p > body && n < 8) {
        while (p > body && is_blank(p[-1])) {
            p--;
        }
        if (p == body) {
            break;
        }
        const char *e = p;
        while (p > body && !is_blank(p[-1])) {
            p--;
        }
        t[n].p = p;
        t[n].n = (uint32_t)(e - p);
        n++;
    }
    int i = 0, have_serial = 0, have_proc = 0;
    struct tok name, pid;
    if (i < n && proc_token(t[i], &name, &pid)) {
        have_proc = 1;
        if (ev->f[MM_F_PROCESS_NAME].p == NULL) {
            set_tok(ev, MM_F_PROCESS_NAME, name);
            if (pid.p != NULL) {
                set_num(ev, MM_F_PROCESS_PID, pid.p, pid.n);
            }
        }
        i++;
    }
    for (; i < n; i++) {
        struct tok w = t[i];
        if (w.n >= 3 && w.p[0] == '(' && w.p[w.n - 1] == ')') {
            struct tok in = {w.p + 1, w.n - 2};
            add(ev, "timestamp", in);
        } else if (!have_serial && serial_like(w.p, w.n)) {
            have_serial = 1;
            set_tok(ev, MM_F_OBSERVER_SERIAL, w);
        } else if (!have_serial && have_proc && ev->f[MM_F_OBSERVER_NAME].p == NULL &&
                   !time_like(w)) {
            /* cluster: the device name between serial and process */
            set_tok(ev, MM_F_OBSERVER_NAME, w);
        } else {
            if (have_serial && !time_like(w) && ev->f[MM_F_HOST_HOSTNAME].p == NULL) {
                set_tok(ev, MM_F_HOST_HOSTNAME, w);
            }
            break;
        }
    }
    struct mm_str host = ev->f[MM_F_HOST_HOSTNAME];
    if (!have_serial && host.p != NULL && serial_like(host.p, host.n)) {
        mm_event_set(ev, MM_F_OBSERVER_SERIAL, host.p, host.n);
    } else if (ev->f[MM_F_OBSERVER_NAME].p == NULL && host.p != NULL) {
        mm_event_set(ev, MM_F_OBSERVER_NAME, host.p, host.n);
    }
}

/* --- msg_id families (Log Catalog areas) --- */

struct family {
    char id[3]; /* the first two hex digits */
    const char *category;
};

static const struct family families[] = {
    {"01", "configuration"},  {"02", "network"},       {"09", "network"}, {"0F", "network"},
    {"11", "authentication"}, {"15", "configuration"}, {"16", "network"}, {"1A", "web"},
    {"1B", "email"},          {"1C", "network"},       {"1D", "network"}, {"1F", "malware"},
    {"21", "email"},          {"22", "email"},         {"23", "email"},   {"25", "network"},
    {"28", "network"},        {"2A", "network"},       {"2C", "web"},     {"2D", "network"},
    {"2E", "host"},           {"30", "network"},       {"31", "network"}, {"38", "host"},
    {"39", "host"},           {"3A", "host"},          {"3B", "host"},    {"3D", "host"},
    {"3E", "authentication"}, {"40", "host"},          {"41", "host"},    {"45", "network"},
    {"50", "authentication"}, {"54", "network"},       {"55", "host"},    {"56", "network"},
    {"58", "host"},           {"5A", "network"},       {"5B", "network"}, {"61", "network"},
    {"68", "network"},        {"70", "host"},          {"76", "web"},     {"90", "network"},
};

static const char *family_category(struct tok id)
{
    if (id.n < 2) {
        return NULL;
    }
    char a = id.p[0], b = id.p[1];
    a = (a >= 'a' && a <= 'f') ? (char)(a - 'a' + 'A') : a;
    b = (b >= 'a' && b <= 'f') ? (char)(b - 'a' + 'A') : b;
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
        if (families[i].id[0] == a && families[i].id[1] == b) {
            return families[i].category;
        }
    }
    return NULL;
}

/* --- key="value" pairs --- */

enum wkey {
    W_SENT_BYTES,
    W_RCVD_BYTES,
    W_SENT_PKTS,
    W_RCVD_PKTS,
    W_GEO_SRC,
    W_GEO_DST,
    W_DSTNAME,
    W_HOST,
    W_ARG,
    W_PATH,
    W_OP,
    W_METHOD,
    W_VIRUS,
    W_SIGNAME,
    W_SIGCAT,
    W_SIGID,
    W_SEVERITY,
    W_APP_NAME,
    W_MSG,
    W_QUESTION,
    W_SRC_USER,
    W_DST_USER,
    W_USER,
    W_MD5,
    W_SRC_IP_NAT,
    W_DST_IP_NAT,
    W_SRC_PORT_NAT,
    W_DST_PORT_NAT,
    W_REASON,
    W_CAT_NAME,
    W_SHA256,
    W_FQDN,
    W__COUNT
};

#define KM(s, k) {s, sizeof(s) - 1, k}
static const struct mm_keytab_entry keynames[] = {
    KM("sent_bytes", W_SENT_BYTES),
    KM("rcvd_bytes", W_RCVD_BYTES),
    KM("sent_pkts", W_SENT_PKTS),
    KM("rcvd_pkts", W_RCVD_PKTS),
    KM("geo_src", W_GEO_SRC),
    KM("geo_dst", W_GEO_DST),
    KM("dstname", W_DSTNAME),
    KM("host", W_HOST),
    KM("arg", W_ARG),
    KM("path", W_PATH),
    KM("op", W_OP),
    KM("method", W_METHOD),
    KM("virus", W_VIRUS),
    KM("signature_name", W_SIGNAME),
    KM("signature_cat", W_SIGCAT),
    KM("signature_id", W_SIGID),
    KM("severity", W_SEVERITY),
    KM("app_name", W_APP_NAME),
    KM("msg", W_MSG),
    KM("question", W_QUESTION),
    KM("src_user", W_SRC_USER),
    KM("dst_user", W_DST_USER),
    KM("user", W_USER),
    KM("md5", W_MD5),
    KM("src_ip_nat", W_SRC_IP_NAT),
    KM("dst_ip_nat", W_DST_IP_NAT),
    KM("src_port_nat", W_SRC_PORT_NAT),
    KM("dst_port_nat", W_DST_PORT_NAT),
    KM("reason", W_REASON),
    KM("cat_name", W_CAT_NAME),
    KM("sha256", W_SHA256),
    KM("fqdn", W_FQDN),
};
#undef KM

static struct mm_keytab keytab = MM_KEYTAB_INIT(keynames);

/* Keys are matched ignoring case (Fireware writes some in capitals). */
static int lookup(struct mm_str k)
{
    return mm_keytab_ifind(&keytab, k.p, k.n);
}

/* Every k=v of p[0..end) as an extra; the mapped keys into v[]. Bare words are skipped. */
static int read_pairs(struct mm_event *ev, const char *p, const char *end, char sep,
                      struct mm_str *v)
{
    struct mm_kv_iter it;
    struct mm_str key, val;
    int esc, n = 0;
    mm_kv_init(&it, p, (size_t)(end - p), sep);
    while (mm_kv_next(&it, &key, &val, &esc)) {
        if (val.p == key.p + key.n) {
            continue; /* a bare word, not a pair */
        }
        if (esc) {
            val = mm_kv_unescape(ev, val);
        }
        (void)mm_event_add(ev, NS, key.p, key.n, val.p, val.n);
        n++;
        int k = lookup(key);
        if (k >= 0 && v[k].p == NULL) {
            v[k] = val;
        }
    }
    return n;
}

static void map_pairs(struct mm_event *ev, const struct mm_str *v)
{
    set_num(ev, MM_F_SOURCE_BYTES, v[W_SENT_BYTES].p, v[W_SENT_BYTES].n);
    set_num(ev, MM_F_DESTINATION_BYTES, v[W_RCVD_BYTES].p, v[W_RCVD_BYTES].n);
    set_num(ev, MM_F_SOURCE_PACKETS, v[W_SENT_PKTS].p, v[W_SENT_PKTS].n);
    set_num(ev, MM_F_DESTINATION_PACKETS, v[W_RCVD_PKTS].p, v[W_RCVD_PKTS].n);
    vu_set_sum(ev, MM_F_NETWORK_BYTES, v[W_SENT_BYTES], v[W_RCVD_BYTES]);
    vu_set_sum(ev, MM_F_NETWORK_PACKETS, v[W_SENT_PKTS], v[W_RCVD_PKTS]);
    if (v[W_GEO_SRC].n > 0) {
        mm_event_set(ev, MM_F_SOURCE_GEO_COUNTRY, v[W_GEO_SRC].p, v[W_GEO_SRC].n);
    }
    if (v[W_GEO_DST].n > 0) {
        mm_event_set(ev, MM_F_DESTINATION_GEO_COUNTRY, v[W_GEO_DST].p, v[W_GEO_DST].n);
    }
    struct mm_str dom = v[W_DSTNAME].n > 0 ? v[W_DSTNAME] : v[W_HOST].n > 0 ? v[W_HOST] : v[W_FQDN];
    if (dom.n > 0) {
        mm_event_set(ev, MM_F_URL_DOMAIN, dom.p, dom.n);
    }
    struct mm_str path = v[W_ARG].n > 0 ? v[W_ARG] : v[W_PATH];
    if (path.n > 0 && path.p[0] == '/') {
        const char *q = memchr(path.p, '?', path.n);
        mm_event_set(ev, MM_F_URL_PATH, path.p, q != NULL ? (size_t)(q - path.p) : path.n);
        mm_event_set(ev, MM_F_URL_ORIGINAL, path.p, path.n);
    }
    struct mm_str meth = v[W_OP].n > 0 ? v[W_OP] : v[W_METHOD];
    if (meth.n > 0) {
        mm_event_set(ev, MM_F_HTTP_METHOD, meth.p, meth.n);
    }
    if (v[W_QUESTION].n > 0) {
        mm_event_set(ev, MM_F_DNS_QUESTION_NAME, v[W_QUESTION].p, v[W_QUESTION].n);
    }
    struct mm_str user = v[W_SRC_USER].n > 0 ? v[W_SRC_USER] : v[W_USER];
    if (user.n > 0) {
        mm_event_set(ev, MM_F_USER_NAME, user.p, user.n);
    }
    if (v[W_DST_USER].n > 0) {
        mm_event_set(ev, MM_F_USER_TARGET_NAME, v[W_DST_USER].p, v[W_DST_USER].n);
    }
    if (v[W_VIRUS].n > 0) {
        mm_event_set(ev, MM_F_THREAT_NAME, v[W_VIRUS].p, v[W_VIRUS].n);
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "malware");
        mm_event_set_cstr(ev, MM_F_EVENT_KIND, "alert");
    }
    if (v[W_SIGNAME].n > 0) {
        mm_event_set(ev, MM_F_THREAT_SIGNATURE, v[W_SIGNAME].p, v[W_SIGNAME].n);
        if (ev->f[MM_F_THREAT_NAME].p == NULL) {
            mm_event_set(ev, MM_F_THREAT_NAME, v[W_SIGNAME].p, v[W_SIGNAME].n);
        }
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "intrusion_detection");
        mm_event_set_cstr(ev, MM_F_EVENT_KIND, "alert");
    }
    if (v[W_SIGCAT].n > 0) {
        mm_event_set(ev, MM_F_THREAT_CATEGORY, v[W_SIGCAT].p, v[W_SIGCAT].n);
        mm_event_set(ev, MM_F_RULE_CATEGORY, v[W_SIGCAT].p, v[W_SIGCAT].n);
    } else if (v[W_CAT_NAME].n > 0) {
        mm_event_set(ev, MM_F_RULE_CATEGORY, v[W_CAT_NAME].p, v[W_CAT_NAME].n);
    }
    if (v[W_SIGID].n > 0) {
        mm_event_set(ev, MM_F_RULE_ID, v[W_SIGID].p, v[W_SIGID].n);
    }
    set_num(ev, MM_F_EVENT_SEVERITY, v[W_SEVERITY].p, v[W_SEVERITY].n);
    if (v[W_APP_NAME].n > 0) {
        (void)mm_event_add(ev, NULL, "network.application", 19, v[W_APP_NAME].p, v[W_APP_NAME].n);
    }
    if (v[W_MD5].n == 32) {
        (void)mm_event_add(ev, NULL, "file.hash.md5", 13, v[W_MD5].p, v[W_MD5].n);
    }
    if (v[W_SHA256].n == 64) {
        mm_event_set(ev, MM_F_FILE_HASH_SHA256, v[W_SHA256].p, v[W_SHA256].n);
    }
    set_ip(ev, MM_F_SOURCE_NAT_IP, v[W_SRC_IP_NAT].p, v[W_SRC_IP_NAT].n);
    set_ip(ev, MM_F_DESTINATION_NAT_IP, v[W_DST_IP_NAT].p, v[W_DST_IP_NAT].n);
    set_num(ev, MM_F_SOURCE_NAT_PORT, v[W_SRC_PORT_NAT].p, v[W_SRC_PORT_NAT].n);
    set_num(ev, MM_F_DESTINATION_NAT_PORT, v[W_DST_PORT_NAT].p, v[W_DST_PORT_NAT].n);
    struct mm_str why = v[W_MSG].n > 0 ? v[W_MSG] : v[W_REASON];
    if (why.n > 0) {
        mm_event_set(ev, MM_F_EVENT_REASON, why.p, why.n);
    }
}

/* --- traffic lines --- */

static const char *transport_of(struct tok t)
{
    return vu_transport(vu_slice(t.p, t.n));
}

/* Interface alias class: 1 external, 2 internal (incl. the Firebox itself), 0 unknown. */
static int if_class(struct tok t)
{
    if (ifind(t.p, t.n, "ext") || ifind(t.p, t.n, "wan") || ifind(t.p, t.n, "internet")) {
        return 1;
    }
    if (ifind(t.p, t.n, "trusted") || ifind(t.p, t.n, "optional") || ifind(t.p, t.n, "firebox") ||
        ifind(t.p, t.n, "lan") || ifind(t.p, t.n, "dmz")) {
        return 2;
    }
    return 0;
}

/* Words a..b (inclusive) as one slice of the body. */
static struct tok span(const struct tok *t, int a, int b)
{
    struct tok r = {t[a].p, (uint32_t)(t[b].p + t[b].n - t[a].p)};
    return r;
}

/* Split the interface words t[a..b] into inif and outif. */
static void interfaces(struct mm_event *ev, const struct tok *t, int a, int b)
{
    if (b <= a) {
        return; /* one word: cannot tell which */
    }
    /* groups: words joined by a lone "-" */
    int gstart[MAXTOK], ng = 0;
    for (int i = a; i <= b; i++) {
        if (i > a && (teq(t[i], "-") || teq(t[i - 1], "-"))) {
            continue;
        }
        gstart[ng++] = i;
    }
    int split; /* first word of outif */
    if (ng == 2) {
        split = gstart[1];
    } else if (ng > 2 && teq(t[b], "Firebox")) {
        split = b;
    } else if (ng > 2 && teq(t[a], "Firebox")) {
        split = a + 1;
    } else {
        split = ng >= 2 ? gstart[1] : a + 1;
    }
    struct tok in = span(t, a, split - 1), out = span(t, split, b);
    add(ev, "inif", in);
    add(ev, "outif", out);
    set_tok(ev, MM_F_OBSERVER_INGRESS_IF, in);
    set_tok(ev, MM_F_OBSERVER_EGRESS_IF, out);
    int ci = if_class(in), co = if_class(out);
    if (ci == 1 && co == 2) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "inbound");
    } else if (ci == 2 && co == 1) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "outbound");
    } else if (ci == 2 && co == 2) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "internal");
    }
}

/*
 * The trailing "(policy)" of r[0..end): returns its opening parenthesis (or
 * end when there is none).  A policy cut by truncation ("(HTTP-proxy-00")
 * still counts when nothing quoted follows it.
 */
static const char *policy(struct mm_event *ev, const char *r, const char *end)
{
    const char *e = end;
    while (e > r && is_blank(e[-1])) {
        e--;
    }
    const char *close = (e > r && e[-1] == ')') ? e - 1 : e;
    const char *q = close;
    while (q > r && q[-1] != '(' && q[-1] != '"' && q[-1] != '=') {
        q--;
    }
    if (q <= r || q[-1] != '(' || (q - 1 > r && !is_blank(q[-2]))) {
        return end;
    }
    if (close > q) {
        mm_event_set(ev, MM_F_RULE_NAME, q, (size_t)(close - q));
        struct tok pn = {q, (uint32_t)(close - q)};
        add(ev, "policy_name", pn);
    }
    return q - 1;
}

static enum mm_parse_rc traffic(struct mm_event *ev, const char *r, const char *end)
{
    const char *pend = policy(ev, r, end);
    /* the positional part runs to the first word holding '=' */
    const char *kv = r;
    while (kv < pend) {
        const char *w = kv;
        while (w < pend && !is_blank(*w) && *w != '=') {
            w++;
        }
        if (w < pend && *w == '=') {
            while (kv > r && !is_blank(kv[-1])) {
                kv--;
            }
            break;
        }
        kv = w;
        while (kv < pend && is_blank(*kv)) {
            kv++;
        }
    }
    struct tok t[MAXTOK];
    int n = tokenize(r, kv, t, MAXTOK);
    if (n < 1) {
        return MM_PARSE_MALFORMED;
    }
    struct tok disp = t[0];
    add(ev, "disposition", disp);
    mm_event_set(ev, MM_F_EVENT_ACTION, disp.p, disp.n);
    int deny = !teq(disp, "Allow");
    mm_event_set_cstr(ev, MM_F_EVENT_TYPE, deny ? "denied" : "allowed");
    mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, deny ? "failure" : "success");

    /* anchor: PROTO [IPHLEN TTL] SRC DST */
    int k = -1, longform = 0;
    for (int i = 3; i + 2 < n; i++) {
        if (addrish(t[i])) {
            continue;
        }
        if (addrish(t[i + 1]) && addrish(t[i + 2])) {
            k = i;
            break;
        }
        if (i + 4 < n && all_digits(t[i + 1].p, t[i + 1].n) && all_digits(t[i + 2].p, t[i + 2].n) &&
            addrish(t[i + 3]) && addrish(t[i + 4])) {
            k = i;
            longform = 1;
            break;
        }
    }
    if (k < 0) {
        /* "Deny 0-External Firebox ..." without a second interface word: try i = 2 */
        if (n > 4 && addrish(t[3]) && addrish(t[4])) {
            k = 2;
        } else {
            return MM_PARSE_MALFORMED;
        }
    }
    int ifend = k - 1;
    if (longform && ifend >= 3 && all_digits(t[ifend].p, t[ifend].n)) {
        add(ev, "ip_pkt_len", t[ifend]);
        ifend--;
    }
    interfaces(ev, t, 1, ifend);
    struct tok proto = t[k];
    add(ev, "protocol", proto);
    const char *tr = transport_of(proto);
    if (tr != NULL) {
        mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, tr);
    } else {
        set_slug(ev, MM_F_NETWORK_TRANSPORT, proto.p, proto.n);
    }
    int i = k + 1;
    if (longform) {
        add(ev, "iph_len", t[i]);
        add(ev, "ttl", t[i + 1]);
        i += 2;
    }
    add(ev, "src_ip", t[i]);
    add(ev, "dst_ip", t[i + 1]);
    set_ip(ev, MM_F_SOURCE_IP, t[i].p, t[i].n);
    set_ip(ev, MM_F_DESTINATION_IP, t[i + 1].p, t[i + 1].n);
    i += 2;
    int icmp = tr != NULL && (strcmp(tr, "icmp") == 0 || strcmp(tr, "ipv6-icmp") == 0);
    if (i + 1 < n && all_digits(t[i].p, t[i].n) && all_digits(t[i + 1].p, t[i + 1].n)) {
        if (icmp) {
            add(ev, "icmp_type", t[i]);
            add(ev, "icmp_code", t[i + 1]);
        } else {
            add(ev, "src_port", t[i]);
            add(ev, "dst_port", t[i + 1]);
            set_num(ev, MM_F_SOURCE_PORT, t[i].p, t[i].n);
            set_num(ev, MM_F_DESTINATION_PORT, t[i + 1].p, t[i + 1].n);
        }
        i += 2;
    }
    /* tcp_info: offset N FLAGS SEQ win N */
    if (i + 3 < n && teq(t[i], "offset")) {
        add(ev, "tcp_offset", t[i + 1]);
        add(ev, "tcp_flags", t[i + 2]);
        add(ev, "tcp_seq", t[i + 3]);
        i += 4;
        if (i + 1 < n && teq(t[i], "win")) {
            add(ev, "tcp_window", t[i + 1]);
            i += 2;
        }
    }
    if (i < n) {
        /* route words such as "blocked sites" */
        struct tok rt = span(t, i, n - 1);
        add(ev, "route_type", rt);
        mm_event_set(ev, MM_F_EVENT_REASON, rt.p, rt.n);
    }
    struct mm_str v[W__COUNT];
    memset(v, 0, sizeof(v));
    /* words after the pairs (route type, glued before the policy) are skipped by read_pairs */
    (void)read_pairs(ev, kv, pend, '\0', v);
    map_pairs(ev, v);
    if (ev->f[MM_F_EVENT_KIND].p == NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
    }
    if (ev->f[MM_F_EVENT_CATEGORY].p == NULL) {
        /* plain traffic; proxies got their family's category (web, email) before */
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "network");
    }
    return MM_PARSE_OK;
}

/* --- free-text messages --- */

/* The address (and :port for IPv4) starting at p; trailing punctuation dropped. */
static int addr_at(const char *p, const char *end, struct tok *ip, struct tok *port)
{
    const char *e = p;
    while (e < end && !is_blank(*e) && *e != ',' && *e != ')' && *e != ']' && *e != '\'' &&
           *e != '"') {
        e++;
    }
    while (e > p && (e[-1] == '.' || e[-1] == ':')) {
        e--;
    }
    port->p = NULL;
    port->n = 0;
    const char *c = memchr(p, ':', (size_t)(e - p));
    if (c != NULL && memchr(c + 1, ':', (size_t)(e - c - 1)) == NULL) {
        /* exactly one colon: a.b.c.d:port */
        port->p = c + 1;
        port->n = (uint32_t)(e - c - 1);
        e = c;
    }
    ip->p = p;
    ip->n = (uint32_t)(e - p);
    return vu_ip_n(ip->p, ip->n);
}

/* The address after the first " word " in text; 1 when found. */
static int addr_after(const char *p, const char *end, const char *word, struct tok *ip,
                      struct tok *port)
{
    size_t wn = strlen(word);
    const char *q = p;
    while (q < end) {
        const char *h = memmem(q, (size_t)(end - q), word, wn);
        if (h == NULL) {
            return 0;
        }
        if (addr_at(h + wn, end, ip, port)) {
            return 1;
        }
        q = h + 1;
    }
    return 0;
}

/* "user [u@d]", "user 'u'", "user \"u\"", "user u from|logged|is|was|has" */
static int find_user(const char *p, const char *end, struct tok *u)
{
    const char *q = p;
    while (q < end) {
        const char *h = ifind(q, (size_t)(end - q), "user ");
        if (h == NULL) {
            return 0;
        }
        const char *s = h + 5;
        q = h + 1;
        if (h > p && !is_blank(h[-1])) {
            continue;
        }
        if (s >= end) {
            return 0;
        }
        if (*s == '[' || *s == '\'' || *s == '"') {
            char close = *s == '[' ? ']' : *s;
            const char *c = memchr(s + 1, close, (size_t)(end - s - 1));
            if (c != NULL && c > s + 1) {
                u->p = s + 1;
                u->n = (uint32_t)(c - s - 1);
                return 1;
            }
            continue;
        }
        const char *e = s;
        while (e < end && !is_blank(*e)) {
            e++;
        }
        const char *nx = e;
        while (nx < end && is_blank(*nx)) {
            nx++;
        }
        size_t rest = (size_t)(end - nx);
        if (e > s && (ifind(nx, rest < 6 ? rest : 6, "from ") == nx ||
                      ifind(nx, rest < 7 ? rest : 7, "logged") == nx ||
                      ifind(nx, rest < 3 ? rest : 3, "is ") == nx ||
                      ifind(nx, rest < 4 ? rest : 4, "was ") == nx ||
                      ifind(nx, rest < 4 ? rest : 4, "has ") == nx)) {
            u->p = s;
            u->n = (uint32_t)(e - s);
            return 1;
        }
    }
    return 0;
}

static void set_user(struct mm_event *ev, struct tok u)
{
    const char *at = memchr(u.p, '@', u.n);
    if (at != NULL && at > u.p && at + 1 < u.p + u.n) {
        mm_event_set(ev, MM_F_USER_NAME, u.p, (size_t)(at - u.p));
        mm_event_set(ev, MM_F_USER_DOMAIN, at + 1, (size_t)(u.p + u.n - at - 1));
    } else {
        mm_event_set(ev, MM_F_USER_NAME, u.p, u.n);
    }
}

static void free_text(struct mm_event *ev, const char *r, const char *end, struct tok id)
{
    size_t n = (size_t)(end - r);
    const char *cat = family_category(id);
    const char *type = "info", *kind = "event";
    struct tok ip, port;

    if (addr_after(r, end, "against ", &ip, &port)) {
        mm_event_set(ev, MM_F_DESTINATION_IP, ip.p, ip.n);
        set_num(ev, MM_F_DESTINATION_PORT, port.p, port.n);
    }
    if (addr_after(r, end, "from ", &ip, &port)) {
        mm_event_set(ev, MM_F_SOURCE_IP, ip.p, ip.n);
        set_num(ev, MM_F_SOURCE_PORT, port.p, port.n);
    }
    if (ev->f[MM_F_DESTINATION_IP].p == NULL && addr_after(r, end, " to ", &ip, &port)) {
        mm_event_set(ev, MM_F_DESTINATION_IP, ip.p, ip.n);
        set_num(ev, MM_F_DESTINATION_PORT, port.p, port.n);
    }
    /* "Policy Name: X Source IP Address: a Source Port: p Destination IP Address: ..." */
    if (ev->f[MM_F_SOURCE_IP].p == NULL) {
        if (addr_after(r, end, "Source IP Address: ", &ip, &port) ||
            addr_after(r, end, "Source IP: ", &ip, &port)) {
            mm_event_set(ev, MM_F_SOURCE_IP, ip.p, ip.n);
        }
        if (addr_after(r, end, "Destination IP Address: ", &ip, &port) ||
            addr_after(r, end, "Destination IP: ", &ip, &port)) {
            mm_event_set(ev, MM_F_DESTINATION_IP, ip.p, ip.n);
        }
    }
    struct tok u;
    if (find_user(r, end, &u)) {
        set_user(ev, u);
    }

    const char *act = NULL;
    int success = 0, failure = 0;
    if (ifind(r, n, "logged out") || ifind(r, n, "logged off")) {
        act = "logged-out";
        type = "end";
        success = 1;
    } else if (ifind(r, n, "log in attempt was rejected") || ifind(r, n, "login failed")) {
        act = "rejected";
        failure = 1;
    } else if (ifind(r, n, "logged in")) {
        act = "logged-in";
        success = 1;
    } else if (ifind(r, n, "was accepted")) {
        act = "accepted";
        success = 1;
    } else if (ifind(r, n, "was authenticated")) {
        act = "authenticated";
        success = 1;
    } else if (ifind(r, n, "was rejected") || ifind(r, n, "rejected")) {
        act = "rejected";
        failure = 1;
    } else if (ifind(r, n, " failed") || ifind(r, n, "failure") || ifind(r, n, "not responding")) {
        act = "failed";
        failure = 1;
    } else if (ifind(r, n, "success")) {
        success = 1;
    }
    int auth =
        ev->f[MM_F_USER_NAME].p != NULL && (ifind(r, n, "authentic") || ifind(r, n, "log in") ||
                                            ifind(r, n, "logged") || ifind(r, n, "login"));
    if (auth || (cat != NULL && strcmp(cat, "authentication") == 0)) {
        cat = "authentication";
        if (strcmp(type, "end") != 0) {
            type = "start";
        }
    }
    const char *atk = ifind(r, n, " attack");
    if (atk != NULL || ifind(r, n, "spoofing") || ifind(r, n, "flood")) {
        cat = "intrusion_detection";
        kind = "alert";
        type = "denied";
        if (atk != NULL) {
            set_slug(ev, MM_F_EVENT_ACTION, r, (size_t)(atk + 7 - r));
        }
    } else if (ifind(r, n, "blocking host") || ifind(r, n, "blocked site") ||
               ifind(r, n, "blocked port")) {
        cat = "network";
        type = "denied";
        act = "blocked";
    }
    if (act != NULL && ev->f[MM_F_EVENT_ACTION].p == NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_ACTION, act);
    }
    if (failure) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
    } else if (success) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
    }
    if (cat != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, cat);
    }
    mm_event_set_cstr(ev, MM_F_EVENT_TYPE, type);
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, kind);

    struct mm_str v[W__COUNT];
    memset(v, 0, sizeof(v));
    (void)read_pairs(ev, r, end, ',', v);
    map_pairs(ev, v);
}

static enum mm_parse_rc parse(struct mm_event *ev, const char *body, size_t len)
{
    const char *end = body + len;
    const char *m = find_msgid(body, len);
    if (m == NULL) {
        return MM_PARSE_NOMATCH;
    }
    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "WatchGuard");
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "Firebox");
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "firewall");
    read_prefix(ev, body, m);

    const char *v = m + 8;
    const char *q = memchr(v, '"', (size_t)(end - v));
    if (q == NULL || q == v) {
        return MM_PARSE_MALFORMED;
    }
    struct tok id = {v, (uint32_t)(q - v)};
    add(ev, "msg_id", id);
    mm_event_set(ev, MM_F_EVENT_CODE, id.p, id.n);
    if (ev->f[MM_F_PROCESS_NAME].p == NULL && id.n >= 4 &&
        (memcmp(id.p, "3000", 4) == 0 || memcmp(id.p, "3001", 4) == 0)) {
        /* packet-filter messages come from the "firewall" process (Log Catalog) */
        mm_event_set_cstr(ev, MM_F_PROCESS_NAME, "firewall");
    }
    const char *r = q + 1;
    while (r < end && is_blank(*r)) {
        r++;
    }
    const char *e = r;
    while (e < end && !is_blank(*e)) {
        e++;
    }
    size_t wn = (size_t)(e - r);
    if (tieq(r, wn, "allow") || tieq(r, wn, "deny")) {
        const char *cat = family_category(id);
        if (cat != NULL && strcmp(cat, "network") != 0 && strcmp(cat, "host") != 0) {
            mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, cat);
        }
        return traffic(ev, r, end);
    }
    free_text(ev, r, end, id);
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_watchguard = {
    .name = "watchguard",
    .detect = detect,
    .parse = parse,
};
