// out [m, d] = P [m, n] · V [n, d]: the attention output for a few query rows over a KV cache.
// One body, compiled twice (baseline and AVX2+FMA via a target attribute) and picked at run
// time; the compiler vectorises the inner loop over d.
#include "CKernels.h"

__attribute__((always_inline)) static inline void body(const float *restrict p, size_t ld_p, size_t m, size_t n,
                                                       const float *restrict v, size_t ld_v, size_t d,
                                                       float *restrict out, size_t ld_o) {
    for (size_t t = 0; t < m; t++) {
        float *restrict o = out + t * ld_o;
        for (size_t c = 0; c < d; c++) o[c] = 0;
        const float *restrict pt = p + t * ld_p;
        for (size_t j = 0; j < n; j++) {
            const float w = pt[j];
            if (w == 0) continue;  // masked keys and underflowed weights
            const float *restrict vj = v + j * ld_v;
            for (size_t c = 0; c < d; c++) o[c] += w * vj[c];
        }
    }
}

static void sum_portable(const float *p, size_t ld_p, size_t m, size_t n, const float *v, size_t ld_v,
                         size_t d, float *out, size_t ld_o) {
    body(p, ld_p, m, n, v, ld_v, d, out, ld_o);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) static void sum_avx2(const float *p, size_t ld_p, size_t m, size_t n,
                                                         const float *v, size_t ld_v, size_t d, float *out,
                                                         size_t ld_o) {
    body(p, ld_p, m, n, v, ld_v, d, out, ld_o);
}
#endif

void emu3_weighted_rows_sum(const float *p, size_t ld_p, size_t m, size_t n,
                            const float *v, size_t ld_v, size_t d,
                            float *out, size_t ld_o) {
#if defined(__x86_64__)
    if (emu3_rows_vectorised(EMU3_DTYPE_F32)) {
        sum_avx2(p, ld_p, m, n, v, ld_v, d, out, ld_o);
        return;
    }
#endif
    sum_portable(p, ld_p, m, n, v, ld_v, d, out, ld_o);
}
