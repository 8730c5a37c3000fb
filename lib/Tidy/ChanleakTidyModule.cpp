//===- ChanleakTidyModule.cpp - Registers the chanleak checks -------------===//

#include "CancelTimeoutCheck.h"
#include "DoubleSendCheck.h"
#include "EarlyReturnCheck.h"
#include "LoopingTimerCheck.h"
#include "OrphanedWorkerCheck.h"
#include "RangeWithoutCloseCheck.h"
#include "TakeFirstCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "llvm/Config/llvm-config.h"
// LLVM 22 moved the registry into ClangTidyModule.h and deprecated this one.
#if LLVM_VERSION_MAJOR < 22
#include "clang-tidy/ClangTidyModuleRegistry.h"
#endif

namespace chanleak::tidy {

class ChanleakModule : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<RangeWithoutCloseCheck>("chanleak-range-without-close");
    Factories.registerCheck<DoubleSendCheck>("chanleak-double-send");
    Factories.registerCheck<EarlyReturnCheck>("chanleak-early-return");
    Factories.registerCheck<CancelTimeoutCheck>("chanleak-cancel-timeout");
    Factories.registerCheck<TakeFirstCheck>("chanleak-take-first");
    Factories.registerCheck<OrphanedWorkerCheck>("chanleak-orphaned-worker");
    Factories.registerCheck<LoopingTimerCheck>("chanleak-looping-timer");
  }
};

static clang::tidy::ClangTidyModuleRegistry::Add<ChanleakModule>
    Registration("chanleak-module", "Finds Go-style goroutine leaks in C++.");

} // namespace chanleak::tidy
