// Nothing to compile: the declaration in include/CLibFuzzer.h is implemented by libFuzzer
// (linked by -sanitize=fuzzer).
#include "CLibFuzzer.h"
