// Input of test_verify.py's symbolization test: compiled with -g -O1, so that
// Inner is inlined into Park; chanleak verify symbolizes raw frames in Park.
static inline __attribute__((always_inline)) int Inner(int X) {
  return X * 3 + 1; // line 4
}

__attribute__((noinline)) int Park(int X) { // line 7
  return Inner(X);
}

int main(int Argc, char **) { return Park(Argc); }
