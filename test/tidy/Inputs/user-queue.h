// A user channel and worker declared with chanleak's annotations only: no
// built-in model knows these names.
#ifndef CHANLEAK_TEST_USER_QUEUE_H
#define CHANLEAK_TEST_USER_QUEUE_H

#include "chanleak/annotations.h"

namespace mylib {

// Push waits for a Pop: a rendezvous.
template <class T> class CHANLEAK_CHANNEL_RENDEZVOUS Handoff {
public:
  CHANLEAK_SEND bool Push(T v);
  CHANLEAK_RECV bool Pop(T &out); // false once closed and drained
  template <class D> CHANLEAK_TIMED_RECV bool PopFor(T &out, D timeout);
  CHANLEAK_CLOSE void Close();
};

// Push blocks while `capacity` values are queued.
template <class T> class CHANLEAK_CHANNEL_CAPACITY_ARG(0) Queue {
public:
  explicit Queue(unsigned capacity);
  CHANLEAK_SEND void Push(T v);
  CHANLEAK_RECV bool Pop(T &out);
  CHANLEAK_CLOSE void Close();
};

// Runs fn(args...) on a new thread.
template <class F, class... A> CHANLEAK_SPAWN(0) void RunAsync(F &&fn, A &&...args) {}

CHANLEAK_SLEEP void SleepMs(int ms);

class StopFlag {
public:
  CHANLEAK_STOP_CHECK bool Requested() const;
};

// Polls on its own thread between Start() and Stop().
class CHANLEAK_MUST_STOP Poller {
public:
  Poller();
  CHANLEAK_START void Start();
  CHANLEAK_STOP void Stop();
};

// Same, but its destructor stops it.
class CHANLEAK_MUST_STOP CHANLEAK_STOPS_ON_DESTROY ScopedPoller {
public:
  ScopedPoller();
  ~ScopedPoller();
  CHANLEAK_START void Start();
  CHANLEAK_STOP void Stop();
};

} // namespace mylib

#endif
