//===- OrphanedWorkerCheck.h - chanleak-orphaned-worker ---------------*- C++ -*-===//
//
// A worker started and not stopped on some path, or a spawned loop with no
// way out (a detached thread, a jthread that ignores its stop_token). Go's
// MethodContractViolation pattern.
// See docs/checks/chanleak-orphaned-worker.md.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_ORPHANEDWORKERCHECK_H
#define CHANLEAK_TIDY_ORPHANEDWORKERCHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class OrphanedWorkerCheck : public ChanleakCheck {
public:
  using ChanleakCheck::ChanleakCheck;

protected:
  void analyze(const ConcurrencyFacts &Facts, AnalysisSession &Session) override;

private:
  /// Start() with a path to the end of the scope that never calls Stop().
  void reportUnstoppedWorkers(const ConcurrencyFacts &Facts, AnalysisSession &Session);
  /// obj.Start() spawning a loop that receives from a member channel until
  /// it is closed, with a path to the end that never closes it (Stop()):
  /// a start/stop contract the class states by its code, not by a model.
  void reportUnclosedWorkerLoops(const ConcurrencyFacts &Facts, AnalysisSession &Session);
  /// Spawned loops with no way out.
  void reportEndlessThreads(const ConcurrencyFacts &Facts, AnalysisSession &Session);
};

} // namespace chanleak::tidy

#endif
