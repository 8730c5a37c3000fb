//===- ChanleakChecker.cpp - chanleak's Static Analyzer checkers ----------===//
//
// The seven checkers chanleak.<Pattern> are front ends of one checker class,
// as MallocChecker's are: each enables its label. The engine (lib/Analysis)
// finds the leaks of every function once; ExprEngine then decides, path by
// path, which of them a feasible path of the code reaches:
//
//  - A leak stranded by the analysed code leaving (an early return, a path
//    that never stops a worker) is reported when ExprEngine reaches that
//    exit after the spawn of the blocked thread, on the same path: the report
//    is that path, with the engine's notes as NoteTags at the spawn and the
//    exit and the analyzer's own ("Assuming 'err' is true") between them.
//    When ExprEngine explored every path of the function (no block or step
//    budget ran out) and none did, the leak sits on an infeasible path and is
//    not reported. When the exploration was cut short, it is reported as the
//    clang-tidy checks report it: the analyzer never says less than they do.
//  - Any other leak (stranded by another thread, a loop with no exit, a
//    channel nothing closes) has no path of the analysed function to show
//    and is reported as the clang-tidy checks report it.
//
//===----------------------------------------------------------------------===//

#include "chanleak/Analysis/Engine.h"
#include "chanleak/Analysis/Explain.h"
#include "chanleak/Analysis/Suppression.h"
#include "chanleak/Model/ModelConfig.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/StaticAnalyzer/Core/BugReporter/BugReporter.h"
#include "clang/StaticAnalyzer/Core/BugReporter/BugType.h"
#include "clang/StaticAnalyzer/Core/Checker.h"
#include "clang/StaticAnalyzer/Core/CheckerManager.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/AnalysisManager.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/CallEvent.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/CheckerContext.h"
#include "clang/StaticAnalyzer/Core/PathSensitive/ExprEngine.h"
#include "clang/StaticAnalyzer/Frontend/CheckerRegistry.h"
#include "llvm/ADT/DenseSet.h"
#include <map>

using namespace clang;
using namespace clang::ento;

// The spawns this path executed, with the frame that executed each.
REGISTER_MAP_WITH_PROGRAMSTATE(SpawnedOnPath, const Stmt *, const StackFrameContext *)
// The blocked operations reported on this path: two leaks made certain at
// the same point differ in it, so each gets its own error node and path.
REGISTER_SET_WITH_PROGRAMSTATE(ReportedOnPath, const Stmt *)

namespace chanleak::analyzer {

namespace {

constexpr unsigned LabelCount = std::size(AllLeakLabels);

const char *const OptionNames[][2] = {
    {"ModelFile", "A YAML model file describing more channel, spawner and worker APIs."},
    {"ChannelTypes", "Qualified names, ';'-separated, of channel types with the common "
                     "method names (push/pop/close)."},
    {"SpawnerFunctions", "Qualified names, ';'-separated, of functions that run their first "
                         "argument on a new thread."},
};

const Expr *bare(const Expr *E) { return E ? E->IgnoreImplicit()->IgnoreParens() : nullptr; }

/// A path report whose location (and last note) is the operation that
/// blocks forever, in whatever function and thread it is, not the end of the
/// path where the leak became certain.
class BlockedOperationReport final : public PathSensitiveBugReport {
public:
  BlockedOperationReport(const BugType &Type, const Finding &F, const ExplodedNode *N,
                         const SourceManager &SM, AnalysisDeclContext *Context)
      : PathSensitiveBugReport(Type, F.Message, N,
                               // A statement location, which the notes recognise
                               // their report by.
                               PathDiagnosticLocation(F.Blocked, SM, Context), F.BlockedIn),
        Blocked(F.Blocked->getBeginLoc(), SM) {
    addRange(F.Blocked->getSourceRange());
  }

  PathDiagnosticLocation getLocation() const override { return Blocked; }

private:
  PathDiagnosticLocation Blocked;
};

} // namespace

class ChanleakChecker
    : public Checker<check::ASTCodeBody, check::BeginFunction, check::PostCall,
                     check::PreStmt<ReturnStmt>, check::EndFunction, check::EndAnalysis,
                     check::EndOfTranslationUnit> {
public:
  /// Called by each chanleak.<Pattern> checker's registration.
  void enableLabel(LeakLabel Label, CheckerManager &Mgr);

  void checkASTCodeBody(const Decl *D, AnalysisManager &Mgr, BugReporter &BR) const;
  void checkBeginFunction(CheckerContext &C) const;
  void checkPostCall(const CallEvent &Call, CheckerContext &C) const;
  void checkPreStmt(const ReturnStmt *RS, CheckerContext &C) const { leaving(RS, C); }
  void checkEndFunction(const ReturnStmt *RS, CheckerContext &C) const {
    // A return was seen before it; this is running off the end.
    if (!RS)
      leaving(nullptr, C);
  }
  void checkEndAnalysis(ExplodedGraph &G, BugReporter &BR, ExprEngine &Eng) const;
  void checkEndOfTranslationUnit(const TranslationUnitDecl *TU, AnalysisManager &Mgr,
                                 BugReporter &BR) const;

  /// A leak that a path of its leaver must reach to be reported.
  struct Awaited {
    Finding F;
    const FunctionDecl *Leaver;
    /// The return it leaves by; null when it runs off its end.
    const ReturnStmt *Exit;
    /// The spawn the path must have executed, when the leaver's body holds it.
    const Stmt *Spawn;
    /// The exit is a helper's return: whether a path reaches it depends on
    /// how each caller's context was inlined, so no path is no proof.
    bool ExitInHelper;
    /// The thread never ends: the leak is certain once its spawn returns,
    /// however the leaver leaves (a throw, a noreturn call).
    bool AtSpawn = false;
    bool Reported = false;
  };

private:
  struct Frontend {
    bool Enabled = false;
    std::unique_ptr<BugType> Type;
    std::shared_ptr<const ModelIndex> Index;
  };


  const Frontend &frontend(LeakLabel L) const { return Frontends[static_cast<unsigned>(L)]; }
  std::optional<Awaited> awaitable(const Witness &W, Finding F) const;
  bool insideHandler(const Stmt &S) const;
  void reportWithoutPath(const Finding &F, AnalysisManager &Mgr, BugReporter &BR) const;
  /// The path leaves the current function by RS (null: by its end).
  void leaving(const ReturnStmt *RS, CheckerContext &C) const;
  /// Reports A after Pred, in State; Note marks the exit.
  void reportOnPath(Awaited &A, CheckerContext &C, ProgramStateRef State, ExplodedNode *Pred,
                    bool NoteExit) const;

  Frontend Frontends[LabelCount];
  ModelIndexCache Indexes;
  std::vector<std::string> ConfigurationErrors;

  // One translation unit's analysis (the checker lives as long as its
  // CheckerManager, which is per translation unit).
  mutable ASTContext *Ctx = nullptr;
  mutable EngineCache Engines;
  /// Blocked operations already reported or awaiting a path.
  mutable llvm::DenseSet<const Stmt *> Seen;
  mutable std::vector<Awaited> Awaiting;
  /// Spawn sites some awaited leak needs.
  mutable llvm::DenseSet<const Stmt *> WatchedSpawns;
  /// Awaiting leaks by the return they need, or by their leaver when they
  /// need its end.
  mutable llvm::DenseMap<const ReturnStmt *, std::vector<unsigned>> AwaitingByExit;
  mutable llvm::DenseMap<const FunctionDecl *, std::vector<unsigned>> AwaitingByLeaver;
  /// Spawns some path executed and returned from.
  mutable llvm::DenseSet<const Stmt *> SpawnsCompleted;
  /// Functions ExprEngine entered, and those it entered in an exploration
  /// that was cut short.
  mutable llvm::DenseSet<const Decl *> Entered, EnteredInPartialExploration;
  mutable std::vector<const Decl *> EnteredThisExploration;
};

/// What scan-build's index lists and filters by: one bug type per checker,
/// all in one category.
static llvm::StringRef bugTypeName(LeakLabel Label) {
  switch (Label) {
  case LeakLabel::RangeWithoutClose:
    return "Receive loop on a channel never closed";
  case LeakLabel::DoubleSend:
    return "Send after the receiver took its one value";
  case LeakLabel::EarlyReturn:
    return "Thread stranded by an early exit";
  case LeakLabel::CancelTimeout:
    return "Thread stranded by a timeout or cancellation";
  case LeakLabel::TakeFirst:
    return "Senders stranded after the first result";
  case LeakLabel::OrphanedWorker:
    return "Worker never stopped";
  case LeakLabel::LoopingTimer:
    return "Timer loop never stopped";
  }
  llvm_unreachable("unknown leak label");
}

void ChanleakChecker::enableLabel(LeakLabel Label, CheckerManager &Mgr) {
  CheckerNameRef Name = Mgr.getCurrentCheckerName();
  const AnalyzerOptions &Options = Mgr.getAnalyzerOptions();
  auto Option = [&](llvm::StringRef Option) {
    return Options.getCheckerStringOption(StringRef(Name), Option).str();
  };
  ModelConfig Config{Option("ModelFile"), Option("ChannelTypes"), Option("SpawnerFunctions")};
  std::string Error;
  Frontend &F = Frontends[static_cast<unsigned>(Label)];
  F.Index = Indexes.get(Config, Error);
  if (!Error.empty())
    ConfigurationErrors.push_back(std::move(Error));
  F.Type = std::make_unique<BugType>(Name, bugTypeName(Label), "Goroutine leak");
  F.Enabled = true;
}

void ChanleakChecker::checkASTCodeBody(const Decl *D, AnalysisManager &Mgr,
                                       BugReporter &BR) const {
  const auto *FD = dyn_cast<FunctionDecl>(D);
  // Lambda bodies are analysed with the code that runs them.
  if (!FD || FD->isDependentContext() || FD->isInvalidDecl() || !FD->getBody())
    return;
  if (const auto *Method = dyn_cast<CXXMethodDecl>(FD); Method && Method->getParent()->isLambda())
    return;
  ASTContext &Context = Mgr.getASTContext();
  if (Context.getDiagnostics().hasUncompilableErrorOccurred())
    return;
  Ctx = &Context;
  const SourceManager &SM = Mgr.getSourceManager();
  llvm::DenseSet<const ModelIndex *> Done;
  for (const Frontend &Front : Frontends) {
    if (!Front.Enabled || !Done.insert(Front.Index.get()).second)
      continue;
    // The model reads the version macros of the libraries it knows.
    Front.Index->setPreprocessor(&Mgr.getPreprocessor());
    LeakEngine &E = Engines.engine(*Front.Index, Context);
    for (const Witness &W : E.witnesses(*FD)) {
      const Frontend &Own = frontend(W.Label);
      if (!Own.Enabled || Own.Index != Front.Index || !Seen.insert(W.Blocked).second)
        continue;
      if (isSuppressedByAttribute(W.Blocked, W.BlockedIn, W.Label) ||
          isSuppressedByNoLint(W.Blocked->getBeginLoc(), SM, W.Label))
        continue;
      Finding F = explain(W, E);
      std::optional<Awaited> A = awaitable(W, F);
      if (!A) {
        reportWithoutPath(F, Mgr, BR);
        continue;
      }
      // A leak certain at its spawn is found there (checkPostCall).
      if (A->Exit && !A->AtSpawn)
        AwaitingByExit[A->Exit].push_back(Awaiting.size());
      else if (!A->AtSpawn)
        AwaitingByLeaver[A->Leaver].push_back(Awaiting.size());
      if (A->Spawn)
        WatchedSpawns.insert(A->Spawn);
      Awaiting.push_back(std::move(*A));
    }
  }
}

/// Whether a path of the analysed code can show the leak: its leaver is the
/// code that spawned the blocked thread (not another thread) and leaves by a
/// return or by its end, which ExprEngine follows (it stops at a throw, and
/// does not analyse coroutines). A leaver that waits in a join for the
/// stranded thread never leaves, and ExprEngine's joins do not wait.
std::optional<ChanleakChecker::Awaited> ChanleakChecker::awaitable(const Witness &W,
                                                                    Finding F) const {
  const FunctionDecl *Leaver = W.Leaver;
  if (!Leaver || W.LeaverIsSpawned || W.LeaverJoins || !Leaver->getBody() ||
      isa<CoroutineBodyStmt>(Leaver->getBody()))
    return std::nullopt;
  const bool AtSpawn = W.Strand == StrandKind::EndlessLoop;
  const ReturnStmt *Exit = nullptr;
  if (W.Exit && W.Exit != Leaver->getBody() && !AtSpawn) {
    Exit = dyn_cast<ReturnStmt>(W.Exit);
    // ExprEngine does not follow exceptions: a handler is never entered.
    if (!Exit || insideHandler(*Exit))
      return std::nullopt;
  }
  auto InLeaver = [&, Body = Leaver->getBody()->getSourceRange()](const Stmt *S) {
    const SourceManager &SM = Ctx->getSourceManager();
    SourceLocation At = S->getBeginLoc();
    return !SM.isBeforeInTranslationUnit(At, Body.getBegin()) &&
           !SM.isBeforeInTranslationUnit(Body.getEnd(), At);
  };
  // A spawn in a helper the analyzer may not inline is not required.
  const Stmt *Spawn = W.Spawn && W.Spawn->Site && InLeaver(W.Spawn->Site) ? bare(W.Spawn->Site)
                                                                          : nullptr;
  if (AtSpawn && !Spawn)
    return std::nullopt;
  return Awaited{std::move(F), Leaver, Exit, Spawn, Exit && !InLeaver(Exit), AtSpawn};
}

bool ChanleakChecker::insideHandler(const Stmt &S) const {
  // The translation unit's parent map, built on first use: only leaks that
  // await a path get here.
  for (DynTypedNodeList Parents = Ctx->getParents(S); !Parents.empty();
       Parents = Ctx->getParents(Parents[0])) {
    if (Parents[0].get<CXXCatchStmt>())
      return true;
    if (Parents[0].get<FunctionDecl>() || Parents[0].get<LambdaExpr>())
      return false;
  }
  return false;
}

void ChanleakChecker::checkBeginFunction(CheckerContext &C) const {
  const Decl *D = C.getStackFrame()->getDecl();
  Entered.insert(D);
  EnteredThisExploration.push_back(D);
}

void ChanleakChecker::checkPostCall(const CallEvent &Call, CheckerContext &C) const {
  const Expr *Site = bare(Call.getOriginExpr());
  if (!Site || !WatchedSpawns.contains(Site))
    return;
  const StackFrameContext *Frame = C.getStackFrame();
  SpawnsCompleted.insert(Site);
  ProgramStateRef State = C.getState()->set<SpawnedOnPath>(Site, Frame);
  const NoteTag *Note = C.getNoteTag([this, Site](PathSensitiveBugReport &BR) -> std::string {
    // The spawn note of the leak this report is about, if this is its spawn.
    const Stmt *Blocked = BR.getUniqueingLocation().asStmt();
    for (const Awaited &A : Awaiting)
      if (A.F.Blocked == Blocked && A.Spawn == Site)
        for (const FindingNote &N : A.F.Notes)
          if (N.Role == NoteRole::Spawn)
            return N.Message;
    return "";
  });
  ExplodedNode *Spawned = C.addTransition(State, Note);
  if (!Spawned)
    return;
  for (Awaited &A : Awaiting)
    if (A.AtSpawn && A.Spawn == Site && !A.Reported)
      reportOnPath(A, C, State, Spawned, /*NoteExit=*/false);
}

/// Whether leaving by RS is the exit the leak needs. The engine reads the
/// return that ends a body as its end.
static bool leavesBy(const ChanleakChecker::Awaited &A, const ReturnStmt *RS) {
  if (A.Exit || !RS)
    return A.Exit == RS;
  const auto *Body = dyn_cast<CompoundStmt>(A.Leaver->getBody());
  return Body && !Body->body_empty() && Body->body_back() == RS;
}

void ChanleakChecker::leaving(const ReturnStmt *RS, CheckerContext &C) const {
  const StackFrameContext *Frame = C.getStackFrame();
  const auto *FD = dyn_cast_or_null<FunctionDecl>(Frame->getDecl());
  llvm::SmallVector<unsigned, 4> Candidates;
  if (auto It = AwaitingByExit.find(RS); RS && It != AwaitingByExit.end())
    Candidates.append(It->second.begin(), It->second.end());
  if (auto It = AwaitingByLeaver.find(FD); It != AwaitingByLeaver.end())
    Candidates.append(It->second.begin(), It->second.end());
  ProgramStateRef State = C.getState();
  for (unsigned Index : Candidates) {
    Awaited &A = Awaiting[Index];
    if (A.Reported || !leavesBy(A, RS))
      continue;
    // The spawn ran in this frame, a frame it called, or a caller (the exit
    // is a helper's return).
    if (A.Spawn) {
      const StackFrameContext *const *Spawned = State->get<SpawnedOnPath>(A.Spawn);
      if (!Spawned ||
          !(*Spawned == Frame || Frame->isParentOf(*Spawned) || (*Spawned)->isParentOf(Frame)))
        continue;
    }
    reportOnPath(A, C, State, C.getPredecessor(), /*NoteExit=*/A.Exit != nullptr);
  }
}

void ChanleakChecker::reportOnPath(Awaited &A, CheckerContext &C, ProgramStateRef State,
                                   ExplodedNode *Pred, bool NoteExit) const {
  const Finding &F = A.F;
  State = State->add<ReportedOnPath>(F.Blocked);
  // The exit note is on the node before the error node (the report's
  // visitors start above it), and only at a return: the end of a function
  // is no statement, so a path note there would have no place.
  if (NoteExit) {
    std::string ExitNote;
    for (const FindingNote &N : F.Notes)
      if (N.Role == NoteRole::Exit)
        ExitNote = N.Message;
    const NoteTag *Note = C.getNoteTag([ExitNote, Blocked = F.Blocked](PathSensitiveBugReport &BR) {
      return BR.getUniqueingLocation().asStmt() == Blocked ? ExitNote : std::string();
    });
    Pred = C.addTransition(State, Pred, Note);
  }
  ExplodedNode *N = Pred ? C.generateNonFatalErrorNode(State, Pred) : nullptr;
  if (!N)
    return;
  A.Reported = true;
  auto R = std::make_unique<BlockedOperationReport>(
      *frontend(F.Label).Type, F, N, C.getSourceManager(),
      C.getAnalysisManager().getAnalysisDeclContext(F.BlockedIn));
  // Notes the path does not pass: the first send, a declaration, a spawn in
  // a helper the analyzer did not follow.
  for (const FindingNote &Note : F.Notes)
    if (Note.Role == NoteRole::Context || (Note.Role == NoteRole::Spawn && !A.Spawn) ||
        (Note.Role == NoteRole::Exit && !NoteExit))
      R->addNote(Note.Message, PathDiagnosticLocation(Note.Loc, C.getSourceManager()));
  for (const FixItHint &Fix : F.Fixes)
    R->addFixItHint(Fix);
  C.emitReport(std::move(R));
}

void ChanleakChecker::reportWithoutPath(const Finding &F, AnalysisManager &Mgr,
                                        BugReporter &BR) const {
  const SourceManager &SM = Mgr.getSourceManager();
  PathDiagnosticLocation Loc(F.Blocked->getBeginLoc(), SM);
  auto R = std::make_unique<BasicBugReport>(*frontend(F.Label).Type, F.Message, Loc);
  R->setDeclWithIssue(F.BlockedIn);
  for (const FindingNote &Note : F.Notes)
    R->addNote(Note.Message, PathDiagnosticLocation(Note.Loc, SM));
  for (const FixItHint &Fix : F.Fixes)
    R->addFixItHint(Fix);
  BR.emitReport(std::move(R));
}

void ChanleakChecker::checkEndAnalysis(ExplodedGraph &, BugReporter &, ExprEngine &Eng) const {
  if (!Eng.hasEmptyWorkList()) {
    // Out of budget: any path of any function entered may be missing.
    EnteredInPartialExploration.insert(EnteredThisExploration.begin(),
                                       EnteredThisExploration.end());
  } else {
    // A path cut at a loop bound (or aborted) lost paths only of the
    // functions on its stack; a poll loop in a caller does not hide a path
    // of a callee it had already returned from.
    auto LosePathsOf = [this](const ExplodedNode *Cut) {
      for (const LocationContext *LC = Cut->getLocationContext(); LC; LC = LC->getParent())
        EnteredInPartialExploration.insert(LC->getDecl());
    };
    const CoreEngine &Core = Eng.getCoreEngine();
    for (const auto &[Edge, Cut] : Core.exhausted_blocks())
      LosePathsOf(Cut);
    for (const auto &[Edge, Cut] : Core.aborted_blocks())
      LosePathsOf(Cut);
  }
  EnteredThisExploration.clear();
}

void ChanleakChecker::checkEndOfTranslationUnit(const TranslationUnitDecl *, AnalysisManager &Mgr,
                                                BugReporter &BR) const {
  // A leak no path reached: infeasible when every exploration that entered
  // its leaver went through all of its paths, one of them returned from the
  // spawn (a library's spawn, inlined, may end every path inside it), and
  // the exit is the leaver's own.
  for (const Awaited &A : Awaiting)
    if (!A.Reported &&
        (!Entered.contains(A.Leaver) || EnteredInPartialExploration.contains(A.Leaver) ||
         (A.Spawn && !SpawnsCompleted.contains(A.Spawn)) || A.ExitInHelper)) {
      // No function's analysis is under way at the end of the translation
      // unit, and the plist output of -analyzer-display-progress dereferences
      // the entry point of every report.
      BR.setAnalysisEntryPoint(A.Leaver);
      reportWithoutPath(A.F, Mgr, BR);
    }
  DiagnosticsEngine &Diags = Mgr.getASTContext().getDiagnostics();
  // Said after the analysis, which an earlier error would have stopped.
  for (const std::string &Error : ConfigurationErrors)
    Diags.Report(Diags.getCustomDiagID(DiagnosticsEngine::Error,
                                       "chanleak: %0; using the built-in model only"))
        << Error;
}

namespace {

template <LeakLabel Label> void registerFrontend(CheckerManager &Mgr) {
  Mgr.getChecker<ChanleakChecker>()->enableLabel(Label, Mgr);
}

bool alwaysRegister(const CheckerManager &) { return true; }

void registerEngine(CheckerManager &Mgr) { Mgr.registerChecker<ChanleakChecker>(); }

/// The registry keeps the strings it is given: they must be literals.
struct FrontendInfo {
  const char *Name;
  const char *Docs;
  const char *Description;
  void (*Register)(CheckerManager &);
};

const FrontendInfo FrontendInfos[] = {
    {"chanleak.RangeWithoutClose", CHANLEAK_DOCS_URI "chanleak-range-without-close.md",
     "A loop receives from a channel that nothing closes on some path.",
     registerFrontend<LeakLabel::RangeWithoutClose>},
    {"chanleak.DoubleSend", CHANLEAK_DOCS_URI "chanleak-double-send.md",
     "A second send (or set_value) that the receiver never takes.",
     registerFrontend<LeakLabel::DoubleSend>},
    {"chanleak.EarlyReturn", CHANLEAK_DOCS_URI "chanleak-early-return.md",
     "The code that would rescue a blocked thread can leave first.",
     registerFrontend<LeakLabel::EarlyReturn>},
    {"chanleak.CancelTimeout", CHANLEAK_DOCS_URI "chanleak-cancel-timeout.md",
     "A thread is stranded when the wait for it times out or is cancelled.",
     registerFrontend<LeakLabel::CancelTimeout>},
    {"chanleak.TakeFirst", CHANLEAK_DOCS_URI "chanleak-take-first.md",
     "More senders than receives: only the first result is taken.",
     registerFrontend<LeakLabel::TakeFirst>},
    {"chanleak.OrphanedWorker", CHANLEAK_DOCS_URI "chanleak-orphaned-worker.md",
     "A started worker is not stopped on some path, or has no way out.",
     registerFrontend<LeakLabel::OrphanedWorker>},
    {"chanleak.LoopingTimer", CHANLEAK_DOCS_URI "chanleak-looping-timer.md",
     "A thread sleeps in a loop with no stop condition.",
     registerFrontend<LeakLabel::LoopingTimer>},
};

} // namespace

} // namespace chanleak::analyzer

using namespace chanleak;
using namespace chanleak::analyzer;

/// Called through libchanleak-analyzer.so's clang_registerCheckers.
extern "C" __attribute__((visibility("default"))) void chanleak_register_checkers(void *R) {
  auto &Registry = *static_cast<CheckerRegistry *>(R);
  Registry.addChecker(registerEngine, alwaysRegister, "chanleak.Engine",
                      "The shared engine of the chanleak checkers.", CHANLEAK_DOCS_URI,
                      /*IsHidden=*/true);
  for (const FrontendInfo &Info : FrontendInfos) {
    Registry.addChecker(Info.Register, alwaysRegister, Info.Name, Info.Description, Info.Docs,
                        /*IsHidden=*/false);
    Registry.addDependency(Info.Name, "chanleak.Engine");
    for (const auto &[Option, Help] : OptionNames)
      Registry.addCheckerOption("string", Info.Name, Option, "", Help, "released");
  }
}
