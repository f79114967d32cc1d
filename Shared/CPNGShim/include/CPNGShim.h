// C shim over libpng for emu3-swift's ImageIO target.
//
// Why C: libpng reports errors by longjmp, and Swift cannot call setjmp safely. Every libpng
// call lives in png_shim.c behind setjmp; the functions below return a status code and a
// message instead, and free everything they allocated on every path.
#ifndef EMU3_CPNGSHIM_H
#define EMU3_CPNGSHIM_H
#include <stddef.h>
#include <stdint.h>

/// Status codes returned by the shim (0 = success).
typedef enum {
    EMU3_PNG_OK = 0,
    EMU3_PNG_NOT_PNG = 1,        ///< signature missing or wrong
    EMU3_PNG_TRUNCATED = 2,      ///< the data ended before the image did
    EMU3_PNG_CORRUPT = 3,        ///< libpng rejected the data (CRC, bad chunk, bad zlib stream, ...)
    EMU3_PNG_TOO_LARGE = 4,      ///< libpng's own user limits fired (second line of defence)
    EMU3_PNG_BAD_ARGUMENT = 5,   ///< the caller passed inconsistent sizes
    EMU3_PNG_NO_MEMORY = 6,      ///< an allocation failed
    EMU3_PNG_INTERNAL = 7,       ///< anything else
} emu3_png_status;

/// Facts from IHDR, read by the shim without libpng (no allocation, no inflate).
typedef struct {
    uint32_t width;
    uint32_t height;
    uint8_t bit_depth;
    uint8_t color_type;   ///< PNG colour type: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
    uint8_t interlace;    ///< 0 none, 1 Adam7
} emu3_png_header;

/// Reads IHDR from the first 33 bytes. Checks the signature, that the first chunk is a
/// 13-byte IHDR, and the IHDR CRC. Does not validate field values beyond that.
emu3_png_status emu3_png_read_header(const uint8_t *data, size_t length, emu3_png_header *header,
                                     char *message, size_t message_capacity);

/// Limits passed to libpng for one decode.
typedef struct {
    uint32_t max_width;             ///< png_set_user_limits
    uint32_t max_height;            ///< png_set_user_limits
    uint32_t chunk_cache_max;       ///< png_set_chunk_cache_max (number of ancillary chunks kept)
    size_t chunk_malloc_max;        ///< png_set_chunk_malloc_max (bytes for one ancillary chunk)
} emu3_png_limits;

/// Decodes a whole PNG to 8-bit RGBA, row-major, 4 bytes per pixel.
///
/// - `out` must hold exactly width*height*4 bytes for the header's width and height; the shim
///   re-reads IHDR through libpng and fails with EMU3_PNG_BAD_ARGUMENT if they differ.
/// - 16-bit samples keep their high byte (png_set_strip_16); palette, grey and low bit depths
///   are expanded; tRNS becomes an alpha channel; images without alpha get alpha 255.
/// - `*had_alpha` is set to 1 when the file had an alpha channel or a tRNS chunk.
/// - Text, colour-profile and other ancillary chunks are skipped without being inflated.
emu3_png_status emu3_png_decode_rgba(const uint8_t *data, size_t length, const emu3_png_limits *limits,
                                     uint8_t *out, size_t out_length, int *had_alpha,
                                     char *message, size_t message_capacity);

/// One tEXt (or, for non-Latin-1 text, iTXt) entry for emu3_png_encode_rgb.
typedef struct {
    const char *key;     ///< 1-79 bytes, Latin-1, NUL-terminated
    const char *value;   ///< NUL-terminated; Latin-1 for tEXt, UTF-8 for iTXt
    int utf8;            ///< nonzero: write as uncompressed iTXt
} emu3_png_text;

/// Encodes 8-bit RGB (3 bytes per pixel, row-major) as a non-interlaced PNG with the given
/// text chunks. On success `*out` is a malloc'd buffer of `*out_length` bytes that the caller
/// frees with emu3_png_free.
emu3_png_status emu3_png_encode_rgb(const uint8_t *rgb, uint32_t width, uint32_t height,
                                    const emu3_png_text *texts, int text_count, int compression_level,
                                    uint8_t **out, size_t *out_length, char *message, size_t message_capacity);

/// Frees a buffer returned by emu3_png_encode_rgb.
void emu3_png_free(uint8_t *buffer);

/// The run-time libpng version string (png_get_libpng_ver), e.g. "1.6.39".
const char *emu3_png_libpng_version(void);

/// The libpng version the shim was compiled against (PNG_LIBPNG_VER_STRING).
const char *emu3_png_header_version(void);

#endif
