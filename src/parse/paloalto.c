/*
 * paloalto.c - Palo Alto Networks PAN-OS syslog in the default CSV format
 * (PAN-OS 8.x-11.x): TRAFFIC, THREAT, SYSTEM, CONFIG, GLOBALPROTECT,
 * HIPMATCH, CORRELATION, AUTH, USERID, DECRYPTION, TUNNEL ...
 *
 * Every type starts with the same seven fields (FUTURE_USE, Receive Time,
 * Serial Number, Type, Subtype, FUTURE_USE, Generated Time); the rest is
 * positional per type, as listed in the PAN-OS Administrator's Guide,
 * "Syslog Field Descriptions".  Each non-empty field becomes an extra
 * "panw.<name>" named after the PAN-OS custom-format variable ($src, $rule,
 * $natsport ...); fields past the end of our tables (newer releases append
 * at the end) are not kept.  Quoted fields may hold commas and "" escapes;
 * those are unescaped into the event scratch.
 *
 * Detection: a body whose first comma-separated fields are a number, a
 * "YYYY/MM/DD hh:mm:ss" receive time, a serial number and an upper-case type.
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/keytab.h"
#include "parse/vendor_util.h"

#define NS "panw"
#define MAXF 160 /* CSV fields read; PAN-OS 11 TRAFFIC has ~120 */

/* Field names per log type, by position; NULL = FUTURE_USE / not kept. */
static const char *const common[] = {NULL, "receive_time", "serial", "type", "subtype", NULL,
                                     "time_generated"};

static const char *const traffic_names[] = {
    NULL, "receive_time", "serial", "type", "subtype", NULL, "time_generated", "src", "dst",
    "natsrc", "natdst", "rule", "srcuser", "dstuser", "app", "vsys", "from", "to", "inbound_if",
    "outbound_if", "logset", NULL, "sessionid", "repeatcnt", "sport", "dport", "natsport",
    "natdport", "flags", "proto", "action", "bytes", "bytes_sent", "bytes_received", "packets",
    "start", "elapsed", "category", NULL, "seqno", "actionflags", "srcloc", "dstloc", NULL,
    "pkts_sent", "pkts_received", "session_end_reason", "dg_hier_level_1", "dg_hier_level_2",
    "dg_hier_level_3", "dg_hier_level_4", "vsys_name", "device_name", "action_source",
    "src_uuid", "dst_uuid", "tunnelid", "monitortag", "parent_session_id", "parent_start_time",
    "tunnel", "assoc_id", "chunks", "chunks_sent", "chunks_received", "rule_uuid",
    "http2_connection", "link_change_count", "policy_id", "link_switches", "sdwan_cluster",
    "sdwan_device_type", "sdwan_cluster_type", "sdwan_site", "dynusergroup_name", "xff_ip",
    "src_category", "src_profile", "src_model", "src_vendor", "src_osfamily", "src_osversion",
    "src_host", "src_mac", "dst_category", "dst_profile", "dst_model", "dst_vendor",
    "dst_osfamily", "dst_osversion", "dst_host", "dst_mac", "container_id", "pod_namespace",
    "pod_name", "src_edl", "dst_edl", "hostid", "serialnumber", "src_dag", "dst_dag",
    "session_owner", "high_res_timestamp", "nssai_sst", "nssai_sd", "subcategory_of_app",
    "category_of_app", "technology_of_app", "risk_of_app", "characteristic_of_app",
    "container_of_app", "tunneled_app", "is_saas_of_app", "sanctioned_state_of_app",
    "offloaded"};

static const char *const threat_names[] = {
    NULL, "receive_time", "serial", "type", "subtype", NULL, "time_generated", "src", "dst",
    "natsrc", "natdst", "rule", "srcuser", "dstuser", "app", "vsys", "from", "to", "inbound_if",
    "outbound_if", "logset", NULL, "sessionid", "repeatcnt", "sport", "dport", "natsport",
    "natdport", "flags", "proto", "action", "misc", "threatid", "category", "severity",
    "direction", "seqno", "actionflags", "srcloc", "dstloc", NULL, "contenttype", "pcap_id",
    "filedigest", "cloud", "url_idx", "user_agent", "filetype", "xff", "referer", "sender",
    "subject", "recipient", "reportid", "dg_hier_level_1", "dg_hier_level_2",
    "dg_hier_level_3", "dg_hier_level_4", "vsys_name", "device_name", NULL, "src_uuid",
    "dst_uuid", "http_method", "tunnelid", "monitortag", "parent_session_id",
    "parent_start_time", "tunnel", "thr_category", "contentver", NULL, "assoc_id", "ppid",
    "http_headers", "url_category_list", "rule_uuid", "http2_connection", "dynusergroup_name",
    "xff_ip", "src_category", "src_profile", "src_model", "src_vendor", "src_osfamily",
    "src_osversion", "src_host", "src_mac", "dst_category", "dst_profile", "dst_model",
    "dst_vendor", "dst_osfamily", "dst_osversion", "dst_host", "dst_mac", "container_id",
    "pod_namespace", "pod_name", "src_edl", "dst_edl", "hostid", "serialnumber", "domain_edl",
    "src_dag", "dst_dag", "partial_hash", "high_res_timestamp", "reason", "justification",
    "nssai_sst"};

static const char *const system_names[] = {
    NULL, "receive_time", "serial", "type", "subtype", NULL, "time_generated", "vsys",
    "eventid", "object", NULL, NULL, "module", "severity", "opaque", "seqno", "actionflags",
    "dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3", "dg_hier_level_4", "vsys_name",
    "device_name", NULL, NULL, "high_res_timestamp"};

/* PAN-OS 8.x; 9.0+ inserts before_change_detail, after_change_detail at 14-15 (see below). */
static const char *const config_names[] = {
    NULL, "receive_time", "serial", "type", "subtype", NULL, "time_generated", "host", "vsys",
    "cmd", "admin", "client", "result", "path", "seqno", "actionflags", "dg_hier_level_1",
    "dg_hier_level_2", "dg_hier_level_3", "dg_hier_level_4", "vsys_name", "device_name"};

static const char *const config9_names[] = {
    NULL, "receive_time", "serial", "type", "subtype", NULL, "time_generated", "host", "vsys",
    "cmd", "admin", "client", "result", "path", "before_change_detail", "after_change_detail",
    "seqno", "actionflags", "dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3",
    "dg_hier_level_4", "vsys_name", "device_name", NULL, NULL, "high_res_timestamp"};

static const char *const globalprotect_names[] = {
    NULL, "receive_time", "serial", "type", "subtype", NULL, "time_generated", "vsys",
    "eventid", "stage", "auth_method", "tunnel_type", "srcuser", "srcregion", "machinename",
    "public_ip", "public_ipv6", "private_ip", "private_ipv6", "hostid", "serialnumber",
    "client_ver", "client_os", "client_os_ver", "repeatcnt", "reason", "error", "opaque",
    "status", "location", "login_duration", "connect_method", "error_code", "portal", "seqno",
    "actionflags", "high_res_timestamp", "selection_type", "response_time", "priority",
    "attempted_gateways", "gateway", "dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3",
    "dg_hier_level_4", "vsys_name", "device_name", "vsys_id"};

static const char *const hipmatch_names[] = {
    NULL, "receive_time", "serial", "type", "subtype", NULL, "time_generated", "srcuser",
    "vsys", "machinename", "os", "src", "matchname", "repeatcnt", "matchtype", NULL, NULL,
    "seqno", "actionflags", "dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3",
    "dg_hier_level_4", "vsys_name", "device_name", "vsys_id", "srcipv6", "hostid",
    "serialnumber", "mac", "high_res_timestamp"};

static const char *const correlation_names[] = {
    NULL, "receive_time", "serial", "type", "subtype", NULL, "time_generated", "src", "srcuser",
    "vsys", "category", "severity", "dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3",
    "dg_hier_level_4", "vsys_name", "device_name", "vsys_id", "objectname", "object_id",
    "evidence"};

static const char *const auth_names[] = {
    NULL, "receive_time", "serial", "type", "subtype", NULL, "time_generated", "vsys", "ip",
    "user", "normalize_user", "object", "authpolicy", "repeatcnt", "authid", "vendor",
    "logset", "serverprofile", "desc", "clienttype", "event", "factorno", "seqno",
    "actionflags", "dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3", "dg_hier_level_4",
    "vsys_name", "device_name", "vsys_id", "authproto", "rule_uuid", "high_res_timestamp"};

static const char *const userid_names[] = {
    NULL, "receive_time", "serial", "type", "subtype", NULL, "time_generated", "vsys", "ip",
    "user", "datasourcename", "eventid", "repeatcnt", "timeout", "beginport", "endport",
    "datasource", "datasourcetype", "seqno", "actionflags", "dg_hier_level_1",
    "dg_hier_level_2", "dg_hier_level_3", "dg_hier_level_4", "vsys_name", "device_name",
    "vsys_id", "factortype", "factorcompletiontime", "factorno", "ugflags", "userbysource",
    "tag_name", "high_res_timestamp", "origindatasource"};

enum ptype {
    T_OTHER, T_TRAFFIC, T_THREAT, T_SYSTEM, T_CONFIG, T_GLOBALPROTECT, T_HIPMATCH,
    T_CORRELATION, T_AUTH, T_USERID, T_DECRYPTION, T_TUNNEL
};

struct typeinfo {
    enum ptype t;
    const char *const *names;
    size_t nnames;
};

#define TI(t, a) {t, a, sizeof(a) / sizeof(a[0])}
static const struct typeinfo types[] = {
    TI(T_TRAFFIC, traffic_names), /* TRAFFIC */
    TI(T_THREAT, threat_names), /* THREAT */
    TI(T_SYSTEM, system_names), /* SYSTEM */
    TI(T_CONFIG, config_names), /* CONFIG */
    TI(T_GLOBALPROTECT, globalprotect_names), /* GLOBALPROTECT */
    TI(T_HIPMATCH, hipmatch_names), /* HIPMATCH */
    TI(T_CORRELATION, correlation_names), /* CORRELATION */
    TI(T_AUTH, auth_names), /* AUTH */
    TI(T_USERID, userid_names), /* USERID */
    /* DECRYPTION and TUNNEL begin like TRAFFIC through the action field */
    TI(T_DECRYPTION, traffic_names), /* DECRYPTION */
    TI(T_TUNNEL, traffic_names), /* TUNNEL */
    TI(T_TUNNEL, traffic_names), /* GTP */
    TI(T_TUNNEL, traffic_names), /* SCTP */
};
#undef TI

/* The record types by name: the id is the index in types[]. */
#define KM(s, i) {s, sizeof(s) - 1, i}
static const struct mm_keytab_entry type_keys[] = {
    KM("TRAFFIC", 0),
    KM("THREAT", 1),
    KM("SYSTEM", 2),
    KM("CONFIG", 3),
    KM("GLOBALPROTECT", 4),
    KM("HIPMATCH", 5),
    KM("CORRELATION", 6),
    KM("AUTH", 7),
    KM("USERID", 8),
    KM("DECRYPTION", 9),
    KM("TUNNEL", 10),
    KM("GTP", 11),
    KM("SCTP", 12),
};
#undef KM
_Static_assert(sizeof(type_keys) / sizeof(type_keys[0]) == sizeof(types) / sizeof(types[0]),
               "one name per record type");

/* An address that means "none": PAN-OS writes 0.0.0.0 / :: for no NAT. */
static int is_unset_ip(struct mm_str s)
{
    return vu_eq(s, "0.0.0.0") || vu_eq(s, "::");
}

static void set_ip(struct mm_event *ev, enum mm_field f, struct mm_str s)
{
    if (vu_ip(s) && !is_unset_ip(s)) {
        mm_event_set(ev, f, s.p, s.n);
    }
}

/* "2021/07/20 23:59:02" */
static int is_pan_time(const char *p, size_t n)
{
    static const char shape[] = "dddd/dd/dd dd:dd:dd";
    if (n != sizeof(shape) - 1) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (shape[i] == 'd' ? !vu_is_digit(p[i]) : p[i] != shape[i]) {
            return 0;
        }
    }
    return 1;
}

/*
 * Find the CSV record in body: "<n>,<receive time>,<serial>,<TYPE>".  The
 * record starts after the last blank before the first comma (a syslog header
 * the header parser did not take stays in front).  Returns the offset, or -1;
 * *type gets the type word.
 */
static long find_record(const char *body, size_t len, struct mm_str *type, int *shift)
{
    const char *end = body + len;
    const char *c1 = memchr(body, ',', len);
    if (c1 == NULL) {
        return -1;
    }
    const char *start = c1;
    while (start > body && start[-1] != ' ' && start[-1] != '\t') {
        start--;
    }
    const char *s; /* the serial number field */
    if (start == body && c1 - start == 8 && vu_is_digit(start[0]) && start[2] == ':' &&
        start[5] == ':') {
        /*
         * "hh:mm:ss,<serial>,<TYPE>,...": a header parser took "1,2021/07/20"
         * for the host name of "Jul 20 23:59:02 1,2021/07/20 23:59:02,...";
         * the record is read from its third field.
         */
        *shift = 2;
        s = c1 + 1;
    } else {
        *shift = 0;
        if (start == c1 || c1 - start > 4) {
            return -1;
        }
        for (const char *q = start; q < c1; q++) {
            if (!vu_is_digit(*q)) {
                return -1;
            }
        }
        const char *t = c1 + 1;
        if (end - t < 20 || !is_pan_time(t, 19) || t[19] != ',') {
            return -1;
        }
        s = t + 20;
    }
    /* serial: letters and digits, up to 32 */
    const char *q = s;
    while (q < end && q - s <= 32 && *q != ',') {
        char ch = *q;
        if (!(vu_is_digit(ch) || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))) {
            return -1;
        }
        q++;
    }
    if (q >= end || *q != ',' || q == s) {
        return -1;
    }
    if (*shift == 2) {
        start = s;
    }
    const char *w = q + 1;
    q = w;
    while (q < end && *q >= 'A' && *q <= 'Z') {
        q++;
    }
    if (q == w || q - w > 20 || (q < end && *q != ',')) {
        return -1;
    }
    type->p = w;
    type->n = (uint32_t)(q - w);
    return (long)(start - body);
}

static struct mm_keytab type_tab = MM_KEYTAB_INIT(type_keys);

static const struct typeinfo *lookup_type(struct mm_str t)
{
    int i = t.p != NULL ? mm_keytab_find(&type_tab, t.p, t.n) : -1;
    return i >= 0 ? &types[i] : NULL;
}

static int paloalto_detect(const struct mm_event *ev, const char *body, size_t len)
{
    (void)ev;
    struct mm_str type;
    int shift;
    if (find_record(body, len, &type, &shift) < 0) {
        return 0;
    }
    return lookup_type(type) != NULL ? 90 : 60;
}

/*
 * Split p[0..n) into CSV fields.  A field that starts with '"' runs to the
 * matching quote ("" is a literal quote) and is unescaped into scratch when
 * it holds one.  Returns the field count (at most maxf; the rest is ignored).
 */
static size_t split_csv(struct mm_event *ev, const char *p, size_t n, struct mm_str *f,
                        size_t maxf)
{
    const char *end = p + n;
    size_t nf = 0;
    const char *q = p;
    for (;;) {
        if (nf == maxf) {
            break;
        }
        if (q < end && *q == '"') {
            const char *s = q + 1;
            const char *r = s;
            int dq = 0;
            while (r < end) {
                if (*r == '"') {
                    if (r + 1 < end && r[1] == '"') {
                        dq = 1;
                        r += 2;
                        continue;
                    }
                    break;
                }
                r++;
            }
            f[nf].p = s;
            f[nf].n = (uint32_t)(r - s);
            if (dq) {
                char *d = mm_event_alloc(ev, f[nf].n);
                if (d != NULL) {
                    size_t k = 0;
                    for (const char *x = s; x < r; x++) {
                        d[k++] = *x;
                        if (*x == '"' && x + 1 < r && x[1] == '"') {
                            x++;
                        }
                    }
                    f[nf].p = d;
                    f[nf].n = (uint32_t)k;
                }
            }
            nf++;
            q = r < end ? r + 1 : end; /* past the closing quote */
            while (q < end && *q != ',') {
                q++; /* junk after the quote: ignored */
            }
        } else {
            const char *c = memchr(q, ',', (size_t)(end - q));
            const char *fe = c != NULL ? c : end;
            f[nf].p = q;
            f[nf].n = (uint32_t)(fe - q);
            nf++;
            q = fe;
        }
        if (q >= end) {
            break;
        }
        q++; /* the comma */
    }
    return nf;
}

static struct mm_str fld(const struct mm_str *f, size_t nf, size_t i)
{
    struct mm_str none = {NULL, 0};
    if (i >= nf || f[i].n == 0) {
        return none;
    }
    return f[i];
}

/* Severity word to a number (1 informational .. 5 critical). */
static void set_severity(struct mm_event *ev, struct mm_str s)
{
    const char *n = NULL;
    if (vu_eq(s, "informational")) {
        n = "1";
    } else if (vu_eq(s, "low")) {
        n = "2";
    } else if (vu_eq(s, "medium")) {
        n = "3";
    } else if (vu_eq(s, "high")) {
        n = "4";
    } else if (vu_eq(s, "critical")) {
        n = "5";
    }
    if (n != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_SEVERITY, n);
    }
}

/* "Name(12345)" -> "Name" (empty when only "(9999)") */
static struct mm_str threat_name(struct mm_str s)
{
    if (s.p == NULL) {
        return s;
    }
    uint32_t n = s.n;
    if (n > 0 && s.p[n - 1] == ')') {
        const char *open = NULL;
        for (uint32_t i = n; i-- > 0;) {
            if (s.p[i] == '(') {
                open = s.p + i;
                break;
            }
        }
        if (open != NULL) {
            n = (uint32_t)(open - s.p);
        }
    }
    while (n > 0 && s.p[n - 1] == ' ') {
        n--;
    }
    s.n = n;
    return s;
}

/* The host part of a PAN-OS URL field ("host/path", "host:port/path", "http://host/..."). */
static struct mm_str url_host(struct mm_str u)
{
    struct mm_str h = u;
    if (h.p == NULL) {
        return h;
    }
    const char *p = h.p, *end = h.p + h.n;
    const char *sep = NULL;
    for (const char *q = p; q + 2 < end; q++) {
        if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
            sep = q + 3;
            break;
        }
        if (*q == '/') {
            break;
        }
    }
    if (sep != NULL) {
        p = sep;
    }
    const char *q = p;
    while (q < end && *q != '/' && *q != ':' && *q != '?') {
        q++;
    }
    h.p = p;
    h.n = (uint32_t)(q - p);
    return h;
}

/* elapsed seconds -> event.duration in nanoseconds (composed in scratch) */
static void set_duration(struct mm_event *ev, struct mm_str s)
{
    if (!vu_digits(s) || s.n > 9) {
        return;
    }
    if (vu_eq(s, "0")) {
        mm_event_set_cstr(ev, MM_F_EVENT_DURATION, "0");
        return;
    }
    char *d = mm_event_alloc(ev, s.n + 9);
    if (d == NULL) {
        return;
    }
    memcpy(d, s.p, s.n);
    memset(d + s.n, '0', 9);
    mm_event_set(ev, MM_F_EVENT_DURATION, d, s.n + 9);
}

static int denied(struct mm_str a)
{
    return vu_eq(a, "deny") || vu_eq(a, "drop") || vu_eq(a, "drop-icmp") || vu_eq(a, "drop-all") ||
           vu_eq(a, "drop-all-packets") || vu_eq(a, "reset-client") || vu_eq(a, "reset-server") ||
           vu_eq(a, "reset-both") || vu_eq(a, "block-url") || vu_eq(a, "block") ||
           vu_eq(a, "block-continue") || vu_eq(a, "block-override") || vu_eq(a, "sinkhole") ||
           vu_eq(a, "blocked") || vu_eq(a, "override-lockout");
}

/* Text after lit in s, up to one of the stop characters (or the end). */
static struct mm_str after(struct mm_str s, const char *lit, const char *stops)
{
    struct mm_str r = {NULL, 0};
    size_t n = strlen(lit);
    if (s.p == NULL || s.n < n) {
        return r;
    }
    const char *hit = memmem(s.p, s.n, lit, n);
    if (hit == NULL) {
        return r;
    }
    const char *p = hit + n, *end = s.p + s.n;
    const char *q = p;
    while (q < end && strchr(stops, *q) == NULL) {
        q++;
    }
    r.p = p;
    r.n = (uint32_t)(q - p);
    return r;
}

/* Users and addresses named in SYSTEM descriptions (auth, globalprotect). */
static void system_desc(struct mm_event *ev, struct mm_str desc)
{
    struct mm_str ip = after(desc, "Login from: ", ", ");
    if (!vu_ip(ip)) {
        ip = after(desc, "From: ", ", ");
        if (ip.n > 0 && ip.p[ip.n - 1] == '.') {
            ip.n--;
        }
    }
    if (!vu_ip(ip)) {
        ip = after(desc, " from ", ", ");
        if (ip.n > 0 && ip.p[ip.n - 1] == '.') {
            ip.n--;
        }
    }
    set_ip(ev, MM_F_SOURCE_IP, ip);
    struct mm_str user = after(desc, "User name: ", ",");
    if (user.n == 0) {
        user = after(desc, "user '", "'");
    }
    if (user.n == 0) {
        user = after(desc, "User ", " ");
        if (user.n > 0 && !vu_icontains(desc, "logged in") && !vu_icontains(desc, "logged out")) {
            user.p = NULL;
            user.n = 0;
        }
    }
    vu_set(ev, MM_F_USER_NAME, user);
}

static void map_session(struct mm_event *ev, enum ptype t, const struct mm_str *f, size_t nf)
{
    set_ip(ev, MM_F_SOURCE_IP, fld(f, nf, 7));
    set_ip(ev, MM_F_DESTINATION_IP, fld(f, nf, 8));
    set_ip(ev, MM_F_SOURCE_NAT_IP, fld(f, nf, 9));
    set_ip(ev, MM_F_DESTINATION_NAT_IP, fld(f, nf, 10));
    vu_set(ev, MM_F_RULE_NAME, fld(f, nf, 11));
    vu_set(ev, MM_F_USER_NAME, fld(f, nf, 12));
    vu_set(ev, MM_F_USER_TARGET_NAME, fld(f, nf, 13));
    struct mm_str app = fld(f, nf, 14);
    if (app.p != NULL) {
        mm_event_add(ev, NULL, "network.application", 19, app.p, app.n);
    }
    struct mm_str z = fld(f, nf, 16);
    if (z.p != NULL) {
        mm_event_add(ev, NULL, "observer.ingress.zone", 21, z.p, z.n);
    }
    z = fld(f, nf, 17);
    if (z.p != NULL) {
        mm_event_add(ev, NULL, "observer.egress.zone", 20, z.p, z.n);
    }
    vu_set(ev, MM_F_OBSERVER_INGRESS_IF, fld(f, nf, 18));
    vu_set(ev, MM_F_OBSERVER_EGRESS_IF, fld(f, nf, 19));
    vu_set_num(ev, MM_F_SOURCE_PORT, fld(f, nf, 24));
    vu_set_num(ev, MM_F_DESTINATION_PORT, fld(f, nf, 25));
    if (ev->f[MM_F_SOURCE_NAT_IP].p != NULL) {
        vu_set_num(ev, MM_F_SOURCE_NAT_PORT, fld(f, nf, 26));
    }
    if (ev->f[MM_F_DESTINATION_NAT_IP].p != NULL) {
        vu_set_num(ev, MM_F_DESTINATION_NAT_PORT, fld(f, nf, 27));
    }
    struct mm_str proto = fld(f, nf, 29);
    if (proto.p != NULL) {
        if (vu_eq(proto, "icmp6") || vu_eq(proto, "ipv6-icmp")) {
            mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, "ipv6-icmp");
        } else {
            vu_set(ev, MM_F_NETWORK_TRANSPORT, proto);
        }
    }
    struct mm_str action = fld(f, nf, 30);
    vu_set(ev, MM_F_EVENT_ACTION, action);
    mm_event_set_cstr(ev, MM_F_EVENT_TYPE, denied(action) ? "denied" : "allowed");

    if (t == T_THREAT) {
        struct mm_str sub = fld(f, nf, 4);
        struct mm_str misc = fld(f, nf, 31);
        mm_event_set_cstr(ev, MM_F_EVENT_KIND, "alert");
        if (vu_eq(sub, "url")) {
            mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "web");
            vu_set(ev, MM_F_URL_ORIGINAL, misc);
            vu_set(ev, MM_F_URL_DOMAIN, url_host(misc));
            struct mm_str cat = fld(f, nf, 33);
            if (cat.p != NULL) {
                mm_event_add(ev, NULL, "url.category", 12, cat.p, cat.n);
            }
        } else {
            if (vu_eq(sub, "virus") || vu_eq(sub, "wildfire-virus") || vu_eq(sub, "spyware") ||
                vu_eq(sub, "wildfire")) {
                mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "malware");
            } else if (vu_eq(sub, "file") || vu_eq(sub, "data")) {
                mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "file");
            } else {
                mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "intrusion_detection");
            }
            if (vu_eq(sub, "file") || vu_eq(sub, "virus") || vu_eq(sub, "wildfire-virus") ||
                vu_eq(sub, "wildfire") || vu_eq(sub, "data")) {
                vu_set(ev, MM_F_FILE_NAME, misc);
            } else if (misc.p != NULL) {
                vu_set(ev, MM_F_URL_ORIGINAL, misc);
            }
            struct mm_str tn = threat_name(fld(f, nf, 32));
            vu_set(ev, MM_F_THREAT_SIGNATURE, tn);
            vu_set(ev, MM_F_THREAT_NAME, tn);
            struct mm_str tc = fld(f, nf, 69);
            vu_set(ev, MM_F_THREAT_CATEGORY, tc.p != NULL ? tc : fld(f, nf, 33));
        }
        set_severity(ev, fld(f, nf, 34));
        struct mm_str dig = fld(f, nf, 43);
        if (dig.n == 64) {
            vu_set(ev, MM_F_FILE_HASH_SHA256, dig);
        }
        vu_set(ev, MM_F_USER_AGENT, fld(f, nf, 46));
        vu_set(ev, MM_F_HTTP_METHOD, fld(f, nf, 63));
        vu_set(ev, MM_F_OBSERVER_NAME, fld(f, nf, 59));
    } else {
        mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "network");
        vu_set_num(ev, MM_F_NETWORK_BYTES, fld(f, nf, 31));
        vu_set_num(ev, MM_F_SOURCE_BYTES, fld(f, nf, 32));
        vu_set_num(ev, MM_F_DESTINATION_BYTES, fld(f, nf, 33));
        vu_set_num(ev, MM_F_NETWORK_PACKETS, fld(f, nf, 34));
        set_duration(ev, fld(f, nf, 36));
        vu_set_num(ev, MM_F_SOURCE_PACKETS, fld(f, nf, 44));
        vu_set_num(ev, MM_F_DESTINATION_PACKETS, fld(f, nf, 45));
        struct mm_str reason = fld(f, nf, 46);
        if (reason.p != NULL && !vu_eq(reason, "n/a")) {
            vu_set(ev, MM_F_EVENT_REASON, reason);
        }
        vu_set(ev, MM_F_OBSERVER_NAME, fld(f, nf, 52));
        if (vu_eq(fld(f, nf, 4), "start")) {
            mm_event_set_cstr(ev, MM_F_EVENT_TYPE, denied(action) ? "denied" : "start");
        }
    }
}

/* CONFIG layout: 8.x has actionflags "0x.." at 15, 9.0+ after_change_detail there. */
static int config_v9(const struct mm_str *f, size_t nf)
{
    return nf > 17 && !(f[15].n > 2 && f[15].p[0] == '0' && f[15].p[1] == 'x');
}

static void map_other(struct mm_event *ev, enum ptype t, const struct mm_str *f, size_t nf)
{
    struct mm_str sub = fld(f, nf, 4);
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
    switch (t) {
    case T_SYSTEM: {
        struct mm_str id = fld(f, nf, 8), desc = fld(f, nf, 14);
        vu_set(ev, MM_F_EVENT_ACTION, id);
        vu_set(ev, MM_F_EVENT_CODE, id);
        set_severity(ev, fld(f, nf, 13));
        vu_set(ev, MM_F_OBSERVER_NAME, fld(f, nf, 22));
        if (vu_eq(sub, "auth") || vu_eq(sub, "globalprotect") || vu_eq(sub, "userid") ||
            vu_icontains(id, "auth") || vu_icontains(id, "login") || vu_icontains(id, "logout")) {
            mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "authentication");
            mm_event_set_cstr(ev, MM_F_EVENT_TYPE,
                              vu_icontains(id, "logout") ? "end" : "start");
            system_desc(ev, desc);
        } else {
            mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "host");
            mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "info");
        }
        if (vu_icontains(id, "fail") || vu_icontains(desc, "failed")) {
            mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
        } else if (vu_icontains(id, "success") || vu_icontains(desc, "succeeded") ||
                   vu_icontains(desc, "logged in")) {
            mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
        }
        break;
    }
    case T_CONFIG: {
        if (!config_v9(f, nf)) {
            vu_set(ev, MM_F_OBSERVER_NAME, fld(f, nf, 21));
        } else {
            vu_set(ev, MM_F_OBSERVER_NAME, fld(f, nf, 23));
        }
        set_ip(ev, MM_F_SOURCE_IP, fld(f, nf, 7));
        vu_set(ev, MM_F_EVENT_ACTION, fld(f, nf, 9));
        vu_set(ev, MM_F_USER_NAME, fld(f, nf, 10));
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "configuration");
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "change");
        struct mm_str res = fld(f, nf, 12);
        if (vu_eq(res, "Succeeded") || vu_eq(res, "Submitted")) {
            mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
        } else if (vu_eq(res, "Failed") || vu_eq(res, "Unauthorized")) {
            mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
        }
        break;
    }
    case T_GLOBALPROTECT: {
        struct mm_str id = fld(f, nf, 8);
        vu_set(ev, MM_F_EVENT_ACTION, id);
        vu_set(ev, MM_F_USER_NAME, fld(f, nf, 12));
        set_ip(ev, MM_F_SOURCE_IP, fld(f, nf, 15));
        if (ev->f[MM_F_SOURCE_IP].p == NULL) {
            set_ip(ev, MM_F_SOURCE_IP, fld(f, nf, 16));
        }
        set_ip(ev, MM_F_VPN_ASSIGNED_IP, fld(f, nf, 17));
        vu_set(ev, MM_F_TUNNEL_TYPE, fld(f, nf, 11));
        vu_set(ev, MM_F_TUNNEL_NAME, fld(f, nf, 41));
        struct mm_str reason = fld(f, nf, 25);
        vu_set(ev, MM_F_EVENT_REASON, reason.p != NULL ? reason : fld(f, nf, 26));
        vu_set(ev, MM_F_OBSERVER_NAME, fld(f, nf, 47));
        if (vu_icontains(id, "auth") || vu_icontains(id, "login") || vu_icontains(id, "logout")) {
            mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "authentication");
        } else {
            mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "network");
        }
        if (vu_icontains(id, "logout") || vu_icontains(id, "disconnect")) {
            mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "end");
        } else if (vu_icontains(id, "connected") || vu_icontains(id, "auth") ||
                   vu_icontains(id, "login")) {
            mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "start");
        } else {
            mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "info");
        }
        struct mm_str st = fld(f, nf, 28);
        if (vu_eq(st, "success")) {
            mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
        } else if (vu_eq(st, "failure") || vu_eq(st, "failed")) {
            mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
        }
        break;
    }
    case T_HIPMATCH:
        vu_set(ev, MM_F_USER_NAME, fld(f, nf, 7));
        set_ip(ev, MM_F_SOURCE_IP, fld(f, nf, 11));
        vu_set(ev, MM_F_RULE_NAME, fld(f, nf, 12));
        vu_set(ev, MM_F_OBSERVER_NAME, fld(f, nf, 24));
        mm_event_set_cstr(ev, MM_F_EVENT_ACTION, "hip-match");
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "host");
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "info");
        break;
    case T_CORRELATION:
        set_ip(ev, MM_F_SOURCE_IP, fld(f, nf, 7));
        vu_set(ev, MM_F_USER_NAME, fld(f, nf, 8));
        vu_set(ev, MM_F_THREAT_CATEGORY, fld(f, nf, 10));
        set_severity(ev, fld(f, nf, 11));
        vu_set(ev, MM_F_OBSERVER_NAME, fld(f, nf, 17));
        vu_set(ev, MM_F_RULE_NAME, fld(f, nf, 19));
        vu_set(ev, MM_F_RULE_ID, fld(f, nf, 20));
        vu_set(ev, MM_F_EVENT_ACTION, fld(f, nf, 19));
        mm_event_set_cstr(ev, MM_F_EVENT_KIND, "alert");
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "threat");
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "indicator");
        break;
    case T_AUTH: {
        struct mm_str evt = fld(f, nf, 20);
        set_ip(ev, MM_F_SOURCE_IP, fld(f, nf, 8));
        vu_set(ev, MM_F_USER_NAME, fld(f, nf, 9));
        vu_set(ev, MM_F_RULE_NAME, fld(f, nf, 12));
        vu_set(ev, MM_F_EVENT_ACTION, evt);
        vu_set(ev, MM_F_EVENT_REASON, fld(f, nf, 18));
        vu_set(ev, MM_F_OBSERVER_NAME, fld(f, nf, 29));
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "authentication");
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "start");
        if (vu_icontains(evt, "fail")) {
            mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
        } else if (vu_icontains(evt, "success")) {
            mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
        }
        break;
    }
    case T_USERID:
        set_ip(ev, MM_F_SOURCE_IP, fld(f, nf, 8));
        vu_set(ev, MM_F_USER_NAME, fld(f, nf, 9));
        vu_set(ev, MM_F_EVENT_ACTION, sub.p != NULL ? sub : fld(f, nf, 11));
        vu_set(ev, MM_F_OBSERVER_NAME, fld(f, nf, 25));
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "iam");
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "info");
        break;
    default:
        vu_set(ev, MM_F_EVENT_ACTION, sub);
        break;
    }
}

static enum mm_parse_rc paloalto_parse(struct mm_event *ev, const char *body, size_t len)
{
    struct mm_str type;
    int shift;
    long off = find_record(body, len, &type, &shift);
    if (off < 0) {
        return MM_PARSE_NOMATCH;
    }
    struct mm_str f[MAXF];
    memset(f, 0, sizeof(struct mm_str) * (size_t)shift);
    size_t nf = (size_t)shift + split_csv(ev, body + off, len - (size_t)off, f + shift,
                                          MAXF - (size_t)shift);
    const struct typeinfo *ti = lookup_type(type);
    enum ptype t = ti != NULL ? ti->t : T_OTHER;
    const char *const *names = ti != NULL ? ti->names : common;
    size_t nnames = ti != NULL ? ti->nnames : sizeof(common) / sizeof(common[0]);
    if (t == T_CONFIG && config_v9(f, nf)) {
        names = config9_names;
        nnames = sizeof(config9_names) / sizeof(config9_names[0]);
    }
    for (size_t i = 0; i < nf && i < nnames; i++) {
        if (names[i] != NULL && f[i].n > 0) {
            mm_event_add(ev, NS, names[i], strlen(names[i]), f[i].p, f[i].n);
        }
    }

    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "Palo Alto Networks");
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "PAN-OS");
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "firewall");
    vu_set(ev, MM_F_OBSERVER_SERIAL, fld(f, nf, 2));

    /* the shortest useful record of each type: session types need the action */
    size_t need = 7;
    switch (t) {
    case T_TRAFFIC:
    case T_THREAT:
    case T_DECRYPTION:
    case T_TUNNEL:
        need = 31;
        if (nf >= need) {
            map_session(ev, t, f, nf);
        }
        break;
    case T_OTHER:
        map_other(ev, t, f, nf);
        break;
    default:
        need = 9;
        if (nf >= need) {
            map_other(ev, t, f, nf);
        }
        break;
    }
    return nf >= need ? MM_PARSE_OK : MM_PARSE_MALFORMED;
}

const struct mm_parser mm_parser_paloalto = {
    .name = "paloalto",
    .detect = paloalto_detect,
    .parse = paloalto_parse,
};
