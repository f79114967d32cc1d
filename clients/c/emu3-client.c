/*
 * emu3-client: an example C client for emu3-swift, built on emu3_client.{h,c}.
 *
 *   make -C clients/c
 *   emu3-client health URL [--timeout-ms N]             prints SERVING / NOT_SERVING
 *   emu3-client info URL                                 name, version, model, methods
 *   emu3-client call URL METHOD [--timeout-ms N]         empty request; prints the status
 *   emu3-client generate URL PROMPT -o OUT.png [--seed N] [--ratio W:H] [--cfg X]
 *                        [--top-k N] [--temperature X] [--timeout-ms N]
 *   emu3-client understand URL IMAGE.png QUESTION [--max-tokens N] [--timeout-ms N]
 *
 * URL is a service address, e.g. ipc:///tmp/emu3-1000/backbone.ipc; generate and
 * understand talk to `emu3-orchestrator serve`.
 * Exit status: 0 success (health: SERVING), 1 health not SERVING, 2 usage or local error,
 * 3 the service answered with an error status (printed as "CODE_NAME: message").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu3/v1/health.pb-c.h"
#include "emu3_client.h"
#ifdef EMU3_HAVE_ORCHESTRATOR
#include "emu3/v1/orchestrator.pb-c.h"
#endif

static int usage(void) {
    fprintf(stderr,
            "usage: emu3-client health URL [--timeout-ms N]\n"
            "       emu3-client info URL [--timeout-ms N]\n"
            "       emu3-client call URL METHOD [--timeout-ms N]\n"
            "       emu3-client generate URL PROMPT -o OUT.png [--seed N] [--ratio W:H] [--cfg X] [--top-k N]\n"
            "                            [--temperature X] [--timeout-ms N]\n"
            "       emu3-client understand URL IMAGE.png QUESTION [--max-tokens N] [--timeout-ms N]\n");
    return 2;
}

static int report(const emu3_status *st) {
    fprintf(stderr, "emu3-client: %s: %s\n", emu3_status_name(st->code), st->message);
    return 3;
}

/* The value after flag `name` among argv[first..], or NULL. */
static const char *flag(int argc, char **argv, int first, const char *name) {
    for (int i = first; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) return argv[i + 1];
    return NULL;
}

static int int_flag(int argc, char **argv, int first, const char *name, int fallback) {
    const char *v = flag(argc, argv, first, name);
    return v ? atoi(v) : fallback;
}

static int cmd_health(emu3_client *c, int timeout_ms) {
    emu3_status st;
    int serving = 0;
    if (emu3_health(c, "", timeout_ms, &serving, &st) != 0) return report(&st);
    const char *names[] = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
    printf("%s\n", serving >= 0 && serving <= 3 ? names[serving] : "UNKNOWN");
    return serving == 1 ? 0 : 1;
}

static int cmd_info(emu3_client *c, int timeout_ms) {
    emu3_status st;
    Emu3__V1__InfoRequest req = EMU3__V1__INFO_REQUEST__INIT;
    uint8_t buf[16];
    size_t len = emu3__v1__info_request__pack(&req, buf);
    uint8_t *reply = NULL;
    size_t reply_len = 0;
    if (emu3_call(c, "/emu3.v1.Info/Get", buf, len, timeout_ms, &reply, &reply_len, &st) != 0) return report(&st);
    Emu3__V1__InfoResponse *r = emu3__v1__info_response__unpack(NULL, reply_len, reply);
    free(reply);
    if (r == NULL) {
        fprintf(stderr, "emu3-client: malformed InfoResponse\n");
        return 2;
    }
    printf("name %s\nversion %s\nmodel %s\nmodel_loaded %d\nthreads %d\nrecv_max_bytes %lld\n", r->name, r->version,
           r->model, r->model_loaded, r->threads, (long long)r->recv_max_bytes);
    for (size_t i = 0; i < r->n_methods; i++) printf("method %s\n", r->methods[i]);
    emu3__v1__info_response__free_unpacked(r, NULL);
    return 0;
}

static int cmd_call(emu3_client *c, const char *method, int timeout_ms) {
    emu3_status st;
    uint8_t *reply = NULL;
    size_t reply_len = 0;
    if (emu3_call(c, method, NULL, 0, timeout_ms, &reply, &reply_len, &st) != 0) return report(&st);
    printf("OK %zu bytes\n", reply_len);
    free(reply);
    return 0;
}

#ifdef EMU3_HAVE_ORCHESTRATOR
static int cmd_generate(emu3_client *c, int argc, char **argv, int timeout_ms) {
    const char *prompt = argv[3];
    const char *out = flag(argc, argv, 4, "-o");
    if (out == NULL) return usage();
    Emu3__V1__GenerateImageRequest req = EMU3__V1__GENERATE_IMAGE_REQUEST__INIT;
    req.prompt = (char *)prompt;
    req.ratio = (char *)(flag(argc, argv, 4, "--ratio") ? flag(argc, argv, 4, "--ratio") : "");
    const char *v;
    if ((v = flag(argc, argv, 4, "--seed"))) req.seed = strtoull(v, NULL, 10);
    if ((v = flag(argc, argv, 4, "--cfg"))) req.cfg_scale = strtof(v, NULL);
    if ((v = flag(argc, argv, 4, "--temperature"))) req.temperature = strtof(v, NULL);
    req.top_k = int_flag(argc, argv, 4, "--top-k", 0);
    size_t len = emu3__v1__generate_image_request__get_packed_size(&req);
    uint8_t *buf = malloc(len ? len : 1);
    emu3__v1__generate_image_request__pack(&req, buf);
    emu3_status st;
    uint8_t *reply = NULL;
    size_t reply_len = 0;
    int rv = emu3_call(c, "/emu3.v1.Orchestrator/GenerateImage", buf, len, timeout_ms, &reply, &reply_len, &st);
    free(buf);
    if (rv != 0) return report(&st);
    Emu3__V1__GenerateImageResponse *r = emu3__v1__generate_image_response__unpack(NULL, reply_len, reply);
    free(reply);
    if (r == NULL) {
        fprintf(stderr, "emu3-client: malformed GenerateImageResponse\n");
        return 2;
    }
    FILE *f = fopen(out, "wb");
    if (f == NULL || fwrite(r->png.data, 1, r->png.len, f) != r->png.len || fclose(f) != 0) {
        fprintf(stderr, "emu3-client: cannot write %s\n", out);
        emu3__v1__generate_image_response__free_unpacked(r, NULL);
        return 2;
    }
    printf("wrote %s %dx%d seed %llu tokens %zu in %lld ms\n", out, r->width, r->height, (unsigned long long)r->seed,
           r->n_token_ids, (long long)r->elapsed_ms);
    emu3__v1__generate_image_response__free_unpacked(r, NULL);
    return 0;
}

static int cmd_understand(emu3_client *c, int argc, char **argv, int timeout_ms) {
    FILE *f = fopen(argv[3], "rb");
    if (f == NULL) {
        fprintf(stderr, "emu3-client: cannot open %s\n", argv[3]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *png = malloc(size > 0 ? (size_t)size : 1);
    if (size <= 0 || fread(png, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(png);
        fprintf(stderr, "emu3-client: cannot read %s\n", argv[3]);
        return 2;
    }
    fclose(f);
    Emu3__V1__UnderstandRequest req = EMU3__V1__UNDERSTAND_REQUEST__INIT;
    req.png.data = png;
    req.png.len = (size_t)size;
    req.question = argv[4];
    req.max_tokens = int_flag(argc, argv, 5, "--max-tokens", 0);
    size_t len = emu3__v1__understand_request__get_packed_size(&req);
    uint8_t *buf = malloc(len);
    emu3__v1__understand_request__pack(&req, buf);
    free(png);
    emu3_status st;
    uint8_t *reply = NULL;
    size_t reply_len = 0;
    int rv = emu3_call(c, "/emu3.v1.Orchestrator/Understand", buf, len, timeout_ms, &reply, &reply_len, &st);
    free(buf);
    if (rv != 0) return report(&st);
    Emu3__V1__UnderstandResponse *r = emu3__v1__understand_response__unpack(NULL, reply_len, reply);
    free(reply);
    if (r == NULL) {
        fprintf(stderr, "emu3-client: malformed UnderstandResponse\n");
        return 2;
    }
    printf("%s\n", r->text);
    emu3__v1__understand_response__free_unpacked(r, NULL);
    return 0;
}
#endif

int main(int argc, char **argv) {
    if (argc < 3) return usage();
    const char *command = argv[1];
    int long_call = strcmp(command, "generate") == 0 || strcmp(command, "understand") == 0;
    int timeout_ms = int_flag(argc, argv, 3, "--timeout-ms", long_call ? 600000 : 2000);
    if (timeout_ms <= 0) return usage();
    emu3_client c;
    emu3_status st;
    /* Pipelines are long and not idempotent: never resend them. */
    if (emu3_client_open(&c, argv[2], 64u << 20, !long_call, &st) != 0) return report(&st);
    int rv;
    if (strcmp(command, "health") == 0) {
        rv = cmd_health(&c, timeout_ms);
    } else if (strcmp(command, "info") == 0) {
        rv = cmd_info(&c, timeout_ms);
    } else if (strcmp(command, "call") == 0 && argc >= 4) {
        rv = cmd_call(&c, argv[3], timeout_ms);
#ifdef EMU3_HAVE_ORCHESTRATOR
    } else if (strcmp(command, "generate") == 0 && argc >= 4) {
        rv = cmd_generate(&c, argc, argv, timeout_ms);
    } else if (strcmp(command, "understand") == 0 && argc >= 5) {
        rv = cmd_understand(&c, argc, argv, timeout_ms);
#else
    } else if (long_call) {
        fprintf(stderr, "emu3-client: built without proto/emu3/v1/orchestrator.proto (run `make proto`, then rebuild)\n");
        rv = 2;
#endif
    } else {
        rv = usage();
    }
    emu3_client_close(&c);
    return rv;
}
