// Input of test_sarif.py: the offsets in early_return.fixes.yaml point into
// this file (it is read, never compiled).
void BuildReport(Channel &rows, bool empty) {
  /* é */ std::thread([&rows] {
    rows.push(42);
  }).detach();
  if (empty)
    return;
  rows.pop();
}
