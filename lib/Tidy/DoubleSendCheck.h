//===- DoubleSendCheck.h - chanleak-double-send -------------------*- C++ -*-===//
//
// Reports the engine's double-send witnesses: a thread sends twice where one value is taken.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_DOUBLESENDCHECK_H
#define CHANLEAK_TIDY_DOUBLESENDCHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class DoubleSendCheck : public ChanleakCheck {
public:
  DoubleSendCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context,
                  std::shared_ptr<EngineCache> Engines)
      : ChanleakCheck(Name, Context, std::move(Engines), LeakLabel::DoubleSend) {}

protected:
  void reportWitness(const Witness &W, LeakEngine &E) override;
};

} // namespace chanleak::tidy

#endif
