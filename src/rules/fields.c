/*
 * fields.c - how rule field names and logsources map onto events.
 *
 * Field names are ECS; Sigma's generic taxonomy names and a few common log
 * formats' names are accepted as aliases (table below, case-insensitive).
 * A name that is neither an alias nor a well-known field is an extra field
 * ("fortinet.logid"), compared against ev->x[] by full name.
 *
 * Logsource: product -> parser names (ev->parser, or observer.vendor /
 * observer.product), service -> process.name, category -> event.category.
 * A part that is not in the tables does not restrict anything, so a rule
 * with an unknown logsource is tested against every event.  The tables are
 * documented in docs/rules.md; keep both in step.
 */
#include "rules_int.h"
#include "lists_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct alias {
    const char *from;
    const char *to;
};

static const struct alias aliases[] = {
    /* Sigma generic / firewall taxonomy */
    {"src_ip", "source.ip"},
    {"dst_ip", "destination.ip"},
    {"src_port", "source.port"},
    {"dst_port", "destination.port"},
    {"src_mac", "source.mac"},
    {"dst_mac", "destination.mac"},
    {"src", "source.ip"},
    {"dst", "destination.ip"},
    {"user", "user.name"},
    {"username", "user.name"},
    {"action", "event.action"},
    {"outcome", "event.outcome"},
    {"hostname", "host.hostname"},
    {"computer", "host.hostname"},
    {"proto", "network.transport"},
    {"protocol", "network.transport"},
    {"msg", "message"},
    /* Sysmon-style names */
    {"sourceip", "source.ip"},
    {"destinationip", "destination.ip"},
    {"sourceport", "source.port"},
    {"destinationport", "destination.port"},
    {"sourcehostname", "host.hostname"},
    /* web server / proxy taxonomy (W3C names) */
    {"url", "url.original"},
    {"c-uri", "url.original"},
    {"c-uri-stem", "url.path"},
    {"c-ip", "source.ip"},
    {"c-useragent", "user_agent.original"},
    {"useragent", "user_agent.original"},
    {"cs-host", "url.domain"},
    {"cs-method", "http.request.method"},
    {"method", "http.request.method"},
    {"sc-status", "http.response.status_code"},
    {"r-dns", "url.domain"},
    /* dns */
    {"query", "dns.question.name"},
    {"queryname", "dns.question.name"},
    /* files */
    {"filename", "file.name"},
    {"sha256", "file.hash.sha256"},
};

const char *mm_rules_alias(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        if (strlen(aliases[i].from) == n && strncasecmp(aliases[i].from, name, n) == 0) {
            return aliases[i].to;
        }
    }
    return NULL;
}

enum mm_err mm_rules_fref_init(struct fref *f, const char *name, size_t n)
{
    const char *canon = mm_rules_alias(name, n);
    if (canon != NULL) {
        name = canon;
        n = strlen(canon);
    }
    f->name = malloc(n + 1);
    if (f->name == NULL) {
        return MM_ENOMEM;
    }
    memcpy(f->name, name, n);
    f->name[n] = '\0';
    f->nlen = n;
    f->id = mm_field_lookup(name, n);
    /* calendar and GeoIP pseudo-fields are computed when read (calendar.c, geoip.c) */
    f->virt = mm_rules_vfield(name, n);
    if (f->virt < 0) {
        f->virt = VF_NONE;
        return MM_EINVAL; /* an unknown mimamori.time.* name */
    }
    return MM_OK;
}

void mm_rules_fref_free(struct fref *f)
{
    if (f != NULL) {
        free(f->name);
        f->name = NULL;
    }
}

struct mm_str mm_rules_fref_get(const struct fref *f, const struct mm_event *ev)
{
    /* a well-known field lives only in the fixed array (mm_event_add routes it there) */
    if (f->id != MM_F__COUNT) {
        return ev->f[f->id];
    }
    size_t n = f->nlen;
    char last = n ? f->name[n - 1] : '\0';
    for (uint32_t i = ev->nx; i-- > 0;) {
        /* a name ends with its key: most extras fail on the key's last byte, inline */
        const struct mm_xfield *x = &ev->x[i];
        size_t kn = x->key.n;
        if (kn > n || (kn > 0 && x->key.p[kn - 1] != last)) {
            continue;
        }
        if (mm_xfield_is(x, f->name, n)) {
            return x->val;
        }
    }
    struct mm_str none = {NULL, 0};
    return none;
}

/* ---- logsource ---- */

struct lsmap {
    const char *names;          /* '|'-separated Sigma values */
    const char *const *values;  /* NULL: known, but no restriction */
};

static const char *const p_fortinet[] = {"fortigate", "fortinet", "fortios", NULL};
static const char *const p_paloalto[] = {"paloalto", "pan-os", "panos", "palo alto networks",
                                         NULL};
static const char *const p_cisco[] = {"cisco_asa", "asa", "cisco", "cisco-asa", NULL};
static const char *const p_pfsense[] = {"pfsense", "netgate", NULL};
static const char *const p_watchguard[] = {"watchguard", "fireware", NULL};
static const char *const p_checkpoint[] = {"checkpoint", "check point", NULL};
static const char *const p_sophos[] = {"sophos", "sophos-utm", "sophos-xg", NULL};
static const char *const p_yamaha[] = {"yamaha", "rtx", NULL};
static const char *const p_juniper[] = {"juniper", "srx", NULL};
static const char *const p_windows[] = {"windows", NULL};

static const struct lsmap products[] = {
    {"fortigate|fortinet|fortios", p_fortinet},
    {"paloalto|pan-os|panos|palo_alto", p_paloalto},
    {"cisco|asa|cisco_asa", p_cisco},
    {"sophos", p_sophos},
    {"yamaha|rtx", p_yamaha},
    {"juniper|srx", p_juniper},
    {"pfsense|opnsense", p_pfsense},
    {"watchguard|fireware", p_watchguard},
    {"checkpoint|check_point", p_checkpoint},
    {"windows", p_windows},
    /* syslog from any Linux/Unix host, or any gateway: any parser may take it */
    {"linux|unix|macos|freebsd|openbsd|gateway|firewall|any", NULL},
};

static const char *const s_sshd[] = {"sshd", NULL};
static const char *const s_sudo[] = {"sudo", NULL};
static const char *const s_su[] = {"su", NULL};
static const char *const s_cron[] = {"cron", "crond", NULL};
static const char *const s_vsftpd[] = {"vsftpd", NULL};
static const char *const s_apache[] = {"httpd", "apache2", "apache", NULL};
static const char *const s_nginx[] = {"nginx", NULL};
static const char *const s_named[] = {"named", NULL};
static const char *const s_openvpn[] = {"openvpn", NULL};
static const char *const s_ipsec[] = {"charon", "strongswan", "ipsec", "pluto", NULL};

static const struct lsmap services[] = {
    {"sshd|ssh", s_sshd},          {"sudo", s_sudo},        {"su", s_su},
    {"cron", s_cron},              {"vsftpd", s_vsftpd},    {"apache|httpd", s_apache},
    {"nginx", s_nginx},            {"named|bind", s_named}, {"openvpn", s_openvpn},
    {"strongswan|ipsec", s_ipsec},
};

static const char *const c_auth[] = {"authentication", NULL};
static const char *const c_network[] = {"network", NULL};
static const char *const c_web[] = {"web", "network", NULL};
static const char *const c_malware[] = {"malware", NULL};
static const char *const c_ids[] = {"intrusion_detection", NULL};

static const struct lsmap categories[] = {
    {"authentication", c_auth},
    {"firewall|network_connection|dns", c_network},
    {"proxy|webserver", c_web},
    {"antivirus", c_malware},
    {"ids|ips", c_ids},
};

static int in_names(const char *names, const char *v)
{
    size_t vl = strlen(v);
    const char *p = names;
    while (*p != '\0') {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == vl && strncasecmp(p, v, n) == 0) {
            return 1;
        }
        if (e == NULL) {
            break;
        }
        p = e + 1;
    }
    return 0;
}

static const char *const *lookup(const struct lsmap *m, size_t n, const char *v)
{
    if (v == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (in_names(m[i].names, v)) {
            return m[i].values;
        }
    }
    return NULL;
}

int mm_rules_logsource_map(const char *product, const char *service, const char *category,
                           const char *const **parsers, const char *const **svcs,
                           const char *const **cats)
{
    *parsers = lookup(products, sizeof(products) / sizeof(products[0]), product);
    *svcs = lookup(services, sizeof(services) / sizeof(services[0]), service);
    *cats = lookup(categories, sizeof(categories) / sizeof(categories[0]), category);
    return *parsers != NULL || *svcs != NULL || *cats != NULL;
}
