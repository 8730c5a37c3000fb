// TLS front end: while the listener is being brought up, a health poller
// reports the backend state every few milliseconds.
#include <atomic>
#include <chrono>
#include <string>

#include "annotated/work_queue.h"
#include "scenario.h"

std::atomic<int> g_health_checks{0};

bool LoadCertificate(const std::string &path) { return path.size() > 4 && path.ends_with(".pem"); }

bool OpenListener(const std::string &cert_path) {
  work::Poller health([] { g_health_checks.fetch_add(1); }, std::chrono::milliseconds(5));
  health.Start();
  struct StopOnExit {
    work::Poller &p;
    ~StopOnExit() { p.Stop(); }
  } stop_on_exit{health};
  if (!LoadCertificate(cert_path))
    return false; // listener stays down; the caller retries later
  // ... bind and listen ...
  return true;
}

void BringUp() { OpenListener("/etc/front/cert.der"); }

CHANLEAK_SCENARIO_MAIN(BringUp)
