/*
 * emu3-health: a minimal C client for emu3-swift services (libnng + protobuf-c).
 * Sends /emu3.v1.Health/Check in the emu3.v1.RpcRequest envelope and prints the status.
 *
 *   make -C clients/c
 *   clients/c/emu3-health ipc:///tmp/emu3-0/text-tokenizer.ipc [timeout_ms]
 *
 * Exit status: 0 SERVING, 1 NOT_SERVING/other, 2 transport or protocol error.
 * Every socket option the service contract asks for is set explicitly: libnng 1.5.2 has
 * no receive size limit and infinite timeouts by default (RELIABILITY.md §0).
 */
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu3/v1/health.pb-c.h"
#include "emu3/v1/rpc.pb-c.h"

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int fail(const char *what, int rv) {
    fprintf(stderr, "emu3-health: %s: %s\n", what, nng_strerror(rv));
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s URL [timeout_ms]\n", argv[0]);
        return 2;
    }
    const char *url = argv[1];
    int timeout_ms = argc > 2 ? atoi(argv[2]) : 2000;
    nng_socket sock;
    int rv;
    if ((rv = nng_req0_open(&sock)) != 0) return fail("nng_req0_open", rv);
    nng_socket_set_size(sock, NNG_OPT_RECVMAXSZ, 1 << 20);
    nng_socket_set_ms(sock, NNG_OPT_SENDTIMEO, timeout_ms);
    nng_socket_set_ms(sock, NNG_OPT_RECVTIMEO, timeout_ms);
    nng_socket_set_ms(sock, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
    if ((rv = nng_dial(sock, url, NULL, 0)) != 0) return fail("nng_dial", rv);

    /* The method's own message goes in the envelope's payload. */
    Emu3__V1__HealthCheckRequest check = EMU3__V1__HEALTH_CHECK_REQUEST__INIT;
    check.service = "";
    size_t check_len = emu3__v1__health_check_request__get_packed_size(&check);
    uint8_t *check_buf = malloc(check_len + 1);
    emu3__v1__health_check_request__pack(&check, check_buf);

    Emu3__V1__RpcRequest req = EMU3__V1__RPC_REQUEST__INIT;
    req.method = "/emu3.v1.Health/Check";
    req.request_id = "c-client-1";
    req.deadline_unix_ms = now_ms() + timeout_ms;
    req.payload.data = check_buf;
    req.payload.len = check_len;
    size_t len = emu3__v1__rpc_request__get_packed_size(&req);
    uint8_t *buf = nng_alloc(len);
    emu3__v1__rpc_request__pack(&req, buf);
    free(check_buf);
    if ((rv = nng_send(sock, buf, len, NNG_FLAG_ALLOC)) != 0) return fail("send", rv);

    uint8_t *reply_buf = NULL;
    size_t reply_len = 0;
    if ((rv = nng_recv(sock, &reply_buf, &reply_len, NNG_FLAG_ALLOC)) != 0) return fail("receive", rv);
    Emu3__V1__RpcReply *reply = emu3__v1__rpc_reply__unpack(NULL, reply_len, reply_buf);
    nng_free(reply_buf, reply_len);
    if (reply == NULL) {
        fprintf(stderr, "emu3-health: malformed reply envelope\n");
        return 2;
    }
    if (reply->code != 0) {
        fprintf(stderr, "emu3-health: status %d: %s\n", reply->code, reply->message);
        emu3__v1__rpc_reply__free_unpacked(reply, NULL);
        return 2;
    }
    Emu3__V1__HealthCheckResponse *health =
        emu3__v1__health_check_response__unpack(NULL, reply->payload.len, reply->payload.data);
    emu3__v1__rpc_reply__free_unpacked(reply, NULL);
    if (health == NULL) {
        fprintf(stderr, "emu3-health: malformed HealthCheckResponse\n");
        return 2;
    }
    const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value(
        &emu3__v1__health_check_response__serving_status__descriptor, health->status);
    printf("%s\n", v ? v->name : "UNKNOWN");
    int serving = health->status == EMU3__V1__HEALTH_CHECK_RESPONSE__SERVING_STATUS__SERVING;
    emu3__v1__health_check_response__free_unpacked(health, NULL);
    nng_close(sock);
    return serving ? 0 : 1;
}
