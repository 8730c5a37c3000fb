// A std::jthread whose body receives until a channel is closed, ignores its
// stop token and nobody closes the channel: its destructor waits forever.
// That is chanleak-orphaned-worker's (the fix is to honour the stop request),
// not also chanleak-range-without-close's; the same loop on a std::thread is
// range-without-close's alone. Both checks run here to pin that split.
// RUN: %check_chanleak_tidy %s 'chanleak-orphaned-worker,chanleak-range-without-close' %t

#include <boost/fiber/buffered_channel.hpp>
#include <stop_token>
#include <thread>

using Chan = boost::fibers::buffered_channel<int>;
void handle(int);

class LeakyMember {
public:
  void Post(int v) { events_.push(v); }

private:
  void Drain() {
    for (int v : events_) // #l1
      handle(v);
  }
  Chan events_{8};
  std::jthread worker_{[this] { Drain(); }}; // #s1
  // CHECK-NOTES: :[[@LINE-5]]:18: warning: thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-2]]:23: note: thread spawned here; it receives from 'events_'
};

// The implicit constructor that spawns is defined where the class is used.
void UseLeakyMember() {
  LeakyMember m;
  m.Post(1);
}

class FixedMember {
public:
  void Post(int v) { events_.push(v); }

private:
  void Drain(std::stop_token stop) {
    std::stop_callback close_on_stop(stop, [this] { events_.close(); });
    for (int v : events_)
      handle(v);
  }
  Chan events_{8};
  std::jthread worker_{[this](std::stop_token stop) { Drain(stop); }};
};

void UseFixedMember() {
  FixedMember m;
  m.Post(1);
}

void LeakyLocal() {
  Chan jobs{8};
  std::jthread worker([&jobs] { // #s2
    for (int j : jobs) // #l2
      handle(j);
  });
  jobs.push(1);
  // CHECK-NOTES: :[[@LINE-4]]:18: warning: thread never ends: its loop ignores its stop_token, so the destructor of its std::jthread waits forever [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-6]]:16: note: thread spawned here; it receives from 'jobs'
}

// The same loop on a std::thread: nothing waits in a destructor, so it is a
// receive loop nobody ends, range-without-close's alone.
void LeakyPlainThread() {
  Chan jobs{8}; // #d3
  std::thread worker([&jobs] { // #s3
    for (int j : jobs) // #l3
      handle(j);
  });
  worker.detach();
  jobs.push(1);
  // CHECK-NOTES: :[[@LINE-5]]:18: warning: receive loop over 'jobs' never ends: nothing closes 'jobs' [chanleak-range-without-close]
  // CHECK-NOTES: :[[@LINE-7]]:15: note: thread spawned here; it receives from 'jobs'
  // CHECK-NOTES: :[[@LINE-9]]:8: note: 'jobs' is declared here and never closed
}

void FixedLocal() {
  Chan jobs{8};
  std::jthread worker([&jobs] {
    for (int j : jobs)
      handle(j);
  });
  jobs.push(1);
  jobs.close();
}
