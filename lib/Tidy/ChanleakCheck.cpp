//===- ChanleakCheck.cpp - Common base of the chanleak checks -------------===//

#include "ChanleakCheck.h"
#include "chanleak/Model/ModelFile.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "llvm/ADT/StringSet.h"
#include <map>
#include <mutex>

using namespace clang;
using namespace clang::ast_matchers;

namespace chanleak::tidy {

namespace {

/// Adds a semicolon-separated list of qualified names as channels with the
/// common op names (push/send/write, pop/recv/receive/read, close, try_*).
void addChannelTypes(ApiModel &Model, llvm::StringRef List) {
  llvm::SmallVector<llvm::StringRef, 4> Names;
  List.split(Names, ';', -1, false);
  for (llvm::StringRef Name : Names) {
    ChannelModel M;
    M.TypeName = Name.trim().str();
    M.Family = "option";
    M.Capacity.DefaultKind = CapacityKind::Rendezvous;
    M.Capacity.Arg = 0;
    for (llvm::StringRef Send : {"push", "send", "write", "Push", "Send", "Write"})
      M.Methods[Send] = OpKind::Send;
    for (llvm::StringRef Recv : {"pop", "recv", "receive", "read", "Pop", "Recv", "Receive", "Read"})
      M.Methods[Recv] = OpKind::Recv;
    for (llvm::StringRef Close : {"close", "Close"})
      M.Methods[Close] = OpKind::Close;
    for (llvm::StringRef Try : {"try_push", "try_send", "TryPush", "TrySend"})
      M.Methods[Try] = OpKind::TrySend;
    for (llvm::StringRef Try : {"try_pop", "try_recv", "TryPop", "TryRecv"})
      M.Methods[Try] = OpKind::TryRecv;
    M.ReceiveStatus = RecvStatus::Bool;
    M.RangeIterable = true;
    Model.addChannel(std::move(M));
  }
}

void addSpawnerFunctions(ApiModel &Model, llvm::StringRef List) {
  llvm::SmallVector<llvm::StringRef, 4> Names;
  List.split(Names, ';', -1, false);
  for (llvm::StringRef Name : Names) {
    SpawnerModel S;
    S.Name = Name.trim().str();
    S.Family = "option";
    S.CallableArg = 0;
    S.FirstForwardedArg = 1;
    Model.addSpawner(std::move(S));
  }
}

/// One index per distinct configuration, shared by every check using it.
std::shared_ptr<const ModelIndex>
sharedIndex(llvm::StringRef ModelFile, llvm::StringRef ChannelTypes,
            llvm::StringRef SpawnerFunctions, std::string &Error) {
  static std::mutex Lock;
  static std::map<std::string, std::weak_ptr<const ModelIndex>> Indexes;
  static llvm::StringSet<> ReportedErrors;
  std::lock_guard<std::mutex> Guard(Lock);
  std::string Key =
      (ModelFile + "\n" + ChannelTypes + "\n" + SpawnerFunctions).str();
  if (auto Existing = Indexes[Key].lock())
    return Existing;

  ApiModel Model = ApiModel::builtin();
  if (!ModelFile.empty()) {
    llvm::Expected<ApiModel> User = loadModelFile(ModelFile);
    if (User)
      Model.merge(*User);
    else {
      std::string Message = llvm::toString(User.takeError());
      // Every check shares the file: say it once.
      if (ReportedErrors.insert(Message).second)
        Error = Message;
    }
  }
  addChannelTypes(Model, ChannelTypes);
  addSpawnerFunctions(Model, SpawnerFunctions);
  auto Index = std::make_shared<const ModelIndex>(std::move(Model));
  Indexes[Key] = Index;
  return Index;
}

} // namespace

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
  Index = sharedIndex(ModelFile, ChannelTypes, SpawnerFunctions, Error);
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
  Ctx = Result.Context;
  LeakEngine &Engine = Engines->engine(*Index, *Ctx);
  for (const Witness &W : Engine.witnesses(*FD))
    if (W.Label == Label)
      reportWitness(W, Engine);
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

bool ChanleakCheck::report(const Stmt *At, const FunctionDecl *Within,
                           llvm::StringRef Message,
                           llvm::ArrayRef<FixItHint> Fixes) {
  Reporting = false;
  SourceLocation Loc = At->getBeginLoc();
  if (Loc.isInvalid() || isSuppressed(At, Within) ||
      !Reported.insert(Loc.getRawEncoding()).second)
    return false;
  auto Diag = diag(Loc, Message);
  for (const FixItHint &Fix : Fixes)
    Diag << Fix;
  Reporting = true;
  return true;
}

void ChanleakCheck::note(SourceLocation Loc, llvm::StringRef Message) {
  if (Reporting && Loc.isValid())
    diag(Loc, Message, DiagnosticIDs::Note);
}

void ChanleakCheck::note(const Stmt *At, llvm::StringRef Message) {
  if (At)
    note(At->getBeginLoc(), Message);
}

void ChanleakCheck::noteSpawn(const Witness &W) {
  if (!W.Spawn)
    return;
  std::string Message = "thread spawned here";
  if (W.Spawn->Loop)
    Message = W.SpawnLoopCount ? ("thread spawned here, " + llvm::Twine(*W.SpawnLoopCount) +
                                  " times in a loop").str()
                               : "thread spawned here, once per loop iteration";
  note(W.Spawn->Site, Message);
}

void ChanleakCheck::noteExit(const Witness &W, llvm::StringRef Without) {
  std::string Who = W.LeaverIsSpawned ? "the thread" : "'" + functionName(W.Leaver) + "'";
  // A coroutine that runs off its end gets an implicit `co_return;`, placed
  // at its name: it ends at its closing brace.
  const auto *Coreturn = dyn_cast_or_null<CoreturnStmt>(W.Exit);
  bool Synthesized = Coreturn && Coreturn->isImplicit();
  const Stmt *Body = W.Leaver ? W.Leaver->getBody() : nullptr;
  if (W.Exit && isa<CXXThrowExpr>(W.Exit))
    note(W.Exit, "exception thrown here leaves " + Who + " " + Without.str());
  else if (W.Exit && W.Exit != Body && !Synthesized)
    note(W.Exit, Who + " returns here " + Without.str());
  else if (Body)
    note(Body->getEndLoc(), Who + " ends here " + Without.str());
}

std::string quoted(const NamedDecl *D) {
  return D ? "'" + D->getNameAsString() + "'" : std::string("the channel");
}

std::string functionName(const FunctionDecl *FD) {
  if (!FD)
    return "<thread>";
  if (const auto *Method = dyn_cast<CXXMethodDecl>(FD); Method && Method->getParent()->isLambda())
    return "lambda";
  return FD->getQualifiedNameAsString();
}

} // namespace chanleak::tidy
