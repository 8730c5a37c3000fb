// annotated/work_queue.h - user-written concurrency types, declared to
// chanleak with the macros of chanleak/annotations.h. They stand for the
// in-house queues and background workers a team writes instead of using a
// library channel. Under clang the annotations tell chanleak which methods
// send, receive, close, start and stop; under GCC they expand to nothing.
//
//   Handoff<T>        rendezvous: Push returns once a Pop has taken the value.
//   BoundedQueue<T>   Push blocks while `capacity` values are queued.
//   Both: Pop returns false once closed and drained; PopFor also returns false
//   on timeout; Close wakes every blocked Push (returning false) and Pop.
//   Poller            runs a task every period on its own thread between
//                     Start() and Stop(). The thread is detached and owns the
//                     shared state, so a Poller that is started and never
//                     stopped keeps running after the object is gone.
//   SleepFor / StopToken  a sleep and a stop-request check, annotated.
#ifndef CHANLEAK_PATTERNS_ANNOTATED_WORK_QUEUE_H
#define CHANLEAK_PATTERNS_ANNOTATED_WORK_QUEUE_H

#include "chanleak/annotations.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

namespace work {

namespace detail {
// Shared implementation; capacity 0 means rendezvous.
template <typename T> class QueueCore {
public:
  explicit QueueCore(std::size_t capacity) : capacity_(capacity) {}

  bool Push(T value) {
    std::unique_lock<std::mutex> lk(mu_);
    const std::size_t room = capacity_ == 0 ? 1 : capacity_;
    cv_.wait(lk, [&] { return closed_ || items_.size() < room; });
    if (closed_)
      return false;
    items_.push_back(std::move(value));
    const std::uint64_t ticket = ++pushed_;
    cv_.notify_all();
    if (capacity_ == 0)
      cv_.wait(lk, [&] { return closed_ || popped_ >= ticket; });
    return true;
  }

  bool Pop(T &out) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return closed_ || !items_.empty(); });
    return TakeLocked(out);
  }

  template <typename Rep, typename Period>
  bool PopFor(T &out, std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock<std::mutex> lk(mu_);
    if (!cv_.wait_for(lk, timeout, [&] { return closed_ || !items_.empty(); }))
      return false;
    return TakeLocked(out);
  }

  void Close() {
    std::lock_guard<std::mutex> lk(mu_);
    closed_ = true;
    cv_.notify_all();
  }

private:
  bool TakeLocked(T &out) {
    if (items_.empty())
      return false;
    out = std::move(items_.front());
    items_.pop_front();
    ++popped_;
    cv_.notify_all();
    return true;
  }

  const std::size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> items_;
  std::uint64_t pushed_ = 0;
  std::uint64_t popped_ = 0;
  bool closed_ = false;
};
} // namespace detail

template <typename T> class CHANLEAK_CHANNEL_RENDEZVOUS Handoff {
public:
  Handoff() = default;
  Handoff(const Handoff &) = delete;
  Handoff &operator=(const Handoff &) = delete;

  CHANLEAK_SEND bool Push(T value) { return core_.Push(std::move(value)); }
  CHANLEAK_RECV bool Pop(T &out) { return core_.Pop(out); }
  template <typename Rep, typename Period>
  CHANLEAK_TIMED_RECV bool PopFor(T &out, std::chrono::duration<Rep, Period> timeout) {
    return core_.PopFor(out, timeout);
  }
  CHANLEAK_CLOSE void Close() { core_.Close(); }

private:
  detail::QueueCore<T> core_{0};
};

template <typename T> class CHANLEAK_CHANNEL_CAPACITY_ARG(0) BoundedQueue {
public:
  explicit BoundedQueue(std::size_t capacity) : core_(capacity == 0 ? 1 : capacity) {}
  BoundedQueue(const BoundedQueue &) = delete;
  BoundedQueue &operator=(const BoundedQueue &) = delete;

  CHANLEAK_SEND bool Push(T value) { return core_.Push(std::move(value)); }
  CHANLEAK_RECV bool Pop(T &out) { return core_.Pop(out); }
  template <typename Rep, typename Period>
  CHANLEAK_TIMED_RECV bool PopFor(T &out, std::chrono::duration<Rep, Period> timeout) {
    return core_.PopFor(out, timeout);
  }
  CHANLEAK_CLOSE void Close() { core_.Close(); }

private:
  detail::QueueCore<T> core_;
};

// Sleeps the calling thread; the loop-timer check treats it as a timer wait.
CHANLEAK_SLEEP inline void SleepFor(std::chrono::milliseconds d) {
  std::this_thread::sleep_for(d);
}

// A cooperative stop request shared between an owner and its thread.
class StopToken {
public:
  StopToken() : flag_(std::make_shared<std::atomic<bool>>(false)) {}
  CHANLEAK_STOP_CHECK bool Requested() const { return flag_->load(); }
  void Request() { flag_->store(true); }

private:
  std::shared_ptr<std::atomic<bool>> flag_;
};

class CHANLEAK_MUST_STOP Poller {
public:
  Poller(std::function<void()> task, std::chrono::milliseconds period)
      : state_(std::make_shared<State>()) {
    state_->task = std::move(task);
    state_->period = period;
  }
  Poller(const Poller &) = delete;
  Poller &operator=(const Poller &) = delete;

  CHANLEAK_START void Start() {
    std::thread([s = state_] { // CHANLEAK-SPAWN
      std::unique_lock<std::mutex> lk(s->mu);
      while (!s->stopping) {
        if (s->cv.wait_for(lk, s->period, [&] { return s->stopping; }))
          break;
        lk.unlock();
        s->task();
        lk.lock();
      }
      s->done = true;
      s->cv.notify_all();
    }).detach();
    std::lock_guard<std::mutex> lk(state_->mu);
    state_->started = true;
  }

  // Waits until the polling thread has left its loop.
  CHANLEAK_STOP void Stop() {
    std::unique_lock<std::mutex> lk(state_->mu);
    if (!state_->started)
      return;
    state_->stopping = true;
    state_->cv.notify_all();
    state_->cv.wait(lk, [&] { return state_->done; });
  }

private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::function<void()> task;
    std::chrono::milliseconds period{0};
    bool started = false;
    bool stopping = false;
    bool done = false;
  };
  std::shared_ptr<State> state_;
};

} // namespace work

#endif // CHANLEAK_PATTERNS_ANNOTATED_WORK_QUEUE_H
