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

LeakEngine &EngineCache::engine(const ModelIndex &Index, ASTContext &Context) {
  if (Ctx != &Context) {
    Engines.clear();
    Ctx = &Context;
  }
  auto &Slot = Engines[&Index];
  if (!Slot)
    Slot = std::make_unique<LeakEngine>(Index, Context);
  return *Slot;
}

void EngineCache::startTranslationUnit() {
  Engines.clear();
  Ctx = nullptr;
}

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
  Engines->startTranslationUnit();
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

/// The lambda expression whose call operator is Operator, in Body.
static const LambdaExpr *findLambda(const Stmt *Body, const CXXMethodDecl *Operator) {
  if (!Body)
    return nullptr;
  if (const auto *Lambda = dyn_cast<LambdaExpr>(Body);
      Lambda && Lambda->getCallOperator() == Operator)
    return Lambda;
  for (const Stmt *Child : Body->children())
    if (const LambdaExpr *Found = findLambda(Child, Operator))
      return Found;
  return nullptr;
}

// The walk uses a ParentMap of the enclosing function rather than the
// ASTContext's parent map, which clang builds for the whole translation unit
// (headers included) on first use and which cost more than the analysis.
bool ChanleakCheck::isSuppressed(const Stmt *At, const FunctionDecl *Within) const {
  auto Matches = [&](const SuppressAttr *A) {
    if (A->diagnosticIdentifiers_size() == 0)
      return true;
    for (llvm::StringRef Id : A->diagnosticIdentifiers())
      if (Id == getID() || Id == "chanleak" || getID().starts_with(Id))
        return true;
    return false;
  };
  auto DeclSuppressed = [&](const Decl *D) {
    for (const auto *Suppress : D->specific_attrs<SuppressAttr>())
      if (Matches(Suppress))
        return true;
    return false;
  };
  const Stmt *From = At;
  for (const FunctionDecl *Fn = Within; Fn && From;) {
    const Stmt *Body = Fn->getBody();
    if (!Body)
      break;
    ParentMap Parents(const_cast<Stmt *>(Body));
    for (const Stmt *S = From; S; S = Parents.getParent(S)) {
      if (const auto *Attributed = dyn_cast<AttributedStmt>(S))
        for (const Attr *A : Attributed->getAttrs())
          if (const auto *Suppress = dyn_cast<SuppressAttr>(A); Suppress && Matches(Suppress))
            return true;
      if (const auto *DS = dyn_cast<DeclStmt>(S))
        for (const Decl *D : DS->decls())
          if (DeclSuppressed(D))
            return true;
    }
    if (DeclSuppressed(Fn))
      return true;
    // A lambda: go on from the lambda expression in its enclosing function.
    const auto *Method = dyn_cast<CXXMethodDecl>(Fn);
    if (!Method || !Method->getParent()->isLambda())
      break;
    Fn = dyn_cast_or_null<FunctionDecl>(
        Method->getParent()->getDeclContext()->getNonClosureAncestor());
    From = Fn ? findLambda(Fn->getBody(), Method) : nullptr;
  }
  for (const DeclContext *DC = Within ? Within->getDeclContext() : nullptr; DC;
       DC = DC->getParent())
    if (const auto *D = dyn_cast<Decl>(DC); D && DeclSuppressed(D))
      return true;
  return false;
}

void ChanleakCheck::report(const Finding &F) {
  SourceLocation Loc = F.Blocked->getBeginLoc();
  if (Loc.isInvalid() || isSuppressed(F.Blocked, F.BlockedIn) ||
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
