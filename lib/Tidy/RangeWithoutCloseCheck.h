//===- RangeWithoutCloseCheck.h - chanleak-range-without-close ----*- C++ -*-===//
//
// Reports the engine's range-without-close witnesses: workers loop over a channel that is never closed.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_RANGEWITHOUTCLOSECHECK_H
#define CHANLEAK_TIDY_RANGEWITHOUTCLOSECHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class RangeWithoutCloseCheck : public ChanleakCheck {
public:
  RangeWithoutCloseCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context,
                         std::shared_ptr<EngineCache> Engines)
      : ChanleakCheck(Name, Context, std::move(Engines), LeakLabel::RangeWithoutClose) {}

protected:
  void reportWitness(const Witness &W, LeakEngine &E) override;
};

} // namespace chanleak::tidy

#endif
