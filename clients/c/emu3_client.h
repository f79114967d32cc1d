/*
 * emu3_client: a small C library for calling emu3-swift services (libnng + protobuf-c).
 *
 * Every call is one emu3.v1.RpcRequest envelope {method, request_id, deadline_unix_ms,
 * payload} on an NNG REQ socket, answered by one emu3.v1.RpcReply {request_id, code,
 * message, payload, retry_after_ms} (README, "The wire protocol"). Codes are gRPC's.
 *
 *   emu3_client c;
 *   emu3_status st;
 *   if (emu3_client_open(&c, "ipc:///tmp/emu3-1000/backbone.ipc", 1 << 20, 1, &st) != 0) ...
 *   int serving;
 *   if (emu3_health(&c, "", 2000, &serving, &st) == 0 && serving == 1) puts("SERVING");
 *   emu3_client_close(&c);
 */
#ifndef EMU3_CLIENT_H
#define EMU3_CLIENT_H

#include <nng/nng.h>
#include <stddef.h>
#include <stdint.h>

/* gRPC canonical codes used by the services; EMU3_TRANSPORT (-1) is local (no reply). */
enum {
    EMU3_OK = 0,
    EMU3_INVALID_ARGUMENT = 3,
    EMU3_DEADLINE_EXCEEDED = 4,
    EMU3_NOT_FOUND = 5,
    EMU3_RESOURCE_EXHAUSTED = 8,
    EMU3_UNIMPLEMENTED = 12,
    EMU3_INTERNAL = 13,
    EMU3_UNAVAILABLE = 14,
};

/* The outcome of a failed call: the service's status, or a local one. */
typedef struct emu3_status {
    int code;                /* gRPC code (non-zero on failure) */
    char message[512];
    int64_t retry_after_ms;  /* > 0: busy, retry after this long */
} emu3_status;

/* One REQ socket dialled to one address. Not thread-safe; do not copy once opened. */
typedef struct emu3_client {
    nng_socket socket;
    char url[256];
    int connect_wait_ms;     /* with no connection, how long a call waits before UNAVAILABLE */
    volatile int pipes;      /* open connections (updated by NNG's pipe callbacks) */
    unsigned request_counter;
} emu3_client;

/* Opens the socket and starts dialling `url` in the background. `resend` != 0 resends an
 * unanswered request after 5 s (idempotent calls only); 0 never resends (generation).
 * Returns 0, or a code with `st` filled. */
int emu3_client_open(emu3_client *c, const char *url, size_t recv_max_bytes, int resend, emu3_status *st);

void emu3_client_close(emu3_client *c);

/* Calls `method` with the packed request `payload`. On success returns 0 and a malloc'd
 * copy of the reply payload in *reply (free it). On failure returns the status code
 * (DEADLINE_EXCEEDED when no reply came in `timeout_ms`, UNAVAILABLE when nobody listens)
 * and fills `st`. */
int emu3_call(emu3_client *c, const char *method, const uint8_t *payload, size_t payload_len,
              int timeout_ms, uint8_t **reply, size_t *reply_len, emu3_status *st);

/* Sends raw bytes as the request (tests send broken envelopes) and unpacks the reply
 * envelope into *code / message; 0 when a reply envelope came back. */
int emu3_exchange_raw(emu3_client *c, const uint8_t *data, size_t len, int timeout_ms,
                      int *code, char *message, size_t message_size, emu3_status *st);

/* /emu3.v1.Health/Check: *serving_status is 1 SERVING, 2 NOT_SERVING, 0 UNKNOWN. */
int emu3_health(emu3_client *c, const char *service, int timeout_ms, int *serving_status, emu3_status *st);

/* "INVALID_ARGUMENT" etc. */
const char *emu3_status_name(int code);

/* Unix time in milliseconds. */
int64_t emu3_now_ms(void);

#endif
