#ifndef EMU3_CKERNELS_H
#define EMU3_CKERNELS_H
#include <stdint.h>
#include <stddef.h>

/// Returns a bit set of CPU features detected at run time (see EMU3_CPU_* below).
uint32_t emu3_cpu_features(void);
#define EMU3_CPU_AVX2        (1u << 0)
#define EMU3_CPU_FMA         (1u << 1)
#define EMU3_CPU_AVX512F     (1u << 2)
#define EMU3_CPU_AVX512BF16  (1u << 3)
#define EMU3_CPU_AVX512VNNI  (1u << 4)
#define EMU3_CPU_F16C        (1u << 5)

#include "emu3_rows.h"

#endif
