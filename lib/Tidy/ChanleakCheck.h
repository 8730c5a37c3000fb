//===- ChanleakCheck.h - The chanleak checks --------------------*- C++ -*-===//
//
// Every chanleak check is this class with its own label: it matches each
// function definition of the main file, asks the translation unit's
// LeakEngine (one per model configuration, shared by all seven checks
// through the module's EngineCache) for the function's witnesses, keeps
// those of its label and prints the engine's explanation of each, unless
// [[clang::suppress]] silences it or it was printed already. The options
// (ModelFile, ChannelTypes, SpawnerFunctions) are the model's.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TIDY_CHANLEAKCHECK_H
#define CHANLEAK_TIDY_CHANLEAKCHECK_H

#include "chanleak/Analysis/Engine.h"
#include "chanleak/Model/ModelConfig.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "chanleak/Analysis/Explain.h"
#include "chanleak/Analysis/Suppression.h"
#include "llvm/ADT/DenseSet.h"
#include <map>

namespace chanleak::tidy {

/// The model indexes of the run and the engines of the translation unit
/// being analysed; owned by the module, so every check of one clang-tidy run
/// shares them.
class EngineCache : public chanleak::EngineCache {
public:
  ModelIndexCache &indexes() { return Indexes; }

private:
  ModelIndexCache Indexes;
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

private:
  void report(const Finding &F);

  std::string ModelFile;
  std::string ChannelTypes;
  std::string SpawnerFunctions;
  std::shared_ptr<const ModelIndex> Index;
  std::shared_ptr<EngineCache> Engines;
  LeakLabel Label;
  llvm::DenseSet<unsigned> Reported;
};

} // namespace chanleak::tidy

#endif
