//===- LeakQueries.cpp - Shared leak analyses over ConcurrencyFacts -------===//

#include "chanleak/Analysis/LeakQueries.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "chanleak/Analysis/MainFileVisitor.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>

using namespace clang;

namespace chanleak {

namespace {
struct SessionSlot {
  ASTContext *Ctx = nullptr;
  std::unique_ptr<AnalysisSession> Session;
};
SessionSlot &slot() {
  static SessionSlot Slot;
  return Slot;
}
} // namespace

AnalysisSession &AnalysisSession::get(ASTContext &Ctx) {
  SessionSlot &Slot = slot();
  if (!Slot.Session || Slot.Ctx != &Ctx) {
    Slot.Session.reset(new AnalysisSession(Ctx));
    Slot.Ctx = &Ctx;
  }
  return *Slot.Session;
}

void AnalysisSession::startTranslationUnit() {
  slot().Session.reset();
  slot().Ctx = nullptr;
}

const ConcurrencyFacts &AnalysisSession::facts(const FunctionDecl &FD,
                                               const ModelIndex &Index) {
  auto &Slot = Facts[{&FD, &Index}];
  if (!Slot) {
    Slot = std::make_unique<ConcurrencyFacts>(FD, Index, Ctx);
    // Once per function, whichever check asks first.
    static const bool Debug = std::getenv("CHANLEAK_DEBUG") != nullptr;
    if (Debug)
      dumpFacts(*Slot, llvm::errs());
  }
  return *Slot;
}

const ThreadPaths &AnalysisSession::paths(const Thread &T) {
  auto &Slot = Paths[T.Body];
  if (!Slot)
    Slot = std::make_unique<ThreadPaths>(T.Function, T.Body, Ctx);
  return *Slot;
}

const ThreadPaths &AnalysisSession::paths(const FunctionDecl &FD) {
  auto &Slot = Paths[FD.getBody()];
  if (!Slot)
    Slot = std::make_unique<ThreadPaths>(&FD, FD.getBody(), Ctx);
  return *Slot;
}

bool isReceive(const Op &O) { return O.Channel && opIsRecv(O.Kind); }

bool rescuesSender(const Op &O, const Channel &C) {
  if (O.Channel != C.Id)
    return false;
  switch (O.Kind) {
  case OpKind::Recv:
  case OpKind::Wait:
  case OpKind::Cancel:
    return true;
  case OpKind::Close:
    return C.Model && C.Model->CloseWakesSenders;
  default:
    return false;
  }
}

llvm::SmallPtrSet<const Stmt *, 8> elementsOf(llvm::ArrayRef<const Op *> Ops,
                                              const ThreadPaths &P) {
  llvm::SmallPtrSet<const Stmt *, 8> Result;
  for (const Op *O : Ops)
    if (const Stmt *E = P.elementFor(O->Anchor))
      Result.insert(E);
  return Result;
}

/// How many times a thread runs: its spawn's constant trip count, times its
/// parent's; nullopt when unknown.
static std::optional<unsigned long long> timesRun(const Thread &T) {
  unsigned long long Times = 1;
  for (const Thread *Cur = &T; Cur->Origin; Cur = Cur->Parent) {
    if (!Cur->Origin->Loop)
      continue;
    if (!Cur->Origin->TripCount)
      return std::nullopt;
    Times *= *Cur->Origin->TripCount;
  }
  return Times;
}

std::optional<unsigned long long> spawnedSends(const ConcurrencyFacts &F,
                                               AnalysisSession &S,
                                               ChannelId C) {
  unsigned long long Total = 0;
  for (const Thread &T : F.threads()) {
    if (!T.Origin)
      continue;
    llvm::SmallVector<const Op *, 4> Sends;
    for (const Op *O : F.opsIn(T))
      if (O->Channel == C && O->Kind == OpKind::Send) {
        if (O->Loop)
          return std::nullopt;
        Sends.push_back(O);
      }
    if (Sends.empty())
      continue;
    const ThreadPaths &P = S.paths(T);
    auto Elements = elementsOf(Sends, P);
    unsigned PerRun = P.valid() ? P.maxOnOnePath([&](const Stmt *St) {
      return Elements.count(St) != 0;
    })
                                : Sends.size();
    std::optional<unsigned long long> Times = timesRun(T);
    if (!Times)
      return std::nullopt;
    Total += PerRun * *Times;
  }
  return Total;
}

bool receivedOnlyBy(const ConcurrencyFacts &F, ChannelId C, const Thread &T) {
  for (const Op *O : F.opsOn(C))
    if (isReceive(*O) && O->In != &T)
      return false;
  return true;
}

std::optional<unsigned> receivesOnOnePath(const ConcurrencyFacts &F,
                                          AnalysisSession &S, ChannelId C,
                                          const Thread &T) {
  llvm::SmallVector<const Op *, 4> Receives;
  for (const Op *O : F.opsIn(T))
    if (O->Channel == C && isReceive(*O)) {
      if (O->Loop || O->LoopsUntilClosed)
        return std::nullopt;
      Receives.push_back(O);
    }
  if (Receives.empty())
    return 0;
  const ThreadPaths &P = S.paths(T);
  auto Elements = elementsOf(Receives, P);
  return P.maxOnOnePath(
      [&](const Stmt *St) { return Elements.count(St) != 0; });
}

bool rescuesReceiver(const Op &O, const Channel &C) {
  return O.Channel == C.Id &&
         (opIsSend(O.Kind) || O.Kind == OpKind::Close || O.Kind == OpKind::Cancel);
}

std::string blockedPhrase(const Op &Blocked, const Channel &C) {
  std::string Name = "'" + channelName(C.Id) + "'";
  if (opIsSend(Blocked.Kind))
    return "send on " + Name;
  return (C.Model->isSignal() ? "wait on " : "receive from ") + Name;
}

std::string rescuePhrase(const Op &Blocked, const Channel &C) {
  std::string Name = "'" + channelName(C.Id) + "'";
  if (opIsSend(Blocked.Kind))
    return "receiving from " + Name;
  return (C.Model->isSignal() ? "notifying " : "sending to or closing ") + Name;
}

/// Whether a blocking op of a spawned thread can only be completed by its
/// parent, and surely blocks without it.
static bool onlyParentCompletes(const ConcurrencyFacts &F, AnalysisSession &S,
                                const Op &Blocked, const Channel &C,
                                const Thread &Parent) {
  if (Blocked.Kind == OpKind::Send) {
    // Another thread that receives could still take the value.
    if (!receivedOnlyBy(F, C.Id, Parent))
      return false;
    std::optional<unsigned long long> Sends = spawnedSends(F, S, C.Id);
    if (C.Capacity.Kind != ChannelCapacity::Known)
      return false;
    // A receive the parent may abandon (an `||` race) can leave no room at all.
    unsigned long long Room = C.Capacity.Values;
    if (C.CancelledReceiveDisablesBuffer &&
        llvm::any_of(F.opsOn(C.Id), [&](const Op *O) {
          return O->In == &Parent && O->Kind == OpKind::TimedRecv;
        }))
      Room = 0;
    if (Sends ? *Sends <= Room : Room > 0)
      return false;
    // The sends before this one in its own thread fill the buffer first;
    // only a send with at least `capacity` sends before it blocks.
    const ThreadPaths &P = S.paths(*Blocked.In);
    unsigned long long Before = 0;
    for (const Op *Other : F.opsIn(*Blocked.In))
      if (Other != &Blocked && Other->Channel == C.Id && Other->Kind == OpKind::Send &&
          P.reaches(P.elementFor(Other->Anchor), P.elementFor(Blocked.Anchor)))
        ++Before;
    return Blocked.Repeats || Before >= Room ||
           (Sends && *Sends > Room && Blocked.In->Origin &&
            Blocked.In->Origin->Loop);
  }
  if (Blocked.Kind != OpKind::Recv || Blocked.LoopsUntilClosed)
    return false;
  // A promise destroyed unset wakes its future with broken_promise.
  if (C.Model->OneShot)
    return false;
  for (const Op *O : F.opsOn(C.Id))
    if (rescuesReceiver(*O, C) && O->In != &Parent && O->In != Blocked.In)
      return false;
  return true;
}

std::optional<unsigned long long> totalReceives(const ConcurrencyFacts &F,
                                                AnalysisSession &S, ChannelId C) {
  unsigned long long Total = 0;
  for (const Thread &T : F.threads()) {
    std::optional<unsigned> PerRun = receivesOnOnePath(F, S, C, T);
    std::optional<unsigned long long> Times = timesRun(T);
    if (!PerRun || !Times)
      return std::nullopt;
    Total += *PerRun * *Times;
  }
  return Total;
}

const std::vector<StrandedOp> &
AnalysisSession::strandedOps(const ConcurrencyFacts &F) {
  auto [It, Inserted] = Stranded.try_emplace(&F);
  if (!Inserted)
    return It->second;
  std::vector<StrandedOp> &Result = It->second;

  for (const Spawn &Sp : F.spawns()) {
    if (!Sp.Child)
      continue;
    const Thread &Parent = *Sp.Parent;
    for (const Op *Blocked : F.opsIn(*Sp.Child)) {
      if (!Blocked->Channel || !opBlocks(Blocked->Kind))
        continue;
      const Channel *C = F.channel(Blocked->Channel);
      if (!C || C->Escapes || !C->Model ||
          !onlyParentCompletes(F, *this, *Blocked, *C, Parent))
        continue;
      const ThreadPaths &P = paths(Parent);
      if (!P.valid())
        continue;
      bool IsSend = opIsSend(Blocked->Kind);
      llvm::SmallVector<const Op *, 4> Rescues, MayGiveUp, ReceivesIfNotGivenUp;
      for (const Op *O : F.opsIn(Parent)) {
        if (IsSend ? rescuesSender(*O, *C) : rescuesReceiver(*O, *C))
          Rescues.push_back(O);
        else if (O->Kind == OpKind::TimedRecv || O->Kind == OpKind::TryRecv ||
                 O->Kind == OpKind::TimedWait || O->Kind == OpKind::StopCheck) {
          MayGiveUp.push_back(O);
          // A timed receive of the stranded value takes it unless it gives up.
          if (IsSend && O->Channel == C->Id && O->Anchor == O->Call)
            ReceivesIfNotGivenUp.push_back(O);
        }
      }
      // One helper call that both spawns and uses the channel: what happens
      // in between is inside the helper, judged by the helper's own facts.
      if (llvm::any_of(F.opsIn(Parent), [&](const Op *O) {
            return O->Channel == C->Id && O->Anchor == Sp.Anchor;
          }))
        continue;
      auto Blocking = elementsOf(Rescues, P);
      auto Flagged = elementsOf(MayGiveUp, P);
      llvm::SmallPtrSet<const Stmt *, 4> TimedReceives;
      for (const Op *O : ReceivesIfNotGivenUp)
        TimedReceives.insert(O->Call);
      std::optional<PathExit> Exit = P.pathToExitAvoiding(
          P.elementFor(Sp.Anchor),
          [&](const Stmt *St) { return Blocking.count(St) != 0; },
          [&](const Stmt *St) { return Flagged.count(St) != 0; },
          [&](const Stmt *St) { return TimedReceives.count(St) != 0; });
      if (!Exit)
        continue;
      Result.push_back({&Sp, Blocked, C, *Exit});
    }
  }
  return Result;
}

bool neverClosed(const ConcurrencyFacts &F, const Channel &C) {
  if (C.Escapes) {
    const auto *Field = llvm::dyn_cast<FieldDecl>(C.Id);
    if (!Field || C.EscapeSite)
      return false;
    std::optional<FieldUse> Use = fieldUse(Field, F.index());
    if (!Use || !Use->Closes.empty())
      return false;
  }
  return llvm::none_of(F.opsOn(C.Id), [](const Op *O) {
    return O->Kind == OpKind::Close || O->Kind == OpKind::Cancel;
  });
}

bool receivesForever(const ConcurrencyFacts &F, const Op &O) {
  if (!O.LoopsUntilClosed || !O.Channel)
    return false;
  const Channel *C = F.channel(O.Channel);
  return C && !C->Model->OneShot && neverClosed(F, *C);
}

const Op *endlessReceiveLoop(const ConcurrencyFacts &F, const Thread &T) {
  for (const Op *O : F.opsIn(T))
    if (receivesForever(F, *O))
      return O;
  return nullptr;
}

const VarDecl *workerObject(const Stmt *Anchor) {
  const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(Anchor);
  const Expr *Object = Call ? Call->getImplicitObjectArgument() : nullptr;
  if (!Object)
    return nullptr;
  Object = Object->IgnoreParenImpCasts();
  if (const auto *Arrow = dyn_cast<CXXOperatorCallExpr>(Object);
      Arrow && Arrow->getOperator() == OO_Arrow && Arrow->getNumArgs() == 1)
    Object = Arrow->getArg(0)->IgnoreParenImpCasts();
  const auto *Ref = dyn_cast<DeclRefExpr>(Object);
  return Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
}

bool startsObjectWorker(const Spawn &Sp, const Op &Loop) {
  return Loop.LoopsUntilClosed && isa_and_nonnull<FieldDecl>(Loop.Channel) &&
         workerObject(Sp.Anchor);
}

namespace {
/// Finds, in the main file, a call of a function that passes a container
/// argument that may be empty.
class MaybeEmptyArgumentFinder : public MainFileVisitor<MaybeEmptyArgumentFinder> {
public:
  MaybeEmptyArgumentFinder(const ParmVarDecl *Container, const SourceManager &SM)
      : MainFileVisitor(SM), Container(Container),
        Function(dyn_cast<FunctionDecl>(Container->getDeclContext())) {}

  bool VisitCallExpr(CallExpr *Call) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    unsigned Index = Container->getFunctionScopeIndex();
    if (!Function || !Callee ||
        Callee->getCanonicalDecl() != Function->getCanonicalDecl() ||
        Index >= Call->getNumArgs() || surelyNonEmpty(Call->getArg(Index)))
      return true;
    Found = Call;
    return false;
  }

  const CallExpr *Found = nullptr;

private:
  /// A braced list with elements, however it is converted to the parameter.
  static bool surelyNonEmpty(const Expr *Arg) {
    while (true) {
      Arg = Arg->IgnoreImplicit();
      // vector(initializer_list, const allocator& = {})
      if (const auto *Construct = dyn_cast<CXXConstructExpr>(Arg);
          Construct && Construct->getNumArgs() >= 1 &&
          llvm::all_of(llvm::drop_begin(Construct->arguments()),
                       [](const Expr *A) { return isa<CXXDefaultArgExpr>(A); }))
        Arg = Construct->getArg(0);
      else if (const auto *List = dyn_cast<CXXStdInitializerListExpr>(Arg))
        Arg = List->getSubExpr();
      else if (const auto *Temp = dyn_cast<MaterializeTemporaryExpr>(Arg))
        Arg = Temp->getSubExpr();
      else
        break;
    }
    const auto *List = dyn_cast<InitListExpr>(Arg);
    return List && List->getNumInits() > 0;
  }

  const ParmVarDecl *Container;
  const FunctionDecl *Function;
};
} // namespace

const CallExpr *callPassingMaybeEmpty(const ParmVarDecl *Container, ASTContext &Ctx) {
  MaybeEmptyArgumentFinder Finder(Container, Ctx.getSourceManager());
  Finder.TraverseDecl(Ctx.getTranslationUnitDecl());
  return Finder.Found;
}

bool testsEmptiness(const ValueDecl *Container, const Stmt *Body) {
  if (!Body)
    return false;
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(Body))
    if (const auto *Method = Call->getMethodDecl();
        Method && Method->getIdentifier() &&
        (Method->getName() == "empty" || Method->getName() == "size"))
      if (const auto *Ref = dyn_cast<DeclRefExpr>(
              Call->getImplicitObjectArgument()->IgnoreParenImpCasts());
          Ref && Ref->getDecl() == Container)
        return true;
  return llvm::any_of(Body->children(),
                      [&](const Stmt *Child) { return testsEmptiness(Container, Child); });
}

bool ignoresStopToken(const Thread &T) {
  return T.Origin && T.Origin->Site.Spawner->PassesStopToken &&
         !T.Origin->ReadsStopToken;
}

bool neverEnds(const ConcurrencyFacts &F, const Thread &T, AnalysisSession &S) {
  const ThreadPaths &P = S.paths(T);
  if (!P.valid())
    return false;
  if (!P.exitReachable())
    return true;
  // Steps of T's body that never finish: calls of helpers whose own body
  // never returns, and receive loops over channels nobody closes.
  llvm::SmallPtrSet<const Stmt *, 4> EndlessSteps;
  for (const Op *O : F.opsIn(T)) {
    const auto *Call = dyn_cast_or_null<CallExpr>(O->Anchor);
    if (O->Anchor != O->Call && Call) {
      const FunctionDecl *Callee = Call->getDirectCallee();
      const FunctionDecl *Def = Callee ? Callee->getDefinition() : nullptr;
      if (Def && Def->getBody()) {
        const ThreadPaths &Helper = S.paths(*Def);
        if (Helper.valid() && !Helper.exitReachable())
          if (const Stmt *Element = P.elementFor(Call))
            EndlessSteps.insert(Element);
      }
    }
    if (receivesForever(F, *O))
      if (const Stmt *Element = P.elementFor(O->Anchor))
        EndlessSteps.insert(Element);
  }
  return !EndlessSteps.empty() &&
         !P.pathToExitAvoiding(
             nullptr, [&](const Stmt *St) { return EndlessSteps.count(St) != 0; },
             [](const Stmt *) { return false; });
}

bool endlessThreadLeaks(const ConcurrencyFacts &F, const Thread &T) {
  if (!T.Origin)
    return false;
  if (T.Origin->Site.Spawner->JoinsOnDestroy && T.Origin->Handle)
    return true;
  const FunctionDecl *Root = F.root().Function;
  return !(Root && Root->isMain() && T.Parent == &F.root());
}

const Op *opInLoop(const ConcurrencyFacts &F, const Thread &T,
                   llvm::function_ref<bool(const Op &)> Pred) {
  for (const Op *O : F.opsIn(T))
    if (O->Repeats && Pred(*O))
      return O;
  return nullptr;
}

std::string threadName(const Thread &T) {
  if (!T.Function)
    return "<thread>";
  if (const auto *Method = dyn_cast<CXXMethodDecl>(T.Function);
      Method && Method->getParent()->isLambda())
    return "lambda";
  return T.Function->getQualifiedNameAsString();
}

} // namespace chanleak
