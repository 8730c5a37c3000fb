//===- LoopingTimerCheck.h - chanleak-looping-timer ---------------*- C++ -*-===//
//
// A spawned thread sleeps or waits on a timer in a loop with no stop
// condition, started by a function any caller can call again. Go's
// StateReporter pattern.
// See docs/checks/chanleak-looping-timer.md.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_LOOPINGTIMERCHECK_H
#define CHANLEAK_TIDY_LOOPINGTIMERCHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class LoopingTimerCheck : public ChanleakCheck {
public:
  using ChanleakCheck::ChanleakCheck;

protected:
  void analyze(const ConcurrencyFacts &Facts, AnalysisSession &Session) override;
};

} // namespace chanleak::tidy

#endif
