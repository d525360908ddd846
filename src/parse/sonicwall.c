/*
 * sonicwall.c - SonicWall SonicOS (5.x-7.x) syslog, default and "enhanced"
 * key=value formats:
 *
 *   id=firewall sn=C0EAE4XXXXXX time="2026-11-02 03:12:09 UTC" fw=203.0.113.1
 *   pri=6 c=1024 m=537 msg="Connection Closed" n=12345
 *   src=192.168.1.20:51234:X0:host dst=203.0.113.80:443:X1 proto=tcp/https ...
 *
 * Every pair becomes an extra "sonicwall.<key>"; the keys below are also
 * mapped to ECS fields.  src= and dst= hold ip[:port[:interface[:host]]],
 * any part possibly empty ("10.0.0.9::X0", ":5355"); SonicOS writes IPv6
 * peers in srcV6= / dstV6= and leaves the ip part of src= / dst= empty.  A
 * bracketed "[v6]:port:if" or a bare IPv6 address is read too.
 *
 * The event class (category, type, action, outcome, kind) comes from the
 * message id m= for the ids in msgid_class[], else from the English msg=
 * text (msg_class[]); fw_action= other than "NA" overrides the action word.
 * Values are slices of the body, or scratch copies when they were quoted with
 * backslash escapes or composed (byte totals, duration, url.original).
 *
 * References: SonicOS 6.5 / 7 Log Events Reference Guide (message ids,
 * categories, default message texts) and the SonicOS syslog "enhanced
 * format" field list (sonicwall.com technical documentation).
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/keytab.h"
#include "parse/vendor_util.h"

#define NS "sonicwall"

/* The keys mapped to ECS fields; anything else is only an extra. */
/* clang-format off */
enum swkey {
    K_ID, K_SN, K_FW, K_PRI, K_M, K_MSG, K_SRC, K_DST, K_SRCV6, K_DSTV6, K_NATSRC, K_NATDST,
    K_NATSRCV6, K_NATDSTV6, K_SRCMAC, K_DSTMAC, K_PROTO, K_SENT, K_RCVD, K_SPKT, K_RPKT, K_CDUR,
    K_DUR, K_RULE, K_FWACTION, K_USR, K_USER, K_DSTNAME, K_ARG, K_HOST, K_OP, K_CATEGORY, K_IPSCAT,
    K_SRCZONE, K_DSTZONE, K_NOTE, K_VPNPOLICY,
    K__COUNT
};
/* clang-format on */


/* clang-format off */
#define KM(s, k) {s, sizeof(s) - 1, k}
static const struct mm_keytab_entry keymap[] = {
    KM("id", K_ID), KM("sn", K_SN), KM("fw", K_FW), KM("pri", K_PRI), KM("m", K_M),
    KM("msg", K_MSG), KM("src", K_SRC), KM("dst", K_DST), KM("srcV6", K_SRCV6),
    KM("dstV6", K_DSTV6), KM("natSrc", K_NATSRC), KM("natDst", K_NATDST),
    KM("natSrcV6", K_NATSRCV6), KM("natDstV6", K_NATDSTV6), KM("srcMac", K_SRCMAC),
    KM("dstMac", K_DSTMAC), KM("proto", K_PROTO), KM("sent", K_SENT), KM("rcvd", K_RCVD),
    KM("spkt", K_SPKT), KM("rpkt", K_RPKT), KM("cdur", K_CDUR), KM("dur", K_DUR),
    KM("rule", K_RULE), KM("fw_action", K_FWACTION), KM("usr", K_USR), KM("user", K_USER),
    KM("dstname", K_DSTNAME), KM("arg", K_ARG), KM("Host", K_HOST), KM("host", K_HOST),
    KM("op", K_OP), KM("Category", K_CATEGORY), KM("ipscat", K_IPSCAT),
    KM("srcZone", K_SRCZONE), KM("dstZone", K_DSTZONE), KM("note", K_NOTE),
    KM("vpnpolicy", K_VPNPOLICY),
};
#undef KM
/* clang-format on */

/* --- event classes --- */

/* clang-format off */
enum swclass {
    C_NONE, C_OPEN, C_CLOSE, C_DROP, C_DENY, C_BLOCK, C_ALLOW, C_NAT, C_WEB_DENY, C_WEB_ALLOW,
    C_IPS_DETECT, C_IPS_PREVENT, C_ATTACK_DROP, C_SCAN, C_FLOOD, C_MALWARE_DETECT,
    C_MALWARE_BLOCK, C_LOGIN_OK, C_LOGIN_FAIL, C_LOGOUT, C_CONFIG,
    C__COUNT
};
/* clang-format on */

struct classinfo {
    const char *category;
    const char *type;
    const char *action; /* used when fw_action is absent or "NA" */
    const char *outcome;
    uint8_t alert; /* event.kind alert rather than event */
};

static const struct classinfo classes[C__COUNT] = {
    [C_NONE] = {NULL, NULL, NULL, NULL, 0},
    [C_OPEN] = {"network", "start", "open", NULL, 0},
    [C_CLOSE] = {"network", "end", "close", NULL, 0},
    [C_DROP] = {"network", "denied", "drop", NULL, 0},
    [C_DENY] = {"network", "denied", "deny", NULL, 0},
    [C_BLOCK] = {"network", "denied", "block", NULL, 0},
    [C_ALLOW] = {"network", "allowed", "allow", NULL, 0},
    [C_NAT] = {"network", "info", "nat", NULL, 0},
    [C_WEB_DENY] = {"web", "denied", "block", NULL, 0},
    [C_WEB_ALLOW] = {"web", "allowed", "allow", NULL, 0},
    [C_IPS_DETECT] = {"intrusion_detection", "info", "detect", NULL, 1},
    [C_IPS_PREVENT] = {"intrusion_detection", "denied", "prevent", NULL, 1},
    [C_ATTACK_DROP] = {"intrusion_detection", "denied", "drop", NULL, 1},
    [C_SCAN] = {"intrusion_detection", "info", "scan", NULL, 1},
    [C_FLOOD] = {"intrusion_detection", "info", "flood", NULL, 1},
    [C_MALWARE_DETECT] = {"malware", "info", "detect", NULL, 1},
    [C_MALWARE_BLOCK] = {"malware", "denied", "block", NULL, 1},
    [C_LOGIN_OK] = {"authentication", "start", "login", "success", 0},
    [C_LOGIN_FAIL] = {"authentication", "start", "login", "failure", 0},
    [C_LOGOUT] = {"authentication", "end", "logout", "success", 0},
    [C_CONFIG] = {"configuration", "change", "change", NULL, 0},
};

/* Message ids (m=) from the SonicOS Log Events Reference whose class is certain. */
struct msgid {
    uint16_t id;
    uint8_t cls;
};
/* clang-format off */
static const struct msgid msgid_class[] = {
    {98, C_OPEN}, {537, C_CLOSE}, {36, C_DROP}, {38, C_DROP}, {41, C_DROP}, {46, C_DROP},
    {173, C_DENY}, {175, C_DROP}, {523, C_DROP}, {590, C_DROP}, {1233, C_DROP}, {1257, C_DROP},
    {1197, C_NAT}, {597, C_ALLOW}, {598, C_ALLOW},
    {14, C_WEB_DENY}, {524, C_WEB_DENY}, {16, C_WEB_ALLOW}, {97, C_WEB_ALLOW},
    {608, C_IPS_DETECT}, {789, C_IPS_DETECT}, {609, C_IPS_PREVENT}, {790, C_IPS_PREVENT},
    {22, C_ATTACK_DROP}, {23, C_ATTACK_DROP}, {27, C_ATTACK_DROP}, {81, C_ATTACK_DROP},
    {267, C_ATTACK_DROP}, {606, C_ATTACK_DROP}, {1376, C_ATTACK_DROP}, {1387, C_ATTACK_DROP},
    {82, C_SCAN}, {83, C_SCAN}, {177, C_SCAN}, {178, C_SCAN}, {179, C_SCAN},
    {25, C_FLOOD}, {859, C_FLOOD}, {860, C_FLOOD}, {904, C_FLOOD}, {905, C_FLOOD},
    {1213, C_FLOOD}, {1214, C_FLOOD}, {1369, C_FLOOD}, {1450, C_FLOOD}, {1451, C_FLOOD},
    {809, C_MALWARE_BLOCK}, {794, C_MALWARE_BLOCK}, {795, C_MALWARE_DETECT},
    {1198, C_BLOCK}, {1199, C_BLOCK}, {1200, C_BLOCK}, {1201, C_BLOCK},
    {29, C_LOGIN_OK}, {31, C_LOGIN_OK}, {199, C_LOGIN_OK}, {235, C_LOGIN_OK}, {236, C_LOGIN_OK},
    {237, C_LOGIN_OK}, {238, C_LOGIN_OK}, {1080, C_LOGIN_OK},
    {30, C_LOGIN_FAIL}, {32, C_LOGIN_FAIL}, {33, C_LOGIN_FAIL}, {34, C_LOGIN_FAIL},
    {35, C_LOGIN_FAIL}, {200, C_LOGIN_FAIL}, {243, C_LOGIN_FAIL}, {246, C_LOGIN_FAIL},
    {329, C_LOGIN_FAIL}, {745, C_LOGIN_FAIL}, {749, C_LOGIN_FAIL}, {986, C_LOGIN_FAIL},
    {987, C_LOGIN_FAIL}, {1035, C_LOGIN_FAIL}, {1117, C_LOGIN_FAIL}, {1572, C_LOGIN_FAIL},
    {1585, C_LOGIN_FAIL}, {1655, C_LOGIN_FAIL},
    {24, C_LOGOUT}, {261, C_LOGOUT}, {262, C_LOGOUT}, {263, C_LOGOUT}, {264, C_LOGOUT},
    {265, C_LOGOUT}, {520, C_LOGOUT}, {1008, C_LOGOUT}, {1124, C_LOGOUT},
    {440, C_CONFIG}, {441, C_CONFIG}, {442, C_CONFIG}, {856, C_CONFIG}, {857, C_CONFIG},
    {858, C_CONFIG},
};
/* clang-format on */

/* msg= text rules, first match wins: both needles (ASCII case-insensitive) occur. */
struct msgrule {
    const char *a;
    const char *b; /* NULL: a alone */
    uint8_t cls;
};
static const struct msgrule msg_class[] = {
    {"connection opened", NULL, C_OPEN},
    {"connection closed", NULL, C_CLOSE},
    {"web site access denied", NULL, C_WEB_DENY},
    {"web site blocked", NULL, C_WEB_DENY},
    {"web access request dropped", NULL, C_WEB_DENY},
    {"web site access allowed", NULL, C_WEB_ALLOW},
    {"web site hit", NULL, C_WEB_ALLOW},
    {"prevention alert", "ips", C_IPS_PREVENT},
    {"prevention alert", "idp", C_IPS_PREVENT},
    {"detection alert", "ips", C_IPS_DETECT},
    {"detection alert", "idp", C_IPS_DETECT},
    {"anti-spyware prevention", NULL, C_MALWARE_BLOCK},
    {"anti-spyware detection", NULL, C_MALWARE_DETECT},
    {"anti-virus alert", NULL, C_MALWARE_BLOCK},
    {"logged out", NULL, C_LOGOUT},
    {"login", "allowed", C_LOGIN_OK},
    {"login", "denied", C_LOGIN_FAIL},
    {"login", "fail", C_LOGIN_FAIL},
    {"port scan", NULL, C_SCAN},
    {"scan detected", NULL, C_SCAN},
    {"flood", NULL, C_FLOOD},
    {"attack dropped", NULL, C_ATTACK_DROP},
    {"spoof", "dropped", C_ATTACK_DROP},
    {"ping of death", NULL, C_ATTACK_DROP},
    {"nat mapping", NULL, C_NAT},
    {"dropped", NULL, C_DROP},
    {"denied", NULL, C_DENY},
    {"blocked", NULL, C_BLOCK},
};

/* --- small helpers --- */

static int is_ip(struct mm_str s)
{
    struct mm_addr a;
    return s.p != NULL && s.n > 0 && s.n <= 64 && s.p[0] != '[' &&
           mm_addr_parse(&a, s.p, s.n) == MM_OK;
}

static struct mm_str trim(struct mm_str s)
{
    while (s.n > 0 && (s.p[0] == ' ' || s.p[0] == '\t')) {
        s.p++;
        s.n--;
    }
    while (s.n > 0 && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t')) {
        s.n--;
    }
    return s;
}

static void set_ip(struct mm_event *ev, enum mm_field f, struct mm_str s)
{
    if (is_ip(s)) {
        mm_event_set(ev, f, s.p, s.n);
    }
}

/* An ECS field that is not in fields.def, as an extra with no namespace. */
static void add_ecs(struct mm_event *ev, const char *name, struct mm_str v)
{
    if (v.p != NULL && v.n > 0) {
        (void)mm_event_add(ev, NULL, name, strlen(name), v.p, v.n);
    }
}

/* Set f to the digits of s followed by zeros (a unit change to nanoseconds). */
static void set_scaled(struct mm_event *ev, enum mm_field f, struct mm_str s, size_t zeros)
{
    if (!vu_digits(s) || s.n > 12) {
        return;
    }
    char *d = mm_event_alloc(ev, s.n + zeros);
    if (d == NULL) {
        return;
    }
    memcpy(d, s.p, s.n);
    memset(d + s.n, '0', zeros);
    mm_event_set(ev, f, d, s.n + zeros);
}

/*
 * id= (the "syslog ID", "firewall" unless the admin renamed it) and sn= (the
 * serial number) open every SonicOS message; fw=, pri=, m= and time= follow.
 * Some collectors drop id=, so sn= with m= and msg= is enough for a lower score.
 */
static int sonicwall_detect(const struct mm_event *ev, const char *body, size_t len)
{
    (void)ev;
    if (!vu_has_key(body, len, "sn=")) {
        return 0;
    }
    int others = vu_has_key(body, len, "fw=") + vu_has_key(body, len, "m=") +
                 vu_has_key(body, len, "time=") + vu_has_key(body, len, "pri=");
    if (vu_has_key(body, len, "id=firewall") && others >= 1) {
        return 95;
    }
    if (vu_has_key(body, len, "id=") && others >= 2) {
        return 90;
    }
    if (vu_has_key(body, len, "m=") && vu_has_key(body, len, "msg=") && others >= 3) {
        return 60;
    }
    return 0;
}

static struct mm_keytab keytab = MM_KEYTAB_INIT(keymap);

static int lookup(struct mm_str k)
{
    return mm_keytab_find(&keytab, k.p, k.n);
}

/* --- src= / dst= / natSrc= --- */

struct endpoint {
    struct mm_str ip, port, iface, host;
};

/*
 * "ip:port:iface:host" with any part empty or missing; "[v6]:port:iface";
 * a bare IPv6 address.  Parts are slices of v.
 */
static void split_endpoint(struct mm_str v, struct endpoint *e)
{
    memset(e, 0, sizeof(*e));
    if (v.p == NULL || v.n == 0) {
        return;
    }
    const char *p = v.p, *end = v.p + v.n;
    if (*p == '[') {
        const char *close = memchr(p, ']', v.n);
        if (close == NULL) {
            return;
        }
        e->ip = vu_slice(p + 1, (size_t)(close - p - 1));
        p = close + 1;
        if (p >= end || *p != ':') {
            return;
        }
        p++;
    } else if (is_ip(v) && memchr(v.p, '.', v.n) == NULL) {
        e->ip = v; /* IPv6 alone: its colons are not separators */
        return;
    } else {
        const char *c = memchr(p, ':', (size_t)(end - p));
        e->ip = vu_slice(p, c != NULL ? (size_t)(c - p) : (size_t)(end - p));
        if (c == NULL) {
            return;
        }
        p = c + 1;
    }
    struct mm_str *rest[3] = {&e->port, &e->iface, &e->host};
    for (int i = 0; i < 3 && p <= end; i++) {
        /* the host name is the last part and takes any further colons */
        const char *c = i < 2 ? memchr(p, ':', (size_t)(end - p)) : NULL;
        *rest[i] = vu_slice(p, c != NULL ? (size_t)(c - p) : (size_t)(end - p));
        if (c == NULL) {
            break;
        }
        p = c + 1;
    }
}

static void map_endpoint(struct mm_event *ev, struct mm_str v, struct mm_str v6, enum mm_field ip,
                         enum mm_field port, enum mm_field iface, const char *domain)
{
    struct endpoint e;
    split_endpoint(v, &e);
    if (is_ip(v6)) {
        vu_set(ev, ip, v6);
    } else {
        set_ip(ev, ip, e.ip);
    }
    vu_set_num(ev, port, e.port);
    vu_set(ev, iface, e.iface);
    add_ecs(ev, domain, e.host);
}

/* "Source: 203.0.113.10, 63130, Destination: 198.51.100.4, 8, Protocol: 1" (NAT Mapping) */
static void note_nat(struct mm_event *ev, struct mm_str note, const char *label, enum mm_field ip,
                     enum mm_field port)
{
    long at = vu_ifind(note, label);
    if (at < 0) {
        return;
    }
    const char *p = note.p + at + strlen(label);
    const char *end = note.p + note.n;
    const char *c = memchr(p, ',', (size_t)(end - p));
    if (c == NULL) {
        return;
    }
    set_ip(ev, ip, trim(vu_slice(p, (size_t)(c - p))));
    p = c + 1;
    c = memchr(p, ',', (size_t)(end - p));
    vu_set_num(ev, port, trim(vu_slice(p, c != NULL ? (size_t)(c - p) : (size_t)(end - p))));
}

/* --- classification --- */

static int internal_zone(struct mm_str z)
{
    return vu_ieq(z, "lan") || vu_ieq(z, "dmz") || vu_ieq(z, "trusted") || vu_ieq(z, "wlan") || vu_ieq(z, "vpn") ||
           vu_ieq(z, "sslvpn");
}

static int external_zone(struct mm_str z)
{
    return vu_ieq(z, "wan") || vu_ieq(z, "untrusted");
}

/* "5 (LAN->WAN)": the zone pair in parentheses. */
static void rule_zones(struct mm_str rule, struct mm_str *from, struct mm_str *to)
{
    if (rule.p == NULL) {
        return;
    }
    const char *open = memchr(rule.p, '(', rule.n);
    const char *end = rule.p + rule.n;
    if (open == NULL) {
        return;
    }
    const char *close = memchr(open, ')', (size_t)(end - open));
    if (close == NULL) {
        return;
    }
    struct mm_str in = vu_slice(open + 1, (size_t)(close - open - 1));
    long arrow = vu_ifind(in, "->");
    if (arrow < 0) {
        return;
    }
    *from = trim(vu_slice(in.p, (size_t)arrow));
    *to = trim(vu_slice(in.p + arrow + 2, in.n - (size_t)arrow - 2));
}

static void direction(struct mm_event *ev, const struct mm_str *v)
{
    struct mm_str from = v[K_SRCZONE], to = v[K_DSTZONE];
    if (from.p == NULL || to.p == NULL) {
        rule_zones(v[K_RULE], &from, &to);
    }
    if (from.p == NULL || to.p == NULL) {
        /* SonicOS 5.x names the interfaces after their zone (LAN, WAN, DMZ) */
        from = ev->f[MM_F_OBSERVER_INGRESS_IF];
        to = ev->f[MM_F_OBSERVER_EGRESS_IF];
    }
    const char *dir = NULL;
    if (internal_zone(from) && external_zone(to)) {
        dir = "outbound";
    } else if (external_zone(from) && internal_zone(to)) {
        dir = "inbound";
    } else if (internal_zone(from) && internal_zone(to)) {
        dir = "internal";
    } else if (external_zone(from) && external_zone(to)) {
        dir = "external";
    }
    if (dir != NULL) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, dir);
    }
}

static enum swclass classify(const struct mm_str *v)
{
    if (vu_digits(v[K_M]) && v[K_M].n <= 5) {
        uint64_t id = vu_to_u64(v[K_M]);
        for (size_t i = 0; i < sizeof(msgid_class) / sizeof(msgid_class[0]); i++) {
            if (msgid_class[i].id == id) {
                return (enum swclass)msgid_class[i].cls;
            }
        }
    }
    struct mm_str msg = v[K_MSG];
    for (size_t i = 0; i < sizeof(msg_class) / sizeof(msg_class[0]); i++) {
        if (vu_icontains(msg, msg_class[i].a) &&
            (msg_class[i].b == NULL || vu_icontains(msg, msg_class[i].b))) {
            return (enum swclass)msg_class[i].cls;
        }
    }
    return C_NONE;
}

static int denied_action(struct mm_str a)
{
    return vu_ieq(a, "drop") || vu_ieq(a, "deny") || vu_ieq(a, "reset") || vu_ieq(a, "block") ||
           vu_ieq(a, "reject") || vu_ieq(a, "discard");
}

/* The text after "Alert: " in msg, up to ", SID:" or a trailing " blocked." */
static struct mm_str alert_subject(struct mm_str msg)
{
    struct mm_str r = {NULL, 0};
    long at = vu_ifind(msg, "alert:");
    if (at < 0) {
        return r;
    }
    r = trim(vu_slice(msg.p + at + 6, msg.n - (size_t)at - 6));
    long sid = vu_ifind(r, ", sid:");
    if (sid >= 0) {
        r.n = (uint32_t)sid;
    }
    if (r.n > 0 && r.p[r.n - 1] == '.') {
        r.n--;
    }
    long blk = vu_ifind(r, " blocked");
    if (blk > 0 && (size_t)blk + 8 == r.n) {
        r.n = (uint32_t)blk;
    }
    return trim(r);
}

static void categorize(struct mm_event *ev, const struct mm_str *v)
{
    enum swclass cls = classify(v);
    const struct classinfo *ci = &classes[cls];
    struct mm_str fwa = v[K_FWACTION];
    int vendor_action = fwa.p != NULL && fwa.n > 0 && !vu_ieq(fwa, "na");
    const char *type = ci->type;

    if (ci->category != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, ci->category);
    }
    if (vendor_action && denied_action(fwa) && type != NULL &&
        (strcmp(type, "info") == 0 || strcmp(type, "allowed") == 0)) {
        type = "denied"; /* an IPS detection or app-control hit that was dropped */
    }
    if (type != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, type);
    }
    if (vendor_action) {
        vu_set(ev, MM_F_EVENT_ACTION, fwa);
    } else if (ci->action != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_ACTION, ci->action);
    }
    mm_event_set_cstr(ev, MM_F_EVENT_KIND, ci->alert ? "alert" : "event");
    if (ci->outcome != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, ci->outcome);
    } else if (vu_icontains(v[K_MSG], "fail")) {
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
    }

    /* threat names: the IPS category / the text after "Alert:" */
    if (cls == C_IPS_DETECT || cls == C_IPS_PREVENT) {
        struct mm_str sig = v[K_IPSCAT].n > 0 ? v[K_IPSCAT] : alert_subject(v[K_MSG]);
        vu_set(ev, MM_F_THREAT_SIGNATURE, sig);
        vu_set(ev, MM_F_THREAT_NAME, sig);
    } else if (cls == C_MALWARE_DETECT || cls == C_MALWARE_BLOCK) {
        vu_set(ev, MM_F_THREAT_NAME, alert_subject(v[K_MSG]));
    }

    /* the VPN flavour, from the message text */
    struct mm_str msg = v[K_MSG];
    if (vu_icontains(msg, "ssl vpn") || vu_icontains(msg, "sslvpn")) {
        mm_event_set_cstr(ev, MM_F_TUNNEL_TYPE, "ssl-vpn");
    } else if (vu_icontains(msg, "ipsec") || vu_icontains(msg, "ike ")) {
        mm_event_set_cstr(ev, MM_F_TUNNEL_TYPE, "ipsec");
    }
}

/* pri= is the syslog severity 0..7. */
static const char *level_name(struct mm_str pri)
{
    static const char *const names[] = {"emergency", "alert",  "critical", "error",
                                        "warning",   "notice", "info",     "debug"};
    if (pri.n == 1 && pri.p[0] >= '0' && pri.p[0] <= '7') {
        return names[pri.p[0] - '0'];
    }
    return NULL;
}

/* A user name worth keeping: not SonicOS's "Unknown (SSO failed)" placeholder. */
static int real_user(struct mm_str u)
{
    return u.p != NULL && u.n > 0 && !(u.n >= 7 && vu_ifind(u, "unknown") == 0) && !vu_ieq(u, "none") &&
           !vu_ieq(u, "n/a");
}

/* url.original: scheme from the service when known, dstname, then arg (the path). */
static void set_url(struct mm_event *ev, struct mm_str host, struct mm_str path,
                    struct mm_str proto)
{
    const char *scheme = NULL;
    if (vu_icontains(proto, "/https") || vu_icontains(proto, "/443")) {
        scheme = "https://";
    } else if (vu_icontains(proto, "/http") || vu_icontains(proto, "/80")) {
        scheme = "http://";
    }
    size_t sn = scheme != NULL ? strlen(scheme) : 0;
    size_t pn = path.p != NULL && path.n > 0 && path.p[0] == '/' ? path.n : 0;
    if (host.n == 0 || host.n > 1024 || pn > 4096) {
        return;
    }
    char *d = mm_event_alloc(ev, sn + host.n + pn);
    if (d == NULL) {
        return;
    }
    if (sn > 0) {
        memcpy(d, scheme, sn);
    }
    memcpy(d + sn, host.p, host.n);
    if (pn > 0) {
        memcpy(d + sn + host.n, path.p, pn);
    }
    mm_event_set(ev, MM_F_URL_ORIGINAL, d, sn + host.n + pn);
}

static void map_fields(struct mm_event *ev, const struct mm_str *v, struct mm_str prefix)
{
    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "SonicWall");
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "SonicOS");
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "firewall");
    vu_set(ev, MM_F_OBSERVER_SERIAL, v[K_SN]);
    add_ecs(ev, "observer.ip", is_ip(v[K_FW]) ? v[K_FW] : vu_slice(NULL, 0));

    /* a relay's address in front of the pairs ("192.0.2.1 id=firewall ...") */
    if (ev->f[MM_F_HOST_HOSTNAME].p == NULL && is_ip(prefix)) {
        vu_set(ev, MM_F_HOST_HOSTNAME, prefix);
    }
    /* observer.name: a renamed syslog ID, else the sending host, else fw= */
    if (v[K_ID].n > 0 && !vu_ieq(v[K_ID], "firewall")) {
        vu_set(ev, MM_F_OBSERVER_NAME, v[K_ID]);
    } else if (ev->f[MM_F_SYSLOG_HOSTNAME].p != NULL) {
        vu_set(ev, MM_F_OBSERVER_NAME, ev->f[MM_F_SYSLOG_HOSTNAME]);
    } else if (ev->f[MM_F_HOST_HOSTNAME].p != NULL) {
        vu_set(ev, MM_F_OBSERVER_NAME, ev->f[MM_F_HOST_HOSTNAME]);
    } else {
        vu_set(ev, MM_F_OBSERVER_NAME, v[K_FW]);
    }

    vu_set_num(ev, MM_F_EVENT_CODE, v[K_M]);
    if (v[K_MSG].n > 0) {
        vu_set(ev, MM_F_EVENT_REASON, v[K_MSG]);
    } else {
        vu_set(ev, MM_F_EVENT_REASON, v[K_NOTE]);
    }
    vu_set_num(ev, MM_F_EVENT_SEVERITY, v[K_PRI]);
    const char *lvl = level_name(v[K_PRI]);
    if (lvl != NULL) {
        (void)mm_event_add(ev, NULL, "log.level", 9, lvl, strlen(lvl));
    }

    map_endpoint(ev, v[K_SRC], v[K_SRCV6], MM_F_SOURCE_IP, MM_F_SOURCE_PORT,
                 MM_F_OBSERVER_INGRESS_IF, "source.domain");
    map_endpoint(ev, v[K_DST], v[K_DSTV6], MM_F_DESTINATION_IP, MM_F_DESTINATION_PORT,
                 MM_F_OBSERVER_EGRESS_IF, "destination.domain");
    struct endpoint e;
    split_endpoint(v[K_NATSRC].n > 0 ? v[K_NATSRC] : v[K_NATSRCV6], &e);
    set_ip(ev, MM_F_SOURCE_NAT_IP, e.ip);
    vu_set_num(ev, MM_F_SOURCE_NAT_PORT, e.port);
    split_endpoint(v[K_NATDST].n > 0 ? v[K_NATDST] : v[K_NATDSTV6], &e);
    set_ip(ev, MM_F_DESTINATION_NAT_IP, e.ip);
    vu_set_num(ev, MM_F_DESTINATION_NAT_PORT, e.port);
    if (ev->f[MM_F_SOURCE_NAT_IP].p == NULL && vu_icontains(v[K_MSG], "nat mapping")) {
        note_nat(ev, v[K_NOTE], "source:", MM_F_SOURCE_NAT_IP, MM_F_SOURCE_NAT_PORT);
        note_nat(ev, v[K_NOTE], "destination:", MM_F_DESTINATION_NAT_IP, MM_F_DESTINATION_NAT_PORT);
    }
    vu_set(ev, MM_F_SOURCE_MAC, v[K_SRCMAC]);
    vu_set(ev, MM_F_DESTINATION_MAC, v[K_DSTMAC]);
    add_ecs(ev, "observer.ingress.zone", v[K_SRCZONE]);
    add_ecs(ev, "observer.egress.zone", v[K_DSTZONE]);

    /* proto=tcp/https, tcp/443, icmp */
    struct mm_str proto = v[K_PROTO];
    if (proto.n > 0) {
        const char *slash = memchr(proto.p, '/', proto.n);
        struct mm_str tr = vu_slice(proto.p, slash != NULL ? (size_t)(slash - proto.p) : proto.n);
        vu_set(ev, MM_F_NETWORK_TRANSPORT, tr);
        if (slash != NULL) {
            struct mm_str svc = vu_slice(slash + 1, (size_t)(proto.p + proto.n - slash - 1));
            if (!vu_digits(svc)) {
                vu_set(ev, MM_F_NETWORK_PROTOCOL, svc);
            }
        }
    }

    vu_set_num(ev, MM_F_SOURCE_BYTES, v[K_SENT]);
    vu_set_num(ev, MM_F_DESTINATION_BYTES, v[K_RCVD]);
    vu_set_num(ev, MM_F_SOURCE_PACKETS, v[K_SPKT]);
    vu_set_num(ev, MM_F_DESTINATION_PACKETS, v[K_RPKT]);
    vu_set_sum(ev, MM_F_NETWORK_BYTES, v[K_SENT], v[K_RCVD]);
    vu_set_sum(ev, MM_F_NETWORK_PACKETS, v[K_SPKT], v[K_RPKT]);
    /* cdur= is in milliseconds, dur= in seconds; event.duration in nanoseconds */
    if (vu_digits(v[K_CDUR])) {
        set_scaled(ev, MM_F_EVENT_DURATION, v[K_CDUR], 6);
    } else {
        set_scaled(ev, MM_F_EVENT_DURATION, v[K_DUR], 9);
    }

    /* rule="5 (LAN->WAN)": the number is the policy id */
    struct mm_str rule = trim(v[K_RULE]);
    if (rule.n > 0) {
        vu_set(ev, MM_F_RULE_NAME, rule);
        uint32_t n = 0;
        while (n < rule.n && rule.p[n] >= '0' && rule.p[n] <= '9') {
            n++;
        }
        vu_set(ev, MM_F_RULE_ID, vu_slice(rule.p, n));
    }
    vu_set(ev, MM_F_RULE_CATEGORY, v[K_CATEGORY]);
    vu_set(ev, MM_F_TUNNEL_NAME, v[K_VPNPOLICY]);

    if (real_user(v[K_USR])) {
        vu_set(ev, MM_F_USER_NAME, v[K_USR]);
    } else if (real_user(v[K_USER])) {
        vu_set(ev, MM_F_USER_NAME, v[K_USER]);
    }

    struct mm_str host = v[K_DSTNAME].n > 0 ? v[K_DSTNAME] : v[K_HOST];
    vu_set(ev, MM_F_URL_DOMAIN, host);
    if (v[K_ARG].n > 0 && v[K_ARG].p[0] == '/') {
        const char *q = memchr(v[K_ARG].p, '?', v[K_ARG].n);
        mm_event_set(ev, MM_F_URL_PATH, v[K_ARG].p,
                     q != NULL ? (size_t)(q - v[K_ARG].p) : v[K_ARG].n);
    }
    if (host.n > 0) {
        set_url(ev, host, v[K_ARG], proto);
    }
    if (vu_eq(v[K_OP], "1")) {
        mm_event_set_cstr(ev, MM_F_HTTP_METHOD, "GET");
    } else if (vu_eq(v[K_OP], "2")) {
        mm_event_set_cstr(ev, MM_F_HTTP_METHOD, "POST");
    } else if (vu_eq(v[K_OP], "3")) {
        mm_event_set_cstr(ev, MM_F_HTTP_METHOD, "HEAD");
    }

    direction(ev, v);
}

/*
 * Skip leading words without '=' (a header the syslog parser did not take,
 * e.g. a relay's "192.0.2.1 id=firewall ..."); the skipped text goes to
 * *prefix when it is a single word.  len when no word has '='.
 */
static size_t skip_prefix(const char *body, size_t len, struct mm_str *prefix)
{
    size_t i = 0;
    int words = 0;
    prefix->p = NULL;
    prefix->n = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && body[j] != ' ' && body[j] != '\t' && body[j] != '=') {
            j++;
        }
        if (j < len && body[j] == '=') {
            if (words != 1) {
                prefix->p = NULL;
                prefix->n = 0;
            }
            return i;
        }
        if (j > i) {
            words++;
            prefix->p = body + i;
            prefix->n = (uint32_t)(j - i);
        }
        while (j < len && (body[j] == ' ' || body[j] == '\t')) {
            j++;
        }
        i = j;
    }
    return len;
}

static enum mm_parse_rc sonicwall_parse(struct mm_event *ev, const char *body, size_t len)
{
    struct mm_str v[K__COUNT];
    memset(v, 0, sizeof(v));
    struct mm_str prefix;
    size_t off = skip_prefix(body, len, &prefix);
    struct mm_kv_iter it;
    mm_kv_init(&it, body + off, len - off, '\0');
    struct mm_str key, val;
    int escaped;
    size_t npairs = 0;
    while (mm_kv_next(&it, &key, &val, &escaped)) {
        if (!vu_plausible_key(key)) {
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
        (void)mm_event_add(ev, NS, key.p, key.n, val.p, val.n);
        int k = lookup(key);
        if (k >= 0 && v[k].p == NULL) {
            v[k] = val; /* the first wins: some releases repeat msg= */
        }
    }
    if (npairs == 0 || v[K_SN].p == NULL || (v[K_ID].p == NULL && v[K_M].p == NULL)) {
        /* not SonicOS: every message carries sn= and id= (or at least m=) */
        return MM_PARSE_NOMATCH;
    }
    map_fields(ev, v, prefix);
    categorize(ev, v);
    if (v[K_SN].n == 0 || (v[K_M].p == NULL && v[K_MSG].p == NULL) ||
        (v[K_M].p != NULL && !vu_digits(v[K_M]))) {
        return MM_PARSE_MALFORMED;
    }
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_sonicwall = {
    .name = "sonicwall",
    .detect = sonicwall_detect,
    .parse = sonicwall_parse,
};
