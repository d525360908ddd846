#include "daemon/parse_stage.h"
#include "mimamori/log.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "mimamori/handoff.h"
#include "mimamori/net.h"

#define POP_WAIT_MS 200

struct mm_parse_stage {
    struct mm_msgq *q; /* borrowed */
    struct mm_parse_ctx *pctx;
    struct mm_handoff *ho;
    struct mm_parsed batch[MM_PARSED_SLOTS];
    struct mm_parse_hooks hooks;
    pthread_t thread;
    int started;
    /* cache of the last peer's text form: most batches come from one gateway */
    struct sockaddr_storage last_peer;
    char last_text[MM_SOURCE_TEXT];
};

/* The source's name: the peer address as text, or the imported file's name. */
static const char *peer_text(struct mm_parse_stage *s, const struct mm_msg *m, char *buf)
{
    if (m->transport == MM_MSG_FILE) {
        const struct sockaddr_un *sun = (const struct sockaddr_un *)&m->peer;
        if (m->peer.ss_family == AF_UNIX && sun->sun_path[0] != '\0') {
            return sun->sun_path; /* import: the file's name, NUL-terminated by the reader */
        }
        return "file";
    }
    size_t len =
        m->peer.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (memcmp(&s->last_peer, &m->peer, len) != 0 || s->last_text[0] == '\0') {
        struct mm_addr a;
        mm_addr_from_sockaddr(&a, (const struct sockaddr *)&m->peer);
        mm_addr_format(&a, s->last_text, sizeof(s->last_text));
        memcpy(&s->last_peer, &m->peer, len);
    }
    memcpy(buf, s->last_text, MM_SOURCE_TEXT);
    return buf;
}

static void parse_batch(struct mm_parse_stage *s, struct mm_parsed *b)
{
    for (size_t i = 0; i < b->n; i++) {
        const struct mm_msg *m = &b->msg[i];
        struct mm_event *ev = &b->ev[i];
        mm_event_reset(ev, m->data, m->len, m->recv_ns);
        ev->source = peer_text(s, m, b->src[i]);
        if (m->truncated) {
            ev->flags |= MM_EV_TRUNCATED;
        }
        mm_parse_event(s->pctx, ev, m->recv_ns);
        if (s->hooks.event != NULL) {
            s->hooks.event(s->hooks.arg, ev, m, b->src[i]);
        }
    }
}

static void tick(struct mm_parse_stage *s)
{
    if (s->hooks.tick != NULL) {
        s->hooks.tick(s->hooks.arg);
    }
}

static void *stage_main(void *arg)
{
    mm_thread_name("mm-parse");
    struct mm_parse_stage *s = arg;
    for (;;) {
        int slot = mm_handoff_claim(s->ho);
        struct mm_parsed *b = &s->batch[slot];
        b->n = mm_msgq_pop(s->q, b->msg, MM_PARSED_BATCH, POP_WAIT_MS);
        while (b->n == 0 && !mm_msgq_closed_and_empty(s->q)) {
            tick(s);
            b->n = mm_msgq_pop(s->q, b->msg, MM_PARSED_BATCH, POP_WAIT_MS);
        }
        if (b->n == 0) {
            break; /* closed, and everything was popped */
        }
        parse_batch(s, b);
        mm_handoff_publish(s->ho, slot);
        tick(s);
    }
    if (s->hooks.finish != NULL) {
        s->hooks.finish(s->hooks.arg);
    }
    mm_handoff_finish(s->ho);
    return NULL;
}

static void stage_free(struct mm_parse_stage *s)
{
    for (size_t i = 0; i < MM_PARSED_SLOTS; i++) {
        free(s->batch[i].ev);
    }
    mm_handoff_free(s->ho);
    mm_parse_ctx_free(s->pctx);
    free(s);
}

enum mm_err mm_parse_stage_start(struct mm_parse_stage **out, struct mm_msgq *q,
                                 const struct mm_tz *tz, const struct mm_source_pin *pins,
                                 size_t npins, const struct mm_parse_hooks *hooks)
{
    *out = NULL;
    struct mm_parse_stage *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return MM_ENOMEM;
    }
    s->q = q;
    if (hooks != NULL) {
        s->hooks = *hooks;
    }
    enum mm_err rc = mm_parse_ctx_new(&s->pctx, tz, pins, npins);
    if (rc == MM_OK) {
        rc = mm_handoff_new(&s->ho, MM_PARSED_SLOTS);
    }
    for (size_t i = 0; i < MM_PARSED_SLOTS && rc == MM_OK; i++) {
        /* malloc, not calloc: an event is reset before use, and untouched pages stay out of RSS */
        s->batch[i].ev = malloc(MM_PARSED_BATCH * sizeof(struct mm_event));
        if (s->batch[i].ev == NULL) {
            rc = MM_ENOMEM;
        }
    }
    if (rc == MM_OK && pthread_create(&s->thread, NULL, stage_main, s) != 0) {
        rc = MM_EIO;
    }
    if (rc != MM_OK) {
        stage_free(s);
        return rc;
    }
    s->started = 1;
    *out = s;
    return MM_OK;
}

struct mm_parsed *mm_parse_stage_take(struct mm_parse_stage *s, int timeout_ms, int *done)
{
    int slot = mm_handoff_take(s->ho, timeout_ms);
    *done = slot == MM_HANDOFF_DONE;
    return slot >= 0 ? &s->batch[slot] : NULL;
}

void mm_parse_stage_release(struct mm_parse_stage *s, struct mm_parsed *b)
{
    mm_handoff_release(s->ho, (int)(b - s->batch));
}

void mm_parse_stage_free(struct mm_parse_stage *s)
{
    if (s == NULL) {
        return;
    }
    if (s->started) {
        pthread_join(s->thread, NULL);
    }
    stage_free(s);
}
