// A functor temporary's handle members name what it was built from
// (`Sender{ch}`, `Sender(ch)`), and a channel made by a factory sized by its
// parameter has, at each call, the capacity that call passes.
// REQUIRES: boost-fiber
// RUN: %check_chanleak_tidy %s chanleak-early-return %t

#include <boost/fiber/buffered_channel.hpp>
#include <cstddef>
#include <memory>
#include <thread>

using Chan = boost::fibers::buffered_channel<int>;
bool bad();

std::shared_ptr<Chan> make_chan(std::size_t capacity) {
  return std::make_shared<Chan>(capacity);
}

struct Pusher { // an aggregate
  std::shared_ptr<Chan> ch;
  void operator()() const {
    ch->push(1);
    ch->push(2);
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: send on 'ch' blocks forever: 'leaky_aggregate_functor' can leave without receiving from 'ch' [chanleak-early-return]
  }
};

void leaky_aggregate_functor() {
  auto ch = make_chan(2); // holds one value
  std::thread(Pusher{ch}).detach();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: thread spawned here; it sends on 'ch'
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_aggregate_functor' returns here without receiving from 'ch'
  int v;
  ch->pop(v);
  ch->pop(v);
}

void fixed_aggregate_functor_fits() {
  auto ch = make_chan(4); // holds three values
  std::thread(Pusher{ch}).detach();
  if (bad())
    return;
  int v;
  ch->pop(v);
  ch->pop(v);
}

class Producer { // built by its constructor
public:
  explicit Producer(std::shared_ptr<Chan> out) : out_(std::move(out)) {}
  void operator()() const {
    out_->push(1);
    out_->push(2);
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: send on 'ch' blocks forever: 'leaky_constructed_functor' can leave without receiving from 'ch' [chanleak-early-return]
  }

private:
  std::shared_ptr<Chan> out_;
};

void leaky_constructed_functor() {
  auto ch = make_chan(2);
  std::thread(Producer(ch)).detach();
  // CHECK-NOTES: :[[@LINE-1]]:3: note: thread spawned here; it sends on 'ch'
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_constructed_functor' returns here without receiving from 'ch'
  int v;
  ch->pop(v);
  ch->pop(v);
}

void fixed_constructed_functor_fits() {
  auto ch = make_chan(4);
  std::thread(Producer(ch)).detach();
  if (bad())
    return;
  int v;
  ch->pop(v);
  ch->pop(v);
}

void fixed_factory_size_unknown(std::size_t n) {
  auto ch = make_chan(n); // nothing known: no guess
  std::thread(Pusher{ch}).detach();
  if (bad())
    return;
  int v;
  ch->pop(v);
  ch->pop(v);
}
