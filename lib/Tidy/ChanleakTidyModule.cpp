//===- ChanleakTidyModule.cpp - Registers the chanleak checks -------------===//

#include "ChanleakCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "llvm/Config/llvm-config.h"
// LLVM 22 moved the registry into ClangTidyModule.h and deprecated this one.
#if LLVM_VERSION_MAJOR < 22
#include "clang-tidy/ClangTidyModuleRegistry.h"
#endif

namespace chanleak::tidy {

/// One check per leak label, `chanleak-<label>`, all sharing the module's
/// engines.
class ChanleakModule : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
    for (LeakLabel Label : AllLeakLabels)
      Factories.registerCheckFactory(
          ("chanleak-" + leakLabelName(Label)).str(),
          [Engines = Engines, Label](llvm::StringRef Name, clang::tidy::ClangTidyContext *Context) {
            return std::make_unique<ChanleakCheck>(Name, Context, Engines, Label);
          });
  }

private:
  std::shared_ptr<EngineCache> Engines = std::make_shared<EngineCache>();
};

static clang::tidy::ClangTidyModuleRegistry::Add<ChanleakModule>
    Registration("chanleak-module", "Finds Go-style goroutine leaks in C++.");

} // namespace chanleak::tidy
