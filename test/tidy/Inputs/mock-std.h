// Minimal stand-ins for the parts of the standard library chanleak models,
// for fast lit tests. Declarations only; the model recognises them by their
// qualified names, as it does the real libstdc++ ones. At least one test per
// check also runs against the real headers.
#ifndef CHANLEAK_TEST_MOCK_STD_H
#define CHANLEAK_TEST_MOCK_STD_H
#pragma clang system_header

namespace std {
using size_t = decltype(sizeof 0);

template <class T> struct remove_reference { using type = T; };
template <class T> struct remove_reference<T &> { using type = T; };
template <class T> struct remove_reference<T &&> { using type = T; };
template <class T> typename remove_reference<T>::type &&move(T &&t) noexcept {
  return static_cast<typename remove_reference<T>::type &&>(t);
}
template <class T> struct reference_wrapper { T *p; };
template <class T> reference_wrapper<T> ref(T &t) noexcept;

template <class T> class shared_ptr {
public:
  shared_ptr() noexcept;
  shared_ptr(decltype(nullptr)) noexcept;
  shared_ptr(const shared_ptr &) noexcept;
  ~shared_ptr();
  T *operator->() const noexcept;
  T &operator*() const noexcept;
  T *get() const noexcept;
};
template <class T, class... A> shared_ptr<T> make_shared(A &&...args);

namespace chrono {
struct milliseconds {
  explicit milliseconds(long long n);
};
struct seconds {
  explicit seconds(long long n);
};
} // namespace chrono

class stop_token {
public:
  bool stop_requested() const noexcept;
};
class stop_source {
public:
  stop_source();
  stop_token get_token() const noexcept;
  bool request_stop() noexcept;
  bool stop_requested() const noexcept;
};

class thread {
public:
  thread() noexcept;
  template <class F, class... A> explicit thread(F &&f, A &&...args) {}
  thread(thread &&) noexcept;
  ~thread();
  void join();
  void detach();
  bool joinable() const noexcept;
};

class jthread {
public:
  jthread() noexcept;
  template <class F, class... A> explicit jthread(F &&f, A &&...args) {}
  jthread(jthread &&) noexcept;
  ~jthread();
  void join();
  void detach();
  bool request_stop() noexcept;
  stop_token get_stop_token() const noexcept;
};

namespace this_thread {
template <class D> void sleep_for(const D &d);
} // namespace this_thread

enum class future_status { ready, timeout, deferred };

template <class T> class future {
public:
  future() noexcept;
  future(future &&) noexcept;
  ~future();
  T get();
  void wait() const;
  template <class D> future_status wait_for(const D &d) const;
};

template <class T> class promise {
public:
  promise();
  promise(promise &&) noexcept;
  ~promise();
  void set_value(const T &v);
  future<T> get_future();
};

enum class launch { async = 1, deferred = 2 };
template <class F, class... A> future<int> async(launch policy, F &&f, A &&...args) { return future<int>(); }

class runtime_error {
public:
  explicit runtime_error(const char *what);
};
} // namespace std

#endif
