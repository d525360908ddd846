/*
 * json.c - JSON object bodies: Suricata EVE (eve.json), JSON-wrapped relays
 * (Wazuh archives, Sophos via JSON), and any other one-object-per-line JSON.
 *
 * A small non-allocating scanner walks the object once:
 *  - nested objects are flattened to dotted keys: {"a":{"b":1}} gives the
 *    extra "a.b" = "1" (ns NULL);
 *  - strings are slices of the body, or, when they hold escapes, decoded into
 *    the event scratch (\uXXXX to UTF-8, surrogate pairs combined, a lone
 *    surrogate becomes U+FFFD);
 *  - numbers, true and false are their literal text; null values are left
 *    out (a rule sees "absent", not the word null);
 *  - an array is kept whole: its value is the raw array text "[...]" (rules
 *    can match inside it; elements are not flattened, so "dns.answers.0.x"
 *    does not exist);
 *  - nesting deeper than 32 levels, bad syntax or trailing garbage make the
 *    message MALFORMED; what was read before stays.
 * A flattened key that is a well-known field name (fields.def: "source.ip",
 * "rule.id" ...) sets that field instead of an extra (an IP field only when
 * the value is an address).  Keys of nested objects are composed in a local
 * path buffer and copied into scratch; top-level keys are slices of the body.
 *
 * Suricata EVE (a top-level "event_type"): src_ip, dest_ip, src_port,
 * dest_port, proto (lower-cased), in_iface, app_proto, alert.*, http.*,
 * dns.rrname, flow.bytes/pkts_toserver/toclient are mapped to ECS as well
 * (see map_suricata); event.action is alert.action for alerts, else the
 * event_type.
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/vendor_util.h"

#define MAX_DEPTH 32
#define MAX_PATH 256

/* Values remembered for the Suricata mapping, by flattened key. */
enum skey {
    S_EVENT_TYPE,
    S_SRC_IP,
    S_DEST_IP,
    S_SRC_PORT,
    S_DEST_PORT,
    S_PROTO,
    S_IN_IFACE,
    S_APP_PROTO,
    S_ALERT_ACTION,
    S_ALERT_SIGNATURE,
    S_ALERT_SIGNATURE_ID,
    S_ALERT_CATEGORY,
    S_ALERT_SEVERITY,
    S_HTTP_HOSTNAME,
    S_HTTP_URL,
    S_HTTP_METHOD,
    S_HTTP_STATUS,
    S_HTTP_UA,
    S_DNS_RRNAME,
    S_DNS_QUERY_RRNAME,
    S_TLS_SNI,
    S_BYTES_TOSERVER,
    S_BYTES_TOCLIENT,
    S_PKTS_TOSERVER,
    S_PKTS_TOCLIENT,
    S_HOST,
    S_FILENAME,
    S_SHA256,
    S__COUNT
};

static const char *const snames[S__COUNT] = {
    [S_EVENT_TYPE] = "event_type",
    [S_SRC_IP] = "src_ip",
    [S_DEST_IP] = "dest_ip",
    [S_SRC_PORT] = "src_port",
    [S_DEST_PORT] = "dest_port",
    [S_PROTO] = "proto",
    [S_IN_IFACE] = "in_iface",
    [S_APP_PROTO] = "app_proto",
    [S_ALERT_ACTION] = "alert.action",
    [S_ALERT_SIGNATURE] = "alert.signature",
    [S_ALERT_SIGNATURE_ID] = "alert.signature_id",
    [S_ALERT_CATEGORY] = "alert.category",
    [S_ALERT_SEVERITY] = "alert.severity",
    [S_HTTP_HOSTNAME] = "http.hostname",
    [S_HTTP_URL] = "http.url",
    [S_HTTP_METHOD] = "http.http_method",
    [S_HTTP_STATUS] = "http.status",
    [S_HTTP_UA] = "http.http_user_agent",
    [S_DNS_RRNAME] = "dns.rrname",
    [S_DNS_QUERY_RRNAME] = "dns.query.rrname",
    [S_TLS_SNI] = "tls.sni",
    [S_BYTES_TOSERVER] = "flow.bytes_toserver",
    [S_BYTES_TOCLIENT] = "flow.bytes_toclient",
    [S_PKTS_TOSERVER] = "flow.pkts_toserver",
    [S_PKTS_TOCLIENT] = "flow.pkts_toclient",
    [S_HOST] = "host",
    [S_FILENAME] = "fileinfo.filename",
    [S_SHA256] = "fileinfo.sha256",
};

struct js {
    struct mm_event *ev;
    const char *p, *end;
    char path[MAX_PATH]; /* the dotted key of the value being read */
    size_t plen;
    int path_ok;        /* 0 when the path did not fit: values under it are not added */
    const char *kslice; /* the key as a body slice (top level, no escapes), or NULL */
    struct mm_str sv[S__COUNT];
};

static void ws(struct js *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) {
        j->p++;
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
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

static int hex4(const char *s, const char *e, unsigned *out)
{
    if (e - s < 4) {
        return 0;
    }
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(s[i]);
        if (h < 0) {
            return 0;
        }
        v = v << 4 | (unsigned)h;
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *d, unsigned cp)
{
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xC0 | cp >> 6);
        d[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xE0 | cp >> 12);
        d[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        d[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (char)(0xF0 | cp >> 18);
    d[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    d[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    d[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * Decode the string contents s[0..e) into d (room for e - s bytes: no
 * escape grows).  Returns the length, or -1 on a bad escape.
 */
static long decode(const char *s, const char *e, char *d)
{
    size_t o = 0;
    while (s < e) {
        if (*s != '\\') {
            d[o++] = *s++;
            continue;
        }
        if (e - s < 2) {
            return -1;
        }
        char c = s[1];
        s += 2;
        switch (c) {
        case '"':
            d[o++] = '"';
            break;
        case '\\':
            d[o++] = '\\';
            break;
        case '/':
            d[o++] = '/';
            break;
        case 'b':
            d[o++] = '\b';
            break;
        case 'f':
            d[o++] = '\f';
            break;
        case 'n':
            d[o++] = '\n';
            break;
        case 'r':
            d[o++] = '\r';
            break;
        case 't':
            d[o++] = '\t';
            break;
        case 'u': {
            unsigned cp, lo;
            if (!hex4(s, e, &cp)) {
                return -1;
            }
            s += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (e - s >= 6 && s[0] == '\\' && s[1] == 'u' && hex4(s + 2, e, &lo) &&
                    lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    s += 6;
                } else {
                    cp = 0xFFFD; /* lone high surrogate */
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD; /* lone low surrogate */
            }
            o += put_utf8(d + o, cp);
            break;
        }
        default:
            return -1;
        }
    }
    return (long)o;
}

/* At '"': the string's contents [*s, *e) and whether it holds escapes; 0 when unterminated. */
static int scan_string(struct js *j, const char **s, const char **e, int *esc)
{
    const char *p = j->p + 1;
    *esc = 0;
    *s = p;
    while (p < j->end && *p != '"') {
        if (*p == '\\') {
            *esc = 1;
            if (j->end - p < 2) {
                return 0;
            }
            p += 2;
            continue;
        }
        p++;
    }
    if (p >= j->end) {
        return 0;
    }
    *e = p;
    j->p = p + 1;
    return 1;
}

static int str_is(const char *p, size_t n, const char *lit)
{
    return vu_eq(vu_slice(p, n), lit);
}

/* A leaf value for the current path. */
static void leaf(struct js *j, struct mm_str v)
{
    if (!j->path_ok || j->plen == 0) {
        return;
    }
    for (int i = 0; i < S__COUNT; i++) {
        if (j->sv[i].p == NULL && str_is(j->path, j->plen, snames[i])) {
            j->sv[i] = v;
            break;
        }
    }
    enum mm_field f = mm_field_lookup(j->path, j->plen);
    if (f < MM_F__COUNT && v.n > 0) {
        struct mm_addr a;
        if (mm_fields[f].type != MM_FT_IP || mm_addr_parse(&a, v.p, v.n) == MM_OK) {
            mm_event_set(j->ev, f, v.p, v.n);
            return;
        }
    }
    const char *k = j->kslice;
    if (k == NULL) {
        k = mm_event_copy(j->ev, j->path, j->plen);
        if (k == NULL) {
            j->ev->nx_dropped++;
            return;
        }
    }
    (void)mm_event_add(j->ev, NULL, k, j->plen, v.p, v.n);
}

static int value(struct js *j, int depth, int emit);

static int object(struct js *j, int depth, int emit)
{
    if (depth >= MAX_DEPTH) {
        return 0;
    }
    j->p++; /* '{' */
    ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
        return 1;
    }
    size_t base = j->plen;
    int base_ok = j->path_ok;
    for (;;) {
        ws(j);
        if (j->p >= j->end || *j->p != '"') {
            return 0;
        }
        const char *ks, *ke;
        int esc;
        if (!scan_string(j, &ks, &ke, &esc)) {
            return 0;
        }
        if (emit) {
            /* path = base "." key */
            size_t kn = (size_t)(ke - ks);
            size_t need = base + (base > 0 ? 1 : 0) + kn;
            j->path_ok = base_ok && need <= MAX_PATH && kn > 0;
            j->kslice = NULL;
            if (j->path_ok) {
                size_t o = base;
                if (base > 0) {
                    j->path[o++] = '.';
                }
                if (esc) {
                    long n = decode(ks, ke, j->path + o);
                    if (n < 0) {
                        return 0;
                    }
                    o += (size_t)n;
                } else {
                    memcpy(j->path + o, ks, kn);
                    o += kn;
                    if (base == 0) {
                        j->kslice = ks;
                    }
                }
                j->plen = o;
            }
        }
        ws(j);
        if (j->p >= j->end || *j->p != ':') {
            return 0;
        }
        j->p++;
        ws(j);
        if (!value(j, depth + 1, emit)) {
            return 0;
        }
        j->plen = base;
        j->path_ok = base_ok;
        j->kslice = NULL;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == '}') {
            j->p++;
            return 1;
        }
        return 0;
    }
}

static int array(struct js *j, int depth, int emit)
{
    if (depth >= MAX_DEPTH) {
        return 0;
    }
    const char *start = j->p;
    const char *ks = j->kslice;
    j->p++; /* '[' */
    ws(j);
    if (j->p < j->end && *j->p == ']') {
        j->p++;
    } else {
        for (;;) {
            ws(j);
            if (!value(j, depth + 1, 0)) {
                return 0;
            }
            ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == ']') {
                j->p++;
                break;
            }
            return 0;
        }
    }
    if (emit) {
        struct mm_str v = {start, (uint32_t)(j->p - start)};
        j->kslice = ks;
        leaf(j, v);
    }
    return 1;
}

static int literal(struct js *j, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0) {
        return 0;
    }
    j->p += n;
    return 1;
}

static int number(struct js *j)
{
    const char *p = j->p;
    if (p < j->end && *p == '-') {
        p++;
    }
    const char *d = p;
    while (p < j->end && *p >= '0' && *p <= '9') {
        p++;
    }
    if (p == d) {
        return 0;
    }
    if (p < j->end && *p == '.') {
        p++;
        const char *f = p;
        while (p < j->end && *p >= '0' && *p <= '9') {
            p++;
        }
        if (p == f) {
            return 0;
        }
    }
    if (p < j->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < j->end && (*p == '+' || *p == '-')) {
            p++;
        }
        const char *x = p;
        while (p < j->end && *p >= '0' && *p <= '9') {
            p++;
        }
        if (p == x) {
            return 0;
        }
    }
    j->p = p;
    return 1;
}

static int value(struct js *j, int depth, int emit)
{
    if (j->p >= j->end) {
        return 0;
    }
    const char *start = j->p;
    struct mm_str v;
    switch (*j->p) {
    case '{':
        return object(j, depth, emit);
    case '[':
        return array(j, depth, emit);
    case '"': {
        const char *s, *e;
        int esc;
        if (!scan_string(j, &s, &e, &esc)) {
            return 0;
        }
        if (!emit) {
            return 1;
        }
        v.p = s;
        v.n = (uint32_t)(e - s);
        if (esc) {
            char *d = mm_event_alloc(j->ev, (size_t)(e - s));
            if (d == NULL) {
                j->ev->nx_dropped++;
                return 1; /* scratch full: this value is lost, the scan goes on */
            }
            long n = decode(s, e, d);
            if (n < 0) {
                j->ev->scratch_used -= (uint32_t)(e - s);
                return 0;
            }
            j->ev->scratch_used -= (uint32_t)((size_t)(e - s) - (size_t)n); /* d is the last */
            v.p = d;
            v.n = (uint32_t)n;
        }
        leaf(j, v);
        return 1;
    }
    case 't':
        if (!literal(j, "true")) {
            return 0;
        }
        break;
    case 'f':
        if (!literal(j, "false")) {
            return 0;
        }
        break;
    case 'n':
        return literal(j, "null"); /* left out */
    default:
        if (!number(j)) {
            return 0;
        }
        break;
    }
    if (emit) {
        v.p = start;
        v.n = (uint32_t)(j->p - start);
        leaf(j, v);
    }
    return 1;
}

/* --- Suricata EVE --- */

static void set_if(struct mm_event *ev, enum mm_field f, struct mm_str v)
{
    if (v.p != NULL && v.n > 0 && ev->f[f].p == NULL) {
        mm_event_set(ev, f, v.p, v.n);
    }
}

static void map_suricata(struct mm_event *ev, const struct mm_str *s)
{
    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "OISF");
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "Suricata");
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "ids");
    vu_set_ip(ev, MM_F_SOURCE_IP, s[S_SRC_IP]);
    vu_set_ip(ev, MM_F_DESTINATION_IP, s[S_DEST_IP]);
    if (vu_digits(s[S_SRC_PORT])) {
        set_if(ev, MM_F_SOURCE_PORT, s[S_SRC_PORT]);
    }
    if (vu_digits(s[S_DEST_PORT])) {
        set_if(ev, MM_F_DESTINATION_PORT, s[S_DEST_PORT]);
    }
    if (s[S_PROTO].p != NULL && ev->f[MM_F_NETWORK_TRANSPORT].p == NULL) {
        vu_set_lower(ev, MM_F_NETWORK_TRANSPORT, s[S_PROTO], 32);
    }
    vu_set_lower(ev, MM_F_NETWORK_PROTOCOL, s[S_APP_PROTO], 32);
    set_if(ev, MM_F_OBSERVER_INGRESS_IF, s[S_IN_IFACE]);
    set_if(ev, MM_F_OBSERVER_NAME, s[S_HOST]);

    int alert = vu_eq(s[S_EVENT_TYPE], "alert");
    if (alert) {
        mm_event_set_cstr(ev, MM_F_EVENT_KIND, "alert");
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "intrusion_detection");
        if (vu_eq(s[S_ALERT_ACTION], "blocked")) {
            mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "denied");
        } else {
            mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "allowed");
        }
        set_if(ev, MM_F_EVENT_ACTION, s[S_ALERT_ACTION]);
    } else {
        mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "network");
        if (vu_eq(s[S_EVENT_TYPE], "flow") || vu_eq(s[S_EVENT_TYPE], "netflow")) {
            mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "connection");
        } else {
            mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "protocol");
        }
    }
    set_if(ev, MM_F_EVENT_ACTION, s[S_EVENT_TYPE]);
    set_if(ev, MM_F_THREAT_SIGNATURE, s[S_ALERT_SIGNATURE]);
    set_if(ev, MM_F_RULE_NAME, s[S_ALERT_SIGNATURE]);
    set_if(ev, MM_F_RULE_ID, s[S_ALERT_SIGNATURE_ID]);
    set_if(ev, MM_F_RULE_CATEGORY, s[S_ALERT_CATEGORY]);
    set_if(ev, MM_F_THREAT_CATEGORY, s[S_ALERT_CATEGORY]);
    if (vu_digits(s[S_ALERT_SEVERITY])) {
        set_if(ev, MM_F_EVENT_SEVERITY, s[S_ALERT_SEVERITY]);
    }
    set_if(ev, MM_F_URL_DOMAIN, s[S_HTTP_HOSTNAME]);
    set_if(ev, MM_F_URL_ORIGINAL, s[S_HTTP_URL]);
    struct mm_str u = s[S_HTTP_URL];
    if (u.p != NULL && u.n > 0 && u.p[0] == '/') {
        const char *q = memchr(u.p, '?', u.n);
        mm_event_set(ev, MM_F_URL_PATH, u.p, q != NULL ? (size_t)(q - u.p) : u.n);
    }
    set_if(ev, MM_F_HTTP_METHOD, s[S_HTTP_METHOD]);
    if (vu_digits(s[S_HTTP_STATUS])) {
        set_if(ev, MM_F_HTTP_STATUS, s[S_HTTP_STATUS]);
    }
    set_if(ev, MM_F_USER_AGENT, s[S_HTTP_UA]);
    set_if(ev, MM_F_DNS_QUESTION_NAME, s[S_DNS_RRNAME]);
    set_if(ev, MM_F_DNS_QUESTION_NAME, s[S_DNS_QUERY_RRNAME]);
    struct mm_str dom = s[S_HTTP_HOSTNAME].p != NULL ? s[S_HTTP_HOSTNAME] : s[S_TLS_SNI];
    if (dom.p != NULL && dom.n > 0) {
        (void)mm_event_add(ev, NULL, "destination.domain", 18, dom.p, dom.n);
    }
    set_if(ev, MM_F_FILE_NAME, s[S_FILENAME]);
    if (s[S_SHA256].n == 64) {
        set_if(ev, MM_F_FILE_HASH_SHA256, s[S_SHA256]);
    }
    if (vu_digits(s[S_BYTES_TOSERVER])) {
        set_if(ev, MM_F_SOURCE_BYTES, s[S_BYTES_TOSERVER]);
    }
    if (vu_digits(s[S_BYTES_TOCLIENT])) {
        set_if(ev, MM_F_DESTINATION_BYTES, s[S_BYTES_TOCLIENT]);
    }
    if (vu_digits(s[S_PKTS_TOSERVER])) {
        set_if(ev, MM_F_SOURCE_PACKETS, s[S_PKTS_TOSERVER]);
    }
    if (vu_digits(s[S_PKTS_TOCLIENT])) {
        set_if(ev, MM_F_DESTINATION_PACKETS, s[S_PKTS_TOCLIENT]);
    }
    vu_set_sum(ev, MM_F_NETWORK_BYTES, s[S_BYTES_TOSERVER], s[S_BYTES_TOCLIENT]);
    vu_set_sum(ev, MM_F_NETWORK_PACKETS, s[S_PKTS_TOSERVER], s[S_PKTS_TOCLIENT]);
}

/* --- the parser --- */

/* Past leading blanks; NULL unless an object starts there: '{' then blanks then '"' or '}'. */
static const char *object_start(const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
        p++;
    }
    if (p >= end || *p != '{') {
        return NULL;
    }
    const char *q = p + 1;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')) {
        q++;
    }
    if (q < end && *q != '"' && *q != '}') {
        return NULL;
    }
    return p;
}

static int detect(const struct mm_event *ev, const char *body, size_t len)
{
    (void)ev;
    return object_start(body, len) != NULL ? 70 : 0;
}

static enum mm_parse_rc parse(struct mm_event *ev, const char *body, size_t len)
{
    const char *p = object_start(body, len);
    if (p == NULL) {
        return MM_PARSE_NOMATCH;
    }
    struct js j;
    memset(&j.sv, 0, sizeof(j.sv));
    j.ev = ev;
    j.p = p;
    j.end = body + len;
    j.plen = 0;
    j.path_ok = 1;
    j.kslice = NULL;
    int ok = object(&j, 0, 1);
    if (ok) {
        ws(&j);
        ok = j.p == j.end;
    }
    if (j.sv[S_EVENT_TYPE].p != NULL) {
        map_suricata(ev, j.sv);
    }
    return ok ? MM_PARSE_OK : MM_PARSE_MALFORMED;
}

const struct mm_parser mm_parser_json = {
    .name = "json",
    .detect = detect,
    .parse = parse,
};
