#ifndef COPENBLAS_SHIM_H
#define COPENBLAS_SHIM_H
#include <cblas.h>
/// OpenBLAS thread control (declared by openblas_config.h through cblas.h).

/// LAPACK's Cholesky factorisation and solve (OpenBLAS ships LAPACK; Fortran calling convention).
int dpotrf_(char *uplo, blasint *n, double *a, blasint *lda, blasint *info);
int dpotrs_(char *uplo, blasint *n, blasint *nrhs, double *a, blasint *lda, double *b, blasint *ldb, blasint *info);

/// Solves a·x = b in place for a symmetric positive-definite n×n `a` (overwritten by its Cholesky factor) and
/// one right-hand side `b` (overwritten by x). Returns LAPACK's info: 0 on success, > 0 when `a` is not
/// positive definite.
static inline int mr_cholesky_solve(int n, double *a, double *b) {
    char uplo = 'L';
    blasint size = n, one = 1, info = 0;
    dpotrf_(&uplo, &size, a, &size, &info);
    if (info != 0) return (int)info;
    dpotrs_(&uplo, &size, &one, a, &size, b, &size, &info);
    return (int)info;
}
#endif
