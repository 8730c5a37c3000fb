//===- Explain.cpp - A witness worded for users ---------------------------===//

#include "chanleak/Analysis/Explain.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace chanleak {

namespace {

/// `return;` after the first send, when that send ends an `if` branch of a
/// function returning void: the mechanical fix of the forgotten return.
std::optional<FixItHint> missingReturnFix(const Stmt *First, const FunctionDecl *Fn,
                                          ASTContext &Ctx) {
  if (!First || !Fn || !Fn->getReturnType()->isVoidType() || !Fn->getBody() ||
      isa<CoroutineBodyStmt>(Fn->getBody()))
    return std::nullopt;
  // The statement holding the send, and the branch it ends.
  ParentMap Parents(const_cast<Stmt *>(Fn->getBody()));
  const Stmt *Statement = First;
  for (int Depth = 0;; ++Depth) {
    const Stmt *Parent = Parents.getParent(Statement);
    if (!Parent || Depth == 8 || isa<IfStmt>(Parent))
      return std::nullopt; // an unbraced branch: the fix needs braces
    if (const auto *Block = dyn_cast<CompoundStmt>(Parent)) {
      if (Block->body_back() != Statement ||
          !isa_and_nonnull<IfStmt>(Parents.getParent(Block)))
        return std::nullopt;
      break;
    }
    Statement = Parent;
  }
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation AfterSemi = Lexer::findLocationAfterToken(
      Statement->getEndLoc(), tok::semi, SM, Ctx.getLangOpts(), false);
  if (AfterSemi.isInvalid() || AfterSemi.isMacroID())
    return std::nullopt;
  return FixItHint::CreateInsertion(AfterSemi, " return;");
}

/// Words one witness; one method per label.
class Explainer {
public:
  Explainer(const Witness &W, LeakEngine &E) : W(W), E(E) {
    F.Label = W.Label;
    F.Blocked = W.Blocked;
    F.BlockedIn = W.BlockedIn;
  }

  Finding run() && {
    switch (W.Label) {
    case LeakLabel::RangeWithoutClose: rangeWithoutClose(); break;
    case LeakLabel::DoubleSend: doubleSend(); break;
    case LeakLabel::EarlyReturn: earlyReturn(); break;
    case LeakLabel::CancelTimeout: cancelTimeout(); break;
    case LeakLabel::TakeFirst: takeFirst(); break;
    case LeakLabel::OrphanedWorker: orphanedWorker(); break;
    case LeakLabel::LoopingTimer: loopingTimer(); break;
    }
    noteWaitInside();
    return std::move(F);
  }

private:
  void note(SourceLocation Loc, std::string Message, NoteRole Role = NoteRole::Context,
            const Stmt *At = nullptr) {
    if (Loc.isValid())
      F.Notes.push_back({Role, Loc, At, std::move(Message)});
  }
  void note(const Stmt *At, std::string Message, NoteRole Role = NoteRole::Context) {
    if (At)
      note(At->getBeginLoc(), std::move(Message), Role, At);
  }

  /// The wait inside the called object's method, first of the notes: the
  /// finding is at the call.
  void noteWaitInside() {
    if (!W.InnerWait)
      return;
    std::string Op = W.BlockedKind == EventKind::Send ? "sends on " : "waits on ";
    note(W.InnerWait, "inside '" + functionName(W.InnerWaitIn) + "', it " + Op +
                          witnessObjectName(E, W) + " here");
    std::rotate(F.Notes.begin(), F.Notes.end() - 1, F.Notes.end());
  }

  /// "thread spawned here; it sends on 'results'", which every finding in a
  /// spawned thread has. A one-shot's second set_value or an endless loop
  /// is what the message itself says.
  void noteSpawn() {
    if (!W.Spawn)
      return;
    std::string Message = "thread spawned here";
    if (W.Spawn->Loop)
      Message = W.SpawnLoopCount ? ("thread spawned here, " + llvm::Twine(*W.SpawnLoopCount) +
                                    " times in a loop").str()
                                 : "thread spawned here, once per loop iteration";
    const ChannelModel *Channel = W.Object == NoObject ? nullptr : E.objects()[W.Object].Channel;
    if (Channel && !Channel->OneShot)
      Message += "; " + threadActivityPhrase(E, W);
    note(W.Spawn->Site, Message, NoteRole::Spawn);
  }

  /// The return, throw or end of body that strands the thread; `Without`
  /// says what was skipped ("without receiving from 'results'").
  void noteExit(llvm::StringRef Without) {
    std::string Who = W.LeaverIsSpawned ? "the thread" : "'" + functionName(W.Leaver) + "'";
    // A coroutine that runs off its end gets an implicit `co_return;`,
    // placed at its name: it ends at its closing brace.
    const auto *Coreturn = dyn_cast_or_null<CoreturnStmt>(W.Exit);
    bool Synthesized = Coreturn && Coreturn->isImplicit();
    const Stmt *Body = W.Leaver ? W.Leaver->getBody() : nullptr;
    if (W.JoinedAt)
      // It never gets past a join of a thread stuck itself.
      note(W.JoinedAt, Who + " waits here forever to join a stranded thread, " + Without.str(),
           NoteRole::Exit);
    else if (W.Exit && isa<CXXThrowExpr>(W.Exit)) {
      // A throw in a callee: it may be caught further up than the leaver.
      if (W.ExitIn && W.Leaver && W.ExitIn->getCanonicalDecl() != W.Leaver->getCanonicalDecl())
        note(W.Exit, "exception thrown here in '" + functionName(W.ExitIn) + "' propagates " +
                         Without.str(), NoteRole::Exit);
      else
        note(W.Exit, "exception thrown here leaves " + Who + " " + Without.str(), NoteRole::Exit);
    }
    else if (W.Exit && W.Exit != Body && !Synthesized)
      note(W.Exit, Who + " returns here " + Without.str(), NoteRole::Exit);
    else if (Body)
      note(Body->getEndLoc(), Who + " ends here " + Without.str(), NoteRole::Exit);
  }

  void rangeWithoutClose() {
    std::string Chan = witnessObjectName(E, W);
    if (W.NeverSet != NoObject) {
      // A channel built from a condition variable and a `closed` flag.
      std::string Flag = E.objectName(W.NeverSet);
      // Inside a queue's receive method: the loop is over the queue.
      std::string Loop = W.InnerWait && !W.ObjectName.empty()
                             ? "receive loop over '" + W.ObjectName + "'"
                             : "wait loop on " + Chan;
      F.Message = Loop + " never ends: nothing sets " + Flag + ", the state that would end it";
      noteSpawn();
      note(E.objects()[W.NeverSet].Loc, Flag + " is declared here and never set");
      return;
    }
    bool SomePaths = W.Strand == StrandKind::ClosedOnSomePaths;
    F.Message = "receive loop over " + Chan + " never ends: " +
                (SomePaths ? Chan + " is not closed on every path" : "nothing closes " + Chan);
    noteSpawn();
    if (SomePaths)
      noteExit("without closing " + Chan);
    else
      note(E.objects()[W.Object].Loc, Chan + " is declared here and never closed");
  }

  void doubleSend() {
    std::string Chan = witnessObjectName(E, W);
    const AbstractObject &O = E.objects()[W.Object];
    std::string First = "first send here";
    if (O.Channel && O.Channel->OneShot) {
      // A promise's set_value or set_exception, a packaged_task's call.
      std::string Operation = oneShotOperation(W.Blocked, Chan);
      F.Message = "second " + Operation + " throws std::future_error (promise_already_satisfied)";
      First = "first " + oneShotOperation(W.FirstSend, Chan) + " here";
    } else {
      static constexpr const char *Ordinals[] = {"second", "third", "fourth"};
      std::string Nth = W.SentBefore >= 1 && W.SentBefore <= 3 ? Ordinals[W.SentBefore - 1]
                                                                : "another";
      F.Message = Nth + " send on " + Chan + " blocks forever: the receiver takes only " +
                  std::to_string(W.Received) + (W.Received == 1 ? " value" : " values");
    }
    if (W.FirstSetByAnother) {
      note(W.FirstSend, First + ", by another thread of the same spawn");
    } else {
      if (auto Fix = missingReturnFix(W.FirstSend, W.BlockedIn, E.context()))
        F.Fixes.push_back(*Fix);
      note(W.FirstSend, First + "; this branch goes on without returning");
    }
    noteSpawn();
  }

  /// "call of 'task'" for a packaged_task's operator(), "set_value on 'p'"
  /// for a promise's member.
  static std::string oneShotOperation(const Stmt *Site, llvm::StringRef Object) {
    if (const auto *Call = dyn_cast_or_null<CXXOperatorCallExpr>(Site);
        Call && Call->getOperator() == OO_Call)
      return "call of " + Object.str();
    if (const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(Site))
      if (const CXXMethodDecl *Method = Call->getMethodDecl(); Method && Method->getIdentifier())
        return (Method->getName() + " on " + Object).str();
    return "set_value on " + Object.str();
  }

  void earlyReturn() {
    if (W.Strand == StrandKind::LostWakeup) {
      F.Message = blockedPhrase(E, W) +
                  " blocks forever: its notify can come between the wait's check of the "
                  "predicate and its sleep, because the predicate's state is written without "
                  "holding the mutex";
      noteSpawn();
      note(W.FirstSend, "notified here, after a write made without the lock");
      return;
    }
    std::string Rescue = rescuePhrase(E, W);
    std::string Who = !W.LeaverIsSpawned || !W.Spawn ? "'" + functionName(W.Leaver) + "'"
                      : W.LeaverIsSibling        ? "another thread"
                                                 : "its parent thread";
    F.Message = blockedPhrase(E, W) + " blocks forever: " + Who + " can leave without " + Rescue;
    noteSpawn();
    noteExit("without " + Rescue);
    noteJoiningHandle();
  }

  /// The leaver's own end waits too: a joining handle's destructor.
  void noteJoiningHandle() {
    if (W.JoiningHandle)
      note(W.JoiningHandle->getLocation(), "the destructor of " + quoted(W.JoiningHandle) +
                                               " then waits forever for the stranded thread");
  }

  void cancelTimeout() {
    std::string Rescue = rescuePhrase(E, W);
    F.Message = blockedPhrase(E, W) +
                " blocks forever once the waiter gives up: nobody is left " + Rescue +
                " after the timeout or cancellation";
    noteSpawn();
    note(W.GaveUp, "the wait can give up here");
    // The buffer would have held the value, but for a library defect.
    const AbstractObject &Chan = E.objects()[W.Object];
    if (Chan.CancelledReceiveDisablesBuffer && Chan.Capacity.Kind == ChannelCapacity::Known &&
        Chan.Capacity.Values > 0)
      note(Chan.Loc, witnessObjectName(E, W) + " has room for " +
                         std::to_string(Chan.Capacity.Values) + ", but in this version of " +
                         Chan.Channel->Family +
                         " a cancelled receive leaves it acting as a rendezvous channel");
    noteExit("without " + Rescue);
    noteJoiningHandle();
  }

  void takeFirst() {
    if (W.Strand == StrandKind::WokeAnother) {
      F.Message = blockedPhrase(E, W) +
                  " blocks forever: notify_one wakes only one of the threads waiting for "
                  "this state";
      noteSpawn();
      note(W.FirstSend, "only one waiter is woken here");
      return;
    }
    if (W.Strand == StrandKind::NoSenders) {
      // The senders' loop runs over a container that may be empty, or as
      // many times as a count that may be zero.
      const auto *Bound = dyn_cast_or_null<ValueDecl>(W.SpawnLoopBound);
      bool Count = Bound && Bound->getType()->isIntegerType();
      std::string Name = Bound ? quoted(Bound) : "the container";
      F.Message = blockedPhrase(E, W) + " waits forever when " + Name +
                  (Count ? " is 0" : " is empty") + ": the loop then spawns no thread to send";
      note(W.SpawnLoop, Count ? "the only senders are spawned in this loop, which runs " +
                                    Name + " times"
                              : "the only senders are spawned in this loop over " + Name);
      if (W.MaybeEmptyCaller)
        note(W.MaybeEmptyCaller, quoted(dyn_cast<NamedDecl>(W.BlockedIn)) +
                                     " is called here with " + Name +
                                     (Count ? " that may be 0" : " that may be empty"));
      return;
    }
    std::string Chan = witnessObjectName(E, W);
    std::string Senders = W.SpawnLoopCount ? std::to_string(*W.SpawnLoopCount) + " sends"
                                           : std::string("one send per loop iteration");
    F.Message = "send on " + Chan + " blocks forever: " + Senders + " on " + Chan +
                " but only " + std::to_string(W.Received) +
                (W.Received == 1 ? " value is" : " values are") + " received";
    noteSpawn();
    note(W.Receive, W.SpawnLoopCount ? "the only receive from " + Chan
                                     : "the only receive from " + Chan +
                                           "; if the loop spawns no thread, it waits forever");
  }

  void orphanedWorker() {
    const ObjectTable &Objects = E.objects();
    if (W.Strand == StrandKind::NeverStopped && W.BlockedKind == EventKind::Start) {
      // A modelled worker type: its Start() is the leak's place.
      std::string Name = E.objectName(W.Object);
      F.Message =
          Name + " is started but not stopped on every path: its worker thread outlives it";
      noteExit("without stopping " + Name);
      return;
    }
    if (W.Strand == StrandKind::NeverStopped) {
      // obj.Start() spawned a loop over obj's channel; obj.Stop() closes it.
      std::string Name = handleName(W.StartedAt, E.index());
      Name = Name.empty() ? E.objectName(Objects[W.Object].Base) : "'" + Name + "'";
      const ChannelModel *Channel = Objects[W.Object].Channel;
      std::string Rescue = Channel && Channel->isSignal() ? "notifies " : "closes ";
      F.Message = "worker of " + Name + " waits here forever: " + Name +
                  " is started but not stopped on every path, so nothing " + Rescue +
                  witnessObjectName(E, W);
      noteSpawn();
      note(W.StartedAt, Name + " is started here");
      noteExit("without stopping " + Name);
      return;
    }
    if (W.Strand == StrandKind::HeldByGuard) {
      std::string Loop = witnessObjectName(E, W);
      F.Message = blockedPhrase(E, W) + " never returns: a work guard holds " + Loop +
                  " and nothing resets the guard or stops " + Loop +
                  ", so its thread waits forever";
      noteSpawn();
      note(W.GuardMadeAt, "the work guard is made here");
      noteExit("without resetting the work guard");
      return;
    }
    if (W.Spawn && W.Spawn->Spawner->PassesStopToken && !W.Spawn->ReadsStopToken)
      F.Message = "thread never ends: its loop ignores its stop_token, so the destructor of its " +
                  W.Spawn->Spawner->Name + " waits forever";
    else if (W.JoiningHandle)
      F.Message = "thread never ends: its loop has no exit, so the destructor of " +
                  quoted(W.JoiningHandle) + " waits forever";
    else
      F.Message = "thread never ends: its loop has no exit and nothing can stop it";
    noteSpawn();
  }

  void loopingTimer() {
    if (W.Strand == StrandKind::Rearms) {
      // The wait is asynchronous: the handler, not a thread, goes round.
      std::string Timer = "'" + handleName(W.RearmedAt, E.index()) + "'";
      // A handler that re-arms even when its wait failed outlives a cancel.
      std::string Paths = E.cancelsTimers() ? " again on every path, even after a cancel,"
                                            : " again on every path,";
      if (W.Spawn) {
        // Found the thread whose run() the chain keeps busy.
        std::string Loop = witnessObjectName(E, W);
        F.Message = blockedPhrase(E, W) + " never returns: a timer's completion handler arms " +
                    Timer + Paths + " and nothing " +
                    (E.cancelsTimers() ? "" : "cancels the timer or ") + "stops " + Loop +
                    ", so its thread waits forever";
        noteSpawn();
        note(W.StartedAt, "the first wait is armed here");
        note(W.RearmedAt, "the completion handler arms " + Timer + " again here");
        return;
      }
      F.Message = "timer wait repeats forever: its completion handler arms " + Timer + Paths +
                  " and nothing " + (E.cancelsTimers() ? "" : "cancels the timer or ") +
                  "stops its event loop, so the loop's run() never returns";
      note(W.StartedAt, "the first wait is armed here");
      return;
    }
    std::string Consequence;
    if (W.JoiningHandle)
      // A jthread's destructor joins: the caller hangs instead of leaking.
      Consequence = "the destructor of " + quoted(W.JoiningHandle) + " waits forever";
    else
      Consequence = "every call of '" + functionName(W.Leaver) + "' leaks another thread";
    F.Message = "thread sleeps in a loop forever with no stop condition: " + Consequence;
    noteSpawn();
  }

  const Witness &W;
  LeakEngine &E;
  Finding F;
};

} // namespace

Finding explain(const Witness &W, LeakEngine &E) { return Explainer(W, E).run(); }

llvm::StringRef leakLabelName(LeakLabel L) {
  switch (L) {
  case LeakLabel::RangeWithoutClose: return "range-without-close";
  case LeakLabel::DoubleSend: return "double-send";
  case LeakLabel::EarlyReturn: return "early-return";
  case LeakLabel::CancelTimeout: return "cancel-timeout";
  case LeakLabel::TakeFirst: return "take-first";
  case LeakLabel::OrphanedWorker: return "orphaned-worker";
  case LeakLabel::LoopingTimer: return "looping-timer";
  }
  return "";
}

llvm::StringRef leakLabelCheckerName(LeakLabel L) {
  switch (L) {
  case LeakLabel::RangeWithoutClose: return "RangeWithoutClose";
  case LeakLabel::DoubleSend: return "DoubleSend";
  case LeakLabel::EarlyReturn: return "EarlyReturn";
  case LeakLabel::CancelTimeout: return "CancelTimeout";
  case LeakLabel::TakeFirst: return "TakeFirst";
  case LeakLabel::OrphanedWorker: return "OrphanedWorker";
  case LeakLabel::LoopingTimer: return "LoopingTimer";
  }
  return "";
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

} // namespace chanleak
