// Channels kept in a container: its elements have the capacity of the
// channels put into it, while they all agree, and no capacity otherwise.
// REQUIRES: boost-fiber
// RUN: %check_chanleak_tidy %s chanleak-early-return %t

#include <boost/fiber/buffered_channel.hpp>
#include <memory>
#include <thread>
#include <vector>

using Chan = boost::fibers::buffered_channel<int>;
bool bad();

void leaky_elements_hold_nothing_extra() {
  std::vector<std::shared_ptr<Chan>> chans;
  for (int i = 0; i < 2; ++i)
    chans.push_back(std::make_shared<Chan>(2)); // holds one value
  std::thread t([chans] {
    chans[0]->push(1);
    chans[0]->push(2);
    // CHECK-NOTES: :[[@LINE-1]]:5: warning: send on 'chans' blocks forever: 'leaky_elements_hold_nothing_extra' can leave without receiving from 'chans' [chanleak-early-return]
  });
  // CHECK-NOTES: :[[@LINE-5]]:15: note: thread spawned here; it sends on 'chans'
  t.detach();
  if (bad())
    return;
  // CHECK-NOTES: :[[@LINE-1]]:5: note: 'leaky_elements_hold_nothing_extra' returns here without receiving from 'chans'
  int v;
  chans[0]->pop(v);
  chans[0]->pop(v);
}

void fixed_elements_hold_both_values() {
  std::vector<std::shared_ptr<Chan>> chans;
  for (int i = 0; i < 2; ++i)
    chans.push_back(std::make_shared<Chan>(4)); // holds three values
  std::thread t([chans] {
    chans[0]->push(1);
    chans[0]->push(2);
  });
  t.detach();
  if (bad())
    return;
  int v;
  chans[0]->pop(v);
  chans[0]->pop(v);
}

void fixed_elements_of_unknown_capacity(std::size_t n) {
  std::vector<std::shared_ptr<Chan>> chans;
  chans.push_back(std::make_shared<Chan>(2));
  chans.push_back(std::make_shared<Chan>(n)); // the two disagree: unknown
  std::thread t([chans] {
    chans[0]->push(1);
    chans[0]->push(2);
  });
  t.detach();
  if (bad())
    return;
}
