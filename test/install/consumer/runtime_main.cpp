// Uses the installed runtime: nothing leaks here, so VerifyNone passes.
#include <chanleak/runtime.h>

int main() { return chanleak::VerifyNone({chanleak::NoRetry()}) ? 0 : 1; }
