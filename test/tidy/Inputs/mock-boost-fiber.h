// Minimal stand-ins for Boost.Fiber's channels and fibers (see mock-std.h).
#ifndef CHANLEAK_TEST_MOCK_BOOST_FIBER_H
#define CHANLEAK_TEST_MOCK_BOOST_FIBER_H
#pragma clang system_header

#include "mock-std.h"

namespace boost {
namespace fibers {
enum class channel_op_status { success, empty, full, closed, timeout };

template <class T> struct channel_iterator {
  T &operator*();
  channel_iterator &operator++();
  bool operator!=(const channel_iterator &) const;
};

// Holds capacity - 1 values; capacity must be a power of two >= 2.
template <class T> class buffered_channel {
public:
  explicit buffered_channel(std::size_t capacity);
  ~buffered_channel();
  channel_op_status push(const T &v);
  channel_op_status try_push(const T &v);
  channel_op_status pop(T &v);
  channel_op_status try_pop(T &v);
  T value_pop();
  template <class D> channel_op_status pop_wait_for(T &v, const D &d);
  void close() noexcept;
  bool is_closed() const noexcept;
};

// A rendezvous: push waits for a pop.
template <class T> class unbuffered_channel {
public:
  unbuffered_channel();
  ~unbuffered_channel();
  channel_op_status push(const T &v);
  template <class D> channel_op_status push_wait_for(const T &v, const D &d);
  channel_op_status pop(T &v);
  T value_pop();
  template <class D> channel_op_status pop_wait_for(T &v, const D &d);
  void close() noexcept;
  bool is_closed() const noexcept;
};

template <class T> channel_iterator<T> begin(buffered_channel<T> &ch);
template <class T> channel_iterator<T> end(buffered_channel<T> &ch);
template <class T> channel_iterator<T> begin(unbuffered_channel<T> &ch);
template <class T> channel_iterator<T> end(unbuffered_channel<T> &ch);

class fiber {
public:
  fiber() noexcept;
  template <class F, class... A> explicit fiber(F &&f, A &&...args) {}
  fiber(fiber &&) noexcept;
  ~fiber();
  void join();
  void detach();
};
} // namespace fibers

namespace this_fiber {
template <class D> void sleep_for(const D &d);
} // namespace this_fiber
} // namespace boost

#endif
