/*
 * leef.c - IBM QRadar Log Event Extended Format (LEEF), from any vendor:
 *
 *   LEEF:1.0|Vendor|Product|Version|EventID|key=value<TAB>key=value...
 *   LEEF:2.0|Vendor|Product|Version|EventID|DelimiterCharacter|key=value<DELIM>...
 *
 * possibly after a syslog header or other text, or with "LEEF:" taken as the
 * syslog tag by a header ("host LEEF:1.0|..." reads as tag "LEEF").  The LEEF
 * 2.0 delimiter is one character, written as itself ("^") or in hex ("x09",
 * "0x5E", "xa6" - a code point above 0x7f is matched in its UTF-8 form, as
 * ExtraHop writes U+00A6).  When the delimiter does not occur in the attributes
 * (LEEF 1.0 sent with blanks instead of tabs), a value runs to the blank before
 * the next "key=", as in CEF.
 *
 * The header gives observer.vendor/product, observer.version (extra) and
 * event.code; the predefined attributes (src, dst, srcPort, usrName, proto,
 * sev, cat, srcPreNAT ...) are mapped to ECS (see docs/parsers.md); every
 * attribute stays an extra "leef.<key>".
 *
 * Reference: IBM QRadar "Log Event Extended Format (LEEF)" 1.0 / 2.0, "Predefined
 * LEEF event attributes".
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/keytab.h"
#include "parse/vendor_util.h"

#define NS "leef"

/* "d.d|" at p: the version's length, 0 when not one. */
static size_t version_at(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && (vu_is_digit(*q) || *q == '.') && q - p < 8) {
        q++;
    }
    if (q == p || !vu_is_digit(*p) || q >= end || *q != '|') {
        return 0;
    }
    return (size_t)(q - p);
}

/* The offset of the version after "LEEF:", or -1. */
static long leef_start(const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    while (end - p >= 6) {
        const char *h = memmem(p, (size_t)(end - p), "LEEF:", 5);
        if (h == NULL) {
            return -1;
        }
        const char *v = h + 5;
        while (v < end && *v == ' ') {
            v++;
        }
        if (version_at(v, end) > 0) {
            return (long)(v - body);
        }
        p = h + 5;
    }
    return -1;
}

static int tag_is_leef(const struct mm_event *ev)
{
    struct mm_str app = ev->f[MM_F_SYSLOG_APPNAME];
    return app.p != NULL && app.n == 4 && memcmp(app.p, "LEEF", 4) == 0;
}

static int leef_detect(const struct mm_event *ev, const char *body, size_t len)
{
    if (leef_start(body, len) >= 0) {
        return 95;
    }
    if (tag_is_leef(ev) && version_at(body, body + len) > 0) {
        return 90;
    }
    return 0;
}

static int hexval(char c)
{
    if (vu_is_digit(c)) {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/*
 * The LEEF 2.0 delimiter field d into out[0..4): its bytes (UTF-8 for a hex code
 * point above 0x7f).  The length, 0 when d is not a delimiter.
 */
static size_t delimiter(struct mm_str d, char out[4])
{
    if (d.n == 1) {
        out[0] = d.p[0];
        return 1;
    }
    if (d.n == 2 && d.p[0] == '\\' && d.p[1] == 't') {
        out[0] = '\t';
        return 1;
    }
    const char *h = d.p;
    size_t hn = d.n;
    if (hn > 2 && h[0] == '0' && (h[1] == 'x' || h[1] == 'X')) {
        h += 2;
        hn -= 2;
    } else if (hn > 1 && (h[0] == 'x' || h[0] == 'X')) {
        h += 1;
        hn -= 1;
    } else if (d.n >= 2 && d.n <= 4 && ((unsigned char)d.p[0] & 0xc0) == 0xc0) {
        /* a literal multi-byte UTF-8 character */
        memcpy(out, d.p, d.n);
        return d.n;
    } else {
        return 0;
    }
    if (hn == 0 || hn > 4) {
        return 0;
    }
    unsigned cp = 0;
    for (size_t i = 0; i < hn; i++) {
        int v = hexval(h[i]);
        if (v < 0) {
            return 0;
        }
        cp = cp * 16 + (unsigned)v;
    }
    if (cp == 0) {
        return 0;
    }
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
}

static int key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || vu_is_digit(c) || c == '_' ||
           c == '.' || c == '-' || c == ':';
}

/* Blank-separated attributes: the next "key=" after a blank in p[i..n), n when none. */
static size_t next_key(const char *p, size_t n, size_t i, size_t *eqpos)
{
    for (; i < n; i++) {
        if (p[i] != '=') {
            continue;
        }
        size_t k = i;
        while (k > 0 && key_char(p[k - 1])) {
            k--;
        }
        if (k < i && (k == 0 || p[k - 1] == ' ')) {
            *eqpos = i;
            return k;
        }
    }
    return n;
}

static struct mm_str trim(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t')) {
        p++;
    }
    while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n')) {
        e--;
    }
    struct mm_str s = {p, (uint32_t)(e - p)};
    return s;
}

enum lkey {
    K_SRC, K_DST, K_SPORT, K_DPORT, K_SRCPRENAT, K_DSTPRENAT, K_SRCPOSTNAT, K_DSTPOSTNAT,
    K_SRCPRENATPORT, K_DSTPRENATPORT, K_SRCPOSTNATPORT, K_DSTPOSTNATPORT, K_USR, K_ACCOUNT,
    K_DOMAIN, K_PROTO, K_SEV, K_CAT, K_SRCMAC, K_DSTMAC, K_SRCBYTES, K_DSTBYTES, K_TOTALBYTES,
    K_SRCPACKETS, K_DSTPACKETS, K_TOTALPACKETS, K_ACTION, K_URL, K_POLICY, K_IDENTHOST,
    K_RESOURCE, K_REALM, K_MSG, K_SERIAL,
    K__COUNT
};


#define KM(s, k) {s, sizeof(s) - 1, k}
static const struct mm_keytab_entry keymap[] = {
    KM("src", K_SRC), KM("dst", K_DST), KM("srcPort", K_SPORT), KM("dstPort", K_DPORT),
    KM("srcPreNAT", K_SRCPRENAT), KM("dstPreNAT", K_DSTPRENAT),
    KM("srcPostNAT", K_SRCPOSTNAT), KM("dstPostNAT", K_DSTPOSTNAT),
    KM("srcPreNATPort", K_SRCPRENATPORT), KM("dstPreNATPort", K_DSTPRENATPORT),
    KM("srcPostNATPort", K_SRCPOSTNATPORT), KM("dstPostNATPort", K_DSTPOSTNATPORT),
    KM("usrName", K_USR), KM("accountName", K_ACCOUNT), KM("domain", K_DOMAIN),
    KM("proto", K_PROTO), KM("sev", K_SEV), KM("cat", K_CAT), KM("srcMAC", K_SRCMAC),
    KM("dstMAC", K_DSTMAC), KM("srcBytes", K_SRCBYTES), KM("dstBytes", K_DSTBYTES),
    KM("totalBytes", K_TOTALBYTES), KM("srcPackets", K_SRCPACKETS),
    KM("dstPackets", K_DSTPACKETS), KM("totalPackets", K_TOTALPACKETS),
    KM("action", K_ACTION), KM("url", K_URL), KM("policy", K_POLICY),
    KM("identHostName", K_IDENTHOST), KM("resource", K_RESOURCE), KM("realm", K_REALM),
    KM("msg", K_MSG), KM("SerialNumber", K_SERIAL), KM("serial", K_SERIAL),
};
#undef KM

static struct mm_keytab keytab = MM_KEYTAB_INIT(keymap);

static int lookup(struct mm_str k)
{
    return mm_keytab_find(&keytab, k.p, k.n);
}

static void map_fields(struct mm_event *ev, const struct mm_str *v)
{
    vu_set_ip(ev, MM_F_SOURCE_IP, v[K_SRC]);
    if (ev->f[MM_F_SOURCE_IP].p == NULL) {
        vu_set_ip(ev, MM_F_SOURCE_IP, v[K_SRCPRENAT]);
    }
    vu_set_ip(ev, MM_F_DESTINATION_IP, v[K_DST]);
    if (ev->f[MM_F_DESTINATION_IP].p == NULL) {
        vu_set_ip(ev, MM_F_DESTINATION_IP, v[K_DSTPRENAT]);
    }
    vu_set_num(ev, MM_F_SOURCE_PORT, v[K_SPORT]);
    if (ev->f[MM_F_SOURCE_PORT].p == NULL) {
        vu_set_num(ev, MM_F_SOURCE_PORT, v[K_SRCPRENATPORT]);
    }
    vu_set_num(ev, MM_F_DESTINATION_PORT, v[K_DPORT]);
    if (ev->f[MM_F_DESTINATION_PORT].p == NULL) {
        vu_set_num(ev, MM_F_DESTINATION_PORT, v[K_DSTPRENATPORT]);
    }
    vu_set_ip(ev, MM_F_SOURCE_NAT_IP, v[K_SRCPOSTNAT]);
    vu_set_num(ev, MM_F_SOURCE_NAT_PORT, v[K_SRCPOSTNATPORT]);
    vu_set_ip(ev, MM_F_DESTINATION_NAT_IP, v[K_DSTPOSTNAT]);
    vu_set_num(ev, MM_F_DESTINATION_NAT_PORT, v[K_DSTPOSTNATPORT]);
    vu_set(ev, MM_F_SOURCE_MAC, v[K_SRCMAC]);
    vu_set(ev, MM_F_DESTINATION_MAC, v[K_DSTMAC]);
    if (v[K_USR].n > 0) {
        vu_set(ev, MM_F_USER_NAME, v[K_USR]);
    } else {
        vu_set(ev, MM_F_USER_NAME, v[K_ACCOUNT]);
    }
    vu_set(ev, MM_F_USER_DOMAIN, v[K_DOMAIN].n > 0 ? v[K_DOMAIN] : v[K_REALM]);
    const char *t = vu_transport(v[K_PROTO]);
    if (t != NULL) {
        mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, t);
    }
    vu_set_num(ev, MM_F_NETWORK_IANA_NUMBER, v[K_PROTO]);
    if (vu_digits(v[K_SEV]) && v[K_SEV].n <= 2) {
        vu_set(ev, MM_F_EVENT_SEVERITY, v[K_SEV]);
    }
    vu_set(ev, MM_F_RULE_CATEGORY, v[K_CAT]);
    vu_set_num(ev, MM_F_SOURCE_BYTES, v[K_SRCBYTES]);
    vu_set_num(ev, MM_F_DESTINATION_BYTES, v[K_DSTBYTES]);
    vu_set_num(ev, MM_F_NETWORK_BYTES, v[K_TOTALBYTES]);
    vu_set_num(ev, MM_F_SOURCE_PACKETS, v[K_SRCPACKETS]);
    vu_set_num(ev, MM_F_DESTINATION_PACKETS, v[K_DSTPACKETS]);
    vu_set_num(ev, MM_F_NETWORK_PACKETS, v[K_TOTALPACKETS]);
    vu_set(ev, MM_F_EVENT_ACTION, v[K_ACTION]);
    vu_set(ev, MM_F_URL_ORIGINAL, v[K_URL]);
    vu_set(ev, MM_F_RULE_NAME, v[K_POLICY]);
    vu_set(ev, MM_F_OBSERVER_SERIAL, v[K_SERIAL]);
    if (v[K_IDENTHOST].n > 0) {
        (void)mm_event_add(ev, NULL, "source.domain", 13, v[K_IDENTHOST].p, v[K_IDENTHOST].n);
    }
}

static void pair(struct mm_event *ev, struct mm_str *v, struct mm_str key, struct mm_str val)
{
    if (key.n == 0) {
        return;
    }
    (void)mm_event_add(ev, NS, key.p, key.n, val.p, val.n);
    int id = lookup(key);
    if (id >= 0 && v[id].p == NULL) {
        v[id] = val;
    }
}

/* Attributes separated by the delimiter d[0..dn). */
static void attrs_delim(struct mm_event *ev, struct mm_str *v, const char *p, const char *end,
                        const char *d, size_t dn)
{
    while (p < end) {
        const char *e = (size_t)(end - p) >= dn ? memmem(p, (size_t)(end - p), d, dn) : NULL;
        if (e == NULL) {
            e = end;
        }
        const char *eqs = memchr(p, '=', (size_t)(e - p));
        if (eqs != NULL) {
            struct mm_str key = trim(p, eqs);
            struct mm_str val = trim(eqs + 1, e);
            if (val.p == NULL || val.n == 0) {
                val.p = eqs + 1;
                val.n = 0;
            }
            pair(ev, v, key, val);
        }
        p = e < end ? e + dn : end;
    }
}

/* Attributes separated by blanks: a value runs to the blank before the next key=. */
static void attrs_blank(struct mm_event *ev, struct mm_str *v, const char *x, size_t xn)
{
    size_t eqp = 0;
    size_t k = next_key(x, xn, 0, &eqp);
    while (k < xn) {
        size_t e2 = 0;
        size_t nk = next_key(x, xn, eqp + 1, &e2);
        struct mm_str key = {x + k, (uint32_t)(eqp - k)};
        struct mm_str val = trim(x + eqp + 1, x + nk);
        pair(ev, v, key, val);
        k = nk;
        eqp = e2;
    }
}

static enum mm_parse_rc leef_parse(struct mm_event *ev, const char *body, size_t len)
{
    long off = leef_start(body, len);
    if (off < 0) {
        if (!(tag_is_leef(ev) && version_at(body, body + len) > 0)) {
            return MM_PARSE_NOMATCH;
        }
        off = 0;
    }
    const char *p = body + off, *end = body + len;
    if (off > 0) {
        struct mm_str pre = trim(body, body + off);
        if (pre.n >= 5 && memcmp(pre.p + pre.n - 5, "LEEF:", 5) == 0) {
            pre = trim(pre.p, pre.p + pre.n - 5);
        }
        if (pre.n > 0) {
            (void)mm_event_add(ev, NS, "prefix", 6, pre.p, pre.n);
        }
    }
    int v2 = version_at(p, end) > 0 && p[0] >= '2';

    /* Version|Vendor|Product|Version|EventID|, then for 2.0 the delimiter| */
    struct mm_str h[6];
    int nh = 0;
    const char *s = p;
    int want = v2 ? 6 : 5;
    for (const char *q = p; q < end && nh < want; q++) {
        if (*q == '|') {
            h[nh].p = s;
            h[nh].n = (uint32_t)(q - s);
            nh++;
            s = q + 1;
        }
    }
    static const char *const hname[6] = {"version", "vendor", "product", "product_version",
                                         "event_id", "delimiter"};
    char dbuf[4];
    size_t dn = 1;
    dbuf[0] = '\t';
    if (v2 && nh == 6) {
        size_t n = delimiter(h[5], dbuf);
        if (n == 0) {
            /* no delimiter field (some exports): the attributes start right there */
            s = h[5].p;
            nh = 5;
        } else {
            dn = n;
        }
    }
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
    for (int i = 0; i < nh; i++) {
        (void)mm_event_add(ev, NS, hname[i], strlen(hname[i]), h[i].p, h[i].n);
    }
    if (nh >= 2 && h[1].n > 0) {
        mm_event_set(ev, MM_F_OBSERVER_VENDOR, h[1].p, h[1].n);
    }
    if (nh >= 3 && h[2].n > 0) {
        mm_event_set(ev, MM_F_OBSERVER_PRODUCT, h[2].p, h[2].n);
    }
    if (nh >= 4 && h[3].n > 0) {
        (void)mm_event_add(ev, NULL, "observer.version", 16, h[3].p, h[3].n);
    }
    if (nh >= 5 && h[4].n > 0) {
        mm_event_set(ev, MM_F_EVENT_CODE, h[4].p, h[4].n);
    }
    if (nh < 5) {
        return MM_PARSE_MALFORMED;
    }

    struct mm_str v[K__COUNT];
    memset(v, 0, sizeof(v));
    size_t xn = (size_t)(end - s);
    if (xn >= dn && memmem(s, xn, dbuf, dn) != NULL) {
        attrs_delim(ev, v, s, end, dbuf, dn);
    } else if (xn >= 2 && memmem(s, xn, "\\t", 2) != NULL && dbuf[0] == '\t' && dn == 1) {
        /* a template that wrote the tab as the two characters \t */
        attrs_delim(ev, v, s, end, "\\t", 2);
    } else {
        attrs_blank(ev, v, s, xn);
    }
    map_fields(ev, v);
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_leef = {
    .name = "leef",
    .detect = leef_detect,
    .parse = leef_parse,
};
