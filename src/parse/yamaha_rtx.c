/*
 * yamaha_rtx.c - YAMAHA RTX / NVR / FWX routers.
 *
 * The RTX has no key=value format: each message is free text, optionally
 * preceded by the router's own clock ("2015/04/24 12:01:34: ", as in
 * `show log` output and some relays).  Understood families:
 *
 *   IP filter   "PP[01] Rejected at IN(200) filter: TCP 203.0.113.5:51234 > 192.0.2.10:23"
 *               "LAN1(port1) Rejected at IN(10) filter: <mac> > <mac> IP"   (MAC filter)
 *   INSPECT     "[INSPECT] LAN2[out][101098] TCP 192.0.2.5:54791 > 203.0.113.13:443 (2026/06/07 18:52:57)"
 *   NAT         "[NAT(1000):LAN2] Released UDP 172.16.20.3.44249 <-> 192.0.2.254.10708 ==> 198.51.100.1.53"
 *   PPP/PPPoE   "PP[01] PPP/IPCP up  (Local: 203.0.113.1, Remote: 198.51.100.2)", "PPPOE[01] Disconnected, cause [...]"
 *   tunnels     "IP Tunnel[1] Up", "[IKE] initiate ISAKMP phase to 203.0.113.2 (local address 192.0.2.1)",
 *               "[L2TP] TUNNEL[1] connected from 198.51.100.7", "PP[ANONYMOUS01] ... authentication failed"
 *   logins      "Login succeeded for TELNET: 192.0.2.1", "Login failed for SSH: 192.0.2.1 user",
 *               "Logout from TELNET: 192.0.2.1", "'administrator' succeeded for Serial"
 *   others      "[DHCPD] LAN1(port10) Allocates 192.0.2.27: aa:bb:cc:dd:ee:01", link up/down,
 *               boot, "Configuration saved in "CONFIG0" by TELNET".
 *
 * The router has no action vocabulary of its own, so event.action is a dotted
 * "<object>.<verb>" word made from the message (filter.reject, filter.pass,
 * inspect.session, nat.released, ppp.up, ppp.down, tunnel.up, tunnel.down,
 * ike.initiate, ike.respond, l2tp.connect, ppp.auth_failure, login.success,
 * login.failure, logout, config.save, link.up, link.down, dhcp.allocate ...),
 * see docs/parsers.md.  Vendor details are extras "yamaha.<key>".
 *
 * A line that carries the router's clock prefix is always taken (the RTX
 * writes many free-form lines: hex dumps, "same message repeated"); without
 * it, only the families above are recognised.
 */
#include "mimamori/parse.h"

#include <string.h>

#define NS "yamaha"

/* --- small scanning helpers; all bounded by end --- */

static int has_prefix(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t')) {
        p++;
    }
    return p;
}

static const char *find_lit(const char *p, const char *end, const char *lit)
{
    size_t n = strlen(lit);
    if (n == 0 || end - p < (ptrdiff_t)n) {
        return NULL;
    }
    return memmem(p, (size_t)(end - p), lit, n);
}

static const char *token_end(const char *p, const char *end)
{
    while (p < end && *p != ' ' && *p != '\t') {
        p++;
    }
    return p;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int all_digits(const char *p, size_t n)
{
    if (n == 0) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i])) {
            return 0;
        }
    }
    return 1;
}

static void add(struct mm_event *ev, const char *key, const char *v, size_t n)
{
    (void)mm_event_add(ev, NS, key, strlen(key), v, n);
}

static void set(struct mm_event *ev, enum mm_field f, const char *p, const char *e)
{
    mm_event_set(ev, f, p, (size_t)(e - p));
}

/* "YYYY/MM/DD HH:MM:SS" at p (19 bytes). */
static int is_rtx_clock(const char *p, const char *end)
{
    static const char pat[] = "dddd/dd/dd dd:dd:dd";
    if (end - p < 19) {
        return 0;
    }
    for (int i = 0; i < 19; i++) {
        if (pat[i] == 'd' ? !is_digit(p[i]) : p[i] != pat[i]) {
            return 0;
        }
    }
    return 1;
}

/* aa:bb:cc:dd:ee:ff */
static int is_mac(const char *p, size_t n)
{
    if (n != 17) {
        return 0;
    }
    for (size_t i = 0; i < 17; i++) {
        if (i % 3 == 2 ? p[i] != ':' && p[i] != '-' : !is_hex(p[i])) {
            return 0;
        }
    }
    return 1;
}

/* A dotted IPv4 address, exactly. */
static int is_ipv4(const char *p, size_t n)
{
    int dots = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(p[i])) {
            if (++digits > 3) {
                return 0;
            }
        } else if (p[i] == '.' && digits > 0) {
            dots++;
            digits = 0;
        } else {
            return 0;
        }
    }
    return dots == 3 && digits > 0;
}

/* Looks like IPv6 text (hex, ':' and at least two colons; '.' for a v4 tail). */
static int is_ipv6(const char *p, size_t n)
{
    int colons = 0;
    if (n < 2 || n > 45) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i] == ':') {
            colons++;
        } else if (!is_hex(p[i]) && p[i] != '.') {
            return 0;
        }
    }
    return colons >= 2;
}

static int is_ip(const char *p, size_t n)
{
    return is_ipv4(p, n) || is_ipv6(p, n);
}

/*
 * Split an endpoint token into address and port: "192.0.2.1:80", "192.0.2.1.80"
 * (NAT lines), "2001:db8::1.443" (IPv6 INSPECT), or a bare address / MAC.
 */
static void endpoint(const char *p, const char *e, struct mm_str *ip, struct mm_str *port,
                     struct mm_str *mac)
{
    size_t n = (size_t)(e - p);
    ip->p = port->p = mac->p = NULL;
    ip->n = port->n = mac->n = 0;
    if (n == 0) {
        return;
    }
    if (is_mac(p, n)) {
        mac->p = p;
        mac->n = (uint32_t)n;
        return;
    }
    if (is_ipv4(p, n) || (is_ipv6(p, n) && memchr(p, '.', n) == NULL)) {
        ip->p = p;
        ip->n = (uint32_t)n;
        return;
    }
    /* address:port with one colon (IPv4) */
    const char *c = memchr(p, ':', n);
    if (c != NULL && memchr(c + 1, ':', (size_t)(e - c - 1)) == NULL) {
        if (is_ipv4(p, (size_t)(c - p)) && all_digits(c + 1, (size_t)(e - c - 1))) {
            ip->p = p;
            ip->n = (uint32_t)(c - p);
            port->p = c + 1;
            port->n = (uint32_t)(e - c - 1);
        }
        return;
    }
    /* address.port: the port follows the last dot */
    const char *d = e;
    while (d > p && d[-1] != '.') {
        d--;
    }
    if (d > p && all_digits(d, (size_t)(e - d)) && is_ip(p, (size_t)(d - 1 - p))) {
        ip->p = p;
        ip->n = (uint32_t)(d - 1 - p);
        port->p = d;
        port->n = (uint32_t)(e - d);
    }
}

static const char *transport_name(const char *p, size_t n)
{
    static const char *const names[][2] = {
        {"TCP", "tcp"},   {"UDP", "udp"}, {"ICMP", "icmp"}, {"ICMP6", "ipv6-icmp"},
        {"ICMPV6", "ipv6-icmp"}, {"ESP", "esp"}, {"GRE", "gre"}, {"AH", "ah"},
        {"IGMP", "igmp"}, {"TCPFIN", "tcp"}, {"TCPRST", "tcp"}, {"TCPSYN", "tcp"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strlen(names[i][0]) == n && strncasecmp(names[i][0], p, n) == 0) {
            return names[i][1];
        }
    }
    return NULL;
}

static int is_private4(struct mm_str ip)
{
    if (ip.p == NULL || !is_ipv4(ip.p, ip.n)) {
        return -1;
    }
    unsigned a = 0, b = 0;
    const char *p = ip.p, *e = ip.p + ip.n;
    while (p < e && *p != '.') {
        a = a * 10 + (unsigned)(*p++ - '0');
    }
    p++;
    while (p < e && *p != '.') {
        b = b * 10 + (unsigned)(*p++ - '0');
    }
    return a == 10 || (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) ||
           (a == 169 && b == 254) || (a == 100 && b >= 64 && b <= 127);
}

/*
 * "PROTO SRC > DST [rest]": the flow of filter, INSPECT and "IP Commencing"
 * lines.  Returns the end of what was read.
 */
static const char *flow(struct mm_event *ev, const char *p, const char *end)
{
    p = skip_blanks(p, end);
    const char *pe = token_end(p, end);
    struct mm_str sip, sport, smac, dip, dport, dmac;
    const char *t = transport_name(p, (size_t)(pe - p));
    const char *a = p, *ae;
    if (t != NULL) {
        mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, t);
        add(ev, "protocol", p, (size_t)(pe - p));
        a = skip_blanks(pe, end);
    } else if (pe > p && !is_mac(p, (size_t)(pe - p)) && !is_ip(p, (size_t)(pe - p)) &&
               memchr(p, ':', (size_t)(pe - p)) == NULL) {
        /* another protocol word or number */
        add(ev, "protocol", p, (size_t)(pe - p));
        a = skip_blanks(pe, end);
    }
    ae = token_end(a, end);
    endpoint(a, ae, &sip, &sport, &smac);
    const char *q = skip_blanks(ae, end);
    if (q >= end || *q != '>') {
        if (sip.p != NULL) {
            mm_event_set(ev, MM_F_SOURCE_IP, sip.p, sip.n);
        }
        return ae;
    }
    q = skip_blanks(q + 1, end);
    const char *qe = token_end(q, end);
    endpoint(q, qe, &dip, &dport, &dmac);
    if (sip.p != NULL) {
        mm_event_set(ev, MM_F_SOURCE_IP, sip.p, sip.n);
    }
    if (sport.p != NULL) {
        mm_event_set(ev, MM_F_SOURCE_PORT, sport.p, sport.n);
    }
    if (smac.p != NULL) {
        mm_event_set(ev, MM_F_SOURCE_MAC, smac.p, smac.n);
    }
    if (dip.p != NULL) {
        mm_event_set(ev, MM_F_DESTINATION_IP, dip.p, dip.n);
    }
    if (dport.p != NULL) {
        mm_event_set(ev, MM_F_DESTINATION_PORT, dport.p, dport.n);
    }
    if (dmac.p != NULL) {
        mm_event_set(ev, MM_F_DESTINATION_MAC, dmac.p, dmac.n);
        /* MAC filter lines end with the ethertype word (IP, IP6, ARP) */
        const char *w = skip_blanks(qe, end);
        const char *we = token_end(w, end);
        if (we > w) {
            add(ev, "ethertype", w, (size_t)(we - w));
        }
    }
    return qe;
}

/* Guess the direction from address classes when the interface does not tell. */
static void direction_from_addresses(struct mm_event *ev)
{
    if (ev->f[MM_F_NETWORK_DIRECTION].p != NULL) {
        return;
    }
    int s = is_private4(ev->f[MM_F_SOURCE_IP]);
    int d = is_private4(ev->f[MM_F_DESTINATION_IP]);
    if (s == 1 && d == 0) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "outbound");
    } else if (s == 0 && d == 1) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "inbound");
    } else if (s == 1 && d == 1) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "internal");
    } else if (s == 0 && d == 0) {
        mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, "external");
    }
}

static int is_wan_if(const char *p, size_t n)
{
    return (n >= 2 && memcmp(p, "PP", 2) == 0) || (n >= 6 && memcmp(p, "TUNNEL", 6) == 0);
}

/* "NAME[num]" at p: sets *num to the bracketed part. */
static int bracket_num(const char *p, const char *e, const char *name, struct mm_str *num)
{
    size_t n = strlen(name);
    if ((size_t)(e - p) < n + 2 || memcmp(p, name, n) != 0 || p[n] != '[' || e[-1] != ']') {
        return 0;
    }
    num->p = p + n + 1;
    num->n = (uint32_t)(e - p - n - 2);
    return 1;
}

/* Add yamaha.pp / yamaha.tunnel / yamaha.pppoe for an interface word. */
static void iface_keys(struct mm_event *ev, const char *p, const char *e)
{
    struct mm_str num;
    if (bracket_num(p, e, "PP", &num)) {
        add(ev, "pp", num.p, num.n);
        mm_event_set(ev, MM_F_TUNNEL_NAME, p, (size_t)(e - p));
        if (num.n >= 9 && memcmp(num.p, "ANONYMOUS", 9) == 0) {
            mm_event_set_cstr(ev, MM_F_TUNNEL_TYPE, "remote-access");
        }
    } else if (bracket_num(p, e, "TUNNEL", &num) || bracket_num(p, e, "Tunnel", &num)) {
        add(ev, "tunnel", num.p, num.n);
        mm_event_set(ev, MM_F_TUNNEL_NAME, p, (size_t)(e - p));
    } else if (bracket_num(p, e, "PPPOE", &num)) {
        add(ev, "pp", num.p, num.n);
        mm_event_set_cstr(ev, MM_F_TUNNEL_TYPE, "pppoe");
    }
    add(ev, "interface", p, (size_t)(e - p));
}

static void category(struct mm_event *ev, const char *cat, const char *type, const char *action)
{
    mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, cat);
    if (type != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_TYPE, type);
    }
    if (action != NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_ACTION, action);
    }
}

/* "<word> at IN(200) filter: flow" after the interface. */
static int filter_line(struct mm_event *ev, const char *ifp, const char *ife, const char *p,
                       const char *end)
{
    const char *we = token_end(p, end);
    const char *q = skip_blanks(we, end);
    if (!has_prefix(q, end, "at ")) {
        return 0;
    }
    q += 3;
    int in = has_prefix(q, end, "IN(");
    if (!in && !has_prefix(q, end, "OUT(")) {
        return 0;
    }
    const char *np = q + (in ? 3 : 4);
    const char *ne = np;
    while (ne < end && *ne != ')') {
        ne++;
    }
    if (ne >= end) {
        return 0;
    }
    const char *f = find_lit(ne, end, "filter:");
    if (f == NULL) {
        return 0;
    }
    size_t wn = (size_t)(we - p);
    int reject = (wn >= 6 && strncasecmp(p, "REJECT", 6) == 0) ||
                 (wn >= 4 && strncasecmp(p, "DROP", 4) == 0);
    int pass = (wn >= 4 && strncasecmp(p, "PASS", 4) == 0);
    category(ev, "network", reject ? "denied" : pass ? "allowed" : "info",
             reject ? "filter.reject" : pass ? "filter.pass" : "filter");
    mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, reject ? "failure" : "success");
    add(ev, "filter_action", p, wn);
    add(ev, "filter_dir", in ? "IN" : "OUT", in ? 2 : 3);
    add(ev, "filter_no", np, (size_t)(ne - np));
    mm_event_set(ev, MM_F_RULE_ID, np, (size_t)(ne - np));
    mm_event_set(ev, MM_F_RULE_NAME, np, (size_t)(ne - np));
    if (ifp != NULL) {
        mm_event_set(ev, in ? MM_F_OBSERVER_INGRESS_IF : MM_F_OBSERVER_EGRESS_IF, ifp,
                     (size_t)(ife - ifp));
        if (is_wan_if(ifp, (size_t)(ife - ifp))) {
            mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, in ? "inbound" : "outbound");
        }
    }
    flow(ev, f + 7, end);
    direction_from_addresses(ev);
    return 1;
}

/* "[INSPECT] LAN2[out][101098] TCP a:p > b:p (2026/06/07 18:52:57)" */
static void inspect_line(struct mm_event *ev, const char *p, const char *end)
{
    category(ev, "network", "start", "inspect.session");
    mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
    p = skip_blanks(p, end);
    const char *ie = token_end(p, end);
    /* IFACE[dir][num], where IFACE itself may be "PP[01]" */
    const char *b = ie;
    const char *num = NULL, *dir = NULL;
    while (b > p && b[-1] == ']') {
        const char *o = b - 1;
        while (o > p && *o != '[') {
            o--;
        }
        if (*o != '[') {
            break;
        }
        if (num == NULL) {
            num = o;
        } else if (dir == NULL) {
            dir = o;
            break;
        }
        b = o;
    }
    if (num != NULL && dir != NULL) {
        const char *ifend = dir;
        add(ev, "interface", p, (size_t)(ifend - p));
        add(ev, "inspect_dir", dir + 1, (size_t)(num - dir - 2));
        add(ev, "inspect_no", num + 1, (size_t)(ie - num - 2));
        mm_event_set(ev, MM_F_RULE_ID, num + 1, (size_t)(ie - num - 2));
        int out = (size_t)(num - dir - 2) == 3 && memcmp(dir + 1, "out", 3) == 0;
        mm_event_set(ev, out ? MM_F_OBSERVER_EGRESS_IF : MM_F_OBSERVER_INGRESS_IF, p,
                     (size_t)(ifend - p));
        if (is_wan_if(p, (size_t)(ifend - p))) {
            mm_event_set_cstr(ev, MM_F_NETWORK_DIRECTION, out ? "outbound" : "inbound");
        }
    }
    const char *q = flow(ev, ie, end);
    q = skip_blanks(q, end);
    if (q < end && *q == '(') {
        const char *c = memchr(q, ')', (size_t)(end - q));
        if (c != NULL) {
            add(ev, "session_time", q + 1, (size_t)(c - q - 1));
        }
    }
    direction_from_addresses(ev);
}

/* "[NAT(1000):LAN2] Released UDP a.p <-> b.p ==> c.p" */
static void nat_line(struct mm_event *ev, const char *tag, const char *tage, const char *p,
                     const char *end)
{
    const char *o = memchr(tag, '(', (size_t)(tage - tag));
    const char *c = o ? memchr(o, ')', (size_t)(tage - o)) : NULL;
    if (o != NULL && c != NULL) {
        add(ev, "nat_descriptor", o + 1, (size_t)(c - o - 1));
        if (c + 1 < tage && c[1] == ':') {
            add(ev, "interface", c + 2, (size_t)(tage - c - 2));
        }
    }
    p = skip_blanks(p, end);
    const char *we = token_end(p, end);
    category(ev, "network", "info", NULL);
    char *act = mm_event_alloc(ev, 4 + (size_t)(we - p));
    if (act != NULL) {
        memcpy(act, "nat.", 4);
        for (const char *s = p; s < we; s++) {
            char ch = *s;
            act[4 + (s - p)] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
        }
        mm_event_set(ev, MM_F_EVENT_ACTION, act, 4 + (size_t)(we - p));
    }
    const char *tp = skip_blanks(we, end);
    const char *te = token_end(tp, end);
    const char *t = transport_name(tp, (size_t)(te - tp));
    if (t != NULL) {
        mm_event_set_cstr(ev, MM_F_NETWORK_TRANSPORT, t);
    }
    struct mm_str ip, port, mac;
    const char *a = skip_blanks(te, end), *ae = token_end(a, end);
    endpoint(a, ae, &ip, &port, &mac);
    if (ip.p) {
        mm_event_set(ev, MM_F_SOURCE_IP, ip.p, ip.n);
    }
    if (port.p) {
        mm_event_set(ev, MM_F_SOURCE_PORT, port.p, port.n);
    }
    const char *arrow = find_lit(ae, end, "<->");
    if (arrow == NULL) {
        return;
    }
    a = skip_blanks(arrow + 3, end);
    ae = token_end(a, end);
    endpoint(a, ae, &ip, &port, &mac);
    if (ip.p) {
        mm_event_set(ev, MM_F_SOURCE_NAT_IP, ip.p, ip.n);
    }
    if (port.p) {
        mm_event_set(ev, MM_F_SOURCE_NAT_PORT, port.p, port.n);
    }
    arrow = find_lit(ae, end, "==>");
    if (arrow == NULL) {
        return;
    }
    a = skip_blanks(arrow + 3, end);
    ae = token_end(a, end);
    endpoint(a, ae, &ip, &port, &mac);
    if (ip.p) {
        mm_event_set(ev, MM_F_DESTINATION_IP, ip.p, ip.n);
    }
    if (port.p) {
        mm_event_set(ev, MM_F_DESTINATION_PORT, port.p, port.n);
    }
}

/* An IP address token at p (stops at ',', ')' and blanks); returns its end or NULL. */
static const char *ip_at(const char *p, const char *end)
{
    const char *e = p;
    while (e < end && (is_hex(*e) || *e == '.' || *e == ':')) {
        e++;
    }
    if (e > p && is_ip(p, (size_t)(e - p))) {
        return e;
    }
    /* "192.0.2.27:" - an IPv4 address followed by a colon */
    const char *c = memchr(p, ':', (size_t)(e - p));
    return c != NULL && is_ipv4(p, (size_t)(c - p)) ? c : NULL;
}

/* user name after "user" in "... (user: name)", "user 'name'", "user=name" */
static void user_after(struct mm_event *ev, const char *p, const char *end)
{
    const char *u = find_lit(p, end, "user");
    if (u == NULL) {
        return;
    }
    u += 4;
    if (u < end && (*u == ':' || *u == '=')) {
        u++;
    }
    u = skip_blanks(u, end);
    char q = 0;
    if (u < end && (*u == '\'' || *u == '"')) {
        q = *u++;
    }
    const char *e = u;
    while (e < end && (q ? *e != q : (*e != ' ' && *e != ')' && *e != ',' && *e != ']'))) {
        e++;
    }
    if (e > u && (q == 0 || e < end)) {
        set(ev, MM_F_USER_NAME, u, e);
    }
}

/*
 * "Login succeeded for TELNET: 192.0.2.1 [user]", "Login failed for SSH: ...",
 * "Logout from TELNET: ...", "'administrator' succeeded for Serial user".
 * p points after "for " / "from ".
 */
static void login_tail(struct mm_event *ev, const char *p, const char *end)
{
    p = skip_blanks(p, end);
    const char *se = p;
    while (se < end && *se != ':' && *se != ' ' && *se != '(') {
        se++;
    }
    if (se > p) {
        static const char *const protos[] = {"telnet", "ssh", "http", "https", "sftp"};
        for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
            if (strlen(protos[i]) == (size_t)(se - p) && strncasecmp(protos[i], p, se - p) == 0) {
                mm_event_set_cstr(ev, MM_F_NETWORK_PROTOCOL, protos[i]);
            }
        }
        add(ev, "login_via", p, (size_t)(se - p));
    }
    const char *q = se;
    if (q < end && *q == ':') {
        q++;
    }
    q = skip_blanks(q, end);
    const char *ie = ip_at(q, end);
    if (ie != NULL) {
        set(ev, MM_F_SOURCE_IP, q, ie);
        q = skip_blanks(ie, end);
    }
    /* a trailing user name, possibly in parentheses */
    if (q < end && *q == '(') {
        q++;
    }
    const char *ue = token_end(q, end);
    if (ue > q && ue[-1] == ')') {
        ue--;
    }
    if (ue > q && ev->f[MM_F_USER_NAME].p == NULL) {
        set(ev, MM_F_USER_NAME, q, ue);
    }
}

static int login_line(struct mm_event *ev, const char *p, const char *end)
{
    const char *f;
    if (p >= end) {
        return 0;
    }
    if (has_prefix(p, end, "Login ")) {
        int ok = find_lit(p, end, "succeeded") != NULL;
        int bad = find_lit(p, end, "failed") != NULL;
        if (!ok && !bad) {
            return 0;
        }
        category(ev, "authentication", "start", ok ? "login.success" : "login.failure");
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, ok ? "success" : "failure");
        /* "Login succeeded as NAME for ..." */
        const char *as = find_lit(p, end, " as ");
        f = find_lit(p, end, " for ");
        if (as != NULL && f != NULL && as < f) {
            const char *u = skip_blanks(as + 4, end);
            set(ev, MM_F_USER_NAME, u, f);
        }
        if (f != NULL) {
            login_tail(ev, f + 5, end);
        }
        return 1;
    }
    if (has_prefix(p, end, "Logout")) {
        category(ev, "authentication", "end", "logout");
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
        if (find_lit(p, end, "timer expired") != NULL) {
            add(ev, "logout_reason", "timer expired", 13);
        }
        f = find_lit(p, end, " from ");
        if (f != NULL) {
            login_tail(ev, f + 6, end);
        }
        return 1;
    }
    if (*p == '\'') {
        /* "'administrator' succeeded for Serial user" - privilege change */
        const char *q = memchr(p + 1, '\'', (size_t)(end - p - 1));
        if (q == NULL) {
            return 0;
        }
        const char *r = skip_blanks(q + 1, end);
        int ok = has_prefix(r, end, "succeeded");
        int bad = has_prefix(r, end, "failed");
        if (!ok && !bad) {
            return 0;
        }
        category(ev, "authentication", "change", ok ? "privilege.success" : "privilege.failure");
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, ok ? "success" : "failure");
        set(ev, MM_F_USER_TARGET_NAME, p + 1, q);
        f = find_lit(r, end, " for ");
        if (f != NULL) {
            login_tail(ev, f + 5, end);
        }
        return 1;
    }
    return 0;
}

/* "(Local: 100.1.1.1, Remote: 50.1.1.1)" and "Local  PP IP address X" */
static void ppp_addresses(struct mm_event *ev, const char *p, const char *end, int anonymous)
{
    const char *l = find_lit(p, end, "Local:");
    if (l != NULL) {
        const char *a = skip_blanks(l + 6, end), *e = ip_at(a, end);
        if (e != NULL) {
            add(ev, "local_address", a, (size_t)(e - a));
        }
    }
    const char *r = find_lit(p, end, "Remote:");
    if (r != NULL) {
        const char *a = skip_blanks(r + 7, end), *e = ip_at(a, end);
        if (e != NULL) {
            add(ev, "remote_address", a, (size_t)(e - a));
            if (anonymous) {
                set(ev, MM_F_VPN_ASSIGNED_IP, a, e);
            }
        }
    }
}

/* Messages that follow an interface word: "PP[01] ...", "TUNNEL[1] ...", "LAN1 ..." */
static int iface_line(struct mm_event *ev, const char *ifp, const char *ife, const char *p,
                      const char *end)
{
    size_t ifn = (size_t)(ife - ifp);
    int anonymous = ifn > 12 && memcmp(ifp, "PP[ANONYMOUS", 12) == 0;
    iface_keys(ev, ifp, ife);
    if (filter_line(ev, ifp, ife, p, end)) {
        return 1;
    }
    if (has_prefix(p, end, "IP Commencing:")) {
        category(ev, "network", "start", "ppp.dial");
        flow(ev, p + 14, end);
        return 1;
    }
    if (find_lit(p, end, "uthentication fail") != NULL ||
        (find_lit(p, end, "Failure") != NULL &&
         (find_lit(p, end, "CHAP") != NULL || find_lit(p, end, "PAP") != NULL))) {
        /* PPP (PPPoE upstream or L2TP remote access) PAP/CHAP failure */
        category(ev, "authentication", "start", "ppp.auth_failure");
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
        user_after(ev, p, end);
        if (has_prefix(p, end, "Disconnected")) {
            mm_event_set_cstr(ev, MM_F_EVENT_ACTION, "ppp.down");
            mm_event_set_cstr(ev, MM_F_EVENT_CATEGORY, "network");
            mm_event_set_cstr(ev, MM_F_EVENT_TYPE, "end");
        }
    } else if (find_lit(p, end, "Call detected from user") != NULL) {
        category(ev, "authentication", "start", "ppp.call");
        user_after(ev, p, end);
    } else if (find_lit(p, end, "authentication succeeded") != NULL ||
               find_lit(p, end, "Authentication succeeded") != NULL) {
        category(ev, "authentication", "start", "ppp.auth_success");
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
        user_after(ev, p, end);
    } else if (find_lit(p, end, " up") != NULL && (find_lit(p, end, "PPP/IPCP") != NULL ||
                                                   find_lit(p, end, "PPP/IPV6CP") != NULL)) {
        category(ev, "network", "start", "ppp.up");
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
        ppp_addresses(ev, p, end, anonymous);
    } else if (find_lit(p, end, "PPP/IPCP down") != NULL) {
        category(ev, "network", "end", "ppp.down");
    } else if (has_prefix(p, end, "Disconnected") || has_prefix(p, end, "disconnected")) {
        category(ev, "network", "end", "ppp.down");
    } else if (has_prefix(p, end, "PPPoE Connect")) {
        category(ev, "network", "start", "pppoe.connect");
    } else if (has_prefix(p, end, "Connecting to PPPoE")) {
        category(ev, "network", "start", "pppoe.connecting");
    } else if (has_prefix(p, end, "Local  PP IP address") ||
               has_prefix(p, end, "Local PP IP address")) {
        const char *a = find_lit(p, end, "address");
        a = skip_blanks(a + 7, end);
        const char *e = ip_at(a, end);
        if (e != NULL) {
            add(ev, "local_address", a, (size_t)(e - a));
        }
        category(ev, "network", "info", "ppp.address");
    } else if (has_prefix(p, end, "Up") || has_prefix(p, end, "up")) {
        category(ev, "network", "start", "tunnel.up");
    } else if (has_prefix(p, end, "Down") || has_prefix(p, end, "down")) {
        category(ev, "network", "end", "tunnel.down");
    } else if (find_lit(p, end, "link up") != NULL) {
        category(ev, "network", "start", "link.up");
    } else if (find_lit(p, end, "link down") != NULL) {
        category(ev, "network", "end", "link.down");
    } else if (find_lit(p, end, "link changed") != NULL) {
        category(ev, "network", "change", "link.change");
    }
    /* "Disconnected, cause [PPP: Authentication failed]" */
    const char *c = find_lit(p, end, "cause [");
    if (c != NULL) {
        const char *ce = memchr(c + 7, ']', (size_t)(end - c - 7));
        if (ce != NULL) {
            add(ev, "cause", c + 7, (size_t)(ce - c - 7));
            set(ev, MM_F_EVENT_REASON, c + 7, ce);
        }
    }
    return 1;
}

/* "[IKE] initiate ISAKMP phase to X (local address Y)", "[IKE] respond IPsec phase to X" */
static void ike_line(struct mm_event *ev, const char *p, const char *end)
{
    mm_event_set_cstr(ev, MM_F_TUNNEL_TYPE, "ipsec");
    const char *a = NULL, *ae = NULL;
    const char *to = find_lit(p, end, " to ");
    if (to == NULL) {
        to = find_lit(p, end, " from ");
        if (to != NULL) {
            to += 2;
        }
    }
    if (to != NULL) {
        a = skip_blanks(to + 4, end);
        ae = ip_at(a, end);
    }
    if (has_prefix(p, end, "initiate")) {
        category(ev, "network", "start", "ike.initiate");
        if (ae != NULL) {
            set(ev, MM_F_DESTINATION_IP, a, ae);
        }
        const char *l = find_lit(p, end, "local address");
        if (l != NULL) {
            const char *b = skip_blanks(l + 13, end), *be = ip_at(b, end);
            if (be != NULL) {
                set(ev, MM_F_SOURCE_IP, b, be);
            }
        }
    } else if (has_prefix(p, end, "respond")) {
        category(ev, "network", "start", "ike.respond");
        if (ae != NULL) {
            set(ev, MM_F_SOURCE_IP, a, ae);
        }
    } else {
        if (find_lit(p, end, "established") != NULL) {
            category(ev, "network", "start", "ike.established");
            mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
        } else if (find_lit(p, end, "deleted") != NULL || find_lit(p, end, "delete") != NULL) {
            category(ev, "network", "end", "ike.deleted");
        } else if (find_lit(p, end, "DPD") != NULL) {
            category(ev, "network", "info", "ike.dpd");
        } else if (find_lit(p, end, "fail") != NULL || find_lit(p, end, "invalid") != NULL ||
                   find_lit(p, end, "mismatch") != NULL) {
            category(ev, "authentication", "start", "ike.failure");
            mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
        } else {
            category(ev, "network", "info", "ike");
        }
        if (ae != NULL) {
            set(ev, MM_F_SOURCE_IP, a, ae);
        }
    }
    if (ae != NULL) {
        add(ev, "peer", a, (size_t)(ae - a));
    }
}

/* "[L2TP] TUNNEL[1] connected from 198.51.100.7", "... disconnect tunnel N complete" */
static void l2tp_line(struct mm_event *ev, const char *p, const char *end)
{
    mm_event_set_cstr(ev, MM_F_TUNNEL_TYPE, "l2tp");
    const char *ie = token_end(p, end);
    if (ie > p && ie[-1] == ']') {
        iface_keys(ev, p, ie);
        p = skip_blanks(ie, end);
    }
    const char *fr = find_lit(p, end, "from ");
    if (fr != NULL) {
        const char *a = skip_blanks(fr + 5, end), *ae = ip_at(a, end);
        if (ae != NULL) {
            set(ev, MM_F_SOURCE_IP, a, ae);
        }
    }
    if (has_prefix(p, end, "connected")) {
        category(ev, "network", "start", "l2tp.connect");
    } else if (find_lit(p, end, "disconnect") != NULL) {
        category(ev, "network", "end", "l2tp.disconnect");
    } else if (find_lit(p, end, "established") != NULL) {
        category(ev, "network", "start", "l2tp.established");
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
    } else if (find_lit(p, end, "fail") != NULL) {
        category(ev, "authentication", "start", "l2tp.failure");
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "failure");
        user_after(ev, p, end);
    } else {
        category(ev, "network", "info", "l2tp");
    }
}

/* "[DHCPD] LAN1(port10) Allocates 192.0.2.27: aa:bb:cc:dd:ee:01" */
static void dhcp_line(struct mm_event *ev, const char *p, const char *end)
{
    const char *w = p;
    const char *we = token_end(w, end);
    if (we > w && (we[-1] == ')' || has_prefix(w, we, "LAN"))) {
        add(ev, "interface", w, (size_t)(we - w));
        w = skip_blanks(we, end);
        we = token_end(w, end);
    }
    category(ev, "network", "info", NULL);
    static const char *const verbs[][2] = {
        {"Allocates", "dhcp.allocate"}, {"Extends", "dhcp.extend"},
        {"Releases", "dhcp.release"},   {"Expires", "dhcp.expire"},
        {"Declines", "dhcp.decline"},
    };
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        if ((size_t)(we - w) == strlen(verbs[i][0]) && memcmp(w, verbs[i][0], we - w) == 0) {
            mm_event_set_cstr(ev, MM_F_EVENT_ACTION, verbs[i][1]);
        }
    }
    const char *a = skip_blanks(we, end), *ae = ip_at(a, end);
    if (ae != NULL) {
        (void)mm_event_add(ev, NULL, "client.ip", 9, a, (size_t)(ae - a));
        const char *m = ae;
        if (m < end && *m == ':') {
            m++;
        }
        m = skip_blanks(m, end);
        const char *me = token_end(m, end);
        if (is_mac(m, (size_t)(me - m))) {
            (void)mm_event_add(ev, NULL, "client.mac", 10, m, (size_t)(me - m));
        }
    }
}

/* Strip a leading RTX clock "YYYY/MM/DD HH:MM:SS: "; returns 1 when present. */
static int skip_clock(const char **pp, const char *end)
{
    const char *p = *pp;
    if (!is_rtx_clock(p, end)) {
        return 0;
    }
    p += 19;
    if (p < end && *p == ':') {
        p++;
    }
    *pp = skip_blanks(p, end);
    return 1;
}

static int known_tag(const char *p, const char *end)
{
    static const char *const tags[] = {"[INSPECT]", "[IKE", "[L2TP]", "[DHCPD]", "[NAT(",
                                       "[IPSEC]",   "[PPTP]", "[SWCTL]", "[DHCPC]", "[HTTPD]",
                                       "[SSHD]",    "[LUA]", "[DNS]", "[SNMP]", "[NTP]"};
    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        if (has_prefix(p, end, tags[i])) {
            return 1;
        }
    }
    return 0;
}

/* The interface word at the start of an untagged line, or NULL. */
static const char *iface_word(const char *p, const char *end)
{
    static const char *const ifs[] = {"PP[", "TUNNEL[", "PPPOE[", "LAN", "WAN", "BRIDGE", "VLAN"};
    for (size_t i = 0; i < sizeof(ifs) / sizeof(ifs[0]); i++) {
        if (has_prefix(p, end, ifs[i])) {
            const char *e = p;
            while (e < end && *e != ' ' && *e != '\t') {
                e++;
            }
            if (e > p && e[-1] == ':') {
                e--; /* "LANC3: link up" */
            }
            return e;
        }
    }
    return NULL;
}

static int detect(const struct mm_event *ev, const char *body, size_t len)
{
    (void)ev;
    const char *p = body, *end = body + len;
    p = skip_blanks(p, end);
    if (skip_clock(&p, end)) {
        return 70;
    }
    if (known_tag(p, end)) {
        return 85;
    }
    if (iface_word(p, end) != NULL) {
        const char *e = end - p > 160 ? p + 160 : end;
        if (find_lit(p, e, " at IN(") != NULL || find_lit(p, e, " at OUT(") != NULL) {
            return 85;
        }
        if (find_lit(p, e, "PPP/IPCP") != NULL || find_lit(p, e, "PPPoE") != NULL ||
            (has_prefix(p, e, "PP[") && (find_lit(p, e, "CHAP") != NULL ||
                                         find_lit(p, e, "PAP") != NULL ||
                                         find_lit(p, e, "uthentication") != NULL ||
                                         find_lit(p, e, "Call detected") != NULL))) {
            return 70;
        }
    }
    /* the RTX login lines name the access path in capitals */
    if (has_prefix(p, end, "Login succeeded for ") || has_prefix(p, end, "Login failed for ") ||
        has_prefix(p, end, "Logout from ") || has_prefix(p, end, "Logout timer expired from ") ||
        has_prefix(p, end, "Configuration saved in \"")) {
        static const char *const via[] = {"TELNET", "SSH", "HTTP", "Serial", "SFTP", "REMOTE"};
        const char *e = end - p > 60 ? p + 60 : end;
        for (size_t i = 0; i < sizeof(via) / sizeof(via[0]); i++) {
            if (find_lit(p, e, via[i]) != NULL) {
                return 60;
            }
        }
    }
    if (has_prefix(p, end, "IP Tunnel[")) {
        return 80;
    }
    return 0;
}

static enum mm_parse_rc parse(struct mm_event *ev, const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    while (end > p && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ')) {
        end--;
    }
    p = skip_blanks(p, end);
    int clock = skip_clock(&p, end);
    if (clock) {
        add(ev, "log_time", skip_blanks(body, end), 19);
    }
    int ok = 1;

    if (has_prefix(p, end, "[")) {
        const char *te = memchr(p, ']', (size_t)(end - p));
        if (te == NULL) {
            return clock ? MM_PARSE_MALFORMED : MM_PARSE_NOMATCH;
        }
        te++;
        const char *rest = skip_blanks(te, end);
        /* "[IKE][1]" / "[IKE1]": a second bracket holds the SA/peer number */
        if (has_prefix(p, end, "[INSPECT]")) {
            inspect_line(ev, rest, end);
        } else if (has_prefix(p, end, "[IKE")) {
            if (rest < end && *rest == '[') {
                const char *ne = memchr(rest, ']', (size_t)(end - rest));
                if (ne != NULL) {
                    add(ev, "ike_id", rest + 1, (size_t)(ne - rest - 1));
                    rest = skip_blanks(ne + 1, end);
                }
            }
            ike_line(ev, rest, end);
        } else if (has_prefix(p, end, "[L2TP]")) {
            l2tp_line(ev, rest, end);
        } else if (has_prefix(p, end, "[DHCPD]")) {
            dhcp_line(ev, rest, end);
        } else if (has_prefix(p, end, "[NAT(")) {
            nat_line(ev, p + 1, te - 1, rest, end);
        } else if (known_tag(p, end) || clock) {
            const char *ie = iface_word(rest, end);
            if (ie != NULL) {
                iface_line(ev, rest, ie, skip_blanks(ie + (ie < end && *ie == ':'), end), end);
            } else if (login_line(ev, rest, end)) {
                /* done */
            }
        } else {
            ok = 0;
        }
        if (ok) {
            add(ev, "tag", p + 1, (size_t)(te - p - 2));
        }
    } else if (has_prefix(p, end, "IP Tunnel[")) {
        const char *ie = token_end(p + 3, end);
        iface_line(ev, p + 3, ie, skip_blanks(ie, end), end);
        mm_event_set_cstr(ev, MM_F_TUNNEL_TYPE, "ipsec");
    } else if (login_line(ev, p, end)) {
        /* done */
    } else if (has_prefix(p, end, "Configuration saved")) {
        category(ev, "configuration", "change", "config.save");
        mm_event_set_cstr(ev, MM_F_EVENT_OUTCOME, "success");
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (q != NULL) {
            const char *qe = memchr(q + 1, '"', (size_t)(end - q - 1));
            if (qe != NULL) {
                add(ev, "config_file", q + 1, (size_t)(qe - q - 1));
            }
        }
        const char *by = find_lit(p, end, " by ");
        if (by != NULL) {
            login_tail(ev, by + 4, end);
        }
    } else {
        const char *ie = iface_word(p, end);
        if (ie != NULL) {
            const char *rest = ie;
            if (rest < end && *rest == ':') {
                rest++;
            }
            rest = skip_blanks(rest, end);
            int strong = find_lit(rest, end, "filter:") != NULL ||
                         find_lit(rest, end, "PPP") != NULL || has_prefix(rest, end, "IP Comm") ||
                         find_lit(rest, end, "link ") != NULL || has_prefix(rest, end, "Up") ||
                         has_prefix(rest, end, "Down") || has_prefix(rest, end, "Disconnected") ||
                         has_prefix(rest, end, "Local") || has_prefix(rest, end, "Call") ||
                         find_lit(rest, end, "uthentication") != NULL;
            if (!strong && !clock) {
                return MM_PARSE_NOMATCH;
            }
            iface_line(ev, p, ie, rest, end);
        } else if (!clock) {
            return MM_PARSE_NOMATCH;
        } else if (find_lit(p, end, "same message repeated ") != NULL) {
            const char *n = find_lit(p, end, "repeated ");
            const char *ns = skip_blanks(n + 9, end), *ne = token_end(ns, end);
            add(ev, "repeat_count", ns, (size_t)(ne - ns));
            mm_event_set_cstr(ev, MM_F_EVENT_ACTION, "repeated");
        } else if (has_prefix(p, end, "main:")) {
            /* "main:  RTX1100 ver=f0 serial=N1A120183 MAC-Address=..." */
            const char *m = skip_blanks(p + 5, end), *me = token_end(m, end);
            set(ev, MM_F_OBSERVER_PRODUCT, m, me);
            const char *s = find_lit(me, end, "serial=");
            if (s != NULL) {
                const char *se = token_end(s + 7, end);
                set(ev, MM_F_OBSERVER_SERIAL, s + 7, se);
            }
            category(ev, "host", "info", "system.info");
        } else if (find_lit(p, end, " starts") != NULL && find_lit(p, end, " Rev.") != NULL) {
            const char *me = token_end(p, end);
            set(ev, MM_F_OBSERVER_PRODUCT, p, me);
            const char *r = find_lit(p, end, " Rev.");
            const char *re = token_end(r + 1, end);
            add(ev, "revision", r + 5, (size_t)(re - r - 5));
            category(ev, "host", "start", "system.start");
        } else if (find_lit(p, end, "boot") != NULL) {
            category(ev, "host", "start", "system.boot");
        }
    }
    if (!ok) {
        return MM_PARSE_NOMATCH;
    }
    mm_event_set_cstr(ev, MM_F_OBSERVER_VENDOR, "YAMAHA");
    if (ev->f[MM_F_OBSERVER_PRODUCT].p == NULL) {
        mm_event_set_cstr(ev, MM_F_OBSERVER_PRODUCT, "RTX");
    }
    mm_event_set_cstr(ev, MM_F_OBSERVER_TYPE, "router");
    if (ev->f[MM_F_EVENT_KIND].p == NULL) {
        mm_event_set_cstr(ev, MM_F_EVENT_KIND, "event");
    }
    return MM_PARSE_OK;
}

const struct mm_parser mm_parser_yamaha_rtx = {"yamaha_rtx", detect, parse};
