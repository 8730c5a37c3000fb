// msd/channel.hpp - a small, independent implementation of the msd::channel
// interface (andreiavrammsd/cpp-channel), written for the chanleak catalogue
// so that its programs build without the upstream library. Semantics follow
// the upstream library (version >= 0.8):
//
//   channel<T>()   no capacity limit: writes never block.
//   channel<T>(n)  writes block while n items are queued.
//   ch << v        throws msd::closed_channel once the channel is closed.
//   write(v)       returns false instead of throwing.
//   ch >> v        blocks for a value; leaves v untouched if closed and drained.
//   read(v)        blocks for a value; false once closed and drained.
//   close()        wakes blocked readers. It does NOT release a writer that
//                  is blocked on a full channel: that writer waits for room.
//   for (auto v : ch)  ends once the channel is closed and drained.
#ifndef MSD_CHANNEL_HPP_
#define MSD_CHANNEL_HPP_

#include <condition_variable>
#include <cstddef>
#include <iterator>
#include <mutex>
#include <optional>
#include <queue>
#include <stdexcept>
#include <type_traits>
#include <utility>

namespace msd {

class closed_channel : public std::runtime_error {
public:
  explicit closed_channel(const char *msg) : std::runtime_error(msg) {}
};

template <typename T> class channel;

// Input iterator that reads from the channel until it is closed and drained.
template <typename T> class blocking_iterator {
public:
  using iterator_category = std::input_iterator_tag;
  using value_type = T;
  using difference_type = std::ptrdiff_t;
  using pointer = T *;
  using reference = T &;

  blocking_iterator() = default; // end
  explicit blocking_iterator(channel<T> &ch) : ch_(&ch) { advance(); }

  reference operator*() { return *value_; }
  pointer operator->() { return &*value_; }
  blocking_iterator &operator++() {
    advance();
    return *this;
  }
  friend bool operator==(const blocking_iterator &a, const blocking_iterator &b) {
    return a.ch_ == b.ch_;
  }
  friend bool operator!=(const blocking_iterator &a, const blocking_iterator &b) {
    return !(a == b);
  }

private:
  void advance() {
    T v{};
    if (ch_->read(v)) {
      value_ = std::move(v);
    } else {
      value_.reset();
      ch_ = nullptr; // closed and drained: become end()
    }
  }
  channel<T> *ch_ = nullptr;
  std::optional<T> value_;
};

template <typename T> class channel {
public:
  using value_type = T;
  using size_type = std::size_t;
  using iterator = blocking_iterator<T>;

  channel() = default;
  explicit channel(size_type capacity) : capacity_(capacity) {}
  channel(const channel &) = delete;
  channel &operator=(const channel &) = delete;

  // Returns false, without queuing, if the channel is closed.
  template <typename U> bool write(U &&value) {
    std::unique_lock<std::mutex> lk(mu_);
    if (closed_)
      return false;
    // Deliberately not woken by close(): see the header comment.
    writers_.wait(lk, [&] { return capacity_ == 0 || queue_.size() < capacity_; });
    queue_.push(std::forward<U>(value));
    readers_.notify_one();
    return true;
  }

  // Returns false once the channel is closed and every value has been read.
  bool read(T &out) {
    std::unique_lock<std::mutex> lk(mu_);
    readers_.wait(lk, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty())
      return false;
    out = std::move(queue_.front());
    queue_.pop();
    writers_.notify_one();
    return true;
  }

  template <typename U>
  friend channel<T> &operator<<(channel<T> &ch, U &&value) {
    if (!ch.write(std::forward<U>(value)))
      throw closed_channel("cannot write on a closed channel");
    return ch;
  }

  friend channel<T> &operator>>(channel<T> &ch, T &out) {
    ch.read(out);
    return ch;
  }

  void close() {
    std::lock_guard<std::mutex> lk(mu_);
    closed_ = true;
    readers_.notify_all();
  }

  bool closed() const {
    std::lock_guard<std::mutex> lk(mu_);
    return closed_;
  }
  size_type size() const {
    std::lock_guard<std::mutex> lk(mu_);
    return queue_.size();
  }
  bool empty() const { return size() == 0; }

  iterator begin() { return iterator(*this); }
  iterator end() { return iterator(); }

private:
  const size_type capacity_ = 0;
  mutable std::mutex mu_;
  std::condition_variable readers_;
  std::condition_variable writers_;
  std::queue<T> queue_;
  bool closed_ = false;
};

} // namespace msd

#endif // MSD_CHANNEL_HPP_
