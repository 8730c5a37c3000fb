//===- LoopingTimerCheck.h - chanleak-looping-timer ---------------*- C++ -*-===//
//
// Reports the engine's looping-timer witnesses: a sleeping loop with no stop condition.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_LOOPINGTIMERCHECK_H
#define CHANLEAK_TIDY_LOOPINGTIMERCHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class LoopingTimerCheck : public ChanleakCheck {
public:
  LoopingTimerCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context,
                    std::shared_ptr<EngineCache> Engines)
      : ChanleakCheck(Name, Context, std::move(Engines), LeakLabel::LoopingTimer) {}

protected:
  void reportWitness(const Witness &W, LeakEngine &E) override;
};

} // namespace chanleak::tidy

#endif
