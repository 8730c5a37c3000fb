//===- LeakQueries.h - Shared leak analyses over ConcurrencyFacts -*- C++ -*-=//
//
// The questions more than one engine or check asks, answered once per
// translation unit: facts and CFGs are cached in an AnalysisSession so that
// seven checks over the same function build each of them once.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_ANALYSIS_LEAKQUERIES_H
#define CHANLEAK_ANALYSIS_LEAKQUERIES_H

#include "chanleak/Analysis/ConcurrencyFacts.h"
#include "chanleak/Analysis/ThreadPaths.h"
#include <map>

namespace chanleak {

/// A blocking op in a spawned thread that its parent can walk away from: a
/// send only the parent would receive, or a receive (a condition-variable
/// wait) only the parent would satisfy.
struct StrandedOp {
  const Spawn *Origin = nullptr;
  const Op *Blocked = nullptr;
  const Channel *Chan = nullptr;
  /// How the parent leaves: the return/throw, and the timed wait or stop
  /// check it gave up on when the path went through one.
  PathExit Exit;
};

/// Per-translation-unit cache of facts and CFGs.
class AnalysisSession {
public:
  /// The session of the translation unit being analysed; starts afresh when
  /// the AST context changes or startTranslationUnit() is called.
  static AnalysisSession &get(clang::ASTContext &Ctx);
  static void startTranslationUnit();

  const ConcurrencyFacts &facts(const clang::FunctionDecl &FD,
                                const ModelIndex &Index);
  const ThreadPaths &paths(const Thread &T);
  const ThreadPaths &paths(const clang::FunctionDecl &FD);

  /// Ops stranded when the parent leaves without completing them
  /// (early-return and cancel-timeout both read this).
  const std::vector<StrandedOp> &strandedOps(const ConcurrencyFacts &F);

private:
  explicit AnalysisSession(clang::ASTContext &Ctx) : Ctx(Ctx) {}
  clang::ASTContext &Ctx;
  std::map<std::pair<const clang::FunctionDecl *, const ModelIndex *>,
           std::unique_ptr<ConcurrencyFacts>>
      Facts;
  std::map<const clang::Stmt *, std::unique_ptr<ThreadPaths>> Paths;
  std::map<const ConcurrencyFacts *, std::vector<StrandedOp>> Stranded;
};

/// Whether an op frees a sender blocked on C: a blocking receive, a receive
/// loop, a cancel, or a close when the model says close wakes senders.
bool rescuesSender(const Op &O, const Channel &C);

/// Whether an op completes a receiver blocked on C: a send, a close, a
/// cancel.
bool rescuesReceiver(const Op &O, const Channel &C);

/// "send on 'results'", "wait on 'cv'", "receive from 'jobs'".
std::string blockedPhrase(const Op &Blocked, const Channel &C);
/// What the parent skipped: "receiving from 'results'", "notifying 'cv'".
std::string rescuePhrase(const Op &Blocked, const Channel &C);

/// Whether an op receives on its channel (any form, timed or not).
bool isReceive(const Op &O);

/// The most values the spawned threads send on C in all, or nullopt when
/// that is unbounded or unknown (a send in a loop, a spawn in a loop with no
/// constant trip count).
std::optional<unsigned long long> spawnedSends(const ConcurrencyFacts &F,
                                               AnalysisSession &S,
                                               ChannelId C);

/// Whether every receive on C is performed by thread T.
bool receivedOnlyBy(const ConcurrencyFacts &F, ChannelId C, const Thread &T);

/// The most receives on C on one path of thread T, or nullopt when T
/// receives in a loop.
std::optional<unsigned> receivesOnOnePath(const ConcurrencyFacts &F,
                                          AnalysisSession &S, ChannelId C,
                                          const Thread &T);

/// The most values all threads together receive from C, or nullopt when
/// some thread receives in a loop or runs an unknown number of times.
std::optional<unsigned long long> totalReceives(const ConcurrencyFacts &F,
                                                AnalysisSession &S, ChannelId C);

/// The CFG element statements of T's body at which the given ops happen.
llvm::SmallPtrSet<const clang::Stmt *, 8>
elementsOf(llvm::ArrayRef<const Op *> Ops, const ThreadPaths &P);

/// Whether every user of C is visible and none of them closes or cancels it,
/// so a loop receiving until C is closed never ends: a local nobody closes, or
/// a member its class keeps to itself and never closes.
bool neverClosed(const ConcurrencyFacts &F, const Channel &C);

/// Whether O is a loop that receives until its channel is closed, on a
/// channel that is never closed.
bool receivesForever(const ConcurrencyFacts &F, const Op &O);

/// T's first loop that receives until its channel is closed, on a channel
/// that is never closed; null when there is none.
const Op *endlessReceiveLoop(const ConcurrencyFacts &F, const Thread &T);

/// Whether T was started with a stop token (std::jthread) that its body never
/// reads: a stop request, its handle's destructor included, cannot end it.
bool ignoresStopToken(const Thread &T);

/// The variable a member call is made on (`w.Start()`, `w->Stop()` through
/// a pointer or smart pointer), or null: for a spawn or close anchored at
/// such a call, the object whose worker it starts or stops.
const clang::VarDecl *workerObject(const clang::Stmt *Anchor);

/// Whether a spawn starts a worker through a method of an object (a
/// lifecycle the class states by its code): its loops over the object's
/// channels end when the object is stopped.
bool startsObjectWorker(const Spawn &Sp, const Op &Loop);

/// A call of Container's function, in the main file, that may pass an empty
/// container for it: anything but a non-empty braced list. Null when every
/// call passes a non-empty list, or there is no call to judge by.
const clang::CallExpr *callPassingMaybeEmpty(const clang::ParmVarDecl *Container,
                                             clang::ASTContext &Ctx);

/// Whether Body tests whether Container is empty (`c.empty()`, `c.size()`):
/// code that does handles the empty case itself.
bool testsEmptiness(const clang::ValueDecl *Container, const clang::Stmt *Body);

/// Whether a spawned thread can never finish: its body has no path to its
/// end (an endless loop with no break, return or stop check), or every path
/// calls a helper of this translation unit that never returns or enters a
/// receive loop over a channel nobody closes.
bool neverEnds(const ConcurrencyFacts &F, const Thread &T, AnalysisSession &S);

/// Whether a thread that never ends is still expected to: it was started by
/// a function other than main (which any caller can call again), or its
/// handle waits for it in a destructor (jthread, std::async's future).
bool endlessThreadLeaks(const ConcurrencyFacts &F, const Thread &T);

/// The blocking op or sleep that an endless thread spends its time in: the
/// first op of T that repeats in a loop (of T or of a helper) satisfying
/// Pred, or null.
const Op *opInLoop(const ConcurrencyFacts &F, const Thread &T,
                   llvm::function_ref<bool(const Op &)> Pred);

/// A short name for the function a thread runs, for messages.
std::string threadName(const Thread &T);

} // namespace chanleak

#endif
