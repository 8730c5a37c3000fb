//===- RangeWithoutCloseCheck.h - chanleak-range-without-close ---------------*- C++ -*-===//
//
// A thread loops receiving from a channel until it is closed, and nothing
// ever closes it: the loop never ends. Go's NoCloseRange pattern.
// See docs/checks/chanleak-range-without-close.md.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_RANGEWITHOUTCLOSECHECK_H
#define CHANLEAK_TIDY_RANGEWITHOUTCLOSECHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class RangeWithoutCloseCheck : public ChanleakCheck {
public:
  using ChanleakCheck::ChanleakCheck;

protected:
  void analyze(const ConcurrencyFacts &Facts, AnalysisSession &Session) override;
};

} // namespace chanleak::tidy

#endif
