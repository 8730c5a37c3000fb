//===- ChanleakCheck.h - Common base of the chanleak checks -----*- C++ -*-===//
//
// Every chanleak check analyses whole functions: it matches each function
// definition of the main file, asks the translation unit's LeakEngine (one
// per model configuration, shared by all seven checks through the module's
// EngineCache) for the function's witnesses, keeps those of its own label
// and words them through report(), which applies [[clang::suppress]] and
// drops duplicates. Options shared by all checks (ModelFile, ChannelTypes,
// SpawnerFunctions) are read here.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_CHANLEAKCHECK_H
#define CHANLEAK_TIDY_CHANLEAKCHECK_H

#include "chanleak/Analysis/Engine.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"
#include <map>

namespace chanleak::tidy {

/// The engines of the translation unit being analysed, one per model index;
/// owned by the module, so every check of one clang-tidy run shares them.
class EngineCache {
public:
  LeakEngine &engine(const ModelIndex &Index, clang::ASTContext &Ctx);
  void startTranslationUnit();

private:
  clang::ASTContext *Ctx = nullptr;
  std::map<const ModelIndex *, std::unique_ptr<LeakEngine>> Engines;
};

class ChanleakCheck : public clang::tidy::ClangTidyCheck {
public:
  ChanleakCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context,
                std::shared_ptr<EngineCache> Engines, LeakLabel Label);

  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onStartOfTranslationUnit() override;
  void registerPPCallbacks(const clang::SourceManager &SM, clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  bool isLanguageVersionSupported(const clang::LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus;
  }

protected:
  /// Words one witness of this check's label.
  virtual void reportWitness(const Witness &W, LeakEngine &E) = 0;

  /// Starts a warning at the blocking operation `At`, a statement of the
  /// body of `Within`, unless it is suppressed with [[clang::suppress]] or
  /// was reported already; notes follow with note(). Returns false when the
  /// finding is dropped.
  bool report(const clang::Stmt *At, const clang::FunctionDecl *Within,
              llvm::StringRef Message,
              llvm::ArrayRef<clang::FixItHint> Fixes = {});
  void note(clang::SourceLocation Loc, llvm::StringRef Message);
  void note(const clang::Stmt *At, llvm::StringRef Message);

  /// The "thread spawned here" note every finding in a spawned thread has.
  void noteSpawn(const Witness &W);

  /// The note at the event that strands a peer: the early return, the
  /// throw, or the end of the function. `Without` says what was skipped
  /// ("without receiving from 'results'").
  void noteExit(const Witness &W, llvm::StringRef Without);

  clang::ASTContext &context() const { return *Ctx; }

private:
  bool isSuppressed(const clang::Stmt *At, const clang::FunctionDecl *Within) const;

  std::string ModelFile;
  std::string ChannelTypes;
  std::string SpawnerFunctions;
  std::shared_ptr<const ModelIndex> Index;
  std::shared_ptr<EngineCache> Engines;
  LeakLabel Label;
  clang::ASTContext *Ctx = nullptr;
  bool Reporting = false;
  llvm::DenseSet<unsigned> Reported;
};

/// "'name'" for a declaration, for messages.
std::string quoted(const clang::NamedDecl *D);

/// A short name for a function, for messages: "lambda" for a lambda.
std::string functionName(const clang::FunctionDecl *FD);

} // namespace chanleak::tidy

#endif
