/*
 * loadgen.c - syslog load generator for bench/.
 *
 * Reads a corpus (one message per line) into memory and sends it, cycling,
 * to 127.0.0.1 or ::1 only: over UDP with sendmmsg(2) in batches, or over TCP
 * with LF framing or RFC 6587 octet counting (optionally over several
 * connections, round robin).  A run is always bounded: --count, --duration or
 * both, and never longer than ten minutes.
 *
 * Pacing: --rate N is a token bucket on CLOCK_MONOTONIC (N messages per
 * second, bursts capped at 5 ms worth, so a stall is not made up with a
 * flood); without --rate it sends flat out.
 *
 * Latency probes: with --probe-every K, every K-th message is replaced by the
 * --probe template with "{seq}" replaced by a sequence number (0, 1, ...), and
 * the CLOCK_REALTIME time just before the send call that carried it is
 * recorded; --probe-log writes "seq send_ns" lines at the end (no I/O on the
 * send path).
 *
 * At the end one JSON object goes to stdout: what was sent, how long it took
 * and the achieved rate.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 1024
#define MAX_CONNS 64
#define MAX_LINE 65000 /* a UDP datagram on loopback must fit in 64 KiB */
#define HARD_CAP_NS (600LL * 1000000000LL)
#define PROBE_MAX 8192 /* bytes of one expanded probe line */

enum proto { P_UDP, P_TCP };
enum framing { F_LF, F_OCTET };

struct line {
    const char *p;
    uint32_t n;
};

struct opts {
    enum proto proto;
    enum framing framing;
    const char *host;
    unsigned port;
    const char *file;
    double rate;     /* 0 = flat out */
    uint64_t count;  /* 0 = unbounded by count */
    double duration; /* seconds, 0 = unbounded by time */
    unsigned batch;
    unsigned conns;
    uint64_t probe_every;
    const char *probe_tmpl;
    const char *probe_log;
    int sndbuf;
};

struct probe_rec {
    uint64_t seq;
    int64_t send_ns;
};

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static int64_t clock_ns(clockid_t c)
{
    struct timespec ts;

    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: loadgen --port PORT --file CORPUS (--count N | --duration S) [options]\n"
            "  --udp | --tcp         transport (default udp)\n"
            "  --host ADDR           127.0.0.1 (default) or ::1; nothing else is accepted\n"
            "  --rate N              messages per second (token bucket); default flat out\n"
            "  --count N             stop after N messages\n"
            "  --duration S          stop after S seconds (at most 600)\n"
            "  --batch N             messages per sendmmsg/write (default 64, max %d)\n"
            "  --framing lf|octet    TCP framing (default lf)\n"
            "  --conns N             TCP connections, round robin (default 1, max %d)\n"
            "  --probe-every K       every K-th message is a latency probe\n"
            "  --probe TEMPLATE      probe line; {seq} becomes the probe number\n"
            "  --probe-log FILE      write \"seq send_ns\" per probe (CLOCK_REALTIME)\n"
            "  --sndbuf BYTES        SO_SNDBUF (default 4194304)\n",
            MAX_BATCH, MAX_CONNS);
    exit(2);
}

static uint64_t parse_u64(const char *opt, const char *s, uint64_t lo, uint64_t hi)
{
    char *end;
    unsigned long long v;

    errno = 0;
    if (s == NULL || *s == '\0' || *s == '-') {
        fprintf(stderr, "loadgen: %s: a number is required\n", opt);
        exit(2);
    }
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "loadgen: %s: '%s' is not a number in [%llu, %llu]\n", opt, s,
                (unsigned long long)lo, (unsigned long long)hi);
        exit(2);
    }
    return v;
}

static double parse_dbl(const char *opt, const char *s, double lo, double hi)
{
    char *end;
    double v;

    errno = 0;
    if (s == NULL || *s == '\0') {
        fprintf(stderr, "loadgen: %s: a number is required\n", opt);
        exit(2);
    }
    v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !(v >= lo && v <= hi)) {
        fprintf(stderr, "loadgen: %s: '%s' is not a number in [%g, %g]\n", opt, s, lo, hi);
        exit(2);
    }
    return v;
}

static void parse_args(struct opts *o, int argc, char **argv)
{
    memset(o, 0, sizeof(*o));
    o->proto = P_UDP;
    o->framing = F_LF;
    o->host = "127.0.0.1";
    o->batch = 64;
    o->conns = 1;
    o->sndbuf = 4 * 1024 * 1024;
    o->probe_tmpl = "<14>1 - benchprobe mmbench - - - mmbench-probe seq={seq}";

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--udp") == 0) {
            o->proto = P_UDP;
        } else if (strcmp(a, "--tcp") == 0) {
            o->proto = P_TCP;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage();
        } else if (v == NULL) {
            fprintf(stderr, "loadgen: unknown option or missing value: %s\n", a);
            usage();
        } else {
            i++;
            if (strcmp(a, "--host") == 0) {
                o->host = v;
            } else if (strcmp(a, "--port") == 0) {
                o->port = (unsigned)parse_u64(a, v, 1, 65535);
            } else if (strcmp(a, "--file") == 0) {
                o->file = v;
            } else if (strcmp(a, "--rate") == 0) {
                o->rate = parse_dbl(a, v, 0, 1e8);
            } else if (strcmp(a, "--count") == 0) {
                o->count = parse_u64(a, v, 1, UINT64_MAX / 2);
            } else if (strcmp(a, "--duration") == 0) {
                o->duration = parse_dbl(a, v, 0.001, 600);
            } else if (strcmp(a, "--batch") == 0) {
                o->batch = (unsigned)parse_u64(a, v, 1, MAX_BATCH);
            } else if (strcmp(a, "--conns") == 0) {
                o->conns = (unsigned)parse_u64(a, v, 1, MAX_CONNS);
            } else if (strcmp(a, "--framing") == 0) {
                if (strcmp(v, "lf") == 0) {
                    o->framing = F_LF;
                } else if (strcmp(v, "octet") == 0) {
                    o->framing = F_OCTET;
                } else {
                    fprintf(stderr, "loadgen: --framing: lf or octet\n");
                    exit(2);
                }
            } else if (strcmp(a, "--probe-every") == 0) {
                o->probe_every = parse_u64(a, v, 1, UINT64_MAX / 2);
            } else if (strcmp(a, "--probe") == 0) {
                o->probe_tmpl = v;
            } else if (strcmp(a, "--probe-log") == 0) {
                o->probe_log = v;
            } else if (strcmp(a, "--sndbuf") == 0) {
                o->sndbuf = (int)parse_u64(a, v, 4096, 1 << 30);
            } else {
                fprintf(stderr, "loadgen: unknown option: %s\n", a);
                usage();
            }
        }
    }
    if (o->port == 0 || o->file == NULL) {
        fprintf(stderr, "loadgen: --port and --file are required\n");
        usage();
    }
    if (o->count == 0 && o->duration == 0) {
        fprintf(stderr, "loadgen: refusing an unbounded run: give --count or --duration\n");
        exit(2);
    }
    if (strlen(o->probe_tmpl) > PROBE_MAX - 32) {
        fprintf(stderr, "loadgen: --probe: template too long\n");
        exit(2);
    }
}

/* Resolve --host; only the loopback addresses 127.0.0.1 and ::1 are accepted. */
static socklen_t dest_addr(const struct opts *o, struct sockaddr_storage *ss)
{
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (inet_pton(AF_INET, o->host, &s4->sin_addr) == 1) {
        if (ntohl(s4->sin_addr.s_addr) != INADDR_LOOPBACK) {
            goto refuse;
        }
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)o->port);
        return sizeof(*s4);
    }
    if (inet_pton(AF_INET6, o->host, &s6->sin6_addr) == 1) {
        if (!IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr)) {
            goto refuse;
        }
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)o->port);
        return sizeof(*s6);
    }
refuse:
    fprintf(stderr, "loadgen: refusing destination '%s': only 127.0.0.1 and ::1 are allowed\n",
            o->host);
    exit(2);
}

/* Read the corpus: the whole file, split at LF (a CR before it is dropped). */
static struct line *load_corpus(const char *path, size_t *nlines, char **bufp)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    char *buf;
    size_t len = 0, n = 0, cap = 1024;
    struct line *lines;

    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "loadgen: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    buf = malloc((size_t)st.st_size + 1);
    lines = malloc(cap * sizeof(*lines));
    if (buf == NULL || lines == NULL) {
        fprintf(stderr, "loadgen: out of memory\n");
        exit(1);
    }
    while (len < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            break;
        }
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\n';
    for (size_t i = 0; i < len;) {
        char *nl = memchr(buf + i, '\n', len + 1 - i);
        size_t e = (size_t)(nl - buf), l = e - i;

        if (l > 0 && buf[i + l - 1] == '\r') {
            l--;
        }
        if (l > 0) {
            if (l > MAX_LINE) {
                l = MAX_LINE;
            }
            if (n == cap) {
                struct line *nl2 = realloc(lines, 2 * cap * sizeof(*lines));
                if (nl2 == NULL) {
                    fprintf(stderr, "loadgen: out of memory\n");
                    exit(1);
                }
                lines = nl2;
                cap *= 2;
            }
            lines[n].p = buf + i;
            lines[n].n = (uint32_t)l;
            n++;
        }
        i = e + 1;
    }
    if (n == 0) {
        fprintf(stderr, "loadgen: %s: no lines\n", path);
        exit(1);
    }
    *nlines = n;
    *bufp = buf;
    return lines;
}

/* Expand the probe template into dst; returns the length. */
static size_t probe_expand(char *dst, size_t cap, const char *tmpl, uint64_t seq)
{
    size_t o = 0;

    for (const char *p = tmpl; *p != '\0' && o + 24 < cap;) {
        if (strncmp(p, "{seq}", 5) == 0) {
            int k = snprintf(dst + o, cap - o, "%" PRIu64, seq);
            if (k > 0) {
                o += (size_t)k;
            }
            p += 5;
        } else {
            dst[o++] = *p++;
        }
    }
    return o;
}

struct gen {
    const struct opts *o;
    struct line *lines;
    size_t nlines, next;
    uint64_t msgno; /* messages produced so far */
    uint64_t nprobes;
    struct probe_rec *probes;
    size_t probes_cap;
    char (*probe_buf)[PROBE_MAX]; /* one per batch slot */
};

/*
 * The next message into slot; *is_probe tells whether it is a probe (its
 * send time is recorded by the caller).
 */
static struct line gen_next(struct gen *g, unsigned slot, int *is_probe)
{
    struct line l;

    g->msgno++;
    if (g->o->probe_every != 0 && g->msgno % g->o->probe_every == 0) {
        l.p = g->probe_buf[slot];
        l.n = (uint32_t)probe_expand(g->probe_buf[slot], PROBE_MAX, g->o->probe_tmpl, g->nprobes);
        *is_probe = 1;
        return l;
    }
    *is_probe = 0;
    l = g->lines[g->next];
    if (++g->next == g->nlines) {
        g->next = 0;
    }
    return l;
}

static void probe_note(struct gen *g, int64_t send_ns)
{
    if (g->nprobes == g->probes_cap) {
        size_t nc = g->probes_cap ? 2 * g->probes_cap : 4096;
        struct probe_rec *np = realloc(g->probes, nc * sizeof(*np));
        if (np == NULL) {
            fprintf(stderr, "loadgen: out of memory (probes)\n");
            exit(1);
        }
        g->probes = np;
        g->probes_cap = nc;
    }
    g->probes[g->nprobes].seq = g->nprobes;
    g->probes[g->nprobes].send_ns = send_ns;
    g->nprobes++;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                if (stop_flag) {
                    return -1;
                }
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct opts o;
    struct sockaddr_storage ss;
    socklen_t sslen;
    int fds[MAX_CONNS];
    struct gen g;
    char *corpus;
    struct mmsghdr *msgs = NULL;
    struct iovec *iov = NULL;
    char *tcpbuf = NULL;
    size_t tcpcap = 0;
    uint64_t sent = 0, bytes = 0, errors = 0;
    int64_t t0, deadline, t_first = 0, t_last = 0;
    const char *stopped_by = "count";
    struct sigaction sa;
    unsigned conn_rr = 0;

    parse_args(&o, argc, argv);
    sslen = dest_addr(&o, &ss);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    memset(&g, 0, sizeof(g));
    g.o = &o;
    g.lines = load_corpus(o.file, &g.nlines, &corpus);
    g.probe_buf = calloc(o.batch, sizeof(*g.probe_buf));
    if (g.probe_buf == NULL) {
        fprintf(stderr, "loadgen: out of memory\n");
        return 1;
    }

    for (unsigned c = 0; c < (o.proto == P_TCP ? o.conns : 1); c++) {
        int fd =
            socket(ss.ss_family, (o.proto == P_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            fprintf(stderr, "loadgen: socket: %s\n", strerror(errno));
            return 1;
        }
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &o.sndbuf, sizeof(o.sndbuf));
        if (connect(fd, (struct sockaddr *)&ss, sslen) != 0) {
            fprintf(stderr, "loadgen: connect %s port %u: %s\n", o.host, o.port, strerror(errno));
            return 1;
        }
        fds[c] = fd;
    }

    if (o.proto == P_UDP) {
        msgs = calloc(o.batch, sizeof(*msgs));
        iov = calloc(o.batch, sizeof(*iov));
        if (msgs == NULL || iov == NULL) {
            fprintf(stderr, "loadgen: out of memory\n");
            return 1;
        }
    } else {
        tcpcap = (size_t)o.batch * (MAX_LINE + 16);
        if (tcpcap > 64u * 1024 * 1024) {
            tcpcap = 64u * 1024 * 1024;
        }
        tcpbuf = malloc(tcpcap);
        if (tcpbuf == NULL) {
            fprintf(stderr, "loadgen: out of memory\n");
            return 1;
        }
    }

    /*
     * Batch size when paced: about 0.5 ms worth of messages, so that the
     * stream is smooth at the millisecond scale, within [1, --batch].
     */
    unsigned pbatch = o.batch;
    if (o.rate > 0) {
        double b = o.rate / 2000.0;
        pbatch = b < 1 ? 1 : (b > o.batch ? o.batch : (unsigned)b);
    }
    double burst = o.rate * 0.005;
    if (burst < pbatch) {
        burst = pbatch;
    }

    t0 = clock_ns(CLOCK_MONOTONIC);
    deadline = t0 + HARD_CAP_NS;
    if (o.duration > 0 && (int64_t)(o.duration * 1e9) < HARD_CAP_NS) {
        deadline = t0 + (int64_t)(o.duration * 1e9);
        stopped_by = o.count ? "count" : "duration";
    }
    int64_t pace_t0 = t0; /* origin of the token bucket, moved forward after stalls */
    uint64_t pace_base = 0;

    for (;;) {
        int64_t now = clock_ns(CLOCK_MONOTONIC);
        unsigned want = pbatch;

        if (stop_flag) {
            stopped_by = "signal";
            break;
        }
        if (o.count && sent >= o.count) {
            stopped_by = "count";
            break;
        }
        if (now >= deadline) {
            stopped_by = (o.duration > 0 && o.duration * 1e9 < HARD_CAP_NS) ? "duration" : "cap";
            break;
        }
        if (o.count && o.count - sent < want) {
            want = (unsigned)(o.count - sent);
        }
        if (o.rate > 0) {
            double allowed = (double)(now - pace_t0) * o.rate / 1e9 + (double)pace_base;
            if (allowed - (double)sent > burst) {
                /* we fell behind (a stall): forget the debt beyond one burst */
                pace_t0 = now;
                pace_base = sent;
                allowed = (double)sent + burst;
            }
            if (allowed < (double)(sent + want)) {
                double need = (double)(sent + want - pace_base) / o.rate * 1e9;
                int64_t at = pace_t0 + (int64_t)need;
                struct timespec ts = {at / 1000000000LL, at % 1000000000LL};
                if (at > deadline) {
                    at = deadline;
                    ts.tv_sec = at / 1000000000LL;
                    ts.tv_nsec = at % 1000000000LL;
                }
                clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
                continue;
            }
        }

        /* build the batch */
        unsigned nprobe_in_batch = 0;
        if (o.proto == P_UDP) {
            for (unsigned i = 0; i < want; i++) {
                int isp;
                struct line l = gen_next(&g, i, &isp);
                iov[i].iov_base = (void *)l.p;
                iov[i].iov_len = l.n;
                memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
                msgs[i].msg_hdr.msg_iov = &iov[i];
                msgs[i].msg_hdr.msg_iovlen = 1;
                nprobe_in_batch += (unsigned)isp;
            }
            if (nprobe_in_batch) {
                int64_t ts = clock_ns(CLOCK_REALTIME);
                for (unsigned k = 0; k < nprobe_in_batch; k++) {
                    probe_note(&g, ts);
                }
            }
            if (t_first == 0) {
                t_first = clock_ns(CLOCK_MONOTONIC);
            }
            unsigned done = 0;
            while (done < want) {
                int r = sendmmsg(fds[0], msgs + done, want - done, 0);
                if (r < 0) {
                    if (errno == EINTR && !stop_flag) {
                        continue;
                    }
                    if (errno == EAGAIN || errno == ENOBUFS) {
                        errors++;
                        continue;
                    }
                    /* ECONNREFUSED (no listener yet) and the like: the datagram is lost */
                    errors++;
                    done++;
                    if (stop_flag) {
                        break;
                    }
                    continue;
                }
                for (int k = 0; k < r; k++) {
                    bytes += msgs[done + (unsigned)k].msg_len;
                }
                done += (unsigned)r;
            }
            sent += want;
        } else {
            size_t off = 0;
            for (unsigned i = 0; i < want; i++) {
                int isp;
                struct line l = gen_next(&g, i, &isp);
                if (off + l.n + 16 > tcpcap) {
                    /* cannot happen with the sizes above; keep the bound anyway */
                    l.n = 0;
                }
                if (o.framing == F_OCTET) {
                    int k = snprintf(tcpbuf + off, tcpcap - off, "%u ", l.n);
                    off += (size_t)k;
                    memcpy(tcpbuf + off, l.p, l.n);
                    off += l.n;
                } else {
                    memcpy(tcpbuf + off, l.p, l.n);
                    off += l.n;
                    tcpbuf[off++] = '\n';
                }
                nprobe_in_batch += (unsigned)isp;
            }
            if (nprobe_in_batch) {
                int64_t ts = clock_ns(CLOCK_REALTIME);
                for (unsigned k = 0; k < nprobe_in_batch; k++) {
                    probe_note(&g, ts);
                }
            }
            if (t_first == 0) {
                t_first = clock_ns(CLOCK_MONOTONIC);
            }
            int fd = fds[conn_rr];
            conn_rr = (conn_rr + 1) % o.conns;
            if (write_all(fd, tcpbuf, off) != 0) {
                if (stop_flag) {
                    stopped_by = "signal";
                } else {
                    fprintf(stderr, "loadgen: write: %s\n", strerror(errno));
                    stopped_by = "error";
                    errors++;
                }
                break;
            }
            bytes += off;
            sent += want;
        }
        t_last = clock_ns(CLOCK_MONOTONIC);
    }

    for (unsigned c = 0; c < (o.proto == P_TCP ? o.conns : 1); c++) {
        if (o.proto == P_TCP) {
            shutdown(fds[c], SHUT_WR);
        }
        close(fds[c]);
    }

    double el = t_last > t_first ? (double)(t_last - t_first) / 1e9 : 0.0;
    if (o.probe_log != NULL) {
        FILE *f = fopen(o.probe_log, "w");
        if (f == NULL) {
            fprintf(stderr, "loadgen: %s: %s\n", o.probe_log, strerror(errno));
            return 1;
        }
        for (uint64_t i = 0; i < g.nprobes; i++) {
            fprintf(f, "%" PRIu64 " %" PRId64 "\n", g.probes[i].seq, g.probes[i].send_ns);
        }
        fclose(f);
    }
    printf("{\"tool\":\"loadgen\",\"proto\":\"%s\",\"framing\":\"%s\",\"dest\":\"%s\",\"port\":%u,"
           "\"target_rate\":%.0f,\"sent\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"elapsed_s\":%.6f,"
           "\"rate\":%.1f,\"mbit_s\":%.1f,\"send_errors\":%" PRIu64 ",\"probes\":%" PRIu64
           ",\"corpus_lines\":%zu,\"stopped_by\":\"%s\"}\n",
           o.proto == P_UDP ? "udp" : "tcp",
           o.proto == P_UDP ? "datagram" : (o.framing == F_LF ? "lf" : "octet"), o.host, o.port,
           o.rate, sent, bytes, el, el > 0 ? (double)sent / el : 0.0,
           el > 0 ? (double)bytes * 8 / el / 1e6 : 0.0, errors, g.nprobes, g.nlines, stopped_by);
    fflush(stdout);
    free(msgs);
    free(iov);
    free(tcpbuf);
    free(g.probes);
    free(g.probe_buf);
    free(g.lines);
    free(corpus);
    return 0;
}
