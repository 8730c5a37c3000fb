// Reduced from wpilibsuite/allwpilib PR #9423, "[wpiutil] Fix lost-wakeup
// deadlock" (https://github.com/wpilibsuite/allwpilib/pull/9423; the fix
// landed in #9424). What hangs: the notifier thread waits forever in
// m_cond.wait() and Stop() waits forever in join(), because Stop() clears the
// atomic m_active and notifies without holding m_mutex, so the notify can land
// after the thread has read m_active but before it blocks.
//
// Alarm notifier: a background thread fires the alarms that are due and sleeps
// on a condition variable in between; Stop() ends it at shutdown.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

#include "scenario.h"

// Test probe, not part of the notifier: it forces the interleaving of the
// report. The notifier thread calls WaiterInWindow() once, after it has read
// m_active and before it blocks; Stop() begins with AwaitWindow() and calls
// StopperCannotGoFurther() where it has done all it can do without the
// notifier's mutex. The probe's semaphores are not that mutex.
struct InterleavingProbe {
  std::binary_semaphore in_window{0};
  std::binary_semaphore stopper_parked{0};
  bool armed = true; // used by the waiter only

  void WaiterInWindow() {
    if (!armed)
      return;
    armed = false;
    in_window.release();
    stopper_parked.acquire();
  }
  void AwaitWindow() { in_window.acquire(); }
  void StopperCannotGoFurther() { stopper_parked.release(); }
};

InterleavingProbe g_probe;

class Notifier {
public:
  void AddAlarm(int id) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_alarms.push_back(id);
  }

  void Start() {
    m_active = true;
    m_thread = std::thread([this] { Main(); }); // CHANLEAK-SPAWN
  }

  void Stop() {
    g_probe.AwaitWindow();
    m_active = false; // not under m_mutex
    m_cond.notify_all();
    g_probe.StopperCannotGoFurther();
    if (m_thread.joinable())
      m_thread.join();
  }

private:
  void Main() {
    std::unique_lock<std::mutex> lock(m_mutex);
    while (m_active) {
      m_fired += static_cast<int>(m_alarms.size());
      m_alarms.clear();
      g_probe.WaiterInWindow();
      m_cond.wait(lock); // CHANLEAK: chanleak-early-return
    }
  }

  std::mutex m_mutex;
  std::condition_variable m_cond;
  std::atomic<bool> m_active{false};
  std::vector<int> m_alarms;
  int m_fired = 0;
  std::thread m_thread;
};

void RunRobotProgram() {
  Notifier notifier;
  notifier.AddAlarm(20);
  notifier.AddAlarm(40);
  notifier.Start();
  notifier.Stop(); // the match is over
}

CHANLEAK_SCENARIO_MAIN(RunRobotProgram)
