/*
 * fortigate.c - Fortinet FortiGate (FortiOS 5.x-7.x, and the 4.x "log_id="
 * spelling) key=value logs: traffic, utm (virus, webfilter, ips, app-ctrl,
 * dns, ssl, anomaly ...), event (system, vpn, user, ha ...).
 *
 * Every pair becomes an extra "fortinet.<key>"; the keys below are also
 * mapped to ECS fields.  Values are slices of the body, or scratch copies
 * when they were quoted with backslash escapes or had to be composed
 * (lower-cased protocol, logdesc-derived action, byte totals).
 *
 * Reference: FortiOS Log Message Reference (docs.fortinet.com), "Log types
 * and subtypes" and the per-logid field tables.
 */
#include "mimamori/parse.h"
#include "mimamori/tz.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/keytab.h"
#include "parse/kv_int.h"
#include "parse/vendor_util.h"

#define NS "fortinet"

/* The keys mapped to ECS fields; anything else is only an extra. */
enum fgkey {
    K_SRCIP, K_DSTIP, K_SRCPORT, K_DSTPORT, K_PROTO, K_SERVICE, K_ACTION, K_POLICYID,
    K_POLICYNAME, K_DEVNAME, K_DEVID, K_USER, K_SENTBYTE, K_RCVDBYTE, K_SENTPKT, K_RCVDPKT,
    K_TRANSIP, K_TRANSPORT, K_TRANIP, K_TRANPORT, K_HOSTNAME, K_URL, K_VIRUS, K_ATTACK, K_MSG,
    K_LOGDESC, K_REMIP, K_REMPORT, K_LOCIP, K_LOCPORT, K_UI, K_STATUS, K_REASON, K_TUNNELTYPE,
    K_VPNTUNNEL, K_TUNNELIP, K_ASSIGNIP, K_SRCINTF, K_DSTINTF, K_SRCINTFROLE, K_DSTINTFROLE,
    K_LEVEL, K_LOGID, K_TYPE, K_SUBTYPE, K_EVENTTYPE, K_DIRECTION, K_QNAME, K_FILENAME, K_AGENT,
    K_GROUP, K_CATDESC, K_SRCMAC, K_DSTMAC, K_XAUTHUSER, K_CFGPATH, K_CVE, K_SEVERITY, K_DSTUSER,
    K_ANALYTICSCKSUM, K_SRCNAME, K_UNAUTHUSER, K_EVENTTIME, K_DATE, K_TIME, K_TZ,
    K__COUNT
};

#define KM(s, k) {s, sizeof(s) - 1, k}
static const struct mm_keytab_entry keymap[] = {
    KM("srcip", K_SRCIP), KM("dstip", K_DSTIP), KM("srcport", K_SRCPORT),
    KM("dstport", K_DSTPORT), KM("proto", K_PROTO), KM("service", K_SERVICE),
    KM("action", K_ACTION), KM("policyid", K_POLICYID), KM("policyname", K_POLICYNAME),
    KM("devname", K_DEVNAME), KM("devid", K_DEVID), KM("user", K_USER),
    KM("sentbyte", K_SENTBYTE), KM("rcvdbyte", K_RCVDBYTE), KM("sentpkt", K_SENTPKT),
    KM("rcvdpkt", K_RCVDPKT), KM("transip", K_TRANSIP), KM("transport", K_TRANSPORT),
    KM("tranip", K_TRANIP), KM("tranport", K_TRANPORT), KM("hostname", K_HOSTNAME),
    KM("url", K_URL), KM("virus", K_VIRUS), KM("attack", K_ATTACK), KM("msg", K_MSG),
    KM("logdesc", K_LOGDESC), KM("remip", K_REMIP), KM("remport", K_REMPORT),
    KM("locip", K_LOCIP), KM("locport", K_LOCPORT), KM("ui", K_UI), KM("status", K_STATUS),
    KM("reason", K_REASON), KM("tunneltype", K_TUNNELTYPE), KM("vpntunnel", K_VPNTUNNEL),
    KM("tunnelip", K_TUNNELIP), KM("assignip", K_ASSIGNIP), KM("srcintf", K_SRCINTF),
    KM("dstintf", K_DSTINTF), KM("srcintfrole", K_SRCINTFROLE),
    KM("dstintfrole", K_DSTINTFROLE), KM("level", K_LEVEL), KM("logid", K_LOGID),
    KM("type", K_TYPE), KM("subtype", K_SUBTYPE), KM("eventtype", K_EVENTTYPE),
    KM("direction", K_DIRECTION), KM("qname", K_QNAME), KM("filename", K_FILENAME),
    KM("agent", K_AGENT), KM("group", K_GROUP), KM("catdesc", K_CATDESC),
    KM("srcmac", K_SRCMAC), KM("dstmac", K_DSTMAC), KM("xauthuser", K_XAUTHUSER),
    KM("cfgpath", K_CFGPATH), KM("cve", K_CVE), KM("severity", K_SEVERITY),
    KM("dstuser", K_DSTUSER), KM("analyticscksum", K_ANALYTICSCKSUM),
    KM("srcname", K_SRCNAME), KM("unauthuser", K_UNAUTHUSER), KM("eventtime", K_EVENTTIME),
    KM("date", K_DATE), KM("time", K_TIME), KM("tz", K_TZ),
    /* FortiOS 4.x spellings */
    KM("src", K_SRCIP), KM("dst", K_DSTIP), KM("src_port", K_SRCPORT),
    KM("dst_port", K_DSTPORT), KM("device_id", K_DEVID), KM("log_id", K_LOGID),
    KM("pri", K_LEVEL), KM("sent", K_SENTBYTE), KM("rcvd", K_RCVDBYTE),
    KM("sent_pkt", K_SENTPKT), KM("rcvd_pkt", K_RCVDPKT), KM("src_int", K_SRCINTF),
    KM("dst_int", K_DSTINTF),
};
#undef KM

/* A meaningful value: present, not empty, not FortiOS's "N/A" placeholder. */
static int has(struct mm_str s)
{
    return s.p != NULL && s.n > 0 && !vu_eq(s, "N/A") && !vu_eq(s, "(null)");
}

/* Lower-case copy into scratch, non-alphanumerics as '-' (for derived actions). */
static void set_slug(struct mm_event *ev, enum mm_field f, struct mm_str s, int dash)
{
    if (s.p == NULL || s.n == 0 || s.n > 128) {
        return;
    }
    char *d = mm_event_alloc(ev, s.n);
    if (d == NULL) {
        return;
    }
    for (uint32_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        } else if (dash && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            c = '-';
        }
        d[i] = c;
    }
    mm_event_set(ev, f, d, s.n);
}

/* FortiOS writes its header keys (date, devname, devid, logid, type, subtype) first */
#define DETECT_SPAN 640

enum {
    SEEN_LOGID = 1, SEEN_OLDLOGID = 2, SEEN_TYPE = 4, SEEN_SUBTYPE = 8, SEEN_DEVID_FG = 16,
    SEEN_SOPHOS = 32
};

/* All that decides the score but SEEN_SOPHOS: the score is 95 unless a Sophos key follows. */
#define SEEN_DECIDED(s)                                                                            \
    (((s) & (SEEN_LOGID | SEEN_OLDLOGID)) && ((s) & SEEN_TYPE) && ((s) & SEEN_DEVID_FG))

/*
 * Whether "log_component=" or "log_type=" stands at a token start in
 * q[0..end), q being one.  memchr for the '_' instead of a test at every
 * token: FortiOS keys hold no '_' (the 4.x ones aside), so this is one
 * vector scan of the rest of the span.
 */
static int sophos_key_in(const char *q, const char *end)
{
    for (const char *u = q; (u = memchr(u, '_', (size_t)(end - u))) != NULL; u++) {
        const char *t = u - 3; /* the token would start at the 'l' of "log_" */
        if (u - q < 3 || (t > q && t[-1] != ' ')) {
            continue;
        }
        size_t rest = (size_t)(end - t);
        if ((rest >= 14 && memcmp(t, "log_component=", 14) == 0) ||
            (rest >= 9 && memcmp(t, "log_type=", 9) == 0)) {
            return 1;
        }
    }
    return 0;
}

/* Which of the signature keys stand at a token start: one pass, no memmem per key. */
static unsigned detect_scan(const char *p, size_t len)
{
#define AT(lit) (rest >= sizeof(lit) - 1 && memcmp(q, lit, sizeof(lit) - 1) == 0)
    unsigned seen = 0;
    const char *end = p + len;
    for (const char *q = p; q < end;) {
        size_t rest = (size_t)(end - q);
        switch (*q) {
        case 'l':
            if (AT("logid=")) {
                seen |= SEEN_LOGID;
            } else if (AT("log_id=")) {
                seen |= SEEN_OLDLOGID;
            } else if (AT("log_component=") || AT("log_type=")) {
                seen |= SEEN_SOPHOS;
            }
            break;
        case 't':
            if (AT("type=")) {
                seen |= SEEN_TYPE;
            }
            break;
        case 's':
            if (AT("subtype=")) {
                seen |= SEEN_SUBTYPE;
            }
            break;
        case 'd':
            if (AT("devid=FG") || AT("devid=\"FG") || AT("device_id=FG")) {
                seen |= SEEN_DEVID_FG;
            }
            break;
        default:
            break;
        }
        /* on to the next token (FortiOS separates pairs with single spaces) */
        const char *sp = memchr(q, ' ', rest);
        q = sp != NULL ? sp + 1 : end;
        if (SEEN_DECIDED(seen) && !(seen & SEEN_SOPHOS)) {
            return q < end && sophos_key_in(q, end) ? seen | SEEN_SOPHOS : seen;
        }
    }
    return seen;
#undef AT
}

static int fortigate_detect(const struct mm_event *ev, const char *body, size_t len)
{
    (void)ev;
    if (len > DETECT_SPAN) {
        len = DETECT_SPAN;
    }
    unsigned seen = detect_scan(body, len);
    if (!(seen & (SEEN_LOGID | SEEN_OLDLOGID)) || !(seen & SEEN_TYPE)) {
        return 0;
    }
    /* Sophos SFOS also writes log_id= and device_id=, never devid= or subtype= */
    if (seen & SEEN_SOPHOS) {
        return 0;
    }
    if (seen & SEEN_DEVID_FG) {
        return 95;
    }
    if (seen & SEEN_SUBTYPE) {
        return (seen & SEEN_LOGID) ? 85 : 70;
    }
    return 0;
}

static struct mm_keytab keytab = MM_KEYTAB_INIT(keymap);

static int lookup(struct mm_str k)
{
    return mm_keytab_find(&keytab, k.p, k.n);
}

/* "https(192.0.2.1)" -> "192.0.2.1" */
static struct mm_str ui_addr(struct mm_str ui)
{
    struct mm_str r = {NULL, 0};
    if (ui.p == NULL) {
        return r;
    }
    const char *open = memchr(ui.p, '(', ui.n);
    if (open == NULL) {
        return r;
    }
    const char *start = open + 1;
    const char *end = ui.p + ui.n;
    const char *close = memchr(start, ')', (size_t)(end - start));
    if (close == NULL) {
        return r;
    }
    r.p = start;
    r.n = (uint32_t)(close - start);
    return r;
}

static int denied_action(struct mm_str a)
{
    return vu_ieq(a, "deny") || vu_ieq(a, "blocked") || vu_ieq(a, "block") || vu_ieq(a, "dropped") ||
           vu_ieq(a, "drop") || vu_ieq(a, "reset") || vu_ieq(a, "reject") || vu_ieq(a, "clear_session") ||
           vu_ieq(a, "quarantine") || vu_ieq(a, "ban-ip");
}

/* The action word: action=, or status= in FortiOS 4.x traffic logs. */
static struct mm_str action_of(const struct mm_str *v)
{
    if (v[K_ACTION].p == NULL && vu_eq(v[K_TYPE], "traffic") && v[K_STATUS].p != NULL) {
        return v[K_STATUS];
    }
    return v[K_ACTION];
}

static void categorize(struct mm_event *ev, const struct mm_str *v)
{
    struct mm_str type = v[K_TYPE], sub = v[K_SUBTYPE], act = action_of(v);
    const char *cat = NULL, *etype = NULL, *kind = "event";

    if (vu_eq(type, "traffic")) {
        cat = "network";
        if (denied_action(act)) {
            etype = "denied";
        } else if (vu_eq(act, "start")) {
            etype = "start";
        } else {
            etype = "allowed";
        }
    } else if (vu_eq(type, "utm") || vu_eq(type, "anomaly") || vu_eq(type, "attack") ||
               vu_eq(type, "virus") || vu_eq(type, "webfilter") || vu_eq(type, "ips")) {
        struct mm_str s = vu_eq(type, "utm") ? sub : type;
        kind = "alert";
        if (vu_eq(s, "virus")) {
            cat = "malware";
        } else if (vu_eq(s, "ips") || vu_eq(s, "anomaly") || vu_eq(s, "attack")) {
            cat = "intrusion_detection";
        } else if (vu_eq(s, "webfilter") || vu_eq(s, "waf")) {
            cat = "web";
        } else if (vu_eq(s, "emailfilter")) {
            cat = "email";
        } else if (vu_eq(s, "dlp") || vu_eq(s, "cifs") || vu_eq(s, "file-filter")) {
            cat = "file";
        } else {
            cat = "network";
            kind = "event";
        }
        if (denied_action(act)) {
            etype = "denied";
        } else if (vu_ieq(act, "pass") || vu_ieq(act, "passthrough") || vu_ieq(act, "allowed") ||
                   vu_ieq(act, "accept") || vu_ieq(act, "exempt")) {
            etype = "allowed";
        } else {
            etype = "info";
        }
    } else if (vu_eq(type, "event")) {
        struct mm_str desc = v[K_LOGDESC];
        int login = vu_icontains(act, "login") || vu_icontains(act, "logout") ||
                    vu_icontains(act, "logon") || vu_icontains(act, "logoff") ||
                    vu_icontains(act, "auth") || vu_icontains(desc, "login") ||
                    vu_icontains(desc, "logout") || vu_icontains(desc, "authentication") ||
                    vu_icontains(desc, "logon");
        int config = v[K_CFGPATH].p != NULL || vu_icontains(desc, "configur") ||
                     vu_icontains(desc, "config change") || vu_ieq(act, "edit") || vu_ieq(act, "add") ||
                     vu_ieq(act, "delete") || vu_ieq(act, "move") || vu_ieq(act, "set");
        if (login) {
            cat = "authentication";
            if (vu_icontains(act, "logout") || vu_icontains(act, "logoff") ||
                vu_icontains(desc, "logout")) {
                etype = "end";
            } else {
                etype = "start";
            }
        } else if (config) {
            cat = "configuration";
            etype = "change";
        } else if (vu_eq(sub, "vpn")) {
            cat = "network";
            if (vu_eq(act, "tunnel-up") || vu_eq(act, "ssl-new-con") || vu_eq(act, "phase2-up")) {
                etype = "start";
            } else if (vu_icontains(act, "down")) {
                etype = "end";
            } else {
                etype = "info";
            }
        } else {
            cat = "host";
            etype = "info";
        }
    }
    if (cat != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, cat);
    }
    if (etype != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, etype);
    }
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, kind);

    /* outcome: explicit status first, then the action's own word */
    struct mm_str st = v[K_STATUS];
    if (vu_ieq(st, "success") || vu_ieq(st, "succeeded")) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
    } else if (vu_ieq(st, "failed") || vu_ieq(st, "failure") || vu_ieq(st, "fail") ||
               vu_icontains(act, "fail") || vu_icontains(v[K_LOGDESC], "fail")) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
    } else if (cat != NULL && (strcmp(cat, "authentication") == 0) &&
               (vu_icontains(v[K_LOGDESC], "success") || vu_eq(act, "tunnel-up") ||
                vu_eq(act, "ssl-login"))) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
    }
}

/* eventtime= in ns: FortiOS writes seconds, ms, us or ns since the epoch (by version). */
static int eventtime_ns(struct mm_str et, int64_t *ns)
{
    uint64_t x;
    if (!vu_u64_max(et, 19, &x)) {
        return 0;
    }
    uint64_t scale = et.n == 10 ? 1000000000u : et.n == 13 ? 1000000u : et.n == 16 ? 1000u : 1u;
    if ((et.n != 10 && et.n != 13 && et.n != 16 && et.n != 19) || x == 0 ||
        x > (uint64_t)INT64_MAX / scale) {
        return 0;
    }
    *ns = (int64_t)(x * scale);
    return 1;
}

/* "2026-11-02" "09:00:00" "+0900" (or "+09:00") as ns since the epoch. */
static int datetime_ns(struct mm_str d, struct mm_str t, struct mm_str z, int64_t *ns)
{
    const char *b = t.p, *c = z.p;
    struct mm_civil cv;
    if (d.n != 10 || mm_civil_date(d.p, d.n, &cv) != 0 || b == NULL || c == NULL || t.n != 8 ||
        (z.n != 5 && z.n != 6) || b[2] != ':' || b[5] != ':' || (c[0] != '+' && c[0] != '-') ||
        (z.n == 6 && c[3] != ':')) {
        return 0;
    }
    int dig[6];
    const char *src[6] = {b, b + 1, b + 3, b + 4, b + 6, b + 7};
    for (int i = 0; i < 6; i++) {
        dig[i] = *src[i] - '0';
        if (dig[i] < 0 || dig[i] > 9) {
            return 0;
        }
    }
    const char *zm = z.n == 6 ? c + 4 : c + 3;
    int zd[4] = {c[1] - '0', c[2] - '0', zm[0] - '0', zm[1] - '0'};
    for (int i = 0; i < 4; i++) {
        if (zd[i] < 0 || zd[i] > 9) {
            return 0;
        }
    }
    cv.hour = dig[0] * 10 + dig[1];
    cv.min = dig[2] * 10 + dig[3];
    cv.sec = dig[4] * 10 + dig[5];
    int off_min = (zd[0] * 10 + zd[1]) * 60 + zd[2] * 10 + zd[3];
    /* years 1970..2261 keep the result, offset included, inside int64 nanoseconds */
    if (cv.year < 1970 || cv.year > 2261 || cv.hour > 23 || cv.min > 59 || cv.sec > 60 ||
        off_min > 14 * 60) {
        return 0;
    }
    int64_t sign = c[0] == '-' ? -1 : 1;
    *ns = mm_civil_to_epoch_ns(&cv) - sign * (int64_t)off_min * 60 * 1000000000LL;
    return 1;
}

/*
 * The device's own clock is the event's time: eventtime=, else date= time= with tz=.
 * A FortiGate sends bare "<PRI>body" lines with no header time, so without this the
 * time would be when mimamori received the line; a relayed line's header time is the
 * relay's.  Without either field (FortiOS before 6.2 has no tz=), the header's time,
 * or the time of receipt, stays.
 */
static void device_time(struct mm_event *ev, const struct mm_str *v)
{
    int64_t ns;
    if (eventtime_ns(v[K_EVENTTIME], &ns) || datetime_ns(v[K_DATE], v[K_TIME], v[K_TZ], &ns)) {
        ev->ts_ns = ns;
    }
}

static void map_fields(struct mm_event *ev, const struct mm_str *v)
{
    int vpn = vu_eq(v[K_SUBTYPE], "vpn");

    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "Fortinet");
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "FortiGate");
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "firewall");
    vu_set(ev, MM_F_OBSERVER_NAME, v[K_DEVNAME]);
    vu_set(ev, MM_F_OBSERVER_SERIAL, v[K_DEVID]);
    vu_set(ev, MM_F_EVENT_CODE, v[K_LOGID]);

    vu_set_ip(ev, MM_F_SOURCE_IP, v[K_SRCIP]);
    vu_set_ip(ev, MM_F_DESTINATION_IP, v[K_DSTIP]);
    vu_set_num(ev, MM_F_SOURCE_PORT, v[K_SRCPORT]);
    vu_set_num(ev, MM_F_DESTINATION_PORT, v[K_DSTPORT]);
    if (vpn || ev->f[MM_F_SOURCE_IP].p == NULL) {
        /* VPN events name the peer remip (remote) and the gateway locip */
        if (vu_ip(v[K_REMIP])) {
            vu_set_ip(ev, MM_F_SOURCE_IP, v[K_REMIP]);
            vu_set_num(ev, MM_F_SOURCE_PORT, v[K_REMPORT]);
            if (vu_ip(v[K_LOCIP])) {
                vu_set_ip(ev, MM_F_DESTINATION_IP, v[K_LOCIP]);
                vu_set_num(ev, MM_F_DESTINATION_PORT, v[K_LOCPORT]);
            }
        }
    }
    if (ev->f[MM_F_SOURCE_IP].p == NULL) {
        /* admin logins: ui=https(192.0.2.1) */
        vu_set_ip(ev, MM_F_SOURCE_IP, ui_addr(v[K_UI]));
    }
    vu_set_ip(ev, MM_F_SOURCE_NAT_IP, v[K_TRANSIP]);
    vu_set_num(ev, MM_F_SOURCE_NAT_PORT, v[K_TRANSPORT]);
    vu_set_ip(ev, MM_F_DESTINATION_NAT_IP, v[K_TRANIP]);
    vu_set_num(ev, MM_F_DESTINATION_NAT_PORT, v[K_TRANPORT]);
    vu_set(ev, MM_F_SOURCE_MAC, v[K_SRCMAC]);
    vu_set(ev, MM_F_DESTINATION_MAC, v[K_DSTMAC]);

    const char *tr = vu_proto_name(v[K_PROTO]);
    if (tr != NULL) {
        mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, tr);
    }
    vu_set_num(ev, MM_F_NETWORK_IANA_NUMBER, v[K_PROTO]);
    if (v[K_SERVICE].p != NULL && memchr(v[K_SERVICE].p, '/', v[K_SERVICE].n) == NULL) {
        set_slug(ev, MM_F_NETWORK_PROTOCOL, v[K_SERVICE], 0);
    }
    /*
     * network.direction: from the interface roles (the session's direction);
     * the UTM direction= word (which side sent the content) only as fallback.
     */
    struct mm_str sr = v[K_SRCINTFROLE], dr = v[K_DSTINTFROLE];
    int sin = vu_eq(sr, "lan") || vu_eq(sr, "dmz"), din = vu_eq(dr, "lan") || vu_eq(dr, "dmz");
    if (sin && vu_eq(dr, "wan")) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "outbound");
    } else if (vu_eq(sr, "wan") && din) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "inbound");
    } else if (sin && din) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "internal");
    } else if (vu_ieq(v[K_DIRECTION], "incoming") || vu_ieq(v[K_DIRECTION], "inbound")) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "inbound");
    } else if (vu_ieq(v[K_DIRECTION], "outgoing") || vu_ieq(v[K_DIRECTION], "outbound")) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "outbound");
    }

    vu_set_num(ev, MM_F_SOURCE_BYTES, v[K_SENTBYTE]);
    vu_set_num(ev, MM_F_DESTINATION_BYTES, v[K_RCVDBYTE]);
    vu_set_num(ev, MM_F_SOURCE_PACKETS, v[K_SENTPKT]);
    vu_set_num(ev, MM_F_DESTINATION_PACKETS, v[K_RCVDPKT]);
    vu_set_sum(ev, MM_F_NETWORK_BYTES, v[K_SENTBYTE], v[K_RCVDBYTE]);
    vu_set_sum(ev, MM_F_NETWORK_PACKETS, v[K_SENTPKT], v[K_RCVDPKT]);

    vu_set(ev, MM_F_RULE_ID, v[K_POLICYID]);
    vu_set(ev, MM_F_RULE_NAME, v[K_POLICYNAME]);
    vu_set(ev, MM_F_RULE_CATEGORY, v[K_CATDESC]);
    if (has(v[K_SRCINTF])) {
        vu_set(ev, MM_F_OBSERVER_INGRESS_IF, v[K_SRCINTF]);
    }
    if (has(v[K_DSTINTF])) {
        vu_set(ev, MM_F_OBSERVER_EGRESS_IF, v[K_DSTINTF]);
    }

    /* user: the authenticated user, else the VPN xauth user, else unauthuser */
    if (v[K_USER].p != NULL && v[K_USER].n > 0) {
        if (vu_eq(v[K_USER], "N/A") && has(v[K_XAUTHUSER])) {
            vu_set(ev, MM_F_USER_NAME, v[K_XAUTHUSER]);
        } else {
            vu_set(ev, MM_F_USER_NAME, v[K_USER]);
        }
    } else if (has(v[K_XAUTHUSER])) {
        vu_set(ev, MM_F_USER_NAME, v[K_XAUTHUSER]);
    } else if (has(v[K_UNAUTHUSER])) {
        vu_set(ev, MM_F_USER_NAME, v[K_UNAUTHUSER]);
    }
    if (has(v[K_DSTUSER])) {
        vu_set(ev, MM_F_USER_TARGET_NAME, v[K_DSTUSER]);
    }
    if (has(v[K_GROUP])) {
        vu_set(ev, MM_F_GROUP_NAME, v[K_GROUP]);
    }

    vu_set(ev, MM_F_URL_DOMAIN, v[K_HOSTNAME]);
    vu_set(ev, MM_F_URL_ORIGINAL, v[K_URL]);
    if (v[K_URL].p != NULL && v[K_URL].n > 0 && v[K_URL].p[0] == '/') {
        const char *q = memchr(v[K_URL].p, '?', v[K_URL].n);
        mm_event_set(ev, MM_F_URL_PATH, v[K_URL].p,
                     q != NULL ? (size_t)(q - v[K_URL].p) : v[K_URL].n);
    }
    vu_set(ev, MM_F_USER_AGENT, v[K_AGENT]);
    vu_set(ev, MM_F_DNS_QUESTION_NAME, v[K_QNAME]);
    vu_set(ev, MM_F_FILE_NAME, v[K_FILENAME]);
    if (v[K_ANALYTICSCKSUM].n == 64) {
        vu_set(ev, MM_F_FILE_HASH_SHA256, v[K_ANALYTICSCKSUM]);
    }
    if (has(v[K_VIRUS])) {
        vu_set(ev, MM_F_THREAT_NAME, v[K_VIRUS]);
    }
    if (has(v[K_ATTACK])) {
        vu_set(ev, MM_F_THREAT_SIGNATURE, v[K_ATTACK]);
        if (ev->f[MM_F_THREAT_NAME].p == NULL) {
            vu_set(ev, MM_F_THREAT_NAME, v[K_ATTACK]);
        }
    }
    if (has(v[K_CVE])) {
        vu_set(ev, MM_F_VULNERABILITY_ID, v[K_CVE]);
    }
    if (has(v[K_REASON]) && !vu_eq(v[K_REASON], "none")) {
        vu_set(ev, MM_F_EVENT_REASON, v[K_REASON]);
    }

    if (has(v[K_TUNNELTYPE])) {
        vu_set(ev, MM_F_TUNNEL_TYPE, v[K_TUNNELTYPE]);
    }
    if (has(v[K_VPNTUNNEL])) {
        vu_set(ev, MM_F_TUNNEL_NAME, v[K_VPNTUNNEL]);
    }
    vu_set_ip(ev, MM_F_VPN_ASSIGNED_IP, v[K_TUNNELIP]);
    if (ev->f[MM_F_VPN_ASSIGNED_IP].p == NULL) {
        vu_set_ip(ev, MM_F_VPN_ASSIGNED_IP, v[K_ASSIGNIP]);
    }

    /* event.action: the vendor's action; for events without one, the logdesc */
    struct mm_str act = action_of(v);
    if (act.p != NULL && act.n > 0) {
        vu_set(ev, MM_F_EVENT_ACTION, act);
    } else if (v[K_LOGDESC].p != NULL) {
        set_slug(ev, MM_F_EVENT_ACTION, v[K_LOGDESC], 1);
    }
    struct mm_str sev = v[K_LEVEL];
    if (sev.p != NULL) {
        mm_event_add(ev, NULL, "log.level", 9, sev.p, sev.n);
    }
}

/*
 * Skip leading words without '=' (a syslog header the header parser did not
 * recognise, e.g. "2018 Apr 09 16:03:37 host->192.0.2.1 date=...").  len when
 * no word has one.
 */
static size_t skip_prefix(const char *body, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && body[j] != ' ' && body[j] != '=') {
            j++;
        }
        if (j < len && body[j] == '=') {
            return i;
        }
        while (j < len && body[j] == ' ') {
            j++;
        }
        i = j;
    }
    return len;
}

static enum mm_parse_rc fortigate_parse(struct mm_event *ev, const char *body, size_t len)
{
    struct mm_str v[K__COUNT];
    memset(v, 0, sizeof(v));
    size_t off = skip_prefix(body, len);
    const char *p = body + off, *end = body + len;
    struct mm_str key, val;
    int escaped;
    unsigned keycls;
    size_t npairs = 0;
    while (kv_next(&p, end, ' ', &key, &val, &escaped, &keycls)) { /* mm_kv_next, blanks only */
        if (!kv_plausible(key, keycls)) {
            continue;
        }
        if (escaped) {
            val = mm_kv_unescape(ev, val);
        }
        if (val.p == NULL) {
            val.p = key.p + key.n;
            val.n = 0;
        }
        npairs++;
        mm_event_add(ev, NS, key.p, key.n, val.p, val.n);
        int k = lookup(key);
        if (k >= 0 && v[k].p == NULL) {
            v[k] = val;
        }
    }
    if (npairs == 0 || (v[K_TYPE].p == NULL && v[K_SUBTYPE].p == NULL)) {
        /* no FortiGate shape (every FortiOS log has type= and subtype=) */
        return MM_PARSE_NOMATCH;
    }
    map_fields(ev, v);
    categorize(ev, v);
    device_time(ev, v);
    if (v[K_LOGID].p == NULL || v[K_TYPE].p == NULL) {
        return MM_PARSE_MALFORMED;
    }
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_fortigate = {
    .name = "fortigate",
    .detect = fortigate_detect,
    .parse = fortigate_parse,
};
