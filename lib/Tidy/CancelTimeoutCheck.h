//===- CancelTimeoutCheck.h - chanleak-cancel-timeout ---------------*- C++ -*-===//
//
// The parent waits for a spawned thread with a deadline or a stop request
// and gives up; the thread's later send has no receiver and blocks forever.
// Go's Timeout pattern. See docs/checks/chanleak-cancel-timeout.md.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_CANCELTIMEOUTCHECK_H
#define CHANLEAK_TIDY_CANCELTIMEOUTCHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class CancelTimeoutCheck : public ChanleakCheck {
public:
  using ChanleakCheck::ChanleakCheck;

protected:
  void analyze(const ConcurrencyFacts &Facts, AnalysisSession &Session) override;
};

} // namespace chanleak::tidy

#endif
