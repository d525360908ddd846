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

/*
 * Field names per log type, by position; NO = FUTURE_USE / not kept.  With
 * their lengths: every field of every line is added under its name.
 */
struct pname {
    const char *s;
    uint8_t n;
};
#define N(lit) {lit, sizeof(lit) - 1}
#define NO {NULL, 0}

/* clang-format off */
static const struct pname common[] = {
    NO, N("receive_time"), N("serial"), N("type"), N("subtype"), NO, N("time_generated")};

static const struct pname traffic_names[] = {
    NO, N("receive_time"), N("serial"), N("type"), N("subtype"), NO, N("time_generated"), N("src"),
    N("dst"), N("natsrc"), N("natdst"), N("rule"), N("srcuser"), N("dstuser"), N("app"), N("vsys"),
    N("from"), N("to"), N("inbound_if"), N("outbound_if"), N("logset"), NO, N("sessionid"),
    N("repeatcnt"), N("sport"), N("dport"), N("natsport"), N("natdport"), N("flags"), N("proto"),
    N("action"), N("bytes"), N("bytes_sent"), N("bytes_received"), N("packets"), N("start"),
    N("elapsed"), N("category"), NO, N("seqno"), N("actionflags"), N("srcloc"), N("dstloc"), NO,
    N("pkts_sent"), N("pkts_received"), N("session_end_reason"), N("dg_hier_level_1"),
    N("dg_hier_level_2"), N("dg_hier_level_3"), N("dg_hier_level_4"), N("vsys_name"),
    N("device_name"), N("action_source"), N("src_uuid"), N("dst_uuid"), N("tunnelid"),
    N("monitortag"), N("parent_session_id"), N("parent_start_time"), N("tunnel"), N("assoc_id"),
    N("chunks"), N("chunks_sent"), N("chunks_received"), N("rule_uuid"), N("http2_connection"),
    N("link_change_count"), N("policy_id"), N("link_switches"), N("sdwan_cluster"),
    N("sdwan_device_type"), N("sdwan_cluster_type"), N("sdwan_site"), N("dynusergroup_name"),
    N("xff_ip"), N("src_category"), N("src_profile"), N("src_model"), N("src_vendor"),
    N("src_osfamily"), N("src_osversion"), N("src_host"), N("src_mac"), N("dst_category"),
    N("dst_profile"), N("dst_model"), N("dst_vendor"), N("dst_osfamily"), N("dst_osversion"),
    N("dst_host"), N("dst_mac"), N("container_id"), N("pod_namespace"), N("pod_name"), N("src_edl"),
    N("dst_edl"), N("hostid"), N("serialnumber"), N("src_dag"), N("dst_dag"), N("session_owner"),
    N("high_res_timestamp"), N("nssai_sst"), N("nssai_sd"), N("subcategory_of_app"),
    N("category_of_app"), N("technology_of_app"), N("risk_of_app"), N("characteristic_of_app"),
    N("container_of_app"), N("tunneled_app"), N("is_saas_of_app"), N("sanctioned_state_of_app"),
    N("offloaded")};

static const struct pname threat_names[] = {
    NO, N("receive_time"), N("serial"), N("type"), N("subtype"), NO, N("time_generated"), N("src"),
    N("dst"), N("natsrc"), N("natdst"), N("rule"), N("srcuser"), N("dstuser"), N("app"), N("vsys"),
    N("from"), N("to"), N("inbound_if"), N("outbound_if"), N("logset"), NO, N("sessionid"),
    N("repeatcnt"), N("sport"), N("dport"), N("natsport"), N("natdport"), N("flags"), N("proto"),
    N("action"), N("misc"), N("threatid"), N("category"), N("severity"), N("direction"), N("seqno"),
    N("actionflags"), N("srcloc"), N("dstloc"), NO, N("contenttype"), N("pcap_id"), N("filedigest"),
    N("cloud"), N("url_idx"), N("user_agent"), N("filetype"), N("xff"), N("referer"), N("sender"),
    N("subject"), N("recipient"), N("reportid"), N("dg_hier_level_1"), N("dg_hier_level_2"),
    N("dg_hier_level_3"), N("dg_hier_level_4"), N("vsys_name"), N("device_name"), NO, N("src_uuid"),
    N("dst_uuid"), N("http_method"), N("tunnelid"), N("monitortag"), N("parent_session_id"),
    N("parent_start_time"), N("tunnel"), N("thr_category"), N("contentver"), NO, N("assoc_id"),
    N("ppid"), N("http_headers"), N("url_category_list"), N("rule_uuid"), N("http2_connection"),
    N("dynusergroup_name"), N("xff_ip"), N("src_category"), N("src_profile"), N("src_model"),
    N("src_vendor"), N("src_osfamily"), N("src_osversion"), N("src_host"), N("src_mac"),
    N("dst_category"), N("dst_profile"), N("dst_model"), N("dst_vendor"), N("dst_osfamily"),
    N("dst_osversion"), N("dst_host"), N("dst_mac"), N("container_id"), N("pod_namespace"),
    N("pod_name"), N("src_edl"), N("dst_edl"), N("hostid"), N("serialnumber"), N("domain_edl"),
    N("src_dag"), N("dst_dag"), N("partial_hash"), N("high_res_timestamp"), N("reason"),
    N("justification"), N("nssai_sst")};

static const struct pname system_names[] = {
    NO, N("receive_time"), N("serial"), N("type"), N("subtype"), NO, N("time_generated"), N("vsys"),
    N("eventid"), N("object"), NO, NO, N("module"), N("severity"), N("opaque"), N("seqno"),
    N("actionflags"), N("dg_hier_level_1"), N("dg_hier_level_2"), N("dg_hier_level_3"),
    N("dg_hier_level_4"), N("vsys_name"), N("device_name"), NO, NO, N("high_res_timestamp")};

/* PAN-OS 8.x; 9.0+ inserts before_change_detail, after_change_detail at 14-15 (see below). */
static const struct pname config_names[] = {
    NO, N("receive_time"), N("serial"), N("type"), N("subtype"), NO, N("time_generated"), N("host"),
    N("vsys"), N("cmd"), N("admin"), N("client"), N("result"), N("path"), N("seqno"),
    N("actionflags"), N("dg_hier_level_1"), N("dg_hier_level_2"), N("dg_hier_level_3"),
    N("dg_hier_level_4"), N("vsys_name"), N("device_name")};

static const struct pname config9_names[] = {
    NO, N("receive_time"), N("serial"), N("type"), N("subtype"), NO, N("time_generated"), N("host"),
    N("vsys"), N("cmd"), N("admin"), N("client"), N("result"), N("path"), N("before_change_detail"),
    N("after_change_detail"), N("seqno"), N("actionflags"), N("dg_hier_level_1"),
    N("dg_hier_level_2"), N("dg_hier_level_3"), N("dg_hier_level_4"), N("vsys_name"),
    N("device_name"), NO, NO, N("high_res_timestamp")};

static const struct pname globalprotect_names[] = {
    NO, N("receive_time"), N("serial"), N("type"), N("subtype"), NO, N("time_generated"), N("vsys"),
    N("eventid"), N("stage"), N("auth_method"), N("tunnel_type"), N("srcuser"), N("srcregion"),
    N("machinename"), N("public_ip"), N("public_ipv6"), N("private_ip"), N("private_ipv6"),
    N("hostid"), N("serialnumber"), N("client_ver"), N("client_os"), N("client_os_ver"),
    N("repeatcnt"), N("reason"), N("error"), N("opaque"), N("status"), N("location"),
    N("login_duration"), N("connect_method"), N("error_code"), N("portal"), N("seqno"),
    N("actionflags"), N("high_res_timestamp"), N("selection_type"), N("response_time"),
    N("priority"), N("attempted_gateways"), N("gateway"), N("dg_hier_level_1"),
    N("dg_hier_level_2"), N("dg_hier_level_3"), N("dg_hier_level_4"), N("vsys_name"),
    N("device_name"), N("vsys_id")};

static const struct pname hipmatch_names[] = {
    NO, N("receive_time"), N("serial"), N("type"), N("subtype"), NO, N("time_generated"),
    N("srcuser"), N("vsys"), N("machinename"), N("os"), N("src"), N("matchname"), N("repeatcnt"),
    N("matchtype"), NO, NO, N("seqno"), N("actionflags"), N("dg_hier_level_1"),
    N("dg_hier_level_2"), N("dg_hier_level_3"), N("dg_hier_level_4"), N("vsys_name"),
    N("device_name"), N("vsys_id"), N("srcipv6"), N("hostid"), N("serialnumber"), N("mac"),
    N("high_res_timestamp")};

static const struct pname correlation_names[] = {
    NO, N("receive_time"), N("serial"), N("type"), N("subtype"), NO, N("time_generated"), N("src"),
    N("srcuser"), N("vsys"), N("category"), N("severity"), N("dg_hier_level_1"),
    N("dg_hier_level_2"), N("dg_hier_level_3"), N("dg_hier_level_4"), N("vsys_name"),
    N("device_name"), N("vsys_id"), N("objectname"), N("object_id"), N("evidence")};

static const struct pname auth_names[] = {
    NO, N("receive_time"), N("serial"), N("type"), N("subtype"), NO, N("time_generated"), N("vsys"),
    N("ip"), N("user"), N("normalize_user"), N("object"), N("authpolicy"), N("repeatcnt"),
    N("authid"), N("vendor"), N("logset"), N("serverprofile"), N("desc"), N("clienttype"),
    N("event"), N("factorno"), N("seqno"), N("actionflags"), N("dg_hier_level_1"),
    N("dg_hier_level_2"), N("dg_hier_level_3"), N("dg_hier_level_4"), N("vsys_name"),
    N("device_name"), N("vsys_id"), N("authproto"), N("rule_uuid"), N("high_res_timestamp")};

static const struct pname userid_names[] = {
    NO, N("receive_time"), N("serial"), N("type"), N("subtype"), NO, N("time_generated"), N("vsys"),
    N("ip"), N("user"), N("datasourcename"), N("eventid"), N("repeatcnt"), N("timeout"),
    N("beginport"), N("endport"), N("datasource"), N("datasourcetype"), N("seqno"),
    N("actionflags"), N("dg_hier_level_1"), N("dg_hier_level_2"), N("dg_hier_level_3"),
    N("dg_hier_level_4"), N("vsys_name"), N("device_name"), N("vsys_id"), N("factortype"),
    N("factorcompletiontime"), N("factorno"), N("ugflags"), N("userbysource"), N("tag_name"),
    N("high_res_timestamp"), N("origindatasource")};

/* clang-format on */
#undef N
#undef NO

enum ptype {
    T_OTHER, T_TRAFFIC, T_THREAT, T_SYSTEM, T_CONFIG, T_GLOBALPROTECT, T_HIPMATCH,
    T_CORRELATION, T_AUTH, T_USERID, T_DECRYPTION, T_TUNNEL
};

struct typeinfo {
    enum ptype t;
    const struct pname *names;
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
    const struct pname *names = ti != NULL ? ti->names : common;
    size_t nnames = ti != NULL ? ti->nnames : sizeof(common) / sizeof(common[0]);
    if (t == T_CONFIG && config_v9(f, nf)) {
        names = config9_names;
        nnames = sizeof(config9_names) / sizeof(config9_names[0]);
    }
    for (size_t i = 0; i < nf && i < nnames; i++) {
        if (names[i].s != NULL && f[i].n > 0) {
            mm_event_add(ev, NS, names[i].s, names[i].n, f[i].p, f[i].n);
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
