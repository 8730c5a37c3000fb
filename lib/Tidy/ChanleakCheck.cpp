//===- ChanleakCheck.cpp - The chanleak checks ----------------------------===//

#include "ChanleakCheck.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace chanleak::tidy {

ChanleakCheck::ChanleakCheck(llvm::StringRef Name,
                             clang::tidy::ClangTidyContext *Context,
                             std::shared_ptr<EngineCache> Engines, LeakLabel Label)
    : ClangTidyCheck(Name, Context),
      ModelFile(Options.getLocalOrGlobal("ModelFile", "")),
      ChannelTypes(Options.getLocalOrGlobal("ChannelTypes", "")),
      SpawnerFunctions(Options.getLocalOrGlobal("SpawnerFunctions", "")),
      Engines(std::move(Engines)), Label(Label) {
  std::string Error;
  Index = this->Engines->indexes().get({ModelFile, ChannelTypes, SpawnerFunctions}, Error);
  if (!Error.empty())
    configurationDiag("chanleak: %0; using the built-in model only",
                      DiagnosticIDs::Error)
        << Error;
}

void ChanleakCheck::storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "ModelFile", ModelFile);
  Options.store(Opts, "ChannelTypes", ChannelTypes);
  Options.store(Opts, "SpawnerFunctions", SpawnerFunctions);
}

void ChanleakCheck::registerMatchers(MatchFinder *Finder) {
  // Lambda bodies and implicit members (a defaulted constructor starting a
  // member jthread) are analysed as part of the code that runs them.
  Finder->addMatcher(
      functionDecl(isDefinition(), isExpansionInMainFile(), unless(isImplicit()),
                   unless(cxxMethodDecl(ofClass(cxxRecordDecl(isLambda())))))
          .bind("function"),
      this);
}

void ChanleakCheck::registerPPCallbacks(const SourceManager &, Preprocessor *PP,
                                        Preprocessor *) {
  // The model reads library version macros (ASIO_VERSION) once parsing is done.
  Index->setPreprocessor(PP);
}

void ChanleakCheck::onStartOfTranslationUnit() {
  Engines->clear();
  Index->startTranslationUnit();
  Reported.clear();
}

void ChanleakCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *FD = Result.Nodes.getNodeAs<FunctionDecl>("function");
  if (!FD || FD->isDependentContext() || FD->isInvalidDecl() || !FD->getBody())
    return;
  // Broken code gives a broken AST: say nothing rather than guess.
  if (Result.Context->getDiagnostics().hasUncompilableErrorOccurred())
    return;
  LeakEngine &Engine = Engines->engine(*Index, *Result.Context);
  for (const Witness &W : Engine.witnesses(*FD))
    if (W.Label == Label)
      report(explain(W, Engine));
}

void ChanleakCheck::report(const Finding &F) {
  SourceLocation Loc = F.Blocked->getBeginLoc();
  if (Loc.isInvalid() || isSuppressedByAttribute(F.Blocked, F.BlockedIn, Label) ||
      !Reported.insert(Loc.getRawEncoding()).second)
    return;
  {
    auto Diag = diag(Loc, F.Message);
    for (const FixItHint &Fix : F.Fixes)
      Diag << Fix;
  }
  for (const FindingNote &N : F.Notes)
    diag(N.Loc, N.Message, DiagnosticIDs::Note);
}

} // namespace chanleak::tidy
