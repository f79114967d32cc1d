// Row-block matrix kernels for weights stored as F32, BF16 or F16, activations in F32.
//
// Layout rule (the whole Tensor library uses it): row-major, last index fastest. A weight
// matrix W is [rows, cols] with row stride ld_w elements (a Linear layer's [out, in]).
// Activations X are [m, cols] with row stride ld_x; outputs Y are [m, rows] with stride ld_y.
//
// These kernels stream each weight row ONCE for all m activation vectors (m = 1…4 in one
// pass), which is what batch-1/2 decode needs: the work is memory bound on W, and calling a
// GEMM with m = 2 would not be faster than two GEMVs. Row ranges let callers split rows
// over threads and compute a slice of an output (e.g. only the visual rows of lm_head).
#ifndef EMU3_ROWS_H
#define EMU3_ROWS_H
#include <stddef.h>
#include <stdint.h>

/// Weight element types understood by the row kernels.
typedef enum {
    EMU3_DTYPE_F32 = 0,
    EMU3_DTYPE_BF16 = 1,
    EMU3_DTYPE_F16 = 2,
} emu3_dtype;

/// Y[t, r - row_begin] = Σ_c W[r, c] · X[t, c] for r in [row_begin, row_end), t in [0, m).
/// W [rows, cols] (dtype, stride ld_w) · X [m, cols] (f32, stride ld_x) → Y [m, row_end-row_begin]
/// (f32, stride ld_y). Accumulates in f32. Any m ≥ 1 is accepted (groups of up to 4 per pass).
/// Uses AVX2+FMA (+F16C for F16) when the CPU has them, else portable C.
void emu3_rows_dot(emu3_dtype dtype, const void *w, size_t ld_w, size_t cols,
                   const float *x, size_t ld_x, size_t m,
                   float *y, size_t ld_y, size_t row_begin, size_t row_end);

/// The same with the portable C path forced (for tests of the dispatch).
void emu3_rows_dot_portable(emu3_dtype dtype, const void *w, size_t ld_w, size_t cols,
                            const float *x, size_t ld_x, size_t m,
                            float *y, size_t ld_y, size_t row_begin, size_t row_end);

/// dst[i] = float(src[i]) for i in [0, n): widens BF16 or F16 (or copies F32).
void emu3_convert_to_f32(emu3_dtype dtype, const void *src, float *dst, size_t n);

/// dst[i] = bf16(src[i]) rounded to nearest even (NaN stays NaN).
void emu3_convert_f32_to_bf16(const float *src, uint16_t *dst, size_t n);

/// dst[i] = f16(src[i]) rounded to nearest even (overflow → ±inf, NaN stays NaN).
void emu3_convert_f32_to_f16(const float *src, uint16_t *dst, size_t n);

/// out [m, d] = P [m, n] (row stride ld_p) · V [n, d] (row stride ld_v), out row stride ld_o.
/// The attention "probabilities × values" product for a few query rows; f32 throughout.
void emu3_weighted_rows_sum(const float *p, size_t ld_p, size_t m, size_t n,
                            const float *v, size_t ld_v, size_t d,
                            float *out, size_t ld_o);

/// 1 if the vectorised (AVX2+FMA) path is in use for `dtype`, else 0.
int emu3_rows_vectorised(emu3_dtype dtype);

#endif
