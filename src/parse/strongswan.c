/*
 * strongswan.c - IPsec VPN daemons: strongSwan's charon (charon, charon-systemd,
 * ipsec, ipsec_starter tags), Libreswan/Openswan pluto, and xl2tpd (L2TP over
 * IPsec).
 *
 *   09[IKE] <rw|3> authentication of 'alice' with pre-shared key failed
 *   07[IKE] <rw|3> IKE_SA rw[3] established between 192.0.2.1[gw]...203.0.113.7[alice]
 *   06[NET] <rw|3> received packet: from 203.0.113.7[4500] to 192.0.2.1[4500] (80 bytes)
 *   12[IKE] <rw|3> EAP method EAP_MSCHAPV2 failed for peer 203.0.113.7
 *   "rw"[2] 203.0.113.7 #3: STATE_MAIN_R3: sent MR3, ISAKMP SA established   (pluto)
 *   Connection established to 203.0.113.7, 1701.  Local: 1, Remote: 2 ...     (xl2tpd)
 *
 * charon's "NN[GRP] " (thread, log group) and "<name|id> " (connection and IKE_SA
 * unique id) prefixes become extras and vpn.tunnel.name.  The peer is always
 * source.ip (whichever way a packet goes), the gateway destination.ip: a rule
 * about "this address keeps failing IKE" reads one field.
 *
 * event.action is a word of ours: auth-success, auth-failure, auth-local, eap-identity,
 * ike-established, child-established, ike-deleting, ike-initiating, ike-rekeying,
 * child-deleting, packet-sent, packet-received, virtual-ip-assigned, notify-error,
 * tunnel-established, call-established, tunnel-closed, call-closed; see
 * docs/parsers.md.  Vendor details are extras "strongswan.<key>".
 */
#include "mimamori/parse.h"

#include <string.h>

#include "mimamori/net.h"
#include "parse/auth_int.h"
#include "parse/vendor_util.h"

#define NS "strongswan"

enum daemon { D_NONE, D_CHARON, D_PLUTO, D_XL2TPD };

static void add(struct mm_event *ev, const char *key, const char *v, size_t n)
{
    (void)mm_event_add(ev, NS, key, strlen(key), v, n);
}

static enum daemon app_daemon(const struct mm_event *ev)
{
    static const char *const charon[] = {"charon", "charon-systemd", "charon-custom", "ipsec",
                                         "ipsec_starter", "strongswan", "swanctl", "charon-nm",
                                         NULL};
    static const char *const pluto[] = {"pluto", "ipsec__plutorun", "libreswan", NULL};
    static const char *const l2tp[] = {"xl2tpd", NULL};
    if (auth_app_is(ev, charon)) {
        return D_CHARON;
    }
    if (auth_app_is(ev, pluto)) {
        return D_PLUTO;
    }
    if (auth_app_is(ev, l2tp)) {
        return D_XL2TPD;
    }
    return D_NONE;
}

/* charon's "NN[GRP] " at p: its length, 0 when absent. */
static size_t thread_prefix(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && q - p < 3 && vu_is_digit(*q)) {
        q++;
    }
    if (q == p || end - q < 6 || q[0] != '[' || q[4] != ']' || q[5] != ' ') {
        return 0;
    }
    for (int i = 1; i <= 3; i++) {
        if (q[i] < 'A' || q[i] > 'Z') {
            return 0;
        }
    }
    return (size_t)(q + 6 - p);
}

/* A daemon tag; without one, charon's "NN[GRP] " prefix. */
static int strongswan_detect(const struct mm_event *ev, const char *body, size_t len)
{
    if (app_daemon(ev) != D_NONE) {
        return 90;
    }
    if (thread_prefix(body, body + len) > 0) {
        return 70;
    }
    return 0;
}

static void ecs(struct mm_event *ev, const char *action, const char *cat, const char *type,
                const char *outcome)
{
    auth_set_ecs(ev, action, cat, type, outcome);
}

/* "addr[x]" at p..e: address (and the bracketed id or port).  1 when an address. */
static int addr_id(const char *p, const char *e, struct mm_str *ip, struct mm_str *id)
{
    if (p >= e) {
        return 0;
    }
    const char *ob = memchr(p, '[', (size_t)(e - p));
    if (ob == NULL) {
        return 0;
    }
    const char *cb = memchr(ob, ']', (size_t)(e - ob));
    if (cb == NULL || !vu_ip_n(p, (size_t)(ob - p))) {
        return 0;
    }
    ip->p = p;
    ip->n = (uint32_t)(ob - p);
    id->p = ob + 1;
    id->n = (uint32_t)(cb - ob - 1);
    return 1;
}

static int all_digits(struct mm_str s)
{
    if (s.n == 0 || s.n > 5) {
        return 0;
    }
    for (uint32_t i = 0; i < s.n; i++) {
        if (!vu_is_digit(s.p[i])) {
            return 0;
        }
    }
    return 1;
}

/* The peer's identity as user.name, unless it is only its address or ours. */
static void peer_id(struct mm_event *ev, struct mm_str ip, struct mm_str id)
{
    if (id.n == 0 || (id.n == ip.n && memcmp(id.p, ip.p, ip.n) == 0) ||
        (id.n == 4 && memcmp(id.p, "%any", 4) == 0)) {
        return;
    }
    add(ev, "remote_id", id.p, id.n);
    if (ev->f[MM_F_USER_NAME].p == NULL) {
        mm_event_set(ev, MM_F_USER_NAME, id.p, id.n);
    }
}

/*
 * "A[a]...B[b]" (local...remote) in p..end: the remote is the peer (source),
 * the local the gateway (destination).
 */
static void local_remote(struct mm_event *ev, const char *p, const char *end)
{
    const char *dots = vu_find(p, end, "...");
    if (dots == NULL) {
        return;
    }
    const char *ls = dots;
    while (ls > p && ls[-1] != ' ') {
        ls--;
    }
    const char *re = dots + 3;
    while (re < end && *re != ' ') {
        re++;
    }
    struct mm_str lip, lid, rip, rid;
    if (addr_id(dots + 3, re, &rip, &rid)) {
        mm_event_set(ev, MM_F_SOURCE_IP, rip.p, rip.n);
        peer_id(ev, rip, rid);
    }
    if (addr_id(ls, dots, &lip, &lid)) {
        mm_event_set(ev, MM_F_DESTINATION_IP, lip.p, lip.n);
        if (lid.n > 0) {
            add(ev, "local_id", lid.p, lid.n);
        }
    }
}

/* The first token after lit: an address as source.ip.  1 when set. */
static int ip_after(struct mm_event *ev, const char *p, const char *end, const char *lit)
{
    const char *h = vu_find(p, end, lit);
    if (h == NULL) {
        return 0;
    }
    const char *s = h + strlen(lit);
    const char *e = s;
    while (e < end && *e != ' ' && *e != ',' && *e != '[') {
        e++;
    }
    if (!vu_ip_n(s, (size_t)(e - s))) {
        return 0;
    }
    mm_event_set(ev, MM_F_SOURCE_IP, s, (size_t)(e - s));
    return 1;
}

/* "'name'" right after lit: user.name.  1 when set. */
static int quoted_after(struct mm_event *ev, const char *p, const char *end, const char *lit,
                        enum mm_field f)
{
    const char *h = vu_find(p, end, lit);
    if (h == NULL) {
        return 0;
    }
    const char *s = h + strlen(lit);
    if (s >= end || *s != '\'') {
        return 0;
    }
    s++;
    const char *q = memchr(s, '\'', (size_t)(end - s));
    if (q == NULL || q == s) {
        return 0;
    }
    mm_event_set(ev, f, s, (size_t)(q - s));
    return 1;
}

static void reason(struct mm_event *ev, const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == ':')) {
        p++;
    }
    if (p < end) {
        mm_event_set(ev, MM_F_EVENT_REASON, p, (size_t)(end - p));
    }
}

/* "sending packet: from A[pa] to B[pb] (N bytes)" */
static void packet(struct mm_event *ev, const char *p, const char *end, int sending)
{
    const char *f = vu_find(p, end, "from ");
    const char *t = f != NULL ? vu_find(f, end, " to ") : NULL;
    if (f == NULL || t == NULL) {
        return;
    }
    const char *te = t + 4;
    while (te < end && *te != ' ') {
        te++;
    }
    struct mm_str aip, aport, bip, bport;
    int a = addr_id(f + 5, t, &aip, &aport) && all_digits(aport);
    int b = addr_id(t + 4, te, &bip, &bport) && all_digits(bport);
    /* the peer is the sender of a received packet, the receiver of a sent one */
    struct mm_str pip = sending ? bip : aip, pport = sending ? bport : aport;
    struct mm_str lip = sending ? aip : bip, lport = sending ? aport : bport;
    if (sending ? b : a) {
        mm_event_set(ev, MM_F_SOURCE_IP, pip.p, pip.n);
        mm_event_set(ev, MM_F_SOURCE_PORT, pport.p, pport.n);
    }
    if (sending ? a : b) {
        mm_event_set(ev, MM_F_DESTINATION_IP, lip.p, lip.n);
        mm_event_set(ev, MM_F_DESTINATION_PORT, lport.p, lport.n);
    }
    const char *op = vu_find(te, end, "(");
    if (op != NULL) {
        const char *q = op + 1;
        while (q < end && vu_is_digit(*q)) {
            q++;
        }
        if (q > op + 1 && vu_starts(q, end, " bytes")) {
            mm_event_set(ev, MM_F_NETWORK_BYTES, op + 1, (size_t)(q - op - 1));
        }
    }
    mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, "udp");
    ecs(ev, sending ? "packet-sent" : "packet-received", "network", "info", NULL);
}

/* "IKE_SA name[1]" / "CHILD_SA name{1}" after lit: vpn.tunnel.name if unset. */
static void sa_name(struct mm_event *ev, const char *p, const char *end, const char *lit)
{
    const char *h = vu_find(p, end, lit);
    if (h == NULL) {
        return;
    }
    const char *s = h + strlen(lit);
    const char *e = s;
    while (e < end && *e != '[' && *e != '{' && *e != ' ') {
        e++;
    }
    if (e > s && e < end && (*e == '[' || *e == '{')) {
        if (ev->f[MM_F_TUNNEL_NAME].p == NULL) {
            mm_event_set(ev, MM_F_TUNNEL_NAME, s, (size_t)(e - s));
        }
    }
}

/* A charon message after the prefixes.  1 when recognised. */
static int charon_message(struct mm_event *ev, const char *p, const char *end)
{
    const char *h;
    if (vu_starts(p, end, "sending packet: ")) {
        packet(ev, p, end, 1);
        return 1;
    }
    if (vu_starts(p, end, "received packet: ")) {
        packet(ev, p, end, 0);
        return 1;
    }
    /* "authentication of 'alice' with pre-shared key failed" / "... successful" */
    if ((h = vu_find(p, end, "authentication of '")) != NULL) {
        const char *s = h + 19;
        const char *q = memchr(s, '\'', (size_t)(end - s));
        int myself = q != NULL && vu_find(q, end, "(myself)") != NULL;
        int xauth = h >= p + 6 && memcmp(h - 6, "XAuth ", 6) == 0;
        if (q != NULL && q > s && !myself) {
            mm_event_set(ev, MM_F_USER_NAME, s, (size_t)(q - s));
        }
        const char *w = vu_find(s, end, " with ");
        if (w != NULL) {
            const char *e = end;
            const char *fl = vu_find(w, end, " failed");
            const char *ok = vu_find(w, end, " successful");
            e = fl != NULL ? fl : ok != NULL ? ok : end;
            add(ev, "auth_method", w + 6, (size_t)(e - w - 6));
        } else if (xauth) {
            add(ev, "auth_method", "XAuth", 5);
        }
        if (myself) {
            add(ev, "auth_side", "local", 5);
        }
        if (myself) {
            /* our own side's authentication toward the peer: not a login */
            ecs(ev, "auth-local", "authentication", "info",
                vu_find(s, end, "failed") != NULL ? "failure" : "success");
        } else if (vu_find(s, end, "failed") != NULL) {
            ecs(ev, "auth-failure", "authentication", "start", "failure");
        } else if (vu_find(s, end, "successful") != NULL) {
            ecs(ev, "auth-success", "authentication", "start", "success");
        } else {
            ecs(ev, NULL, "authentication", "info", NULL);
        }
        return 1;
    }
    /* "XAuth pam_authenticate for 'lyb' failed: System error" */
    if ((h = vu_find(p, end, "pam_authenticate for ")) != NULL) {
        quoted_after(ev, h, end, "for ", MM_F_USER_NAME);
        const char *f = vu_find(h, end, "failed");
        if (f != NULL) {
            reason(ev, f + 6, end);
            ecs(ev, "auth-failure", "authentication", "start", "failure");
        } else {
            ecs(ev, "auth-success", "authentication", "start", "success");
        }
        return 1;
    }
    /* "EAP-MS-CHAPv2 username: 'hll'", "received EAP identity 'alice'" */
    if ((h = vu_find(p, end, "username: ")) != NULL && h - p < 32) {
        quoted_after(ev, h, end, "username: ", MM_F_USER_NAME);
        ecs(ev, "eap-identity", "authentication", "info", NULL);
        return 1;
    }
    if ((h = vu_find(p, end, "received EAP identity ")) != NULL) {
        quoted_after(ev, h, end, "identity ", MM_F_USER_NAME);
        ecs(ev, "eap-identity", "authentication", "info", NULL);
        return 1;
    }
    /* "EAP method EAP_MSCHAPV2 failed for peer 203.0.113.7" / "... succeeded, MSK established" */
    if ((h = vu_find(p, end, "EAP method ")) != NULL) {
        const char *m = h + 11;
        const char *e = m;
        while (e < end && *e != ' ') {
            e++;
        }
        add(ev, "eap_method", m, (size_t)(e - m));
        ip_after(ev, e, end, "for peer ");
        if (vu_find(e, end, "failed") != NULL) {
            ecs(ev, "auth-failure", "authentication", "start", "failure");
        } else if (vu_find(e, end, "succeeded") != NULL) {
            ecs(ev, "auth-success", "authentication", "start", "success");
        } else {
            ecs(ev, NULL, "authentication", "info", NULL);
        }
        return 1;
    }
    if ((h = vu_find(p, end, "verification failed")) != NULL ||
        (h = vu_find(p, end, "no EAP key found for hosts ")) != NULL ||
        (h = vu_find(p, end, "no shared key found for ")) != NULL) {
        const char *dash = vu_find(p, end, "' - '");
        if (dash != NULL) {
            quoted_after(ev, dash, end, "' - ", MM_F_USER_NAME);
        }
        reason(ev, p, end);
        ecs(ev, "auth-failure", "authentication", "start", "failure");
        return 1;
    }
    /* "received AUTHENTICATION_FAILED notify error" */
    if ((h = vu_find(p, end, " notify error")) != NULL) {
        const char *s = vu_find(p, h, "received ");
        s = s != NULL ? s + 9 : p;
        add(ev, "notify", s, (size_t)(h - s));
        mm_event_set(ev, MM_F_EVENT_REASON, s, (size_t)(h - s));
        if (vu_find(s, h, "AUTHENTICATION_FAILED") != NULL) {
            ecs(ev, "auth-failure", "authentication", "start", "failure");
        } else {
            ecs(ev, "notify-error", "network", "info", "failure");
        }
        return 1;
    }
    /* "IKE_SA rw[3] established between 192.0.2.1[gw]...203.0.113.7[alice]" */
    if ((h = vu_find(p, end, "IKE_SA ")) != NULL && vu_find(h, end, " established between ") != NULL) {
        sa_name(ev, h, end, "IKE_SA ");
        local_remote(ev, h, end);
        ecs(ev, "ike-established", "network", "start", "success");
        return 1;
    }
    if ((h = vu_find(p, end, "CHILD_SA ")) != NULL && vu_find(h, end, " established") != NULL) {
        sa_name(ev, h, end, "CHILD_SA ");
        const char *ts = vu_find(h, end, " and TS ");
        if (ts != NULL) {
            add(ev, "traffic_selectors", ts + 8, (size_t)(end - ts - 8));
        }
        ecs(ev, "child-established", "network", "start", "success");
        return 1;
    }
    if ((h = vu_find(p, end, "deleting half open IKE_SA with ")) != NULL) {
        ip_after(ev, h, end, "IKE_SA with ");
        ecs(ev, "ike-deleting", "network", "end", "failure");
        return 1;
    }
    if ((h = vu_find(p, end, "deleting IKE_SA ")) != NULL ||
        (h = vu_find(p, end, "received DELETE for IKE_SA ")) != NULL) {
        sa_name(ev, h, end, "IKE_SA ");
        local_remote(ev, h, end);
        ecs(ev, "ike-deleting", "network", "end", NULL);
        return 1;
    }
    if ((h = vu_find(p, end, "closing CHILD_SA ")) != NULL ||
        (h = vu_find(p, end, "received DELETE for ESP CHILD_SA")) != NULL) {
        sa_name(ev, h, end, "CHILD_SA ");
        ecs(ev, "child-deleting", "network", "end", NULL);
        return 1;
    }
    if ((h = vu_find(p, end, " is initiating an IKE_SA")) != NULL ||
        (h = vu_find(p, end, " is initiating a Main Mode IKE_SA")) != NULL ||
        (h = vu_find(p, end, " is initiating a Aggressive Mode IKE_SA")) != NULL) {
        if (vu_ip_n(p, (size_t)(h - p))) {
            mm_event_set(ev, MM_F_SOURCE_IP, p, (size_t)(h - p));
        }
        ecs(ev, "ike-initiating", "network", "start", NULL);
        return 1;
    }
    if ((h = vu_find(p, end, "looking for peer configs matching ")) != NULL) {
        local_remote(ev, h, end);
        /* the identities are the ones asked for, not yet proven */
        ev->f[MM_F_USER_NAME].p = NULL;
        ev->f[MM_F_USER_NAME].n = 0;
        ecs(ev, "peer-config-lookup", "network", "info", NULL);
        return 1;
    }
    /* "assigning virtual IP 10.10.0.1 to peer 'alice'" */
    if ((h = vu_find(p, end, "assigning virtual IP ")) != NULL) {
        const char *s = h + 21;
        const char *e = s;
        while (e < end && *e != ' ') {
            e++;
        }
        if (vu_ip_n(s, (size_t)(e - s))) {
            mm_event_set(ev, MM_F_VPN_ASSIGNED_IP, s, (size_t)(e - s));
        }
        quoted_after(ev, e, end, "to peer ", MM_F_USER_NAME);
        ecs(ev, "virtual-ip-assigned", "network", "info", "success");
        return 1;
    }
    if ((h = vu_find(p, end, "rekeying IKE_SA")) != NULL ||
        (h = vu_find(p, end, "creating rekey job")) != NULL) {
        ecs(ev, "ike-rekeying", "network", "info", NULL);
        return 1;
    }
    if ((h = vu_find(p, end, "peer supports ")) != NULL) {
        add(ev, "peer_supports", h + 14, (size_t)(end - h - 14));
        ecs(ev, "peer-supports", "network", "info", NULL);
        return 1;
    }
    /* "parsed IKE_AUTH request 2 [ ... ]", "generating ..." */
    if (vu_starts(p, end, "parsed ") || vu_starts(p, end, "generating ")) {
        const char *s = p + (p[0] == 'p' ? 7 : 11);
        const char *e = s;
        while (e < end && *e != ' ') {
            e++;
        }
        add(ev, "exchange", s, (size_t)(e - s));
        ecs(ev, p[0] == 'p' ? "message-parsed" : "message-generated", "network", "info", NULL);
        return 1;
    }
    return 0;
}

/* pluto: "\"conn\"[2] 203.0.113.7 #3: STATE_MAIN_R3: sent MR3, ISAKMP SA established" */
static int pluto_message(struct mm_event *ev, const char *p, const char *end)
{
    if (p < end && *p == '"') {
        const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
        if (q != NULL) {
            mm_event_set(ev, MM_F_TUNNEL_NAME, p + 1, (size_t)(q - p - 1));
            p = q + 1;
            if (p < end && *p == '[') {
                const char *c = memchr(p, ']', (size_t)(end - p));
                p = c != NULL ? c + 1 : p;
            }
            while (p < end && *p == ' ') {
                p++;
            }
            const char *e = p;
            while (e < end && *e != ' ') {
                e++;
            }
            if (vu_ip_n(p, (size_t)(e - p))) {
                mm_event_set(ev, MM_F_SOURCE_IP, p, (size_t)(e - p));
                p = e;
            }
            while (p < end && *p == ' ') {
                p++;
            }
            if (p < end && *p == '#') {
                const char *c = memchr(p, ':', (size_t)(end - p));
                if (c != NULL) {
                    add(ev, "state_serial", p + 1, (size_t)(c - p - 1));
                    p = c + 1;
                }
            }
            while (p < end && *p == ' ') {
                p++;
            }
            if (vu_starts(p, end, "STATE_")) {
                const char *c = memchr(p, ':', (size_t)(end - p));
                if (c != NULL) {
                    add(ev, "state", p, (size_t)(c - p));
                }
            }
        }
    }
    if (vu_find(p, end, "AUTHENTICATION_FAILED") != NULL ||
        vu_find(p, end, "authentication failed") != NULL ||
        vu_find(p, end, "Authentication Failed") != NULL ||
        (vu_find(p, end, "XAUTH: User ") != NULL && vu_find(p, end, "failed") != NULL)) {
        quoted_after(ev, p, end, "XAUTH: User ", MM_F_USER_NAME);
        reason(ev, p, end);
        ecs(ev, "auth-failure", "authentication", "start", "failure");
        return 1;
    }
    if (vu_find(p, end, "XAUTH: User ") != NULL && vu_find(p, end, "authenticated") != NULL) {
        quoted_after(ev, p, end, "XAUTH: User ", MM_F_USER_NAME);
        ecs(ev, "auth-success", "authentication", "start", "success");
        return 1;
    }
    if (vu_find(p, end, "IPsec SA established") != NULL) {
        ecs(ev, "child-established", "network", "start", "success");
        return 1;
    }
    if (vu_find(p, end, "SA established") != NULL) {
        ecs(ev, "ike-established", "network", "start", "success");
        return 1;
    }
    if (vu_find(p, end, "deleting") != NULL) {
        ecs(ev, "ike-deleting", "network", "end", NULL);
        return 1;
    }
    return 0;
}

/* xl2tpd: the first IPv4 address after "to "/"with "/"from " is the peer. */
static int xl2tpd_message(struct mm_event *ev, const char *p, const char *end)
{
    if (!ip_after(ev, p, end, "established to ") && !ip_after(ev, p, end, "established with ")) {
        (void)(ip_after(ev, p, end, "from ") || ip_after(ev, p, end, "peer ") ||
               ip_after(ev, p, end, "with "));
    }
    if (vu_find(p, end, "Connection established to ") != NULL) {
        ecs(ev, "tunnel-established", "network", "start", "success");
    } else if (vu_find(p, end, "Call established with ") != NULL) {
        ecs(ev, "call-established", "network", "start", "success");
    } else if (vu_find(p, end, "closing tunnel") != NULL || vu_find(p, end, "Tunnel closed") != NULL ||
               vu_find(p, end, "Connection closed") != NULL) {
        ecs(ev, "tunnel-closed", "network", "end", NULL);
    } else if (vu_find(p, end, "Call closed") != NULL || vu_find(p, end, "disconnected") != NULL) {
        ecs(ev, "call-closed", "network", "end", NULL);
    } else {
        return 0;
    }
    const char *l = vu_find(p, end, "LNS session is '");
    if (l != NULL) {
        quoted_after(ev, l, end, "session is ", MM_F_TUNNEL_NAME);
    }
    return 1;
}

static enum mm_parse_rc strongswan_parse(struct mm_event *ev, const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    enum daemon d = app_daemon(ev);
    size_t tp = thread_prefix(p, end);
    if (d == D_NONE && tp == 0) {
        return MM_PARSE_NOMATCH;
    }
    if (tp > 0 || d == D_NONE) {
        d = D_CHARON;
    }
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "vpn");
    if (d == D_XL2TPD) {
        mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "xl2tpd");
        mm_event_set_cstr(ev, MM_F_TUNNEL_TYPE, "l2tp");
        if (!xl2tpd_message(ev, p, end)) {
            AUTH_SET(ev, MM_F_EVENT_KIND, "event");
        }
        return MM_PARSE_OK;
    }
    mm_event_set_cstr(ev, MM_F_TUNNEL_TYPE, "ipsec");
    if (d == D_PLUTO) {
        mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "Libreswan");
        if (!pluto_message(ev, p, end)) {
            AUTH_SET(ev, MM_F_EVENT_KIND, "event");
        }
        return MM_PARSE_OK;
    }
    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "strongSwan");
    mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "strongSwan");
    if (tp > 0) {
        const char *ob = memchr(p, '[', tp);
        add(ev, "thread", p, (size_t)(ob - p));
        add(ev, "group", ob + 1, 3);
        p += tp;
    }
    /* "<name|id> " */
    if (p < end && *p == '<') {
        const char *gt = memchr(p, '>', (size_t)(end - p));
        if (gt != NULL) {
            const char *bar = memchr(p, '|', (size_t)(gt - p));
            if (bar != NULL) {
                add(ev, "connection", p + 1, (size_t)(bar - p - 1));
                mm_event_set(ev, MM_F_TUNNEL_NAME, p + 1, (size_t)(bar - p - 1));
                add(ev, "ike_sa_id", bar + 1, (size_t)(gt - bar - 1));
            } else {
                add(ev, "ike_sa_id", p + 1, (size_t)(gt - p - 1));
            }
            p = gt + 1;
            while (p < end && *p == ' ') {
                p++;
            }
        }
    }
    if (!charon_message(ev, p, end)) {
        AUTH_SET(ev, MM_F_EVENT_KIND, "event");
    }
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_strongswan = {
    .name = "strongswan",
    .detect = strongswan_detect,
    .parse = strongswan_parse,
};
