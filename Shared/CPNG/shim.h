// libpng 1.6.39 (Debian libpng-dev, >= 1.6.39-2+deb12u6 required).
#include <png.h>
