// Self-test of check_chanleak_tidy.py with a built-in check: CHECK-MESSAGES
// and CHECK-FIXES together (the runner then runs clang-tidy with -fix).
// RUN: %check_chanleak_tidy %s readability-braces-around-statements %t

int clamp(int x) {
  if (x < 0) return 0;
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: statement should be inside braces [readability-braces-around-statements]
  // CHECK-FIXES: if (x < 0) { return 0;
  // CHECK-FIXES-NEXT: }
  if (x > 9) {
    return 9;
  }
  return x;
}
