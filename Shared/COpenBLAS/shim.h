// OpenBLAS 0.3.21 (Debian libopenblas-dev): CBLAS plus the threading controls.
#include <cblas.h>
