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
    add<RangeWithoutCloseCheck>(Factories, "chanleak-range-without-close");
    add<DoubleSendCheck>(Factories, "chanleak-double-send");
    add<EarlyReturnCheck>(Factories, "chanleak-early-return");
    add<CancelTimeoutCheck>(Factories, "chanleak-cancel-timeout");
    add<TakeFirstCheck>(Factories, "chanleak-take-first");
    add<OrphanedWorkerCheck>(Factories, "chanleak-orphaned-worker");
    add<LoopingTimerCheck>(Factories, "chanleak-looping-timer");
  }

private:
  /// Every check of this module shares the module's engines.
  template <typename Check>
  void add(clang::tidy::ClangTidyCheckFactories &Factories, llvm::StringRef Name) {
    Factories.registerCheckFactory(
        Name, [Engines = Engines](llvm::StringRef Name, clang::tidy::ClangTidyContext *Context) {
          return std::make_unique<Check>(Name, Context, Engines);
        });
  }

  std::shared_ptr<EngineCache> Engines = std::make_shared<EngineCache>();
};

static clang::tidy::ClangTidyModuleRegistry::Add<ChanleakModule>
    Registration("chanleak-module", "Finds Go-style goroutine leaks in C++.");

} // namespace chanleak::tidy
