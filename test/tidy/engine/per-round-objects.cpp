// A fan-out keeps one call object per worker in a local container and takes
// one reply from each: the container's elements are the calls put into it,
// and a range over it runs once per round of the loop that filled it.
// RUN: %check_chanleak_tidy %s 'chanleak-*' %t
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

class Mailbox {
public:
  // Returns once a taker has the value.
  void put(int v) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return !slot_; });
    slot_ = v;
    cv_.notify_all();
    cv_.wait(lk, [&] { return !slot_; });
  }
  int take() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return slot_.has_value(); });
    int v = *slot_;
    slot_.reset();
    cv_.notify_all();
    return v;
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<int> slot_;
};

// One slot: put returns as soon as the value is stored.
class Slot {
public:
  void put(int v) {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return !value_; });
    value_ = v;
    cv_.notify_all();
  }
  int take() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return value_.has_value(); });
    int v = *value_;
    value_.reset();
    cv_.notify_all();
    return v;
  }

private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<int> value_;
};

struct Call {
  int shard = 0;
  Mailbox reply;
};

struct BufferedCall {
  int shard = 0;
  Slot reply;
};

bool shard_down(int shard);

// Leaky: a shard that is down answers twice; the second answer has no taker.
int leaky_gather(int shards) {
  std::vector<std::shared_ptr<Call>> calls;
  for (int s = 0; s < shards; ++s) {
    auto call = std::make_shared<Call>();
    call->shard = s;
    calls.push_back(call);
    std::thread([call] {
      if (shard_down(call->shard))
        call->reply.put(-1);
      call->reply.put(call->shard);
      // CHECK-NOTES: :[[@LINE-1]]:7: warning: wait on 'cv_' blocks forever: 'leaky_gather' can leave without notifying 'cv_' [chanleak-early-return]
      // CHECK-NOTES: :20:5: note: inside 'Mailbox::put', it waits on 'cv_' here
      // CHECK-NOTES: :[[@LINE-6]]:5: note: thread spawned here, once per loop iteration; it waits on 'cv_'
    }).detach();
  }
  int sum = 0;
  for (auto &call : calls)
    sum += call->reply.take();
  return sum;
  // CHECK-NOTES: :[[@LINE-1]]:3: note: 'leaky_gather' returns here without notifying 'cv_'
}

// Fixed: one answer per shard, one take per shard.
int fixed_gather(int shards) {
  std::vector<std::shared_ptr<Call>> calls;
  for (int s = 0; s < shards; ++s) {
    auto call = std::make_shared<Call>();
    call->shard = s;
    calls.push_back(call);
    std::thread([call] {
      if (shard_down(call->shard)) {
        call->reply.put(-1);
        return;
      }
      call->reply.put(call->shard);
    }).detach();
  }
  int sum = 0;
  for (auto &call : calls)
    sum += call->reply.take();
  return sum;
}

// Fixed: each call's reply has a slot of its own, so the second answer of a
// shard that is down is stored there and its thread ends. (One slot shared
// by every round would strand it: rounds must not be merged.)
int fixed_gather_buffered(int shards) {
  std::vector<std::shared_ptr<BufferedCall>> calls;
  for (int s = 0; s < shards; ++s) {
    auto call = std::make_shared<BufferedCall>();
    call->shard = s;
    calls.push_back(call);
    std::thread([call] {
      if (shard_down(call->shard))
        call->reply.put(-1);
      call->reply.put(call->shard);
    }).detach();
  }
  int sum = 0;
  for (auto &call : calls)
    sum += call->reply.take();
  return sum;
}

// Leaky: one reply taken fewer than the calls made.
int leaky_gather_all_but_one(int shards) {
  std::vector<std::shared_ptr<Call>> calls;
  for (int s = 0; s < shards; ++s) {
    auto call = std::make_shared<Call>();
    calls.push_back(call);
    std::thread([call] { call->reply.put(1); }).detach();
    // CHECK-NOTES: :[[@LINE-1]]:26: warning: wait on 'cv_' blocks forever: 'leaky_gather_all_but_one' can leave without notifying 'cv_' [chanleak-early-return]
    // CHECK-NOTES: :20:5: note: inside 'Mailbox::put', it waits on 'cv_' here
    // CHECK-NOTES: :[[@LINE-3]]:5: note: thread spawned here, once per loop iteration; it waits on 'cv_'
  }
  int sum = 0;
  for (int i = 0; i + 1 < shards; ++i)
    sum += calls[i]->reply.take();
  return sum;
  // CHECK-NOTES: :[[@LINE-1]]:3: note: 'leaky_gather_all_but_one' returns here without notifying 'cv_'
}

// Fixed: every reply taken, by index.
int fixed_gather_indexed(int shards) {
  std::vector<std::shared_ptr<Call>> calls;
  for (int s = 0; s < shards; ++s) {
    auto call = std::make_shared<Call>();
    calls.push_back(call);
    std::thread([call] { call->reply.put(1); }).detach();
  }
  int sum = 0;
  for (int i = 0; i < shards; ++i)
    sum += calls[i]->reply.take();
  return sum;
}
