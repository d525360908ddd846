/*
 * checkpoint.c - Check Point gateways and management (R77 .. R81): the Log
 * Exporter "syslog" format and the older key=value exports.
 *
 *   <134>1 2020-03-29T13:19:22Z gw CheckPoint 1930 - [action:"Accept"; ifdir:"outbound";
 *       origin:"192.0.2.100"; src:"192.0.2.10"; dst:"198.51.100.1"; proto:"17"; s_port:"46915";
 *       service:"53"; sys_message::"text"; __policy_id_tag:"product=...[db_tag=...\]"]
 *   time=1585487925|action=drop|orig=192.0.2.1|i/f_dir=inbound|i/f_name=eth0|product=VPN-1 &
 *       FireWall-1|src=192.0.2.10|s_port=51234|dst=198.51.100.1|service=443|proto=tcp|rule=5
 *   (or the same pairs separated by blanks)
 *
 * Bracket form: semicolon-separated key:"value" (a key may end in "::"),
 * backslash escapes (\" \\ \] \;) inside quoted values, keys repeated when a
 * connection matched several layers (the first wins for ECS, every one is an
 * extra).  An RFC 5424 header puts the whole [..] into the structured-data
 * field; the parser then reads log.syslog.structured_data (a slice of the
 * same message, ev->raw) instead of the empty body.
 *
 * Key=value form: keys may hold '/' ("i/f_dir"); a value runs to the '|'
 * separator when the line uses one, else to the blank before the next
 * "key=" (values such as "VPN-1 & FireWall-1" hold blanks).
 *
 * Every pair is an extra "checkpoint.<key>" (trailing colons dropped);
 * event.action is the action word as written (Accept, Drop, Reject, Encrypt,
 * Key Install, Login ...).
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/keytab.h"
#include "parse/vendor_util.h"

#define NS "checkpoint"

enum ckey {
    K_ACTION,
    K_SRC,
    K_DST,
    K_SPORT,
    K_SERVICE,
    K_PROTO,
    K_ORIGIN,
    K_ORIGINSICNAME,
    K_PRODUCT,
    K_IFDIR,
    K_IFNAME,
    K_CONN_DIRECTION,
    K_INZONE,
    K_OUTZONE,
    K_XLATESRC,
    K_XLATEDST,
    K_XLATESPORT,
    K_XLATEDPORT,
    K_RULE_NAME,
    K_RULE_UID,
    K_RULE,
    K_USER,
    K_SRC_USER_NAME,
    K_DST_USER_NAME,
    K_ADMINISTRATOR,
    K_RESOURCE,
    K_PROTECTION_NAME,
    K_ATTACK,
    K_MALWARE_FAMILY,
    K_INDUSTRY_REF,
    K_SEVERITY,
    K_CLIENT_OUT_BYTES,
    K_CLIENT_IN_BYTES,
    K_SENT_BYTES,
    K_RECEIVED_BYTES,
    K_BYTES,
    K_PACKETS,
    K_CLIENT_OUT_PACKETS,
    K_CLIENT_IN_PACKETS,
    K_SERVICE_ID,
    K_LOGUID,
    K_SYS_MESSAGE,
    K_DESCRIPTION,
    K_REASON,
    K_AUTH_STATUS,
    K_COMMUNITY,
    K_SCHEME,
    K_MATCH_ID,
    K_LAYER_NAME,
    K_SRC_MACHINE_NAME,
    K_APPI_NAME,
    K_FILE_NAME,
    K_MALWARE_ACTION,
    K_PROTECTION_TYPE,
    K_DOMAIN,
    K_METHOD,
    K_OFFICE_MODE_IP,
    K_MSG,
    K_ORIG_LEGACY,
    K_FILE_SHA256,
    K_SRC_MAC,
    K_DST_MAC,
    K_TIME,
    K__COUNT
};

#define KM(s, k) {s, sizeof(s) - 1, k}
static const struct mm_keytab_entry keynames[] = {
    KM("action", K_ACTION),
    KM("src", K_SRC),
    KM("dst", K_DST),
    KM("s_port", K_SPORT),
    KM("service", K_SERVICE),
    KM("proto", K_PROTO),
    KM("origin", K_ORIGIN),
    KM("orig", K_ORIG_LEGACY),
    KM("originsicname", K_ORIGINSICNAME),
    KM("product", K_PRODUCT),
    KM("ifdir", K_IFDIR),
    KM("i/f_dir", K_IFDIR),
    KM("ifname", K_IFNAME),
    KM("i/f_name", K_IFNAME),
    KM("conn_direction", K_CONN_DIRECTION),
    KM("inzone", K_INZONE),
    KM("outzone", K_OUTZONE),
    KM("xlatesrc", K_XLATESRC),
    KM("xlatedst", K_XLATEDST),
    KM("xlatesport", K_XLATESPORT),
    KM("xlatedport", K_XLATEDPORT),
    KM("rule_name", K_RULE_NAME),
    KM("rule_uid", K_RULE_UID),
    KM("rule", K_RULE),
    KM("user", K_USER),
    KM("src_user_name", K_SRC_USER_NAME),
    KM("dst_user_name", K_DST_USER_NAME),
    KM("administrator", K_ADMINISTRATOR),
    KM("resource", K_RESOURCE),
    KM("protection_name", K_PROTECTION_NAME),
    KM("attack", K_ATTACK),
    KM("malware_family", K_MALWARE_FAMILY),
    KM("industry_reference", K_INDUSTRY_REF),
    KM("severity", K_SEVERITY),
    KM("client_outbound_bytes", K_CLIENT_OUT_BYTES),
    KM("client_inbound_bytes", K_CLIENT_IN_BYTES),
    KM("sent_bytes", K_SENT_BYTES),
    KM("received_bytes", K_RECEIVED_BYTES),
    KM("bytes", K_BYTES),
    KM("packets", K_PACKETS),
    KM("client_outbound_packets", K_CLIENT_OUT_PACKETS),
    KM("client_inbound_packets", K_CLIENT_IN_PACKETS),
    KM("service_id", K_SERVICE_ID),
    KM("loguid", K_LOGUID),
    KM("sys_message", K_SYS_MESSAGE),
    KM("description", K_DESCRIPTION),
    KM("reason", K_REASON),
    KM("auth_status", K_AUTH_STATUS),
    KM("community", K_COMMUNITY),
    KM("scheme", K_SCHEME),
    KM("match_id", K_MATCH_ID),
    KM("layer_name", K_LAYER_NAME),
    KM("src_machine_name", K_SRC_MACHINE_NAME),
    KM("appi_name", K_APPI_NAME),
    KM("file_name", K_FILE_NAME),
    KM("malware_action", K_MALWARE_ACTION),
    KM("protection_type", K_PROTECTION_TYPE),
    KM("domain", K_DOMAIN),
    KM("method", K_METHOD),
    KM("office_mode_ip", K_OFFICE_MODE_IP),
    KM("msg", K_MSG),
    KM("file_sha256", K_FILE_SHA256),
    KM("src_mac", K_SRC_MAC),
    KM("dst_mac", K_DST_MAC),
    KM("time", K_TIME),
};
#undef KM

static int has(struct mm_str s)
{
    return s.p != NULL && s.n > 0;
}

/* NAT addresses: 0.0.0.0 and port 0 mean "not translated". */
static void set_nat_ip(struct mm_event *ev, enum mm_field f, struct mm_str s)
{
    if (vu_ip(s) && !(s.n == 7 && memcmp(s.p, "0.0.0.0", 7) == 0)) {
        mm_event_set(ev, f, s.p, s.n);
    }
}

static void set_nat_port(struct mm_event *ev, enum mm_field f, struct mm_str s)
{
    if (vu_digits(s) && !(s.n == 1 && s.p[0] == '0')) {
        mm_event_set(ev, f, s.p, s.n);
    }
}

static struct mm_keytab keytab = MM_KEYTAB_INIT(keynames);

static int lookup(const char *k, size_t n)
{
    return mm_keytab_find(&keytab, k, n);
}

static void pair(struct mm_event *ev, struct mm_str *v, const char *k, size_t kn, struct mm_str val)
{
    while (kn > 0 && k[kn - 1] == ':') {
        kn--;
    }
    if (kn == 0) {
        return;
    }
    (void)mm_event_add(ev, NS, k, kn, val.p, val.n);
    int id = lookup(k, kn);
    if (id >= 0 && v[id].p == NULL) {
        v[id] = val;
    }
}

/* Unescape a quoted value (backslash + any byte -> that byte) into scratch. */
static struct mm_str unescape(struct mm_event *ev, const char *p, size_t n)
{
    struct mm_str r = {p, (uint32_t)n};
    if (memchr(p, '\\', n) == NULL) {
        return r;
    }
    char *d = mm_event_alloc(ev, n);
    if (d == NULL) {
        return r;
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 1 < n) {
            i++;
        }
        d[o++] = p[i];
    }
    ev->scratch_used -= (uint32_t)(n - o); /* d is the last allocation */
    r.p = d;
    r.n = (uint32_t)o;
    return r;
}

/*
 * The bracket form from p (just after '[') to end.  Returns 1 when the
 * closing ']' was seen, 0 when the record was cut or broken; *npairs counts.
 */
static int read_brackets(struct mm_event *ev, const char *p, const char *end, struct mm_str *v,
                         int *npairs)
{
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == ';')) {
            p++;
        }
        if (p >= end) {
            return 0;
        }
        if (*p == ']') {
            return 1;
        }
        const char *k = p;
        while (p < end && *p != ':' && *p != '"' && *p != ';' && *p != ']' && *p != ' ') {
            p++;
        }
        if (p >= end || *p != ':' || p == k) {
            /* not key:"value": skip to the next ';' */
            while (p < end && *p != ';' && *p != ']') {
                p++;
            }
            continue;
        }
        size_t kn = (size_t)(p - k);
        while (p < end && *p == ':') {
            p++;
        }
        struct mm_str val;
        if (p < end && *p == '"') {
            const char *s = ++p;
            while (p < end && *p != '"') {
                p += (*p == '\\' && end - p >= 2) ? 2 : 1;
            }
            if (p > end) {
                p = end;
            }
            val = unescape(ev, s, (size_t)(p - s));
            if (p >= end) {
                pair(ev, v, k, kn, val);
                (*npairs)++;
                return 0; /* unterminated quote */
            }
            p++;
        } else {
            const char *s = p;
            while (p < end && *p != ';' && *p != ']') {
                p++;
            }
            val.p = s;
            val.n = (uint32_t)(p - s);
        }
        pair(ev, v, k, kn, val);
        (*npairs)++;
    }
}

static int legacy_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '/' || c == '-' || c == '.' || c == ':';
}

/* At p: a key followed by '='?  Returns the '=' or NULL. */
static const char *key_at(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && legacy_key_char(*q)) {
        q++;
    }
    return (q > p && q < end && *q == '=') ? q : NULL;
}

/* The key=value form of p[0..end). */
static int read_legacy(struct mm_event *ev, const char *p, const char *end, struct mm_str *v)
{
    int bar = memchr(p, '|', (size_t)(end - p)) != NULL;
    int n = 0;
    while (p < end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '|' || *p == ';')) {
            p++;
        }
        if (p >= end) {
            break;
        }
        const char *eq = key_at(p, end);
        if (eq == NULL) {
            /* a word that is not a pair: skip it */
            while (p < end && *p != ' ' && *p != '\t' && *p != '|') {
                p++;
            }
            continue;
        }
        const char *k = p;
        size_t kn = (size_t)(eq - k);
        const char *s = eq + 1, *e;
        struct mm_str val;
        if (s < end && *s == '"') {
            e = s + 1;
            while (e < end && *e != '"') {
                e += (*e == '\\' && end - e >= 2) ? 2 : 1;
            }
            if (e > end) {
                e = end;
            }
            val = unescape(ev, s + 1, (size_t)(e - s - 1));
            p = e < end ? e + 1 : end;
        } else {
            e = s;
            if (bar) {
                while (e < end && *e != '|') {
                    e++;
                }
            } else {
                /* to the blank before the next key= */
                for (;;) {
                    while (e < end && *e != ' ' && *e != '\t') {
                        e++;
                    }
                    const char *w = e;
                    while (w < end && (*w == ' ' || *w == '\t')) {
                        w++;
                    }
                    if (w >= end || key_at(w, end) != NULL) {
                        break;
                    }
                    e = w;
                }
            }
            const char *t = e;
            while (t > s && (t[-1] == ' ' || t[-1] == '\t')) {
                t--;
            }
            val.p = s;
            val.n = (uint32_t)(t - s);
            p = e;
        }
        pair(ev, v, k, kn, val);
        n++;
    }
    return n;
}

static int zone_internal(struct mm_str z)
{
    return vu_ieq(z, "internal") || vu_ieq(z, "local") || vu_ieq(z, "dmz");
}

/* "CN=gw-name,O=mgmt..xyz" -> "gw-name" */
static struct mm_str cn_of(struct mm_str s)
{
    struct mm_str r = {NULL, 0};
    if (s.p == NULL || s.n < 4 || vu_lower(s.p[0]) != 'c' || vu_lower(s.p[1]) != 'n' || s.p[2] != '=') {
        return r;
    }
    const char *b = s.p + 3;
    const char *c = memchr(b, ',', s.n - 3);
    r.p = b;
    r.n = (uint32_t)(c != NULL ? c - b : (s.p + s.n) - b);
    return r;
}

/* scheme://host[:port]/... -> host */
static struct mm_str url_host(struct mm_str u)
{
    struct mm_str r = {NULL, 0};
    if (u.p == NULL) {
        return r;
    }
    const char *end = u.p + u.n;
    const char *s = u.p;
    const char *sl = u.n >= 3 ? memmem(u.p, u.n, "://", 3) : NULL;
    if (sl != NULL) {
        s = sl + 3;
    }
    const char *e = s;
    while (e < end && *e != '/' && *e != ':' && *e != '?' && *e != '#') {
        e++;
    }
    if (e > s) {
        r.p = s;
        r.n = (uint32_t)(e - s);
    }
    return r;
}

static void map_fields(struct mm_event *ev, const struct mm_str *v)
{
    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "Check Point");
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "firewall");
    vu_set(ev, MM_F_OBSERVER_PRODUCT, v[K_PRODUCT]);
    struct mm_str gw = has(v[K_ORIGIN]) ? v[K_ORIGIN] : v[K_ORIG_LEGACY];
    if (vu_ip(gw)) {
        (void)mm_event_add(ev, NULL, "observer.ip", 11, gw.p, gw.n);
    }
    struct mm_str cn = cn_of(v[K_ORIGINSICNAME]);
    if (has(cn)) {
        vu_set(ev, MM_F_OBSERVER_NAME, cn);
    } else if (has(gw) && !vu_ip(gw)) {
        vu_set(ev, MM_F_OBSERVER_NAME, gw);
    } else if (ev->f[MM_F_HOST_HOSTNAME].p != NULL) {
        mm_event_set(ev, MM_F_OBSERVER_NAME, ev->f[MM_F_HOST_HOSTNAME].p,
                     ev->f[MM_F_HOST_HOSTNAME].n);
    }

    vu_set_ip(ev, MM_F_SOURCE_IP, v[K_SRC]);
    vu_set_ip(ev, MM_F_DESTINATION_IP, v[K_DST]);
    vu_set_num(ev, MM_F_SOURCE_PORT, v[K_SPORT]);
    if (vu_digits(v[K_SERVICE])) {
        vu_set_num(ev, MM_F_DESTINATION_PORT, v[K_SERVICE]);
    } else if (has(v[K_SERVICE])) {
        vu_set_lower(ev, MM_F_NETWORK_PROTOCOL, v[K_SERVICE], 64);
    }
    if (has(v[K_SERVICE_ID])) {
        vu_set_lower(ev, MM_F_NETWORK_PROTOCOL, v[K_SERVICE_ID], 64);
    }
    const char *tr = vu_transport(v[K_PROTO]);
    if (tr != NULL) {
        mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, tr);
    }
    vu_set_num(ev, MM_F_NETWORK_IANA_NUMBER, v[K_PROTO]);
    set_nat_ip(ev, MM_F_SOURCE_NAT_IP, v[K_XLATESRC]);
    set_nat_ip(ev, MM_F_DESTINATION_NAT_IP, v[K_XLATEDST]);
    set_nat_port(ev, MM_F_SOURCE_NAT_PORT, v[K_XLATESPORT]);
    set_nat_port(ev, MM_F_DESTINATION_NAT_PORT, v[K_XLATEDPORT]);
    vu_set(ev, MM_F_SOURCE_MAC, v[K_SRC_MAC]);
    vu_set(ev, MM_F_DESTINATION_MAC, v[K_DST_MAC]);

    /* interface: ifdir says on which side of it the packet was seen */
    if (has(v[K_IFNAME])) {
        vu_set(ev, vu_ieq(v[K_IFDIR], "outbound") ? MM_F_OBSERVER_EGRESS_IF : MM_F_OBSERVER_INGRESS_IF,
            v[K_IFNAME]);
    }
    struct mm_str cd = v[K_CONN_DIRECTION];
    if (vu_ieq(cd, "incoming")) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "inbound");
    } else if (vu_ieq(cd, "outgoing")) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "outbound");
    } else if (vu_ieq(cd, "internal")) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "internal");
    } else if (vu_ieq(v[K_INZONE], "external") && zone_internal(v[K_OUTZONE])) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "inbound");
    } else if (zone_internal(v[K_INZONE]) && vu_ieq(v[K_OUTZONE], "external")) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "outbound");
    } else if (zone_internal(v[K_INZONE]) && zone_internal(v[K_OUTZONE])) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "internal");
    }

    vu_set(ev, MM_F_RULE_NAME, v[K_RULE_NAME]);
    if (has(v[K_RULE_UID])) {
        vu_set(ev, MM_F_RULE_ID, v[K_RULE_UID]);
    } else {
        vu_set(ev, MM_F_RULE_ID, v[K_RULE]);
    }

    struct mm_str user = has(v[K_SRC_USER_NAME]) ? v[K_SRC_USER_NAME]
                         : has(v[K_USER])        ? v[K_USER]
                                                 : v[K_ADMINISTRATOR];
    vu_set(ev, MM_F_USER_NAME, user);
    vu_set(ev, MM_F_USER_TARGET_NAME, v[K_DST_USER_NAME]);

    if (has(v[K_RESOURCE])) {
        vu_set(ev, MM_F_URL_ORIGINAL, v[K_RESOURCE]);
        vu_set(ev, MM_F_URL_DOMAIN, url_host(v[K_RESOURCE]));
    }
    vu_set(ev, MM_F_HTTP_METHOD, v[K_METHOD]);
    vu_set(ev, MM_F_FILE_NAME, v[K_FILE_NAME]);
    if (v[K_FILE_SHA256].n == 64) {
        vu_set(ev, MM_F_FILE_HASH_SHA256, v[K_FILE_SHA256]);
    }
    if (has(v[K_PROTECTION_NAME])) {
        vu_set(ev, MM_F_THREAT_SIGNATURE, v[K_PROTECTION_NAME]);
    }
    if (has(v[K_MALWARE_FAMILY])) {
        vu_set(ev, MM_F_THREAT_NAME, v[K_MALWARE_FAMILY]);
    } else if (has(v[K_ATTACK])) {
        vu_set(ev, MM_F_THREAT_NAME, v[K_ATTACK]);
    } else if (has(v[K_PROTECTION_NAME])) {
        vu_set(ev, MM_F_THREAT_NAME, v[K_PROTECTION_NAME]);
    }
    vu_set(ev, MM_F_THREAT_CATEGORY, v[K_PROTECTION_TYPE]);
    if (vu_icontains(v[K_INDUSTRY_REF], "cve-")) {
        vu_set(ev, MM_F_VULNERABILITY_ID, v[K_INDUSTRY_REF]);
    }
    vu_set_num(ev, MM_F_EVENT_SEVERITY, v[K_SEVERITY]);

    struct mm_str sb = has(v[K_CLIENT_OUT_BYTES]) ? v[K_CLIENT_OUT_BYTES] : v[K_SENT_BYTES];
    struct mm_str db = has(v[K_CLIENT_IN_BYTES]) ? v[K_CLIENT_IN_BYTES] : v[K_RECEIVED_BYTES];
    vu_set_num(ev, MM_F_SOURCE_BYTES, sb);
    vu_set_num(ev, MM_F_DESTINATION_BYTES, db);
    vu_set_num(ev, MM_F_NETWORK_BYTES, v[K_BYTES]);
    vu_set_num(ev, MM_F_SOURCE_PACKETS, v[K_CLIENT_OUT_PACKETS]);
    vu_set_num(ev, MM_F_DESTINATION_PACKETS, v[K_CLIENT_IN_PACKETS]);
    vu_set_num(ev, MM_F_NETWORK_PACKETS, v[K_PACKETS]);

    vu_set(ev, MM_F_TUNNEL_NAME, v[K_COMMUNITY]);
    vu_set(ev, MM_F_TUNNEL_TYPE, v[K_SCHEME]);
    vu_set_ip(ev, MM_F_VPN_ASSIGNED_IP, v[K_OFFICE_MODE_IP]);
    if (has(v[K_LOGUID])) {
        (void)mm_event_add(ev, NULL, "event.id", 8, v[K_LOGUID].p, v[K_LOGUID].n);
    }
    if (has(v[K_APPI_NAME])) {
        (void)mm_event_add(ev, NULL, "network.application", 19, v[K_APPI_NAME].p, v[K_APPI_NAME].n);
    }
    struct mm_str why = has(v[K_REASON])        ? v[K_REASON]
                        : has(v[K_SYS_MESSAGE]) ? v[K_SYS_MESSAGE]
                        : has(v[K_MSG])         ? v[K_MSG]
                                                : v[K_DESCRIPTION];
    vu_set(ev, MM_F_EVENT_REASON, why);
}

static void categorize(struct mm_event *ev, const struct mm_str *v)
{
    struct mm_str a = v[K_ACTION], prod = v[K_PRODUCT];
    const char *cat = NULL, *type = NULL, *kind = "event", *outcome = NULL;

    vu_set(ev, MM_F_EVENT_ACTION, a);
    if (vu_ieq(a, "accept") || vu_ieq(a, "allow") || vu_ieq(a, "encrypt") || vu_ieq(a, "decrypt") ||
        vu_ieq(a, "bypass") || vu_ieq(a, "inspect") || vu_ieq(a, "ask") || vu_ieq(a, "inform") ||
        vu_ieq(a, "redirect") || vu_ieq(a, "key install") || vu_ieq(a, "authorize")) {
        type = "allowed";
        outcome = "success";
    } else if (vu_ieq(a, "drop") || vu_ieq(a, "reject") || vu_ieq(a, "block") || vu_ieq(a, "prevent") ||
               vu_ieq(a, "deny") || vu_ieq(a, "quarantine") || vu_ieq(a, "deauthorize")) {
        type = "denied";
        outcome = "failure";
    } else if (vu_ieq(a, "detect") || vu_ieq(a, "monitored")) {
        type = "info";
    }

    if (vu_icontains(prod, "ips") || vu_icontains(prod, "smartdefense") || vu_icontains(prod, "anti-bot") ||
        vu_icontains(prod, "anti bot") || has(v[K_PROTECTION_NAME]) || has(v[K_ATTACK])) {
        cat = "intrusion_detection";
        kind = "alert";
    } else if (vu_icontains(prod, "anti-virus") || vu_icontains(prod, "anti virus") ||
               vu_icontains(prod, "threat emulation") || vu_icontains(prod, "threat extraction") ||
               has(v[K_MALWARE_FAMILY]) || has(v[K_MALWARE_ACTION])) {
        cat = "malware";
        kind = "alert";
    } else if (vu_icontains(prod, "url filtering") || has(v[K_RESOURCE])) {
        cat = "web";
    } else if (vu_ieq(a, "login") || vu_ieq(a, "log in") || vu_ieq(a, "logout") || vu_ieq(a, "log out") ||
               has(v[K_AUTH_STATUS]) || vu_icontains(prod, "smartconsole") ||
               vu_icontains(prod, "identity awareness") || vu_icontains(prod, "mobile access")) {
        cat = "authentication";
        type = (vu_ieq(a, "logout") || vu_ieq(a, "log out")) ? "end" : "start";
        outcome = NULL;
        struct mm_str st = v[K_AUTH_STATUS];
        if (vu_icontains(st, "fail") || vu_icontains(v[K_REASON], "fail")) {
            outcome = "failure";
        } else if (vu_icontains(st, "success") || vu_ieq(a, "login") || vu_ieq(a, "log in")) {
            outcome = "success";
        }
    } else if (vu_icontains(prod, "system monitor") || vu_icontains(prod, "management") ||
               vu_icontains(prod, "smartupdate")) {
        cat = has(v[K_SRC]) ? "network" : "host";
        if (type == NULL) {
            type = "info";
        }
    } else {
        cat = "network";
    }
    if (vu_ieq(a, "key install") || (vu_icontains(prod, "vpn-1") && has(v[K_COMMUNITY]))) {
        /* IKE/IPsec */
        cat = "network";
    }
    if (type == NULL) {
        type = has(v[K_SRC]) ? "connection" : "info";
    }
    mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, cat);
    mm_event_set_cstr(ev, MM_F_EVENT_TYPE, type);
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, kind);
    if (outcome != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, outcome);
    }
}

/* The '[' of "CheckPoint <pid> - [" in p[0..len), or NULL. */
static const char *bracket_start(const char *p, size_t len)
{
    const char *cp = len >= 11 ? memmem(p, len, "CheckPoint ", 11) : NULL;
    if (cp == NULL) {
        return NULL;
    }
    const char *end = p + len;
    const char *b = memchr(cp, '[', (size_t)(end - cp));
    /* only the header words (pid, "-") between */
    if (b == NULL || b - cp > 40 || memchr(cp, '=', (size_t)(b - cp)) != NULL) {
        return NULL;
    }
    return b;
}

static int sd_is_checkpoint(const struct mm_event *ev)
{
    struct mm_str sd = ev->f[MM_F_SYSLOG_SD], app = ev->f[MM_F_SYSLOG_APPNAME];
    if (sd.p == NULL || sd.n < 2 || sd.p[0] != '[') {
        return 0;
    }
    if (app.p != NULL && app.n == 10 && memcmp(app.p, "CheckPoint", 10) == 0) {
        return 1;
    }
    /* a relay may rename the app: the bracket form itself */
    return memmem(sd.p, sd.n, ":\"", 2) != NULL &&
           (memmem(sd.p, sd.n, "product:\"", 9) || memmem(sd.p, sd.n, "origin:\"", 8));
}

static int detect(const struct mm_event *ev, const char *body, size_t len)
{
    if (bracket_start(body, len) != NULL) {
        return 90;
    }
    if (len < 256 && sd_is_checkpoint(ev)) {
        const char *p = body;
        while (p < body + len && (*p == ' ' || *p == '\t')) {
            p++;
        }
        if (p == body + len) {
            return 90; /* everything went into the structured data */
        }
    }
    if (len >= 9 && memmem(body, len, "CEF:", 4) != NULL) {
        return 0; /* Check Point's CEF export belongs to the cef parser */
    }
    if (len >= 9 && memmem(body, len, "product:\"", 9) != NULL &&
        memmem(body, len, "\"; ", 3) != NULL) {
        return 75;
    }
    if (len >= 8 && memmem(body, len, "i/f_dir=", 8) != NULL) {
        return 85;
    }
    return 0;
}

static enum mm_parse_rc parse(struct mm_event *ev, const char *body, size_t len)
{
    struct mm_str v[K__COUNT];
    memset(v, 0, sizeof(v));
    const char *end = body + len;
    const char *b = bracket_start(body, len);
    int closed = 0, npairs = 0;
    if (b != NULL) {
        closed = read_brackets(ev, b + 1, end, v, &npairs);
    } else {
        const char *p = body;
        while (p < end && (*p == ' ' || *p == '\t')) {
            p++;
        }
        if (p == end && sd_is_checkpoint(ev)) {
            struct mm_str sd = ev->f[MM_F_SYSLOG_SD];
            closed = read_brackets(ev, sd.p + 1, sd.p + sd.n, v, &npairs);
        } else if (len >= 9 && memmem(body, len, "product:\"", 9) != NULL) {
            /* the bracket pairs without the "CheckPoint" header word */
            const char *s = memchr(body, '[', len);
            s = s != NULL ? s + 1 : body;
            closed = read_brackets(ev, s, end, v, &npairs);
            closed = closed || npairs > 2;
        } else if (len >= 8 && memmem(body, len, "i/f_dir=", 8) != NULL) {
            npairs = read_legacy(ev, body, end, v);
            closed = npairs > 0;
        } else {
            return MM_PARSE_NOMATCH;
        }
    }
    if (npairs == 0) {
        return b != NULL ? MM_PARSE_MALFORMED : MM_PARSE_NOMATCH;
    }
    map_fields(ev, v);
    categorize(ev, v);
    return closed ? MM_PARSE_OK : MM_PARSE_MALFORMED;
}

const struct mm_parser mm_parser_checkpoint = {
    .name = "checkpoint",
    .detect = detect,
    .parse = parse,
};
