// Semaphores, latches and barriers count: a waiter is rescued only when the
// count it waits for is reached. Each leaky form has a fixed twin that must
// stay silent.
// RUN: %check_chanleak_tidy %s chanleak-early-return %t -- -- -std=c++20
#include <barrier>
#include <latch>
#include <memory>
#include <semaphore>
#include <thread>
#include <vector>

bool bad();
int compute(int);
int unknown_count();

// --- a latch counted down after an early return --------------------------------
void leaky_latch_skipped_by_early_return() {
  std::latch go(1);
  std::thread([&go] {
    go.wait();
    compute(1);
  }).detach();
  if (bad())
    return;
  go.count_down();
}

void fixed_latch_counted_down_first() {
  std::latch go(1);
  std::thread([&go] {
    go.wait();
    compute(1);
  }).detach();
  go.count_down();
  if (bad())
    return;
}

// --- a latch that expects more arrivals than the threads bring -----------------
void leaky_latch_one_arrival_short() {
  auto done = std::make_shared<std::latch>(3);
  std::vector<std::jthread> team;
  for (int i = 0; i < 2; ++i)
    team.emplace_back([done] { done->count_down(); });
  done->wait();
}

void fixed_latch_counted_down_by_two() {
  auto done = std::make_shared<std::latch>(3);
  std::vector<std::jthread> team;
  team.emplace_back([done] { done->count_down(2); });
  team.emplace_back([done] { done->count_down(); });
  done->wait();
}

// --- a barrier one thread leaves before arriving -------------------------------
void leaky_barrier_member_throws() {
  std::barrier sync(2);
  std::jthread a([&] {
    if (bad())
      return;
    sync.arrive_and_wait();
  });
  std::jthread b([&] {
    sync.arrive_and_wait();
    compute(2);
  });
}

void fixed_barrier_drops_out() {
  std::barrier sync(2);
  std::jthread a([&] {
    if (bad()) {
      sync.arrive_and_drop();
      return;
    }
    sync.arrive_and_wait();
  });
  std::jthread b([&] {
    sync.arrive_and_wait();
    compute(2);
  });
}

// --- a barrier's second phase: its count starts again --------------------------
void fixed_barrier_two_phases() {
  std::barrier sync(2);
  std::jthread a([&] {
    sync.arrive_and_wait();
    sync.arrive_and_wait();
  });
  sync.arrive_and_wait();
  sync.arrive_and_wait();
}

// --- a semaphore released on one path only -------------------------------------
void leaky_semaphore_not_released_on_error() {
  std::binary_semaphore ready{0};
  std::thread([&ready] {
    ready.acquire();
    compute(3);
  }).detach();
  if (bad())
    return;
  ready.release();
}

void fixed_semaphore_released_with_permits() {
  std::counting_semaphore<4> slots{2};
  std::jthread a([&slots] { slots.acquire(); });
  std::jthread b([&slots] { slots.acquire(); });
}

void fixed_semaphore_timed_acquire_gives_up() {
  std::binary_semaphore ready{0};
  std::jthread a([&ready] {
    if (!ready.try_acquire_for(std::chrono::milliseconds(5)))
      return;
    compute(4);
  });
  if (bad())
    return;
  ready.release();
}

// --- a count the engine cannot evaluate: no report -----------------------------
void fixed_latch_count_unknown() {
  std::latch go(unknown_count());
  std::thread([&go] { go.wait(); }).detach();
  go.count_down();
}

// --- a barrier sized by the loop that starts its members -----------------------
void leaky_barrier_sized_by_the_team(int n) {
  std::barrier sync(n);
  std::vector<std::jthread> team;
  for (int i = 0; i < n; ++i)
    team.emplace_back([&sync, i] {
      if (compute(i) < 0)
        return; // leaves without arriving
      sync.arrive_and_wait();
    });
}

void fixed_barrier_member_drops_out(int n) {
  std::barrier sync(n);
  std::vector<std::jthread> team;
  for (int i = 0; i < n; ++i)
    team.emplace_back([&sync, i] {
      if (compute(i) < 0) {
        sync.arrive_and_drop();
        return;
      }
      sync.arrive_and_wait();
    });
}

// CHECK-NOTES: :20:5: warning: wait on 'go' blocks forever: 'leaky_latch_skipped_by_early_return' can leave without counting down 'go' [chanleak-early-return]
// CHECK-NOTES: :19:3: note: thread spawned here
// CHECK-NOTES: :24:5: note: 'leaky_latch_skipped_by_early_return' returns here without counting down 'go'
// CHECK-NOTES: :45:3: warning: wait on 'done' blocks forever: 'lambda' can leave without counting down 'done' [chanleak-early-return]
// CHECK-NOTES: :44:52: note: the thread ends here without counting down 'done'
// CHECK-NOTES: :65:5: warning: wait on 'sync' blocks forever: another thread can leave without arriving at 'sync' [chanleak-early-return]
// CHECK-NOTES: :64:16: note: thread spawned here
// CHECK-NOTES: :61:7: note: the thread returns here without arriving at 'sync'
// CHECK-NOTES: :100:5: warning: acquire of 'ready' blocks forever: 'leaky_semaphore_not_released_on_error' can leave without releasing 'ready' [chanleak-early-return]
// CHECK-NOTES: :99:3: note: thread spawned here
// CHECK-NOTES: :104:5: note: 'leaky_semaphore_not_released_on_error' returns here without releasing 'ready'
// CHECK-NOTES: :141:7: warning: wait on 'sync' blocks forever: another thread can leave without arriving at 'sync' [chanleak-early-return]
// CHECK-NOTES: :138:5: note: thread spawned here, once per loop iteration
// CHECK-NOTES: :140:9: note: the thread returns here without arriving at 'sync'
