// Run-time CPU feature detection (cpuid via the compiler's builtins).
#include "CKernels.h"

uint32_t emu3_cpu_features(void) {
    uint32_t f = 0;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) f |= EMU3_CPU_AVX2;
    if (__builtin_cpu_supports("fma")) f |= EMU3_CPU_FMA;
    if (__builtin_cpu_supports("avx512f")) f |= EMU3_CPU_AVX512F;
    if (__builtin_cpu_supports("avx512bf16")) f |= EMU3_CPU_AVX512BF16;
    if (__builtin_cpu_supports("avx512vnni")) f |= EMU3_CPU_AVX512VNNI;
    if (__builtin_cpu_supports("f16c")) f |= EMU3_CPU_F16C;
#endif
    return f;
}
