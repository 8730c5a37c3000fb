// Self-test of check_chanleak_tidy.py: check suffixes, -config, CHECK-NOTES,
// and a run that must print nothing (a suffix with no CHECK lines).
// RUN: %check_chanleak_tidy -check-suffix=SMALL -config='{CheckOptions: {readability-function-size.StatementThreshold: 2}}' %s readability-function-size %t
// RUN: %check_chanleak_tidy -check-suffix=DEFAULT %s readability-function-size %t
// RUN: %check_chanleak_tidy -check-suffixes=SMALL,TINY %s readability-function-size %t -- --config='{CheckOptions: {readability-function-size.StatementThreshold: 1}}'

int two(int x) {
  return x + 2;
}

int three(int x) {
  // CHECK-NOTES-SMALL: :[[@LINE-1]]:5: warning: function 'three' exceeds recommended size/complexity thresholds [readability-function-size]
  // CHECK-NOTES-SMALL: :[[@LINE-2]]:5: note: 3 statements (threshold {{[12]}})
  int y = x + 1;
  y += 2;
  return y;
}

int four(int x) {
  // CHECK-NOTES-TINY: :[[@LINE-1]]:5: warning: function 'four' exceeds recommended size/complexity thresholds [readability-function-size]
  // CHECK-NOTES-TINY: :[[@LINE-2]]:5: note: 2 statements (threshold 1)
  x++;
  return x;
}
