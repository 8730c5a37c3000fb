// A minimal clang-tidy module standing in for libchanleak-tidy-impl.so in the
// loader tests: check `chanleakdummy-function` warns on every function named
// `chanleak_dummy_target`.
#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/Config/llvm-config.h"
#if LLVM_VERSION_MAJOR < 22 // merged into ClangTidyModule.h in LLVM 22
#include "clang-tidy/ClangTidyModuleRegistry.h"
#endif

using namespace clang::ast_matchers;

namespace {
class DummyCheck : public clang::tidy::ClangTidyCheck {
public:
  using ClangTidyCheck::ClangTidyCheck;
  void registerMatchers(MatchFinder *Finder) override {
    Finder->addMatcher(functionDecl(hasName("chanleak_dummy_target")).bind("f"), this);
  }
  void check(const MatchFinder::MatchResult &Result) override {
    const auto *F = Result.Nodes.getNodeAs<clang::FunctionDecl>("f");
    diag(F->getLocation(), "chanleak dummy module is loaded");
  }
};

class DummyModule : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &Factories) override {
    Factories.registerCheck<DummyCheck>("chanleakdummy-function");
  }
};
} // namespace

static clang::tidy::ClangTidyModuleRegistry::Add<DummyModule>
    X("chanleakdummy-module", "chanleak loader test module");
