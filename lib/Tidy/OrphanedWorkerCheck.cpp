//===- OrphanedWorkerCheck.cpp - chanleak-orphaned-worker -----------------===//

#include "OrphanedWorkerCheck.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace chanleak::tidy {

/// Whether Worker is handed to other code in S (bound to a reference, a
/// scope guard, a call argument): that code may stop it. Uses of its own
/// members (worker.Start()) are not.
static bool handedOut(const VarDecl *Worker, const Stmt *S,
                      const Stmt *Parent = nullptr) {
  if (!S)
    return false;
  if (const auto *Ref = dyn_cast<DeclRefExpr>(S); Ref && Ref->getDecl() == Worker) {
    // worker->Start() through a smart pointer is a member use too.
    const auto *Arrow = dyn_cast_or_null<CXXOperatorCallExpr>(Parent);
    return !isa_and_nonnull<MemberExpr>(Parent) &&
           !(Arrow && Arrow->getOperator() == OO_Arrow);
  }
  for (const Stmt *Child : S->children())
    if (handedOut(Worker, Child, S))
      return true;
  return false;
}

void OrphanedWorkerCheck::analyze(const ConcurrencyFacts &Facts,
                                  AnalysisSession &Session) {
  reportUnstoppedWorkers(Facts, Session);
  reportUnclosedWorkerLoops(Facts, Session);
  reportEndlessThreads(Facts, Session);
}

void OrphanedWorkerCheck::reportUnclosedWorkerLoops(const ConcurrencyFacts &Facts,
                                                    AnalysisSession &Session) {
  const Thread &Root = Facts.root();
  for (const Spawn &Sp : Facts.spawns()) {
    const VarDecl *Worker = workerObject(Sp.Anchor);
    if (Sp.Parent != &Root || !Sp.Child || !Worker)
      continue;
    for (const Op *Loop : Facts.opsIn(*Sp.Child)) {
      if (!startsObjectWorker(Sp, *Loop))
        continue;
      const auto *Inbox = cast<FieldDecl>(Loop->Channel);
      const Channel *C = Facts.channel(Inbox);
      if (!C || !C->Model->CloseWakesReceivers)
        continue;
      // The closes of this object's channel in this function (Stop()).
      llvm::SmallVector<const Op *, 4> Closes;
      for (const Op *O : Facts.opsOn(Inbox))
        if (O->In == &Root && (O->Kind == OpKind::Close || O->Kind == OpKind::Cancel) &&
            workerObject(O->Anchor) == Worker)
          Closes.push_back(O);
      // A local nobody else can reach must be stopped here; a worker owned
      // elsewhere only when this function stops it on some paths itself.
      bool Owned = Worker->hasLocalStorage() && !Worker->getType()->isReferenceType() &&
                   !isa<ParmVarDecl>(Worker) && !handedOut(Worker, Root.Body);
      if (!Owned && Closes.empty())
        continue;
      const ThreadPaths &P = Session.paths(Root);
      auto Elements = elementsOf(Closes, P);
      std::optional<PathExit> Exit = P.pathToExitAvoiding(
          P.elementFor(Sp.Anchor), [&](const Stmt *S) { return Elements.count(S) != 0; },
          [](const Stmt *) { return false; });
      if (!Exit)
        continue;
      std::string Name = quoted(Worker);
      if (!report(Loop->Call, Loop->Function,
                  "worker of " + Name + " waits here forever: " + Name +
                      " is started but not stopped on every path, so nothing closes " +
                      quoted(Inbox)))
        continue;
      noteSpawn(*Sp.Child);
      note(Sp.Anchor, Name + " is started here");
      noteExit(*Exit, Root, "without stopping " + Name);
    }
  }
}

void OrphanedWorkerCheck::reportUnstoppedWorkers(const ConcurrencyFacts &Facts,
                                                 AnalysisSession &Session) {
  const ModelIndex &Index = Facts.index();
  for (const Op &Start : Facts.ops()) {
    const auto *Worker = dyn_cast_or_null<VarDecl>(Start.Object);
    if (Start.Kind != OpKind::Start || !Worker || !Worker->hasLocalStorage() ||
        Worker->getType()->isReferenceType() || isa<ParmVarDecl>(Worker))
      continue;
    const LifecycleModel *Life = Index.lifecycleForType(Worker->getType());
    if (!Life || Life->DestructorStops ||
        handedOut(Worker, Start.In->Body))
      continue;
    llvm::SmallVector<const Op *, 4> Stops;
    for (const Op &O : Facts.ops())
      if (O.Kind == OpKind::Stop && O.Object == Worker && O.In == Start.In)
        Stops.push_back(&O);
    const ThreadPaths &P = Session.paths(*Start.In);
    auto Elements = elementsOf(Stops, P);
    std::optional<PathExit> Exit = P.pathToExitAvoiding(
        P.elementFor(Start.Anchor),
        [&](const Stmt *S) { return Elements.count(S) != 0; },
        [](const Stmt *) { return false; });
    if (!Exit)
      continue;
    std::string Name = quoted(Worker);
    if (!report(Start.Call, Start.Function, Name + " is started but not stopped on every path: "
                                   "its worker thread outlives it"))
      continue;
    noteExit(*Exit, *Start.In, "without stopping " + Name);
  }
}

void OrphanedWorkerCheck::reportEndlessThreads(const ConcurrencyFacts &Facts,
                                               AnalysisSession &Session) {
  for (const Thread &T : Facts.threads()) {
    if (!endlessThreadLeaks(Facts, T) || !neverEnds(Facts, T, Session))
      continue;
    // A sleeping loop is chanleak-looping-timer's; a receive loop over a
    // channel nobody closes is chanleak-range-without-close's, unless the
    // thread ignores the stop token that was meant to end it.
    if (opInLoop(Facts, T, [](const Op &O) { return O.Kind == OpKind::Sleep; }))
      continue;
    const Op *Blocking = endlessReceiveLoop(Facts, T);
    if (Blocking && !ignoresStopToken(T))
      continue;
    if (!Blocking)
      Blocking = opInLoop(Facts, T, [](const Op &O) { return opBlocks(O.Kind); });
    const Stmt *At = Blocking ? static_cast<const Stmt *>(Blocking->Call) : T.Body;
    const Spawn &S = *T.Origin;
    std::string Message;
    if (ignoresStopToken(T))
      Message = "thread never ends: its loop ignores its stop_token, so the "
                "destructor of its " + S.Site.Spawner->Name + " waits forever";
    else if (S.Site.Spawner->JoinsOnDestroy && S.Handle)
      Message = "thread never ends: its loop has no exit, so the destructor of " +
                quoted(S.Handle) + " waits forever";
    else
      Message = "thread never ends: its loop has no exit and nothing can stop it";
    if (!report(At, Blocking ? Blocking->Function : T.Function, Message))
      continue;
    noteSpawn(T);
  }
}

} // namespace chanleak::tidy
