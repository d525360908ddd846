/*
 * sophos.c - Sophos UTM 9 (formerly Astaro) and Sophos Firewall (SFOS, XG,
 * v17-v21) key="value" logs.
 *
 * UTM 9:  id="2001" severity="info" sys="SecureNet" sub="packetfilter"
 *         name="Packet dropped" action="drop" fwrule="60001" initf="eth0"
 *         srcip=... dstip=... proto="6" srcport=... dstport=...
 *         (also sub="http" web filter, sub="ips", sub="auth", the httpd WAF
 *         lines id="0299" srcip= localip= ..., and free-text daemon lines
 *         behind the UTM's "2021:05:19-09:39:29 host daemon[pid]:" header)
 * SFOS:   device="SFW" date=... device_name="XG230" device_id=... log_id=...
 *         log_type="Firewall" log_component="Firewall Rule"
 *         log_subtype="Allowed" ... src_ip= dst_ip= src_port= dst_port=
 *         protocol="TCP" ...; v19+ renames some keys (device_serial_id,
 *         fw_rule_name, bytes_sent, src_trans_ip ...), both are read.
 *
 * Every pair becomes an extra "sophos.<key>".  event.action is the vendor's
 * word: log_subtype (SFOS) or action (UTM).
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/keytab.h"
#include "parse/vendor_util.h"

#define NS "sophos"

enum skey {
    /* shared / UTM */
    K_ID, K_SEVERITY, K_SYS, K_SUB, K_NAME, K_ACTION, K_FWRULE, K_INITF, K_OUTITF, K_SRCMAC,
    K_DSTMAC, K_SRCIP, K_DSTIP, K_PROTO, K_SRCPORT, K_DSTPORT, K_USER, K_URL, K_METHOD,
    K_STATUSCODE, K_SIZE, K_REFERER, K_USERAGENT, K_CATEGORY, K_REASON, K_VIRUS, K_SID,
    K_GROUP, K_HOST, K_LOCALIP, K_CALLER, K_ENGINE,
    /* SFOS */
    K_DEVICE, K_DEVICE_NAME, K_DEVICE_ID, K_LOG_ID, K_LOG_TYPE, K_LOG_COMPONENT, K_LOG_SUBTYPE,
    K_STATUS, K_FW_RULE_ID, K_FW_RULE_NAME, K_IN_IF, K_OUT_IF, K_SENT_BYTES, K_RECV_BYTES,
    K_SENT_PKTS, K_RECV_PKTS, K_TRAN_SRC_IP, K_TRAN_SRC_PORT, K_TRAN_DST_IP, K_TRAN_DST_PORT,
    K_DOMAIN, K_THREATNAME, K_SIGNATURE_MSG, K_SIGNATURE_ID, K_CLASSIFICATION, K_SERVER,
    K_HTTPSTATUS, K_BYTESSENT, K_BYTESRCV, K_USERGROUP, K_FILENAME, K_SHA256, K_MESSAGE,
    K_APPLICATION, K_CONNEVENT,
    K__COUNT
};


#define KM(s, k) {s, sizeof(s) - 1, k}
static const struct mm_keytab_entry keymap[] = {
    KM("id", K_ID), KM("severity", K_SEVERITY), KM("sys", K_SYS), KM("sub", K_SUB),
    KM("name", K_NAME), KM("action", K_ACTION), KM("fwrule", K_FWRULE), KM("initf", K_INITF),
    KM("outitf", K_OUTITF), KM("srcmac", K_SRCMAC), KM("dstmac", K_DSTMAC),
    KM("srcip", K_SRCIP), KM("dstip", K_DSTIP), KM("proto", K_PROTO), KM("srcport", K_SRCPORT),
    KM("dstport", K_DSTPORT), KM("user", K_USER), KM("url", K_URL), KM("method", K_METHOD),
    KM("statuscode", K_STATUSCODE), KM("size", K_SIZE), KM("referer", K_REFERER),
    KM("useragent", K_USERAGENT), KM("category", K_CATEGORY), KM("reason", K_REASON),
    KM("virus", K_VIRUS), KM("sid", K_SID), KM("group", K_GROUP), KM("host", K_HOST),
    KM("localip", K_LOCALIP), KM("caller", K_CALLER), KM("engine", K_ENGINE),
    KM("device", K_DEVICE), KM("device_name", K_DEVICE_NAME), KM("device_id", K_DEVICE_ID),
    KM("device_serial_id", K_DEVICE_ID), KM("log_id", K_LOG_ID), KM("log_type", K_LOG_TYPE),
    KM("log_component", K_LOG_COMPONENT), KM("log_subtype", K_LOG_SUBTYPE),
    KM("status", K_STATUS), KM("fw_rule_id", K_FW_RULE_ID), KM("fw_rule_name", K_FW_RULE_NAME),
    KM("in_interface", K_IN_IF), KM("out_interface", K_OUT_IF), KM("in_display_interface", K_IN_IF),
    KM("out_display_interface", K_OUT_IF), KM("sent_bytes", K_SENT_BYTES),
    KM("bytes_sent", K_SENT_BYTES), KM("recv_bytes", K_RECV_BYTES),
    KM("bytes_received", K_RECV_BYTES), KM("sent_pkts", K_SENT_PKTS),
    KM("packets_sent", K_SENT_PKTS), KM("recv_pkts", K_RECV_PKTS),
    KM("packets_received", K_RECV_PKTS), KM("tran_src_ip", K_TRAN_SRC_IP),
    KM("src_trans_ip", K_TRAN_SRC_IP), KM("tran_src_port", K_TRAN_SRC_PORT),
    KM("src_trans_port", K_TRAN_SRC_PORT), KM("tran_dst_ip", K_TRAN_DST_IP),
    KM("dst_trans_ip", K_TRAN_DST_IP), KM("tran_dst_port", K_TRAN_DST_PORT),
    KM("dst_trans_port", K_TRAN_DST_PORT), KM("src_ip", K_SRCIP), KM("sourceip", K_SRCIP),
    KM("dst_ip", K_DSTIP), KM("destinationip", K_DSTIP), KM("src_port", K_SRCPORT),
    KM("dst_port", K_DSTPORT), KM("protocol", K_PROTO), KM("user_name", K_USER),
    KM("src_mac", K_SRCMAC), KM("dst_mac", K_DSTMAC), KM("domain", K_DOMAIN),
    KM("threatname", K_THREATNAME), KM("signature_msg", K_SIGNATURE_MSG),
    KM("signature_id", K_SIGNATURE_ID), KM("classification", K_CLASSIFICATION),
    KM("server", K_SERVER), KM("httpstatus", K_HTTPSTATUS), KM("bytessent", K_BYTESSENT),
    KM("bytesrcv", K_BYTESRCV), KM("user_gp", K_USERGROUP), KM("usergroupname", K_USERGROUP),
    KM("user_group", K_USERGROUP), KM("filename", K_FILENAME), KM("sha256", K_SHA256),
    KM("message", K_MESSAGE), KM("application", K_APPLICATION),
    KM("application_name", K_APPLICATION), KM("connevent", K_CONNEVENT),
    KM("con_event", K_CONNEVENT),
};
#undef KM

/* present, not empty, not Sophos's "-" / "N/A" placeholders */
static int has(struct mm_str s)
{
    return s.p != NULL && s.n > 0 && !vu_eq(s, "-") && !vu_eq(s, "N/A");
}

static void set(struct mm_event *ev, enum mm_field f, struct mm_str s)
{
    if (has(s)) {
        vu_set(ev, f, s);
    }
}

/* The UTM's own header timestamp "2021:05:19-09:39:29 " at the start of raw (after <PRI>). */
static int utm_header(const struct mm_event *ev)
{
    const char *p = ev->raw;
    size_t n = ev->rawlen;
    if (p == NULL) {
        return 0;
    }
    if (n > 0 && p[0] == '<') {
        const char *g = memchr(p, '>', n < 6 ? n : 6);
        if (g == NULL) {
            return 0;
        }
        n -= (size_t)(g + 1 - p);
        p = g + 1;
    }
    static const char shape[] = "dddd:dd:dd-dd:dd:dd ";
    if (n < sizeof(shape) - 1) {
        return 0;
    }
    for (size_t i = 0; i < sizeof(shape) - 1; i++) {
        if (shape[i] == 'd' ? !(p[i] >= '0' && p[i] <= '9') : p[i] != shape[i]) {
            return 0;
        }
    }
    return 1;
}

static int sophos_detect(const struct mm_event *ev, const char *body, size_t len)
{
    if (vu_has_key(body, len, "device=\"SFW\"") ||
        (vu_has_key(body, len, "log_id=") && vu_has_key(body, len, "log_type=") &&
         (vu_has_key(body, len, "log_component=") || vu_has_key(body, len, "device_name=")))) {
        return 95;
    }
    if (vu_has_key(body, len, "sys=\"") && vu_has_key(body, len, "sub=\"")) {
        return 90;
    }
    if (utm_header(ev)) {
        return 60;
    }
    return 0;
}

static struct mm_keytab keytab = MM_KEYTAB_INIT(keymap);

static int lookup(struct mm_str k)
{
    return mm_keytab_find(&keytab, k.p, k.n);
}

/* Lower-case copy of a short word into scratch (SFOS writes protocol="TCP"). */
static void set_lower(struct mm_event *ev, enum mm_field f, struct mm_str s)
{
    if (has(s)) {
        vu_set_lower(ev, f, s, 32);
    }
}

static void set_transport(struct mm_event *ev, struct mm_str p)
{
    const char *name = vu_proto_name(p);
    if (name != NULL) {
        mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, name);
        mm_event_set(ev, MM_F_NETWORK_IANA_NUMBER, p.p, p.n);
    } else if (!vu_digits(p)) {
        set_lower(ev, MM_F_NETWORK_TRANSPORT, p);
    }
}

/* url.domain from "scheme://host[:port]/..." or "host/..." */
static void set_url(struct mm_event *ev, struct mm_str u)
{
    if (!has(u)) {
        return;
    }
    mm_event_set(ev, MM_F_URL_ORIGINAL, u.p, u.n);
    const char *p = u.p, *end = u.p + u.n;
    const char *s = memmem(p, u.n, "://", 3);
    if (s != NULL) {
        p = s + 3;
    } else if (*p == '/') {
        mm_event_set(ev, MM_F_URL_PATH, u.p, u.n);
        return;
    }
    const char *q = p;
    while (q < end && *q != '/' && *q != ':' && *q != '?') {
        q++;
    }
    if (q > p && ev->f[MM_F_URL_DOMAIN].p == NULL) {
        mm_event_set(ev, MM_F_URL_DOMAIN, p, (size_t)(q - p));
    }
    const char *path = q;
    while (path < end && *path != '/') {
        path++;
    }
    if (path < end) {
        const char *qm = memchr(path, '?', (size_t)(end - path));
        mm_event_set(ev, MM_F_URL_PATH, path, (size_t)((qm != NULL ? qm : end) - path));
    }
}

static int denied_word(struct mm_str a)
{
    return vu_ieq(a, "drop") || vu_ieq(a, "deny") || vu_ieq(a, "denied") || vu_ieq(a, "reject") ||
           vu_ieq(a, "block") || vu_ieq(a, "blocked") || vu_ieq(a, "dropped") || vu_ieq(a, "virus") ||
           vu_ieq(a, "quarantine") || vu_ieq(a, "blocked url");
}

static int allowed_word(struct mm_str a)
{
    return vu_ieq(a, "accept") || vu_ieq(a, "allow") || vu_ieq(a, "allowed") || vu_ieq(a, "pass") ||
           vu_ieq(a, "passed");
}

static void map_sfos(struct mm_event *ev, const struct mm_str *v)
{
    struct mm_str type = v[K_LOG_TYPE], comp = v[K_LOG_COMPONENT], sub = v[K_LOG_SUBTYPE];
    set(ev, MM_F_OBSERVER_NAME, v[K_DEVICE_NAME]);
    set(ev, MM_F_OBSERVER_SERIAL, v[K_DEVICE_ID]);
    set(ev, MM_F_EVENT_CODE, v[K_LOG_ID]);
    set(ev, MM_F_EVENT_ACTION, has(sub) ? sub : v[K_STATUS]);
    set(ev, MM_F_RULE_ID, v[K_FW_RULE_ID]);
    set(ev, MM_F_RULE_NAME, v[K_FW_RULE_NAME]);

    const char *cat = "network", *etype = "info", *kind = "event";
    if (vu_eq(type, "Firewall")) {
        cat = "network";
    } else if (vu_eq(type, "IDP") || vu_eq(type, "IPS")) {
        cat = "intrusion_detection";
        kind = "alert";
    } else if (vu_eq(type, "Anti-Virus") || vu_eq(type, "ATP") || vu_eq(type, "Sandbox") ||
               vu_eq(type, "Zero Day Protection")) {
        cat = "malware";
        kind = "alert";
    } else if (vu_eq(type, "Content Filtering") || vu_eq(type, "Web Filter") || vu_eq(type, "WAF")) {
        cat = "web";
    } else if (vu_eq(type, "Anti-Spam")) {
        cat = "email";
    } else if (vu_eq(type, "System Health")) {
        cat = "host";
    } else if (vu_eq(type, "Event") || vu_eq(type, "Admin")) {
        if (vu_icontains(comp, "auth") || vu_icontains(sub, "auth") || vu_icontains(comp, "login") ||
            vu_icontains(sub, "login") || vu_icontains(sub, "logout")) {
            cat = "authentication";
        } else if (vu_eq(type, "Admin") || vu_icontains(comp, "config") || vu_icontains(sub, "config")) {
            cat = "configuration";
        } else if (vu_icontains(comp, "VPN")) {
            cat = "network";
        } else {
            cat = "host";
        }
    }
    struct mm_str st = v[K_STATUS];
    if (strcmp(cat, "authentication") == 0) {
        etype = vu_icontains(v[K_MESSAGE], "logged out") || vu_icontains(sub, "logout") ? "end"
                                                                                  : "start";
    } else if (strcmp(cat, "configuration") == 0) {
        etype = "change";
    } else if (denied_word(sub) || denied_word(st)) {
        etype = "denied";
    } else if (allowed_word(sub) || allowed_word(st)) {
        etype = "allowed";
    }
    if (vu_ieq(st, "successful") || vu_ieq(st, "success")) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
    } else if (vu_ieq(st, "failed") || vu_ieq(st, "failure") || vu_icontains(sub, "fail")) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
    }
    mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, cat);
    mm_event_set_cstr(ev, MM_F_EVENT_TYPE, etype);
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, kind);
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "Sophos Firewall");

    vu_set_num(ev, MM_F_SOURCE_BYTES, v[K_SENT_BYTES]);
    vu_set_num(ev, MM_F_DESTINATION_BYTES, v[K_RECV_BYTES]);
    vu_set_num(ev, MM_F_SOURCE_PACKETS, v[K_SENT_PKTS]);
    vu_set_num(ev, MM_F_DESTINATION_PACKETS, v[K_RECV_PKTS]);
    /* WAF: bytesrcv from the client, bytessent back to it */
    vu_set_num(ev, MM_F_SOURCE_BYTES, v[K_BYTESRCV]);
    vu_set_num(ev, MM_F_DESTINATION_BYTES, v[K_BYTESSENT]);
    vu_set_ip(ev, MM_F_SOURCE_NAT_IP, v[K_TRAN_SRC_IP]);
    if (ev->f[MM_F_SOURCE_NAT_IP].p != NULL) {
        vu_set_num(ev, MM_F_SOURCE_NAT_PORT, v[K_TRAN_SRC_PORT]);
    }
    vu_set_ip(ev, MM_F_DESTINATION_NAT_IP, v[K_TRAN_DST_IP]);
    if (ev->f[MM_F_DESTINATION_NAT_IP].p != NULL) {
        vu_set_num(ev, MM_F_DESTINATION_NAT_PORT, v[K_TRAN_DST_PORT]);
    }
    set(ev, MM_F_OBSERVER_INGRESS_IF, v[K_IN_IF]);
    set(ev, MM_F_OBSERVER_EGRESS_IF, v[K_OUT_IF]);
    set(ev, MM_F_URL_DOMAIN, v[K_DOMAIN]);
    set(ev, MM_F_URL_DOMAIN, v[K_SERVER]);
    set(ev, MM_F_THREAT_NAME, v[K_THREATNAME]);
    set(ev, MM_F_THREAT_SIGNATURE, v[K_SIGNATURE_MSG]);
    set(ev, MM_F_THREAT_CATEGORY, v[K_CLASSIFICATION]);
    vu_set_num(ev, MM_F_HTTP_STATUS, v[K_HTTPSTATUS]);
    set(ev, MM_F_GROUP_NAME, v[K_USERGROUP]);
    if (v[K_SHA256].n == 64) {
        set(ev, MM_F_FILE_HASH_SHA256, v[K_SHA256]);
    }
    set(ev, MM_F_FILE_NAME, v[K_FILENAME]);
    struct mm_str app = v[K_APPLICATION];
    if (has(app)) {
        mm_event_add(ev, NULL, "network.application", 19, app.p, app.n);
    }
}

static void map_utm(struct mm_event *ev, const struct mm_str *v)
{
    struct mm_str sub = v[K_SUB], name = v[K_NAME], act = v[K_ACTION];
    set(ev, MM_F_EVENT_CODE, v[K_ID]);
    set(ev, MM_F_EVENT_ACTION, act);
    set(ev, MM_F_RULE_ID, v[K_FWRULE]);
    set(ev, MM_F_OBSERVER_INGRESS_IF, v[K_INITF]);
    set(ev, MM_F_OBSERVER_EGRESS_IF, v[K_OUTITF]);
    vu_set_num(ev, MM_F_HTTP_STATUS, v[K_STATUSCODE]);
    set(ev, MM_F_GROUP_NAME, v[K_GROUP]);
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "UTM");

    const char *cat = "host", *etype = "info", *kind = "event";
    if (vu_eq(sub, "packetfilter") || vu_eq(sub, "ipv6")) {
        cat = "network";
    } else if (vu_eq(sub, "http") || vu_eq(sub, "waf") || vu_eq(sub, "ftp")) {
        cat = "web";
        vu_set_num(ev, MM_F_DESTINATION_BYTES, v[K_SIZE]);
    } else if (vu_eq(sub, "ips")) {
        cat = "intrusion_detection";
        kind = "alert";
        set(ev, MM_F_THREAT_SIGNATURE, name);
        set(ev, MM_F_RULE_ID, v[K_SID]);
    } else if (vu_eq(sub, "auth") || vu_icontains(name, "authentication") ||
               vu_icontains(name, "login") || vu_icontains(name, "logon")) {
        cat = "authentication";
    } else if (vu_eq(sub, "smtp") || vu_eq(sub, "pop3")) {
        cat = "email";
    } else if (vu_eq(sub, "confd") || vu_eq(sub, "config")) {
        cat = "configuration";
    }
    if (has(v[K_VIRUS])) {
        cat = "malware";
        kind = "alert";
        set(ev, MM_F_THREAT_NAME, v[K_VIRUS]);
    }
    if (strcmp(cat, "authentication") == 0) {
        etype = vu_icontains(name, "logout") || vu_icontains(name, "logged out") ? "end" : "start";
        if (vu_icontains(name, "fail") || vu_icontains(name, "denied") || denied_word(act)) {
            mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
        } else if (vu_icontains(name, "success") || vu_icontains(name, "logged in") ||
                   allowed_word(act)) {
            mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
        }
        if (!has(act)) {
            set_lower(ev, MM_F_EVENT_ACTION, name);
        }
    } else if (strcmp(cat, "configuration") == 0) {
        etype = "change";
    } else if (denied_word(act)) {
        etype = "denied";
    } else if (allowed_word(act) || vu_icontains(act, "request")) {
        etype = "allowed";
    } else if (vu_eq(sub, "ips")) {
        etype = "info";
    }
    mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, cat);
    mm_event_set_cstr(ev, MM_F_EVENT_TYPE, etype);
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, kind);
}

/* Skip leading words without '=' ("W main::_log:435() =>  severity=..."). */
static size_t skip_prefix(const char *body, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && body[j] != ' ' && body[j] != '=') {
            j++;
        }
        if (j < len && body[j] == '=' && j > i) {
            return i;
        }
        while (j < len && body[j] != ' ') {
            j++;
        }
        while (j < len && body[j] == ' ') {
            j++;
        }
        i = j;
    }
    return len;
}

static enum mm_parse_rc sophos_parse(struct mm_event *ev, const char *body, size_t len)
{
    struct mm_str v[K__COUNT];
    memset(v, 0, sizeof(v));
    size_t off = skip_prefix(body, len);
    struct mm_kv_iter it;
    mm_kv_init(&it, body + off, len - off, '\0');
    struct mm_str key, val;
    int escaped;
    size_t npairs = 0;
    while (mm_kv_next(&it, &key, &val, &escaped)) {
        if (val.p == key.p + key.n) {
            continue; /* a bare word, no '=': free text, not a pair */
        }
        if (escaped) {
            val = mm_kv_unescape(ev, val);
        }
        npairs++;
        mm_event_add(ev, NS, key.p, key.n, val.p, val.n);
        int k = lookup(key);
        if (k >= 0 && v[k].p == NULL) {
            v[k] = val;
        }
    }
    int sfos = v[K_LOG_TYPE].p != NULL || vu_eq(v[K_DEVICE], "SFW");
    int utm = v[K_SYS].p != NULL || v[K_SUB].p != NULL || v[K_ID].p != NULL;
    if (!sfos && !utm && !utm_header(ev)) {
        return MM_PARSE_NOMATCH;
    }
    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "Sophos");
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "firewall");

    vu_set_ip(ev, MM_F_SOURCE_IP, v[K_SRCIP]);
    vu_set_ip(ev, MM_F_DESTINATION_IP, v[K_DSTIP]);
    if (ev->f[MM_F_DESTINATION_IP].p == NULL) {
        vu_set_ip(ev, MM_F_DESTINATION_IP, v[K_LOCALIP]);
    }
    vu_set_num(ev, MM_F_SOURCE_PORT, v[K_SRCPORT]);
    vu_set_num(ev, MM_F_DESTINATION_PORT, v[K_DSTPORT]);
    set(ev, MM_F_SOURCE_MAC, v[K_SRCMAC]);
    set(ev, MM_F_DESTINATION_MAC, v[K_DSTMAC]);
    set_transport(ev, v[K_PROTO]);
    set(ev, MM_F_USER_NAME, v[K_USER]);
    set_url(ev, v[K_URL]);
    set(ev, MM_F_HTTP_METHOD, v[K_METHOD]);
    set(ev, MM_F_USER_AGENT, v[K_USERAGENT]);
    if (has(v[K_REASON])) {
        set(ev, MM_F_EVENT_REASON, v[K_REASON]);
    }
    if (has(v[K_VIRUS])) {
        set(ev, MM_F_THREAT_NAME, v[K_VIRUS]);
    }
    if (sfos) {
        map_sfos(ev, v);
    } else {
        mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "UTM");
        if (utm) {
            map_utm(ev, v);
        }
        if (v[K_HOST].p != NULL && v[K_URL].p == NULL) {
            set(ev, MM_F_URL_DOMAIN, v[K_HOST]); /* httpd (WAF) lines: host= */
        }
    }
    if (npairs > 0 && sfos && v[K_LOG_ID].p == NULL) {
        return MM_PARSE_MALFORMED;
    }
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_sophos = {
    .name = "sophos",
    .detect = sophos_detect,
    .parse = sophos_parse,
};
