// A worker's loop that tests what a queue's own method returned
// (`while (auto job = q.pop())`, `while (q.pop(v))`) ends only when the
// method returns its empty result: nullopt or false, which these queues
// return only once closed. Nobody closing the queue strands the worker.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

class Queue {
public:
  void push(int v) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      items_.push_back(v);
    }
    ready_.notify_one();
  }
  std::optional<int> pop() {
    std::unique_lock<std::mutex> lk(mu_);
    ready_.wait(lk, [&] { return !items_.empty() || closed_; });
    if (items_.empty())
      return std::nullopt;
    int v = items_.front();
    items_.pop_front();
    return v;
  }
  bool pop(int &out) {
    std::unique_lock<std::mutex> lk(mu_);
    ready_.wait(lk, [&] { return !items_.empty() || closed_; });
    if (items_.empty())
      return false;
    out = items_.front();
    items_.pop_front();
    return true;
  }
  void close() {
    {
      std::lock_guard<std::mutex> lk(mu_);
      closed_ = true;
    }
    ready_.notify_all();
  }

private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<int> items_;
  bool closed_ = false;
};

void handle(int);

void OptionalLoopNeverClosed() {
  Queue q;
  std::thread worker([&q] {
    while (auto job = q.pop())
      // CHECK-NOTES: :[[@LINE-1]]:23: warning: wait on 'ready_' blocks forever: 'OptionalLoopNeverClosed' can leave without notifying 'ready_' [chanleak-early-return]
      // CHECK-NOTES: :23:5: note: inside 'Queue::pop', it waits on 'ready_' here
      // CHECK-NOTES: :[[@LINE-4]]:15: note: thread spawned here; it waits on 'ready_'
      handle(*job);
  });
  q.push(1);
  q.push(2);
  worker.join();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: 'OptionalLoopNeverClosed' waits here forever to join a stranded thread, without notifying 'ready_'
}

void OptionalLoopClosed() {
  Queue q;
  std::thread worker([&q] {
    while (auto job = q.pop())
      handle(*job);
  });
  q.push(1);
  q.push(2);
  q.close();
  worker.join();
}

void FlagLoopNeverClosed() {
  Queue q;
  std::thread worker([&q] {
    int v;
    while (q.pop(v))
      // CHECK-NOTES: :[[@LINE-1]]:12: warning: wait on 'ready_' blocks forever: 'FlagLoopNeverClosed' can leave without notifying 'ready_' [chanleak-early-return]
      // CHECK-NOTES: :32:5: note: inside 'Queue::pop', it waits on 'ready_' here
      // CHECK-NOTES: :[[@LINE-5]]:15: note: thread spawned here; it waits on 'ready_'
      handle(v);
  });
  q.push(1);
  worker.join();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: 'FlagLoopNeverClosed' waits here forever to join a stranded thread, without notifying 'ready_'
}

void FlagLoopClosed() {
  Queue q;
  std::thread worker([&q] {
    int v;
    while (q.pop(v))
      handle(v);
  });
  q.push(1);
  q.close();
  worker.join();
}
