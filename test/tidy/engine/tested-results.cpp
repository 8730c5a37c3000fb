// A worker's loop that tests what a queue's own method returned
// (`while (auto job = q.pop())`, `while (q.pop(v))`) ends only when the
// method returns its empty result: nullopt or false, which these queues
// return only once closed. Nobody closing the queue strands the worker: a
// receive loop over the queue, though the wait is inside its method.
// RUN: %check_chanleak_tidy %s 'chanleak-*' %t
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
      // CHECK-NOTES: :[[@LINE-1]]:23: warning: receive loop over 'q' never ends: nothing sets 'closed_', the state that would end it [chanleak-range-without-close]
      // CHECK-NOTES: :24:5: note: inside 'Queue::pop', it waits on 'ready_' here
      // CHECK-NOTES: :[[@LINE-4]]:15: note: thread spawned here; it waits on 'ready_'
      // CHECK-NOTES: :52:8: note: 'closed_' is declared here and never set
      handle(*job);
  });
  q.push(1);
  q.push(2);
  worker.join();
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
      // CHECK-NOTES: :[[@LINE-1]]:12: warning: receive loop over 'q' never ends: nothing sets 'closed_', the state that would end it [chanleak-range-without-close]
      // CHECK-NOTES: :33:5: note: inside 'Queue::pop', it waits on 'ready_' here
      // CHECK-NOTES: :[[@LINE-5]]:15: note: thread spawned here; it waits on 'ready_'
      // CHECK-NOTES: :52:8: note: 'closed_' is declared here and never set
      handle(v);
  });
  q.push(1);
  worker.join();
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
