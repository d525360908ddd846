/*
 * cef.c - ArcSight Common Event Format (CEF), from any vendor:
 *
 *   CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
 *
 * possibly after a syslog header or other text ("... host CEF:0|..."), or with the
 * "CEF:" eaten as the syslog tag by a header such as "Sep 8 08:32:20 gw CEF: 0|...".
 * Header fields escape '|' and '\' with a backslash; extension values escape '=',
 * '\', and write newlines as \n and \r.  An extension value may hold blanks: it
 * runs up to the blank before the next "key=" (an '=' that is not escaped).
 *
 * The header gives observer.vendor/product, observer.version (extra), event.code
 * (signature id), event.reason (name) and event.severity (0-10, or the words Low,
 * Medium, High, Very-High as 3, 6, 8, 10).  Standard extension keys are mapped to
 * ECS (see docs/parsers.md); every key stays an extra "cef.<key>", and a custom
 * field with a label (cs1 + cs1Label) is also "cef.label.<label>".
 *
 * Reference: Micro Focus "Implementing ArcSight CEF", revision 25 (2017),
 * "Extension Dictionary".
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/keytab.h"
#include "parse/vendor_util.h"

#define NS "cef"
#define NS_LABEL "cef.label"
#define CEF_MAX_PAIRS 128

/* "CEF:" then optional blanks then digits then '|': the offset of the version, or -1. */
static long cef_start(const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    while (end - p >= 6) {
        const char *h = memmem(p, (size_t)(end - p), "CEF:", 4);
        if (h == NULL) {
            return -1;
        }
        const char *q = h + 4;
        while (q < end && *q == ' ') {
            q++;
        }
        const char *v = q;
        while (q < end && vu_is_digit(*q)) {
            q++;
        }
        if (q > v && q < end && *q == '|') {
            return (long)(v - body);
        }
        p = h + 4;
    }
    return -1;
}

/* Unescaped '|' count in p[0..n), stopping at max. */
static int count_pipes(const char *p, size_t n, int max)
{
    int c = 0;
    for (size_t i = 0; i < n && c < max; i++) {
        if (p[i] == '\\') {
            i++;
        } else if (p[i] == '|') {
            c++;
        }
    }
    return c;
}

/* A body that is itself a CEF record without "CEF:": "0|Vendor|Product|...". */
static int bare_record(const char *body, size_t len)
{
    size_t i = 0;
    while (i < len && i < 3 && vu_is_digit(body[i])) {
        i++;
    }
    return i > 0 && i < len && body[i] == '|' && count_pipes(body, len, 7) == 7;
}

static int tag_is_cef(const struct mm_event *ev)
{
    struct mm_str app = ev->f[MM_F_SYSLOG_APPNAME];
    return app.p != NULL && app.n == 3 && memcmp(app.p, "CEF", 3) == 0;
}

static int cef_detect(const struct mm_event *ev, const char *body, size_t len)
{
    if (cef_start(body, len) >= 0) {
        return 95;
    }
    if (bare_record(body, len)) {
        return tag_is_cef(ev) ? 95 : 60;
    }
    return 0;
}

/* Header unescaping: \| and \\ (other backslashes stay). */
static struct mm_str unescape_header(struct mm_event *ev, struct mm_str s)
{
    if (s.n == 0 || memchr(s.p, '\\', s.n) == NULL) {
        return s;
    }
    char *d = mm_event_alloc(ev, s.n);
    if (d == NULL) {
        return s;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (c == '\\' && i + 1 < s.n && (s.p[i + 1] == '|' || s.p[i + 1] == '\\')) {
            c = s.p[++i];
        }
        d[n++] = c;
    }
    ev->scratch_used -= s.n - n;
    struct mm_str r = {d, n};
    return r;
}

/* Extension unescaping: \= \\ \| \n \r (other backslashes stay). */
static struct mm_str unescape_value(struct mm_event *ev, struct mm_str s)
{
    if (s.n == 0 || memchr(s.p, '\\', s.n) == NULL) {
        return s;
    }
    char *d = mm_event_alloc(ev, s.n);
    if (d == NULL) {
        return s;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (c == '\\' && i + 1 < s.n) {
            char e = s.p[i + 1];
            if (e == '=' || e == '\\' || e == '|') {
                c = e;
                i++;
            } else if (e == 'n') {
                c = '\n';
                i++;
            } else if (e == 'r') {
                c = '\r';
                i++;
            }
        }
        d[n++] = c;
    }
    ev->scratch_used -= s.n - n;
    struct mm_str r = {d, n};
    return r;
}

static int key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || vu_is_digit(c) || c == '_' ||
           c == '.' || c == '-' || c == '[' || c == ']' || c == ':';
}

/*
 * The next "key=" in p[i..n): the offset of the key, the key ending at the
 * first unescaped '=' whose word (back to a blank or the start) is all key
 * characters.  n when none.
 */
static size_t next_key(const char *p, size_t n, size_t i, size_t *eqpos)
{
    for (; i < n; i++) {
        if (p[i] == '\\') {
            i++;
            continue;
        }
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

/* The extension keys mapped to ECS. */
enum ckey {
    K_SRC, K_DST, K_SPT, K_DPT, K_SMAC, K_DMAC, K_SHOST, K_DHOST, K_SUSER, K_DUSER, K_ACT,
    K_PROTO, K_APP, K_REQUEST, K_METHOD, K_UA, K_EXTID, K_DVCHOST, K_DVC, K_IN, K_OUT, K_CAT,
    K_OUTCOME, K_MSG, K_RT, K_SNATIP, K_SNATPORT, K_DNATIP, K_DNATPORT, K_INIF, K_OUTIF,
    K_DIRECTION, K_FNAME, K_FILEPATH, K_FILEHASH, K_SNTDOM, K_DNTDOM, K_REASON, K_C6A2, K_C6A3,
    K_DPROC, K_SPROC, K_CNT,
    K__COUNT
};


#define KM(s, k) {s, sizeof(s) - 1, k}
static const struct mm_keytab_entry keymap[] = {
    KM("src", K_SRC), KM("sourceAddress", K_SRC), KM("dst", K_DST),
    KM("destinationAddress", K_DST), KM("spt", K_SPT), KM("sourcePort", K_SPT),
    KM("dpt", K_DPT), KM("destinationPort", K_DPT), KM("smac", K_SMAC),
    KM("sourceMacAddress", K_SMAC), KM("dmac", K_DMAC), KM("destinationMacAddress", K_DMAC),
    KM("shost", K_SHOST), KM("sourceHostName", K_SHOST), KM("dhost", K_DHOST),
    KM("destinationHostName", K_DHOST), KM("suser", K_SUSER), KM("sourceUserName", K_SUSER),
    KM("duser", K_DUSER), KM("destinationUserName", K_DUSER), KM("act", K_ACT),
    KM("deviceAction", K_ACT), KM("proto", K_PROTO), KM("transportProtocol", K_PROTO),
    KM("app", K_APP), KM("applicationProtocol", K_APP), KM("request", K_REQUEST),
    KM("requestUrl", K_REQUEST), KM("requestMethod", K_METHOD), KM("method", K_METHOD),
    KM("requestmethod", K_METHOD), KM("requestClientApplication", K_UA),
    KM("deviceExternalId", K_EXTID), KM("deviceExternalID", K_EXTID),
    KM("dvchost", K_DVCHOST), KM("deviceHostName", K_DVCHOST), KM("dvc", K_DVC),
    KM("deviceAddress", K_DVC), KM("in", K_IN), KM("bytesIn", K_IN), KM("out", K_OUT),
    KM("bytesOut", K_OUT), KM("cat", K_CAT), KM("deviceEventCategory", K_CAT),
    KM("outcome", K_OUTCOME), KM("eventOutcome", K_OUTCOME), KM("msg", K_MSG),
    KM("message", K_MSG), KM("rt", K_RT), KM("deviceReceiptTime", K_RT),
    KM("sourceTranslatedAddress", K_SNATIP), KM("sourceTranslatedPort", K_SNATPORT),
    KM("destinationTranslatedAddress", K_DNATIP), KM("destinationTranslatedPort", K_DNATPORT),
    KM("deviceInboundInterface", K_INIF), KM("deviceOutboundInterface", K_OUTIF),
    KM("deviceDirection", K_DIRECTION), KM("fname", K_FNAME), KM("fileName", K_FNAME),
    KM("filePath", K_FILEPATH), KM("fileHash", K_FILEHASH), KM("sntdom", K_SNTDOM),
    KM("sourceNtDomain", K_SNTDOM), KM("dntdom", K_DNTDOM), KM("destinationNtDomain", K_DNTDOM),
    KM("reason", K_REASON), KM("c6a2", K_C6A2), KM("c6a3", K_C6A3), KM("dproc", K_DPROC),
    KM("sproc", K_SPROC), KM("cnt", K_CNT), KM("baseEventCount", K_CNT),
};
#undef KM

static struct mm_keytab keytab = MM_KEYTAB_INIT(keymap);

static int lookup(struct mm_str k)
{
    return mm_keytab_find(&keytab, k.p, k.n);
}

struct pair {
    struct mm_str k, v;
};

static void xadd(struct mm_event *ev, const char *name, struct mm_str v)
{
    if (v.p != NULL && v.n > 0) {
        (void)mm_event_add(ev, NULL, name, strlen(name), v.p, v.n);
    }
}

/* Header severity: 0-10, or ArcSight's words. */
static void severity(struct mm_event *ev, struct mm_str s)
{
    if (vu_digits(s) && s.n <= 2) {
        mm_event_set(ev, MM_F_EVENT_SEVERITY, s.p, s.n);
    } else if (vu_ieq(s, "Low")) {
        mm_event_set_cstr(ev, MM_F_EVENT_SEVERITY, "3");
    } else if (vu_ieq(s, "Medium")) {
        mm_event_set_cstr(ev, MM_F_EVENT_SEVERITY, "6");
    } else if (vu_ieq(s, "High")) {
        mm_event_set_cstr(ev, MM_F_EVENT_SEVERITY, "8");
    } else if (vu_ieq(s, "Very-High") || vu_ieq(s, "Very High")) {
        mm_event_set_cstr(ev, MM_F_EVENT_SEVERITY, "10");
    }
}

/* url.domain from "scheme://host[:port]/..." or "host/path" (Incapsula). */
static void url_domain(struct mm_event *ev, struct mm_str u)
{
    const char *p = u.p, *end = u.p + u.n;
    const char *s = u.n > 3 ? memmem(p, u.n, "://", 3) : NULL;
    if (s != NULL) {
        p = s + 3;
    } else if (u.n == 0 || *p == '/') {
        return;
    }
    const char *e = p;
    while (e < end && *e != '/' && *e != ':' && *e != '?' && *e != '#') {
        e++;
    }
    if (e > p && (s != NULL || (e < end && *e == '/' && memchr(p, '.', (size_t)(e - p))))) {
        mm_event_set(ev, MM_F_URL_DOMAIN, p, (size_t)(e - p));
    }
    const char *path = e;
    while (path < end && *path != '/') {
        path++;
    }
    if (path < end) {
        const char *q = path;
        while (q < end && *q != '?' && *q != '#') {
            q++;
        }
        mm_event_set(ev, MM_F_URL_PATH, path, (size_t)(q - path));
    }
}

/* "1543270652000" (ms since the epoch) as the event time. */
static void event_time(struct mm_event *ev, struct mm_str rt)
{
    if (!vu_digits(rt) || rt.n < 12 || rt.n > 13) {
        return;
    }
    int64_t ms = 0;
    for (uint32_t i = 0; i < rt.n; i++) {
        ms = ms * 10 + (rt.p[i] - '0');
    }
    if (ms > INT64_MAX / 1000000) {
        return; /* past the year 2262: not a time */
    }
    ev->ts_ns = ms * 1000000;
}

/* A custom field's label (cs1Label=...) names its value. */
static void custom_labels(struct mm_event *ev, const struct pair *pr, size_t np)
{
    for (size_t i = 0; i < np; i++) {
        struct mm_str k = pr[i].k;
        if (k.n < 7 || memcmp(k.p + k.n - 5, "Label", 5) != 0) {
            continue;
        }
        struct mm_str base = {k.p, k.n - 5};
        for (size_t j = 0; j < np; j++) {
            if (pr[j].k.n != base.n || memcmp(pr[j].k.p, base.p, base.n) != 0) {
                continue;
            }
            struct mm_str label = pr[i].v, v = pr[j].v;
            if (label.n == 0 || v.n == 0) {
                break;
            }
            (void)mm_event_add(ev, NS_LABEL, label.p, label.n, v.p, v.n);
            if (vu_ieq(label, "Rule Name") || vu_ieq(label, "RuleName") || vu_ieq(label, "Rule") ||
                vu_ieq(label, "Policy") || vu_ieq(label, "Policy Name")) {
                vu_set(ev, MM_F_RULE_NAME, v);
            } else if (vu_ieq(label, "RuleID") || vu_ieq(label, "Rule ID")) {
                vu_set(ev, MM_F_RULE_ID, v);
            } else if (vu_ieq(label, "Source IPv6 Address")) {
                vu_set_ip(ev, MM_F_SOURCE_IP, v);
            } else if (vu_ieq(label, "Destination IPv6 Address")) {
                vu_set_ip(ev, MM_F_DESTINATION_IP, v);
            }
            break;
        }
    }
}

static void map_fields(struct mm_event *ev, const struct mm_str *v)
{
    vu_set_ip(ev, MM_F_SOURCE_IP, v[K_SRC]);
    vu_set_ip(ev, MM_F_DESTINATION_IP, v[K_DST]);
    vu_set_num(ev, MM_F_SOURCE_PORT, v[K_SPT]);
    vu_set_num(ev, MM_F_DESTINATION_PORT, v[K_DPT]);
    vu_set(ev, MM_F_SOURCE_MAC, v[K_SMAC]);
    vu_set(ev, MM_F_DESTINATION_MAC, v[K_DMAC]);
    xadd(ev, "source.domain", v[K_SHOST]);
    xadd(ev, "destination.domain", v[K_DHOST]);
    vu_set_ip(ev, MM_F_SOURCE_NAT_IP, v[K_SNATIP]);
    vu_set_num(ev, MM_F_SOURCE_NAT_PORT, v[K_SNATPORT]);
    vu_set_ip(ev, MM_F_DESTINATION_NAT_IP, v[K_DNATIP]);
    vu_set_num(ev, MM_F_DESTINATION_NAT_PORT, v[K_DNATPORT]);
    if (v[K_SUSER].n > 0) {
        vu_set(ev, MM_F_USER_NAME, v[K_SUSER]);
        vu_set(ev, MM_F_USER_TARGET_NAME, v[K_DUSER]);
        vu_set(ev, MM_F_USER_DOMAIN, v[K_SNTDOM]);
    } else {
        vu_set(ev, MM_F_USER_NAME, v[K_DUSER]);
        vu_set(ev, MM_F_USER_DOMAIN, v[K_DNTDOM]);
    }
    xadd(ev, "source.user.name", v[K_SUSER]);
    xadd(ev, "destination.user.name", v[K_DUSER]);
    vu_set(ev, MM_F_EVENT_ACTION, v[K_ACT]);
    const char *t = vu_transport(v[K_PROTO]);
    if (t != NULL) {
        mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, t);
    }
    vu_set_num(ev, MM_F_NETWORK_IANA_NUMBER, v[K_PROTO]);
    vu_set(ev, MM_F_NETWORK_PROTOCOL, v[K_APP]);
    vu_set(ev, MM_F_URL_ORIGINAL, v[K_REQUEST]);
    if (v[K_REQUEST].n > 0) {
        url_domain(ev, v[K_REQUEST]);
    }
    vu_set(ev, MM_F_HTTP_METHOD, v[K_METHOD]);
    vu_set(ev, MM_F_USER_AGENT, v[K_UA]);
    vu_set(ev, MM_F_OBSERVER_SERIAL, v[K_EXTID]);
    vu_set(ev, MM_F_OBSERVER_NAME, v[K_DVCHOST]);
    if (vu_ip(v[K_DVC])) {
        xadd(ev, "observer.ip", v[K_DVC]);
    }
    vu_set_num(ev, MM_F_SOURCE_BYTES, v[K_IN]);
    vu_set_num(ev, MM_F_DESTINATION_BYTES, v[K_OUT]);
    vu_set(ev, MM_F_RULE_CATEGORY, v[K_CAT]);
    vu_set(ev, MM_F_OBSERVER_INGRESS_IF, v[K_INIF]);
    vu_set(ev, MM_F_OBSERVER_EGRESS_IF, v[K_OUTIF]);
    if (vu_eq(v[K_DIRECTION], "0")) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "inbound");
    } else if (vu_eq(v[K_DIRECTION], "1")) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "outbound");
    }
    vu_set(ev, MM_F_FILE_NAME, v[K_FNAME]);
    xadd(ev, "file.path", v[K_FILEPATH]);
    if (v[K_FILEHASH].n == 64) {
        vu_set(ev, MM_F_FILE_HASH_SHA256, v[K_FILEHASH]);
    }
    /* Check Point's IPv6 addresses ride in c6a2 / c6a3 */
    if (ev->f[MM_F_SOURCE_IP].p == NULL) {
        vu_set_ip(ev, MM_F_SOURCE_IP, v[K_C6A2]);
    }
    if (ev->f[MM_F_DESTINATION_IP].p == NULL) {
        vu_set_ip(ev, MM_F_DESTINATION_IP, v[K_C6A3]);
    }
    event_time(ev, v[K_RT]);

    /* outcome: the key, else the action word */
    struct mm_str oc = v[K_OUTCOME], act = v[K_ACT];
    if (vu_ieq(oc, "success") || vu_ieq(oc, "succeeded") || vu_ieq(oc, "/Success")) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
    } else if (vu_ieq(oc, "failure") || vu_ieq(oc, "failed") || vu_ieq(oc, "/Failure")) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
    }
    if (vu_icontains(act, "block") || vu_icontains(act, "deny") || vu_icontains(act, "denied") ||
        vu_icontains(act, "drop") || vu_icontains(act, "reject") || vu_icontains(act, "refuse") ||
        vu_icontains(act, "discard") || vu_icontains(act, "prevent")) {
        if (!vu_icontains(act, "not block")) {
            mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "denied");
        }
    } else if (vu_icontains(act, "allow") || vu_icontains(act, "accept") ||
               vu_icontains(act, "permit") || vu_icontains(act, "pass")) {
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "allowed");
    }
}

static enum mm_parse_rc cef_parse(struct mm_event *ev, const char *body, size_t len)
{
    long off = cef_start(body, len);
    if (off < 0) {
        if (!bare_record(body, len)) {
            return MM_PARSE_NOMATCH;
        }
        off = 0;
    }
    const char *p = body + off, *end = body + len;
    if (off > 0) {
        /* the text before "CEF:" (a relay's own header) */
        struct mm_str pre = trim(body, body + off);
        if (pre.n >= 4 && memcmp(pre.p + pre.n - 4, "CEF:", 4) == 0) {
            pre = trim(pre.p, pre.p + pre.n - 4);
        }
        if (pre.n > 0) {
            (void)mm_event_add(ev, NS, "prefix", 6, pre.p, pre.n);
        }
    }

    /* header: 7 fields separated by unescaped '|' */
    struct mm_str h[7];
    int nh = 0;
    const char *s = p;
    const char *q = p;
    while (q < end && nh < 7) {
        if (*q == '\\') {
            q += end - q >= 2 ? 2 : 1;
            continue;
        }
        if (*q == '|') {
            h[nh].p = s;
            h[nh].n = (uint32_t)(q - s);
            nh++;
            s = q + 1;
        }
        q++;
    }
    static const char *const hname[7] = {"version", "device_vendor", "device_product",
                                         "device_version", "signature_id", "name", "severity"};
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
    for (int i = 0; i < nh; i++) {
        h[i] = unescape_header(ev, h[i]);
        (void)mm_event_add(ev, NS, hname[i], strlen(hname[i]), h[i].p, h[i].n);
    }
    if (nh >= 2) {
        vu_set(ev, MM_F_OBSERVER_VENDOR, h[1]);
    }
    if (nh >= 3) {
        vu_set(ev, MM_F_OBSERVER_PRODUCT, h[2]);
    }
    if (nh >= 4) {
        xadd(ev, "observer.version", h[3]);
    }
    if (nh >= 5) {
        vu_set(ev, MM_F_EVENT_CODE, h[4]);
    }
    if (nh >= 6) {
        vu_set(ev, MM_F_EVENT_REASON, h[5]);
    }
    if (nh < 7) {
        return MM_PARSE_MALFORMED;
    }
    severity(ev, h[6]);

    /* extension */
    const char *x = s;
    size_t xn = (size_t)(end - x);
    struct pair pr[CEF_MAX_PAIRS];
    size_t np = 0;
    struct mm_str v[K__COUNT];
    memset(v, 0, sizeof(v));
    size_t eqp = 0;
    size_t k = next_key(x, xn, 0, &eqp);
    if (k < xn && trim(x, x + k).n > 0) {
        /* text before the first key: not an extension we can read */
        (void)mm_event_add(ev, NS, "extension_prefix", 16, x, k);
    }
    while (k < xn) {
        size_t e2 = 0;
        size_t nk = next_key(x, xn, eqp + 1, &e2);
        struct mm_str key = {x + k, (uint32_t)(eqp - k)};
        struct mm_str val = trim(x + eqp + 1, x + nk);
        val = unescape_value(ev, val);
        if (val.p == NULL) {
            val.p = x + eqp + 1;
        }
        (void)mm_event_add(ev, NS, key.p, key.n, val.p, val.n);
        if (np < CEF_MAX_PAIRS) {
            pr[np].k = key;
            pr[np].v = val;
            np++;
        }
        int id = lookup(key);
        if (id >= 0 && v[id].p == NULL) {
            v[id] = val;
        }
        k = nk;
        eqp = e2;
    }
    map_fields(ev, v);
    custom_labels(ev, pr, np);
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_cef = {
    .name = "cef",
    .detect = cef_detect,
    .parse = cef_parse,
};
