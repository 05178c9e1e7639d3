// libFuzzer's entry for programs with their own main (in compiler-rt since LLVM 13).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
