/*
 * netfilter.c - Linux iptables / nftables LOG lines (kernel), with whatever
 * prefix the rule set gives them, and the firewalld daemon's own lines.
 *
 *   [ 3529.289825] [UFW BLOCK] IN=eth0 OUT= MAC=... SRC=... DST=... LEN=60 ... PROTO=TCP SPT=.. DPT=.. SYN
 *   Shorewall:net2fw:DROP:IN=eth1 OUT= ...             (no blank before IN=)
 *   DROP(src wan)IN=eth0 OUT= ...                       (OpenWrt fw3)
 *   [WAN_LOCAL-D-2147483647] DESCR="[WAN_LOCAL]Block All Traffic" IN=eth8 ... (UniFi)
 *   0 3 PVEFW-HOST-IN 20/Jun/2022:13:09:14 +0200 policy DROP: IN=vmbr0 ...    (Proxmox pve-firewall)
 *   IN= OUT=eth0 SRC=2001:db8::1 DST=... PROTO=ICMPv6 TYPE=128 CODE=0 ...    (IPv6)
 *
 * The text before the first key is the log prefix the administrator chose:
 * it becomes rule.name, and the verdict word found in it (BLOCK, DROP,
 * REJECT, DENY / ACCEPT, ALLOW, ACC, PASS) becomes event.action as written
 * and event.type denied / allowed.  UniFi's "[CHAIN-A|D|R-id]" gives the
 * letter as event.action and id as rule.id; Proxmox gives chain and verdict.
 * Every KEY=value (and bare flag such as SYN, DF) is an extra "netfilter.KEY".
 * IN set and OUT empty: inbound (traffic to this host); IN empty and OUT set:
 * outbound; both set: forwarded, direction left unset.
 */
#include "mimamori/parse.h"

#include <string.h>

#include "parse/vendor_util.h"

#define NS "netfilter"

static int is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* The first "KEY=" at a word start in p[0..end), KEY from the netfilter set. */
static const char *find_key(const char *p, const char *end, const char *key)
{
    size_t n = strlen(key);
    const char *q = p;
    while (end - q >= (ptrdiff_t)n) {
        const char *h = memmem(q, (size_t)(end - q), key, n);
        if (h == NULL) {
            return NULL;
        }
        if (h == p || !is_alnum(h[-1]) || (h[-1] == ')' || h[-1] == ':')) {
            return h;
        }
        q = h + 1;
    }
    return NULL;
}

/* Where the key=value part starts: the first IN= or OUT= (the LOG target writes IN= first). */
static const char *kv_start(const char *p, const char *end)
{
    const char *in = find_key(p, end, "IN=");
    const char *out = find_key(p, end, "OUT=");
    const char *k = (in == NULL || (out != NULL && out < in)) ? out : in;
    /* UniFi puts DESCR="rule description" before IN= */
    const char *d = k != NULL ? find_key(p, k, "DESCR=") : NULL;
    return d != NULL ? d : k;
}

static int detect(const struct mm_event *ev, const char *body, size_t len)
{
    const char *end = body + len;
    struct mm_str app = ev->f[MM_F_SYSLOG_APPNAME];
    if (app.p != NULL && app.n == 9 && memcmp(app.p, "firewalld", 9) == 0) {
        return 80;
    }
    const char *k = kv_start(body, end);
    if (k == NULL) {
        return 0;
    }
    if (find_key(k, end, "SRC=") != NULL && find_key(k, end, "PROTO=") != NULL) {
        return 90;
    }
    if (find_key(k, end, "SRC=") != NULL && find_key(k, end, "DST=") != NULL) {
        return 75;
    }
    return 0;
}

static int word_is(const char *p, size_t n, const char *w)
{
    return vu_ieq(vu_slice(p, n), w);
}

/* Verdict words: 1 denied, 2 allowed, 0 not a verdict. */
static int verdict(const char *p, size_t n)
{
    static const char *const deny[] = {"BLOCK", "BLOCKED", "DROP", "DROPPED", "REJECT",
                                       "REJECTED", "DENY", "DENIED", "D", "R"};
    static const char *const allow[] = {"ACCEPT", "ACCEPTED", "ALLOW", "ALLOWED",
                                        "ACC", "PASS", "A"};
    for (size_t i = 0; i < sizeof(deny) / sizeof(deny[0]); i++) {
        if (word_is(p, n, deny[i])) {
            return 1;
        }
    }
    for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]); i++) {
        if (word_is(p, n, allow[i])) {
            return 2;
        }
    }
    /* "PVEFW-reject", "ufw-reject": a verdict at the end of a dashed word */
    const char *d = memrchr(p, '-', n);
    if (d != NULL && d + 1 < p + n && (size_t)(d - p) >= 2) {
        return verdict(d + 1, (size_t)(p + n - d - 1));
    }
    return 0;
}

static void set_verdict(struct mm_event *ev, const char *w, size_t n, int v)
{
    mm_event_set(ev, MM_F_EVENT_ACTION, w, n);
    mm_event_set_cstr(ev, MM_F_EVENT_TYPE, v == 1 ? "denied" : "allowed");
    mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, v == 1 ? "failure" : "success");
}

/*
 * The log prefix p[0..e): rule.name and the verdict.  The word scan splits on
 * anything not alphanumeric, except that single-letter words count only in
 * the UniFi form, and the last verdict word wins ("policy DROP").
 */
static void prefix(struct mm_event *ev, const char *p, const char *e)
{
    /* kernel uptime "[ 3529.289825] " */
    if (p < e && *p == '[') {
        const char *c = memchr(p, ']', (size_t)(e - p));
        int stamp = c != NULL;
        for (const char *q = p + 1; stamp && q < c; q++) {
            if (!((*q >= '0' && *q <= '9') || *q == '.' || *q == ' ')) {
                stamp = 0;
            }
        }
        if (stamp) {
            p = c + 1;
        }
    }
    while (p < e && (*p == ' ' || *p == '\t')) {
        p++;
    }
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) {
        e--;
    }
    /* Proxmox: "VMID LEVEL CHAIN DD/Mon/YYYY:HH:MM:SS +ZZZZ [policy] VERDICT:" */
    if (p < e && *p >= '0' && *p <= '9') {
        const char *q = p;
        int words = 0;
        const char *w[8];
        size_t wn[8];
        while (q < e && words < 8) {
            const char *s = q;
            while (q < e && *q != ' ') {
                q++;
            }
            w[words] = s;
            wn[words] = (size_t)(q - s);
            words++;
            while (q < e && *q == ' ') {
                q++;
            }
        }
        if (words >= 5 && wn[3] >= 20 && w[3][2] == '/' && (w[4][0] == '+' || w[4][0] == '-')) {
            (void)mm_event_add(ev, NS, "vmid", 4, w[0], wn[0]);
            (void)mm_event_add(ev, NS, "loglevel", 8, w[1], wn[1]);
            (void)mm_event_add(ev, NS, "chain", 5, w[2], wn[2]);
            mm_event_set(ev, MM_F_RULE_NAME, w[2], wn[2]);
            mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "Proxmox VE firewall");
            if (words >= 6) {
                const char *a = w[words - 1];
                size_t an = wn[words - 1];
                if (an > 0 && a[an - 1] == ':') {
                    an--;
                }
                int v = verdict(a, an);
                if (v != 0) {
                    set_verdict(ev, a, an, v);
                } else if (an > 0) {
                    mm_event_set(ev, MM_F_EVENT_ACTION, a, an);
                }
            }
            return;
        }
    }
    if (e > p) {
        const char *rn = p, *re = e;
        if (re > rn && (re[-1] == ':' || re[-1] == ' ')) {
            re--;
        }
        mm_event_set(ev, MM_F_RULE_NAME, rn, (size_t)(re - rn));
        (void)mm_event_add(ev, NS, "prefix", 6, rn, (size_t)(re - rn));
    }
    /* UniFi: "[CHAIN-X-ID]", possibly after a repeated host name */
    const char *ob = p < e ? memchr(p, '[', (size_t)(e - p)) : NULL;
    if (ob != NULL) {
        p = ob;
        const char *c = memchr(p, ']', (size_t)(e - p));
        if (c != NULL) {
            const char *d2 = memrchr(p, '-', (size_t)(c - p));
            const char *d1 = d2 ? memrchr(p, '-', (size_t)(d2 - p)) : NULL;
            if (d1 != NULL && d2 - d1 == 2) {
                int v = verdict(d1 + 1, 1);
                mm_event_set(ev, MM_F_RULE_NAME, p + 1, (size_t)(d1 - p - 1));
                mm_event_set(ev, MM_F_RULE_ID, d2 + 1, (size_t)(c - d2 - 1));
                if (v != 0) {
                    set_verdict(ev, d1 + 1, 1, v);
                }
                return;
            }
        }
    }
    /* last multi-letter verdict word */
    const char *q = p;
    const char *bw = NULL;
    size_t bn = 0;
    int bv = 0;
    while (q < e) {
        while (q < e && !is_alnum(*q)) {
            q++;
        }
        const char *s = q;
        while (q < e && is_alnum(*q)) {
            q++;
        }
        if (q - s >= 3) {
            int v = verdict(s, (size_t)(q - s));
            if (v != 0) {
                bw = s;
                bn = (size_t)(q - s);
                bv = v;
            }
        }
    }
    if (bw != NULL) {
        set_verdict(ev, bw, bn, bv);
    }
}

static const char *transport(const char *p, size_t n)
{
    return vu_transport(vu_slice(p, n));
}

static void firewalld(struct mm_event *ev, const char *p, const char *end)
{
    mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "configuration");
    const char *e = memmem(p, (size_t)(end - p), "ERROR:", 6);
    const char *w = memmem(p, (size_t)(end - p), "WARNING:", 8);
    if (e != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "error");
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
        const char *r = e + 6;
        while (r < end && *r == ' ') {
            r++;
        }
        mm_event_set(ev, MM_F_EVENT_REASON, r, (size_t)(end - r));
        /* "ERROR: ZONE_ALREADY_SET" / "ERROR: COMMAND_FAILED: ..." */
        const char *c = r;
        while (c < end && ((*c >= 'A' && *c <= 'Z') || *c == '_')) {
            c++;
        }
        if (c - r >= 3 && (c == end || *c == ':' || *c == ' ')) {
            mm_event_set(ev, MM_F_EVENT_CODE, r, (size_t)(c - r));
        }
    } else if (w != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "info");
    }
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "firewalld");
}

static enum mm_parse_rc parse(struct mm_event *ev, const char *body, size_t len)
{
    const char *end = body + len;
    const char *k = kv_start(body, end);
    if (k == NULL) {
        struct mm_str app = ev->f[MM_F_SYSLOG_APPNAME];
        if (app.p != NULL && app.n == 9 && memcmp(app.p, "firewalld", 9) == 0) {
            firewalld(ev, body, end);
            mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "Linux");
            return MM_PARSE_OK;
        }
        return MM_PARSE_NOMATCH;
    }
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
    mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "network");
    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "Linux");
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "netfilter");
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "firewall");
    if (ev->f[MM_F_PROCESS_NAME].p == NULL) {
        /* LOG target lines come from the kernel even when the relay drops the tag */
        mm_event_set_cstr(ev, MM_F_PROCESS_NAME, "kernel");
    }
    prefix(ev, body, k);

    struct mm_kv_iter it;
    struct mm_str key, val;
    int esc;
    int have_in = -1, have_out = -1, nsrc = 0, nlen = 0;
    mm_kv_init(&it, k, (size_t)(end - k), '\0');
    while (mm_kv_next(&it, &key, &val, &esc)) {
        if (esc) {
            val = mm_kv_unescape(ev, val);
        }
        if (key.n == 0) {
            continue;
        }
        (void)mm_event_add(ev, NS, key.p, key.n, val.p, val.n);
        if (vu_eq(key, "IN")) {
            have_in = val.n > 0;
            if (val.n > 0) {
                mm_event_set(ev, MM_F_OBSERVER_INGRESS_IF, val.p, val.n);
            }
        } else if (vu_eq(key, "OUT")) {
            have_out = val.n > 0;
            if (val.n > 0) {
                mm_event_set(ev, MM_F_OBSERVER_EGRESS_IF, val.p, val.n);
            }
        } else if (vu_eq(key, "SRC") && nsrc == 0) {
            /* a second SRC= belongs to the packet quoted inside an ICMP error */
            nsrc++;
            mm_event_set(ev, MM_F_SOURCE_IP, val.p, val.n);
        } else if (vu_eq(key, "DST") && ev->f[MM_F_DESTINATION_IP].p == NULL) {
            mm_event_set(ev, MM_F_DESTINATION_IP, val.p, val.n);
        } else if (vu_eq(key, "SPT") && ev->f[MM_F_SOURCE_PORT].p == NULL) {
            mm_event_set(ev, MM_F_SOURCE_PORT, val.p, val.n);
        } else if (vu_eq(key, "DPT") && ev->f[MM_F_DESTINATION_PORT].p == NULL) {
            mm_event_set(ev, MM_F_DESTINATION_PORT, val.p, val.n);
        } else if (vu_eq(key, "PROTO") && ev->f[MM_F_NETWORK_TRANSPORT].p == NULL) {
            const char *t = transport(val.p, val.n);
            if (t != NULL) {
                mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, t);
            } else {
                mm_event_set(ev, MM_F_NETWORK_TRANSPORT, val.p, val.n);
            }
        } else if (vu_eq(key, "LEN") && nlen++ == 0) {
            mm_event_set(ev, MM_F_NETWORK_BYTES, val.p, val.n);
        } else if (vu_eq(key, "MAC") && val.n >= 35) {
            /* dst(6) src(6) ethertype(2), colon-separated */
            mm_event_set(ev, MM_F_DESTINATION_MAC, val.p, 17);
            mm_event_set(ev, MM_F_SOURCE_MAC, val.p + 18, 17);
        } else if (vu_eq(key, "DESCR")) {
            mm_event_set(ev, MM_F_RULE_NAME, val.p, val.n);
        }
    }
    if (have_in == 1 && have_out != 1) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "inbound");
    } else if (have_in != 1 && have_out == 1) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "outbound");
    }
    if (ev->f[MM_F_SOURCE_IP].p != NULL) {
        mm_event_set_cstr(ev, MM_F_NETWORK_PACKETS, "1");
    }
    if (ev->f[MM_F_EVENT_TYPE].p == NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "connection");
    }
    if (ev->f[MM_F_SOURCE_IP].p == NULL || ev->f[MM_F_DESTINATION_IP].p == NULL) {
        return MM_PARSE_MALFORMED;
    }
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_netfilter = {"netfilter", detect, parse};
