// A class that states a start/stop contract by its code, with no model or
// annotation: Start() spawns a loop receiving from a member channel until it
// is closed, Stop() closes it. A caller that starts an object and can leave
// without stopping it strands the worker. The finding is orphaned-worker's
// alone (range-without-close runs too, to pin that).
// RUN: %check_chanleak_tidy %s 'chanleak-orphaned-worker,chanleak-range-without-close' %t

#include <boost/fiber/buffered_channel.hpp>
#include <memory>
#include <string>
#include <thread>

using Inbox = boost::fibers::buffered_channel<std::string>;
void deliver(const std::string &);
bool valid(const std::string &);

class Dispatcher : public std::enable_shared_from_this<Dispatcher> {
public:
  void Start() { std::thread(&Dispatcher::Loop, shared_from_this()).detach(); }
  void Stop() { inbox_.close(); }
  void Notify(std::string msg) { inbox_.push(std::move(msg)); }

private:
  void Loop() {
    std::string msg;
    while (inbox_.pop(msg) == boost::fibers::channel_op_status::success)
      deliver(msg);
  }
  Inbox inbox_{16};
};

// Owned by a local shared_ptr, stopped only on the normal path.
bool LeakyEarlyReturn(const std::string &to) {
  auto d = std::make_shared<Dispatcher>();
  d->Start();
  if (!valid(to))
    return false;
  d->Notify(to);
  d->Stop();
  return true;
  // CHECK-NOTES: :[[@LINE-15]]:12: warning: worker of 'd' waits here forever: 'd' is started but not stopped on every path, so nothing closes 'inbox_' [chanleak-orphaned-worker]
  // CHECK-NOTES: :[[@LINE-23]]:18: note: thread spawned here; it receives from 'inbox_'
  // CHECK-NOTES: :[[@LINE-8]]:3: note: 'd' is started here
  // CHECK-NOTES: :[[@LINE-7]]:5: note: 'LeakyEarlyReturn' returns here without stopping 'd'
}

// A RAII guard stops it on every path.
bool FixedGuard(const std::string &to) {
  auto d = std::make_shared<Dispatcher>();
  struct StopOnExit {
    Dispatcher &d;
    ~StopOnExit() { d.Stop(); }
  } stop_on_exit{*d};
  d->Start();
  if (!valid(to))
    return false;
  d->Notify(to);
  return true;
}

// A worker owned by the caller, stopped here on every path: fine.
void FixedParameter(Dispatcher &d, const std::string &to) {
  d.Start();
  if (valid(to))
    d.Notify(to);
  d.Stop();
}

// Owned by the caller and never stopped here: the caller's business.
void StartForCaller(Dispatcher &d) { d.Start(); }
