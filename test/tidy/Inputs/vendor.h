// Third-party-style types with no annotations: only options or a model file
// tell chanleak what they are.
#ifndef CHANLEAK_TEST_VENDOR_H
#define CHANLEAK_TEST_VENDOR_H

namespace vendor {
template <class T> class Pipe {
public:
  explicit Pipe(unsigned capacity = 0);
  void Put(T v);
  bool Take(T &out);
  void Shut();
};
template <class F, class... A> void Go(F &&f, A &&...args) {}
} // namespace vendor

namespace legacy {
class Mailbox {
public:
  Mailbox();
  void push(int v);
  bool pop(int &out);
  void close();
};
template <class F> void spawn(F &&f) {}
} // namespace legacy

#endif
