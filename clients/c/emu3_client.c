/* See emu3_client.h. */
#include "emu3_client.h"

#include <nng/protocol/reqrep0/req.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "emu3/v1/health.pb-c.h"
#include "emu3/v1/rpc.pb-c.h"

int64_t emu3_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int fail(emu3_status *st, int code, const char *fmt, ...) {
    st->code = code;
    st->retry_after_ms = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->message, sizeof st->message, fmt, ap);
    va_end(ap);
    return code;
}

const char *emu3_status_name(int code) {
    static const char *names[] = {"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
                                  "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
                                  "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
                                  "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"};
    return code >= 0 && code <= 16 ? names[code] : "UNKNOWN";
}

static void on_pipe(nng_pipe p, nng_pipe_ev ev, void *arg) {
    (void)p;
    emu3_client *c = arg;
    if (ev == NNG_PIPE_EV_ADD_POST) __atomic_add_fetch(&c->pipes, 1, __ATOMIC_SEQ_CST);
    if (ev == NNG_PIPE_EV_REM_POST) __atomic_sub_fetch(&c->pipes, 1, __ATOMIC_SEQ_CST);
}

int emu3_client_open(emu3_client *c, const char *url, size_t recv_max_bytes, int resend, emu3_status *st) {
    memset(c, 0, sizeof *c);
    snprintf(c->url, sizeof c->url, "%s", url);
    c->connect_wait_ms = 500;
    int rv;
    if ((rv = nng_req0_open(&c->socket)) != 0) return fail(st, EMU3_INTERNAL, "nng_req0_open: %s", nng_strerror(rv));
    /* libnng 1.5.2 has no receive limit and infinite timeouts by default: set them all. */
    nng_socket_set_size(c->socket, NNG_OPT_RECVMAXSZ, recv_max_bytes);
    nng_socket_set_ms(c->socket, NNG_OPT_REQ_RESENDTIME, resend ? 5000 : NNG_DURATION_INFINITE);
    nng_socket_set_ms(c->socket, NNG_OPT_RECONNMINT, 100);
    nng_socket_set_ms(c->socket, NNG_OPT_RECONNMAXT, 2000);
    nng_pipe_notify(c->socket, NNG_PIPE_EV_ADD_POST, on_pipe, c);
    nng_pipe_notify(c->socket, NNG_PIPE_EV_REM_POST, on_pipe, c);
    if ((rv = nng_dial(c->socket, url, NULL, NNG_FLAG_NONBLOCK)) != 0) {
        nng_close(c->socket);
        return fail(st, EMU3_INVALID_ARGUMENT, "cannot dial %s: %s", url, nng_strerror(rv));
    }
    return 0;
}

void emu3_client_close(emu3_client *c) { nng_close(c->socket); }

/* With no connection yet, wait briefly, then fail fast (NNG would queue until the deadline). */
static int wait_for_connection(emu3_client *c, int64_t deadline, emu3_status *st) {
    int64_t until = emu3_now_ms() + c->connect_wait_ms;
    if (until > deadline) until = deadline;
    while (__atomic_load_n(&c->pipes, __ATOMIC_SEQ_CST) == 0 && emu3_now_ms() < until) usleep(2000);
    if (__atomic_load_n(&c->pipes, __ATOMIC_SEQ_CST) > 0) return 0;
    if (emu3_now_ms() >= deadline) return fail(st, EMU3_DEADLINE_EXCEEDED, "deadline passed before %s answered", c->url);
    return fail(st, EMU3_UNAVAILABLE, "no service is listening at %s", c->url);
}

/* Sends `data` and receives one reply message (nng_alloc'd) before `deadline`. */
static int transact(emu3_client *c, const uint8_t *data, size_t len, int64_t deadline,
                    uint8_t **out, size_t *out_len, emu3_status *st) {
    int rv;
    if ((rv = wait_for_connection(c, deadline, st)) != 0) return rv;
    int64_t left = deadline - emu3_now_ms();
    if (left <= 0) return fail(st, EMU3_DEADLINE_EXCEEDED, "deadline passed before the call to %s", c->url);
    nng_socket_set_ms(c->socket, NNG_OPT_SENDTIMEO, (nng_duration)left);
    uint8_t *buf = nng_alloc(len ? len : 1);
    if (len) memcpy(buf, data, len);
    if ((rv = nng_send(c->socket, buf, len, NNG_FLAG_ALLOC)) != 0) {
        nng_free(buf, len ? len : 1);
        return fail(st, rv == NNG_ETIMEDOUT ? EMU3_DEADLINE_EXCEEDED : EMU3_UNAVAILABLE, "send to %s: %s", c->url, nng_strerror(rv));
    }
    left = deadline - emu3_now_ms();
    nng_socket_set_ms(c->socket, NNG_OPT_RECVTIMEO, (nng_duration)(left > 0 ? left : 1));
    if ((rv = nng_recv(c->socket, out, out_len, NNG_FLAG_ALLOC)) != 0) {
        return fail(st, rv == NNG_ETIMEDOUT ? EMU3_DEADLINE_EXCEEDED : EMU3_UNAVAILABLE,
                    "no reply from %s: %s", c->url, nng_strerror(rv));
    }
    return 0;
}

int emu3_call(emu3_client *c, const char *method, const uint8_t *payload, size_t payload_len,
              int timeout_ms, uint8_t **reply_payload, size_t *reply_len, emu3_status *st) {
    int64_t deadline = emu3_now_ms() + timeout_ms;
    char request_id[40];
    snprintf(request_id, sizeof request_id, "c-%ld-%u-%lld", (long)getpid(), ++c->request_counter, (long long)deadline);
    Emu3__V1__RpcRequest req = EMU3__V1__RPC_REQUEST__INIT;
    req.method = (char *)method;
    req.request_id = request_id;
    req.deadline_unix_ms = deadline;
    req.payload.data = (uint8_t *)payload;
    req.payload.len = payload_len;
    size_t len = emu3__v1__rpc_request__get_packed_size(&req);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) return fail(st, EMU3_INTERNAL, "out of memory");
    emu3__v1__rpc_request__pack(&req, buf);
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    int rv = transact(c, buf, len, deadline, &raw, &raw_len, st);
    free(buf);
    if (rv != 0) return rv;
    Emu3__V1__RpcReply *reply = emu3__v1__rpc_reply__unpack(NULL, raw_len, raw);
    nng_free(raw, raw_len);
    if (reply == NULL) return fail(st, EMU3_INTERNAL, "malformed reply envelope from %s", c->url);
    if (reply->code != 0) {
        fail(st, reply->code, "%s", reply->message ? reply->message : "");
        st->retry_after_ms = reply->retry_after_ms;
        rv = reply->code;
    } else if (strcmp(reply->request_id, request_id) != 0) {
        rv = fail(st, EMU3_INTERNAL, "reply for request %s does not match %s", reply->request_id, request_id);
    } else {
        *reply_len = reply->payload.len;
        *reply_payload = malloc(reply->payload.len ? reply->payload.len : 1);
        if (*reply_payload == NULL) {
            rv = fail(st, EMU3_INTERNAL, "out of memory");
        } else if (reply->payload.len) {
            memcpy(*reply_payload, reply->payload.data, reply->payload.len);
        }
    }
    emu3__v1__rpc_reply__free_unpacked(reply, NULL);
    return rv;
}

int emu3_exchange_raw(emu3_client *c, const uint8_t *data, size_t len, int timeout_ms,
                      int *code, char *message, size_t message_size, emu3_status *st) {
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    int rv = transact(c, data, len, emu3_now_ms() + timeout_ms, &raw, &raw_len, st);
    if (rv != 0) return rv;
    Emu3__V1__RpcReply *reply = emu3__v1__rpc_reply__unpack(NULL, raw_len, raw);
    nng_free(raw, raw_len);
    if (reply == NULL) return fail(st, EMU3_INTERNAL, "malformed reply envelope from %s", c->url);
    *code = reply->code;
    snprintf(message, message_size, "%s", reply->message ? reply->message : "");
    emu3__v1__rpc_reply__free_unpacked(reply, NULL);
    return 0;
}

int emu3_health(emu3_client *c, const char *service, int timeout_ms, int *serving_status, emu3_status *st) {
    Emu3__V1__HealthCheckRequest check = EMU3__V1__HEALTH_CHECK_REQUEST__INIT;
    check.service = (char *)service;
    uint8_t buf[512];
    if (emu3__v1__health_check_request__get_packed_size(&check) > sizeof buf)
        return fail(st, EMU3_INVALID_ARGUMENT, "service name too long");
    size_t len = emu3__v1__health_check_request__pack(&check, buf);
    uint8_t *reply = NULL;
    size_t reply_len = 0;
    int rv = emu3_call(c, "/emu3.v1.Health/Check", buf, len, timeout_ms, &reply, &reply_len, st);
    if (rv != 0) return rv;
    Emu3__V1__HealthCheckResponse *r = emu3__v1__health_check_response__unpack(NULL, reply_len, reply);
    free(reply);
    if (r == NULL) return fail(st, EMU3_INTERNAL, "malformed HealthCheckResponse from %s", c->url);
    *serving_status = r->status;
    emu3__v1__health_check_response__free_unpacked(r, NULL);
    return 0;
}
