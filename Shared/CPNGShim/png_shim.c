// libpng calls behind setjmp for emu3-swift (see include/CPNGShim.h for the contract).
//
// Every function here follows one pattern: create the libpng struct, install an error handler
// that records the message and longjmps back, do the work, and on either path destroy the
// struct and free whatever was allocated. Variables that change after setjmp and are read
// after a longjmp are volatile (C11 7.13.2.1).
#include "CPNGShim.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

// MARK: - Shared helpers

typedef struct {
    const uint8_t *data;
    size_t length;
    size_t offset;
    int truncated;                 // set by read_from_memory before it raises
    emu3_png_status status_hint;   // set when the raising site knows the category
    char *message;
    size_t message_capacity;
} shim_context;

static void set_message(char *message, size_t capacity, const char *text) {
    if (message == NULL || capacity == 0) return;
    size_t n = strlen(text);
    if (n >= capacity) n = capacity - 1;
    memcpy(message, text, n);
    message[n] = '\0';
}

static void on_error(png_structp png, png_const_charp text) {
    shim_context *ctx = (shim_context *)png_get_error_ptr(png);
    if (ctx != NULL) set_message(ctx->message, ctx->message_capacity, text != NULL ? text : "libpng error");
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) {
    // Warnings (bad ancillary CRC, skipped chunks) are not errors for us and must not reach stderr.
    (void)png;
    (void)text;
}

static void read_from_memory(png_structp png, png_bytep out, png_size_t count) {
    shim_context *ctx = (shim_context *)png_get_io_ptr(png);
    if (count > ctx->length - ctx->offset) {
        ctx->truncated = 1;
        png_error(png, "unexpected end of data");
    }
    memcpy(out, ctx->data + ctx->offset, count);
    ctx->offset += count;
}

static uint32_t read_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static emu3_png_status classify(const shim_context *ctx) {
    if (ctx->truncated) return EMU3_PNG_TRUNCATED;
    if (ctx->status_hint != EMU3_PNG_OK) return ctx->status_hint;
    if (ctx->message != NULL) {
        if (strstr(ctx->message, "user limit") != NULL) return EMU3_PNG_TOO_LARGE;
        if (strstr(ctx->message, "out of memory") != NULL || strstr(ctx->message, "Out of memory") != NULL)
            return EMU3_PNG_NO_MEMORY;
    }
    return EMU3_PNG_CORRUPT;
}

// MARK: - Header

emu3_png_status emu3_png_read_header(const uint8_t *data, size_t length, emu3_png_header *header,
                                     char *message, size_t message_capacity) {
    static const uint8_t signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    if (data == NULL || header == NULL) {
        set_message(message, message_capacity, "no data");
        return EMU3_PNG_BAD_ARGUMENT;
    }
    if (length < 8 || memcmp(data, signature, 8) != 0) {
        set_message(message, message_capacity, "missing PNG signature");
        return EMU3_PNG_NOT_PNG;
    }
    // Signature (8) + length (4) + "IHDR" (4) + 13 data bytes + CRC (4) = 33 bytes.
    if (length < 33) {
        set_message(message, message_capacity, "file ends inside the IHDR chunk");
        return EMU3_PNG_TRUNCATED;
    }
    if (read_be32(data + 8) != 13 || memcmp(data + 12, "IHDR", 4) != 0) {
        set_message(message, message_capacity, "first chunk is not a 13-byte IHDR");
        return EMU3_PNG_CORRUPT;
    }
    uint32_t crc = (uint32_t)crc32(0L, data + 12, 17);
    if (crc != read_be32(data + 29)) {
        set_message(message, message_capacity, "IHDR CRC mismatch");
        return EMU3_PNG_CORRUPT;
    }
    header->width = read_be32(data + 16);
    header->height = read_be32(data + 20);
    header->bit_depth = data[24];
    header->color_type = data[25];
    header->interlace = data[28];
    return EMU3_PNG_OK;
}

// MARK: - Decode

// Ancillary chunks that Pillow's RGB conversion does not use. Marking them "never keep" makes
// libpng skip them without inflating (zTXt/iTXt/iCCP bombs cost nothing), and keeps them away
// from the png_read_end paths of CVE-2026-46675.
static const png_byte skipped_chunks[] = {
    'b', 'K', 'G', 'D', '\0', 'c', 'H', 'R', 'M', '\0', 'e', 'X', 'I', 'f', '\0', 'g', 'A', 'M', 'A', '\0',
    'h', 'I', 'S', 'T', '\0', 'i', 'C', 'C', 'P', '\0', 'i', 'T', 'X', 't', '\0', 'o', 'F', 'F', 's', '\0',
    'p', 'C', 'A', 'L', '\0', 'p', 'H', 'Y', 's', '\0', 's', 'B', 'I', 'T', '\0', 's', 'C', 'A', 'L', '\0',
    's', 'P', 'L', 'T', '\0', 's', 'R', 'G', 'B', '\0', 's', 'T', 'E', 'R', '\0', 't', 'E', 'X', 't', '\0',
    't', 'I', 'M', 'E', '\0', 'z', 'T', 'X', 't', '\0',
};

emu3_png_status emu3_png_decode_rgba(const uint8_t *data, size_t length, const emu3_png_limits *limits,
                                     uint8_t *out, size_t out_length, int *had_alpha,
                                     char *message, size_t message_capacity) {
    set_message(message, message_capacity, "");
    if (data == NULL || limits == NULL || out == NULL || had_alpha == NULL) {
        set_message(message, message_capacity, "null argument");
        return EMU3_PNG_BAD_ARGUMENT;
    }
    shim_context ctx = {data, length, 0, 0, EMU3_PNG_OK, message, message_capacity};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    if (png == NULL) {
        set_message(message, message_capacity, "png_create_read_struct failed");
        return EMU3_PNG_NO_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_read_struct(&png, NULL, NULL);
        set_message(message, message_capacity, "png_create_info_struct failed");
        return EMU3_PNG_NO_MEMORY;
    }
    png_bytep *volatile rows = NULL;

    if (setjmp(png_jmpbuf(png))) {
        emu3_png_status status = classify(&ctx);
        free((void *)rows);
        png_destroy_read_struct(&png, &info, NULL);
        return status;
    }

    png_set_read_fn(png, &ctx, read_from_memory);
    // Limits go in before png_read_info (RELIABILITY.md §3.3).
    png_set_user_limits(png, limits->max_width, limits->max_height);
    png_set_chunk_cache_max(png, limits->chunk_cache_max);
    png_set_chunk_malloc_max(png, limits->chunk_malloc_max);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, skipped_chunks,
                                (int)(sizeof skipped_chunks / 5));

    png_read_info(png, info);
    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0, interlace = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
    if ((size_t)width * (size_t)height * 4u != out_length) {
        ctx.status_hint = EMU3_PNG_BAD_ARGUMENT;
        png_error(png, "output buffer does not match the IHDR size");
    }
    int has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    *had_alpha = ((color_type & PNG_COLOR_MASK_ALPHA) != 0 || has_trns) ? 1 : 0;

    // Everything to 8-bit RGBA: palette → RGB, grey 1/2/4 → 8, tRNS → alpha, 16 → 8 (high
    // byte, as Pillow reads 16-bit RGB), grey → RGB, filler alpha 255 when there is none.
    png_set_expand(png);
    png_set_strip_16(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    if ((color_type & PNG_COLOR_MASK_ALPHA) == 0 && !has_trns) png_set_filler(png, 0xff, PNG_FILLER_AFTER);
    (void)png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)width * 4u || png_get_channels(png, info) != 4) {
        ctx.status_hint = EMU3_PNG_INTERNAL;
        png_error(png, "transformations did not produce 8-bit RGBA");
    }

    rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)height);
    if (rows == NULL) {
        ctx.status_hint = EMU3_PNG_NO_MEMORY;
        png_error(png, "out of memory for row pointers");
    }
    for (png_uint_32 y = 0; y < height; y++) rows[y] = out + (size_t)y * (size_t)width * 4u;
    png_read_image(png, rows);
    // Reads up to IEND: a missing IEND or a bad CRC after the image data is an error.
    png_read_end(png, NULL);

    free((void *)rows);
    png_destroy_read_struct(&png, &info, NULL);
    return EMU3_PNG_OK;
}

// MARK: - Encode

typedef struct {
    uint8_t *bytes;
    size_t length;
    size_t capacity;
    int failed;
} growable_buffer;

static void write_to_memory(png_structp png, png_bytep data, png_size_t count) {
    growable_buffer *buffer = (growable_buffer *)png_get_io_ptr(png);
    if (count > SIZE_MAX - buffer->length) {
        buffer->failed = 1;
        png_error(png, "output too large");
    }
    size_t needed = buffer->length + count;
    if (needed > buffer->capacity) {
        size_t capacity = buffer->capacity == 0 ? 4096 : buffer->capacity;
        while (capacity < needed) capacity = capacity > SIZE_MAX / 2 ? needed : capacity * 2;
        uint8_t *grown = (uint8_t *)realloc(buffer->bytes, capacity);
        if (grown == NULL) {
            buffer->failed = 1;
            png_error(png, "out of memory for the output buffer");
        }
        buffer->bytes = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->length, data, count);
    buffer->length = needed;
}

static void flush_memory(png_structp png) { (void)png; }

emu3_png_status emu3_png_encode_rgb(const uint8_t *rgb, uint32_t width, uint32_t height,
                                    const emu3_png_text *texts, int text_count, int compression_level,
                                    uint8_t **out, size_t *out_length, char *message, size_t message_capacity) {
    set_message(message, message_capacity, "");
    if (rgb == NULL || out == NULL || out_length == NULL || width == 0 || height == 0 || text_count < 0 ||
        (text_count > 0 && texts == NULL)) {
        set_message(message, message_capacity, "bad arguments to emu3_png_encode_rgb");
        return EMU3_PNG_BAD_ARGUMENT;
    }
    *out = NULL;
    *out_length = 0;
    shim_context ctx = {NULL, 0, 0, 0, EMU3_PNG_OK, message, message_capacity};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    if (png == NULL) {
        set_message(message, message_capacity, "png_create_write_struct failed");
        return EMU3_PNG_NO_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        set_message(message, message_capacity, "png_create_info_struct failed");
        return EMU3_PNG_NO_MEMORY;
    }
    growable_buffer buffer = {NULL, 0, 0, 0};
    png_textp volatile text_array = NULL;

    if (setjmp(png_jmpbuf(png))) {
        emu3_png_status status = buffer.failed ? EMU3_PNG_NO_MEMORY : classify(&ctx);
        if (status == EMU3_PNG_CORRUPT) status = EMU3_PNG_BAD_ARGUMENT;  // libpng refused our input
        free(buffer.bytes);
        free((void *)text_array);
        png_destroy_write_struct(&png, &info);
        return status;
    }

    png_set_write_fn(png, &buffer, write_to_memory, flush_memory);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (compression_level >= 0 && compression_level <= 9) png_set_compression_level(png, compression_level);
    if (text_count > 0) {
        text_array = (png_textp)calloc((size_t)text_count, sizeof(png_text));
        if (text_array == NULL) {
            ctx.status_hint = EMU3_PNG_NO_MEMORY;
            png_error(png, "out of memory for text chunks");
        }
        for (int i = 0; i < text_count; i++) {
            text_array[i].compression = texts[i].utf8 ? PNG_ITXT_COMPRESSION_NONE : PNG_TEXT_COMPRESSION_NONE;
            text_array[i].key = (png_charp)texts[i].key;
            text_array[i].text = (png_charp)texts[i].value;
            text_array[i].text_length = strlen(texts[i].value);
        }
        png_set_text(png, info, text_array, text_count);
    }
    png_write_info(png, info);
    for (uint32_t y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(rgb + (size_t)y * width * 3u));
    png_write_end(png, info);

    free((void *)text_array);
    png_destroy_write_struct(&png, &info);
    *out = buffer.bytes;
    *out_length = buffer.length;
    return EMU3_PNG_OK;
}

void emu3_png_free(uint8_t *buffer) { free(buffer); }

const char *emu3_png_libpng_version(void) { return png_get_libpng_ver(NULL); }

const char *emu3_png_header_version(void) { return PNG_LIBPNG_VER_STRING; }
