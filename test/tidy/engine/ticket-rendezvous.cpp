// A rendezvous channel written by hand: Send draws a ticket from a counter
// (`ticket = ++sent_`) and waits until as many values were received. The
// ticket reads as that counter, so a second send nobody receives blocks.
// RUN: %check_chanleak_tidy %s 'chanleak-*' %t
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

template <typename T> class Rendezvous {
public:
  void Send(T v) {
    std::unique_lock<std::mutex> lk(mu_);
    q_.push_back(v);
    const std::uint64_t ticket = ++sent_;
    cv_.notify_all();
    cv_.wait(lk, [&] { return received_ >= ticket; });
  }
  T Recv() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return !q_.empty(); });
    T v = q_.front();
    q_.pop_front();
    ++received_;
    cv_.notify_all();
    return v;
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<T> q_;
  std::uint64_t sent_ = 0, received_ = 0;
};

bool Parse(int);

// The error branch sends and goes on to send the result too.
int LoadLeaky(int input) {
  auto out = std::make_shared<Rendezvous<int>>();
  std::thread([out, input] {
    if (!Parse(input))
      out->Send(-1);
    out->Send(input);
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: wait on 'cv_' blocks forever: 'LoadLeaky' can leave without notifying 'cv_' [chanleak-early-return]
    // CHECK-NOTES: :20:5: note: inside 'Rendezvous<int>::Send', it waits on 'cv_' here
    // CHECK-NOTES: :[[@LINE-6]]:3: note: thread spawned here; it waits on 'cv_'
  }).detach();
  return out->Recv();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: 'LoadLeaky' returns here without notifying 'cv_'
}

// Fixed twin: the error branch returns after its send.
int LoadFixed(int input) {
  auto out = std::make_shared<Rendezvous<int>>();
  std::thread([out, input] {
    if (!Parse(input)) {
      out->Send(-1);
      return;
    }
    out->Send(input);
  }).detach();
  return out->Recv();
}
