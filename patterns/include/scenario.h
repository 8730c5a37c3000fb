// scenario.h - ground-truth harness for the chanleak pattern catalogue.
//
// Every catalogue program ends with CHANLEAK_SCENARIO_MAIN(fn). The harness
// runs fn on its own thread and then decides, from the outside, whether the
// program leaked:
//
//   1. wait up to CHANLEAK_SCENARIO_RETURN_MS (default 2000) for fn to return.
//      A scenario that does not return is itself stuck (a jthread or
//      std::async destructor joining a blocked task, a join on a worker that
//      never ends, an io_context whose run() keeps waiting for a stranded
//      coroutine);
//   2. poll /proc/self/task for up to CHANLEAK_SCENARIO_SETTLE_MS (default
//      1000) until no thread but main is left (the harness thread included:
//      having returned, it must be able to exit). Threads of a correct
//      program finish within a few milliseconds; a stranded thread never
//      does, so the poll cannot flip a leaky outcome. If fn did not return,
//      the verdict is already "leaked" and the threads other than main and
//      the stuck harness thread are only counted for the report.
//
// It prints one line
//     chanleak-scenario: leaked=<N> scenario-returned=<yes|no>
// and leaves with _exit(3) if anything leaked or fn did not return, else
// _exit(0). _exit skips the destructors of globals and of stuck handles, which
// could otherwise hang or abort the process. A std::terminate (for instance a
// second std::promise::set_value escaping a thread) is reported as
//     chanleak-scenario: terminate=<what>
// and also exits 3: the defect the pattern describes has happened.
//
// Under chanleak's runtime (LD_PRELOAD=libchanleak-rt.so
// CHANLEAK_VERIFY_AT_EXIT=1) the harness lets the runtime write its leak
// report before leaving: _exit bypasses the runtime's own exit hooks, so the
// harness calls chanleak_rt_verify_at_exit() itself when that symbol is
// loaded. The exit status stays the harness's verdict.
#ifndef CHANLEAK_PATTERNS_SCENARIO_H
#define CHANLEAK_PATTERNS_SCENARIO_H

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <dirent.h>
#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace chanleak_scenario {

struct HarnessState {
  std::mutex mu;
  std::condition_variable cv;
  bool returned = false;
  long harness_tid = 0;
};

inline HarnessState &state() {
  static HarnessState *s = new HarnessState; // never destroyed: see _exit
  return *s;
}

inline long current_tid() { return static_cast<long>(::syscall(SYS_gettid)); }

inline long env_ms(const char *name, long fallback) {
  const char *v = std::getenv(name);
  if (!v || !*v)
    return fallback;
  char *end = nullptr;
  long n = std::strtol(v, &end, 10);
  return (end && *end == '\0' && n >= 0) ? n : fallback;
}

// Threads other than main and the harness thread.
inline std::vector<long> other_threads(long harness_tid) {
  std::vector<long> tids;
  DIR *dir = ::opendir("/proc/self/task");
  if (!dir)
    return tids;
  const long main_tid = static_cast<long>(::getpid());
  while (dirent *e = ::readdir(dir)) {
    char *end = nullptr;
    long tid = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0')
      continue;
    if (tid != main_tid && tid != harness_tid)
      tids.push_back(tid);
  }
  ::closedir(dir);
  return tids;
}

inline std::string read_small(const std::string &path) {
  std::string out;
  if (FILE *f = std::fopen(path.c_str(), "r")) {
    char buf[256];
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    out.assign(buf, n);
    std::fclose(f);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\0'))
    out.pop_back();
  return out;
}

[[noreturn]] inline void on_terminate() {
  std::string what = "unknown";
  if (std::exception_ptr ep = std::current_exception()) {
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception &e) {
      what = e.what();
    } catch (...) {
      what = "non-std exception";
    }
  } else {
    what = "std::terminate without an active exception";
  }
  std::printf("chanleak-scenario: terminate=%s\n", what.c_str());
  std::fflush(stdout);
  ::_exit(3);
}

[[noreturn]] inline void run(void (*scenario)(), const char *name) {
  std::set_terminate(on_terminate);
  HarnessState &st = state();
  std::thread([scenario, name, &st] { // CHANLEAK-SPAWN
    {
      std::lock_guard<std::mutex> lk(st.mu);
      st.harness_tid = current_tid();
    }
    try {
      scenario();
    } catch (const std::exception &e) {
      std::fprintf(stderr, "chanleak-scenario: %s threw: %s\n", name, e.what());
    } catch (...) {
      std::fprintf(stderr, "chanleak-scenario: %s threw a non-std exception\n", name);
    }
    std::lock_guard<std::mutex> lk(st.mu);
    st.returned = true;
    st.cv.notify_all();
  }).detach();

  bool returned;
  long harness_tid;
  {
    std::unique_lock<std::mutex> lk(st.mu);
    returned = st.cv.wait_for(
        lk, std::chrono::milliseconds(env_ms("CHANLEAK_SCENARIO_RETURN_MS", 2000)),
        [&] { return st.returned; });
    harness_tid = st.harness_tid;
  }

  // A scenario that did not return has already leaked; its threads are only
  // counted for the report, after a short pause.
  using clock = std::chrono::steady_clock;
  const long settle_ms = returned ? env_ms("CHANLEAK_SCENARIO_SETTLE_MS", 1000) : 50;
  if (!returned)
    std::this_thread::sleep_for(std::chrono::milliseconds(settle_ms));
  const auto deadline = clock::now() + std::chrono::milliseconds(settle_ms);
  // Once the scenario has returned, the harness thread has nothing left to do
  // but exit, so it is counted too: a thread that cannot finish (Boost.Fiber
  // waits at thread exit for the fibers it hosts, stranded or not) leaked.
  const long excluded = returned ? 0 : harness_tid;
  std::vector<long> left = other_threads(excluded);
  while (!left.empty() && clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    left = other_threads(excluded);
  }

  for (long tid : left) {
    std::string dir = "/proc/self/task/" + std::to_string(tid);
    std::fprintf(stderr, "chanleak-scenario: thread %ld (%s) still alive, wchan=%s\n", tid,
                 read_small(dir + "/comm").c_str(), read_small(dir + "/wchan").c_str());
  }
  std::printf("chanleak-scenario: leaked=%zu scenario-returned=%s\n", left.size(),
              returned ? "yes" : "no");
  std::fflush(stdout);
  std::fflush(stderr);
  using VerifyAtExit = int (*)();
  if (auto verify = reinterpret_cast<VerifyAtExit>(
          ::dlsym(RTLD_DEFAULT, "chanleak_rt_verify_at_exit")))
    verify();
  ::_exit(!left.empty() || !returned ? 3 : 0);
}

} // namespace chanleak_scenario

#define CHANLEAK_SCENARIO_MAIN(fn)                                             \
  int main() { ::chanleak_scenario::run(&(fn), #fn); }

#endif // CHANLEAK_PATTERNS_SCENARIO_H
