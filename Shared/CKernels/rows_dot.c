// Row-block dot kernels: W [rows, cols] (F32 | BF16 | F16) · X [m, cols] (F32) → Y [m, rows].
// See include/emu3_rows.h for the layout rule. The AVX2 paths are compiled with per-function
// target attributes and chosen at run time from emu3_cpu_features(), so the library runs on
// any x86-64 (and non-x86) CPU through the portable path.
#include "CKernels.h"
#include <string.h>

// MARK: - Scalar conversions (portable)

static inline float bf16_to_f32(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;  // bf16 is the top half of an f32
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline float f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1Fu;
    uint32_t man = h & 0x3FFu;
    uint32_t u;
    if (exp == 0) {
        if (man == 0) {
            u = sign;
        } else {  // subnormal: normalise (value = man · 2^-24)
            int e = -1;
            do { e++; man <<= 1; } while ((man & 0x400u) == 0);
            u = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3FFu) << 13);
        }
    } else if (exp == 0x1F) {
        u = sign | 0x7F800000u | (man << 13);  // inf / NaN (payload kept)
    } else {
        u = sign | ((exp + 127 - 15) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static inline float load_scalar(emu3_dtype dtype, const void *w, size_t i) {
    switch (dtype) {
    case EMU3_DTYPE_BF16: return bf16_to_f32(((const uint16_t *)w)[i]);
    case EMU3_DTYPE_F16: return f16_to_f32(((const uint16_t *)w)[i]);
    default: return ((const float *)w)[i];
    }
}

// MARK: - Portable kernel

void emu3_rows_dot_portable(emu3_dtype dtype, const void *w, size_t ld_w, size_t cols,
                            const float *x, size_t ld_x, size_t m,
                            float *y, size_t ld_y, size_t row_begin, size_t row_end) {
    for (size_t r = row_begin; r < row_end; r++) {
        for (size_t t = 0; t < m; t++) {
            const float *xt = x + t * ld_x;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            size_t c = 0;
            for (; c + 4 <= cols; c += 4) {
                s0 += load_scalar(dtype, w, r * ld_w + c) * xt[c];
                s1 += load_scalar(dtype, w, r * ld_w + c + 1) * xt[c + 1];
                s2 += load_scalar(dtype, w, r * ld_w + c + 2) * xt[c + 2];
                s3 += load_scalar(dtype, w, r * ld_w + c + 3) * xt[c + 3];
            }
            for (; c < cols; c++) s0 += load_scalar(dtype, w, r * ld_w + c) * xt[c];
            y[t * ld_y + (r - row_begin)] = (s0 + s1) + (s2 + s3);
        }
    }
}

// MARK: - AVX2 + FMA kernels

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2,fma,f16c"), always_inline)) static inline
#define AVX2_ENTRY __attribute__((target("avx2,fma,f16c"))) static

AVX2 __m256 load8(emu3_dtype dtype, const void *w, size_t i) {
    switch (dtype) {
    case EMU3_DTYPE_BF16: {
        __m128i h = _mm_loadu_si128((const __m128i *)((const uint16_t *)w + i));
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    }
    case EMU3_DTYPE_F16:
        return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((const uint16_t *)w + i)));
    default:
        return _mm256_loadu_ps((const float *)w + i);
    }
}

AVX2 float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// R rows × M activation vectors in one pass over the R weight rows. R and M are constants
// at every call site, so the accumulators live in registers (R·M + R + 1 ≤ 16 ymm).
AVX2 void block(emu3_dtype dtype, const void *w, size_t ld_w, size_t cols,
                const float *x, size_t ld_x, float *y, size_t ld_y,
                size_t r, size_t row_begin, const int R, const int M) {
    __m256 acc[4][4];
    for (int i = 0; i < R; i++)
        for (int t = 0; t < M; t++) acc[i][t] = _mm256_setzero_ps();
    size_t c = 0;
    for (; c + 8 <= cols; c += 8) {
        __m256 wv[4];
        for (int i = 0; i < R; i++) wv[i] = load8(dtype, w, (r + i) * ld_w + c);
        for (int t = 0; t < M; t++) {
            __m256 xv = _mm256_loadu_ps(x + t * ld_x + c);
            for (int i = 0; i < R; i++) acc[i][t] = _mm256_fmadd_ps(wv[i], xv, acc[i][t]);
        }
    }
    for (int i = 0; i < R; i++) {
        for (int t = 0; t < M; t++) {
            float s = hsum8(acc[i][t]);
            for (size_t cc = c; cc < cols; cc++) s += load_scalar(dtype, w, (r + i) * ld_w + cc) * x[t * ld_x + cc];
            y[t * ld_y + (r + i - row_begin)] = s;
        }
    }
}

// One dtype, one M: 4 rows per pass when M ≤ 2, else 2 (register budget), then single rows.
#define ROWS_FN(NAME, DT, M, R)                                                                   \
    AVX2_ENTRY void NAME(const void *w, size_t ld_w, size_t cols, const float *x, size_t ld_x, \
                         float *y, size_t ld_y, size_t r0, size_t r1) {                        \
        size_t r = r0;                                                                         \
        for (; r + (R) <= r1; r += (R)) block(DT, w, ld_w, cols, x, ld_x, y, ld_y, r, r0, R, M); \
        for (; r < r1; r++) block(DT, w, ld_w, cols, x, ld_x, y, ld_y, r, r0, 1, M);           \
    }

#define ROWS_DTYPE(SUFFIX, DT)                  \
    ROWS_FN(rows_##SUFFIX##_1, DT, 1, 4)        \
    ROWS_FN(rows_##SUFFIX##_2, DT, 2, 4)        \
    ROWS_FN(rows_##SUFFIX##_3, DT, 3, 2)        \
    ROWS_FN(rows_##SUFFIX##_4, DT, 4, 2)

ROWS_DTYPE(f32, EMU3_DTYPE_F32)
ROWS_DTYPE(bf16, EMU3_DTYPE_BF16)
ROWS_DTYPE(f16, EMU3_DTYPE_F16)

typedef void (*rows_fn)(const void *, size_t, size_t, const float *, size_t, float *, size_t, size_t, size_t);

static const rows_fn avx2_table[3][4] = {
    {rows_f32_1, rows_f32_2, rows_f32_3, rows_f32_4},
    {rows_bf16_1, rows_bf16_2, rows_bf16_3, rows_bf16_4},
    {rows_f16_1, rows_f16_2, rows_f16_3, rows_f16_4},
};

AVX2_ENTRY void convert_avx2(emu3_dtype dtype, const void *src, float *dst, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, load8(dtype, src, i));
    for (; i < n; i++) dst[i] = load_scalar(dtype, src, i);
}
#endif

// MARK: - Dispatch

static int has_avx2_fma(void) {
    static int cached = -1;
    if (cached < 0) {
        uint32_t f = emu3_cpu_features();
        cached = (f & EMU3_CPU_AVX2) && (f & EMU3_CPU_FMA);
    }
    return cached;
}

int emu3_rows_vectorised(emu3_dtype dtype) {
#if defined(__x86_64__)
    if (!has_avx2_fma()) return 0;
    if (dtype == EMU3_DTYPE_F16) return (emu3_cpu_features() & EMU3_CPU_F16C) != 0;
    return 1;
#else
    (void)dtype;
    return 0;
#endif
}

void emu3_rows_dot(emu3_dtype dtype, const void *w, size_t ld_w, size_t cols,
                   const float *x, size_t ld_x, size_t m,
                   float *y, size_t ld_y, size_t row_begin, size_t row_end) {
#if defined(__x86_64__)
    if (emu3_rows_vectorised(dtype)) {
        for (size_t t0 = 0; t0 < m; t0 += 4) {
            size_t mm = m - t0 < 4 ? m - t0 : 4;
            avx2_table[dtype][mm - 1](w, ld_w, cols, x + t0 * ld_x, ld_x, y + t0 * ld_y, ld_y,
                                      row_begin, row_end);
        }
        return;
    }
#endif
    emu3_rows_dot_portable(dtype, w, ld_w, cols, x, ld_x, m, y, ld_y, row_begin, row_end);
}

// MARK: - Conversions

void emu3_convert_to_f32(emu3_dtype dtype, const void *src, float *dst, size_t n) {
#if defined(__x86_64__)
    if (emu3_rows_vectorised(dtype)) {
        convert_avx2(dtype, src, dst, n);
        return;
    }
#endif
    for (size_t i = 0; i < n; i++) dst[i] = load_scalar(dtype, src, i);
}

void emu3_convert_f32_to_bf16(const float *src, uint16_t *dst, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &src[i], 4);
        if ((u & 0x7FFFFFFFu) > 0x7F800000u) {
            dst[i] = (uint16_t)((u >> 16) | 0x40u);  // quiet NaN
        } else {
            u += 0x7FFFu + ((u >> 16) & 1u);  // round to nearest even
            dst[i] = (uint16_t)(u >> 16);
        }
    }
}

void emu3_convert_f32_to_f16(const float *src, uint16_t *dst, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &src[i], 4);
        uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
        uint32_t absu = u & 0x7FFFFFFFu;
        if (absu > 0x7F800000u) { dst[i] = sign | 0x7E00u; continue; }       // NaN
        if (absu >= 0x477FF000u) { dst[i] = sign | 0x7C00u; continue; }      // ≥ 65520 rounds to inf
        if (absu < 0x38800000u) {                                              // f16 subnormal or zero
            // value = absu as float; subnormal step is 2^-24: round(value · 2^24) to even.
            float a;
            memcpy(&a, &absu, 4);
            float scaled = a * 16777216.0f;  // exact (power of two)
            uint32_t q = (uint32_t)scaled;
            float frac = scaled - (float)q;
            if (frac > 0.5f || (frac == 0.5f && (q & 1u))) q++;
            dst[i] = sign | (uint16_t)q;
            continue;
        }
        // Normal: rebias exponent, round mantissa from 23 to 10 bits, nearest even.
        uint32_t v = absu - ((uint32_t)(127 - 15) << 23);
        v += 0xFFFu + ((v >> 13) & 1u);
        dst[i] = sign | (uint16_t)(v >> 13);
    }
}
