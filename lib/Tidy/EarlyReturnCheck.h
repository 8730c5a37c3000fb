//===- EarlyReturnCheck.h - chanleak-early-return ---------------*- C++ -*-===//
//
// A spawned thread sends on a channel only its parent receives from, and the
// parent can return or throw before receiving: the send blocks forever.
// Go's EarlyReturn pattern. See docs/checks/chanleak-early-return.md.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_EARLYRETURNCHECK_H
#define CHANLEAK_TIDY_EARLYRETURNCHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class EarlyReturnCheck : public ChanleakCheck {
public:
  using ChanleakCheck::ChanleakCheck;

protected:
  void analyze(const ConcurrencyFacts &Facts, AnalysisSession &Session) override;
};

} // namespace chanleak::tidy

#endif
