//===- TakeFirstCheck.h - chanleak-take-first ---------------------*- C++ -*-===//
//
// Reports the engine's take-first witnesses: N senders, one receive.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_TAKEFIRSTCHECK_H
#define CHANLEAK_TIDY_TAKEFIRSTCHECK_H

#include "ChanleakCheck.h"

namespace chanleak::tidy {

class TakeFirstCheck : public ChanleakCheck {
public:
  TakeFirstCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context,
                 std::shared_ptr<EngineCache> Engines)
      : ChanleakCheck(Name, Context, std::move(Engines), LeakLabel::TakeFirst) {}

protected:
  void reportWitness(const Witness &W, LeakEngine &E) override;
};

} // namespace chanleak::tidy

#endif
