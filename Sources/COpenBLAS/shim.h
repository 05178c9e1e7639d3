#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
#include <cblas.h>
/// OpenBLAS thread control (declared by openblas_config.h through cblas.h).
#endif
