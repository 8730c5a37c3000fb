//===- Engine.h - chanleak's static engine: extract, explore, explain -*- C++ -*-===//
//
// One engine for every check and for the analyzer plugin. For a function it
//   1. extracts the behaviour of the function and of every thread it starts
//      (and every function they call, summarised once per translation unit)
//      as automata over events on abstract objects (ThreadModel.h);
//   2. explores their combinations with the model's semantics as a game:
//      the stranding choices (an early return, a timeout, a spawning loop's
//      length) are the adversary's, everything else (values received, the
//      scheduler, loops of unknown length) gets the benefit of the doubt; a
//      thread blocked forever in every outcome the adversary can force, on
//      objects no unseen code can touch, is a leak;
//   3. explains each leak as one Witness: the blocked operation, the spawn
//      of its thread, the event that strands it, and a pattern label that
//      each check filters on.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_ANALYSIS_ENGINE_H
#define CHANLEAK_ANALYSIS_ENGINE_H

#include "chanleak/Analysis/ThreadModel.h"
#include "llvm/ADT/DenseSet.h"
#include <memory>

namespace chanleak {

enum class LeakLabel : unsigned char {
  RangeWithoutClose,
  DoubleSend,
  EarlyReturn,
  CancelTimeout,
  TakeFirst,
  OrphanedWorker,
  LoopingTimer,
};

constexpr LeakLabel AllLeakLabels[] = {
    LeakLabel::RangeWithoutClose, LeakLabel::DoubleSend, LeakLabel::EarlyReturn,
    LeakLabel::CancelTimeout,     LeakLabel::TakeFirst,  LeakLabel::OrphanedWorker,
    LeakLabel::LoopingTimer,
};

/// The pattern's name: "range-without-close" (chanleak-range-without-close).
llvm::StringRef leakLabelName(LeakLabel L);
/// Its analyzer checker's name: "RangeWithoutClose" (chanleak.RangeWithoutClose).
llvm::StringRef leakLabelCheckerName(LeakLabel L);

/// What strands the blocked thread.
enum class StrandKind : unsigned char {
  ParentLeaves,   ///< the thread that would rescue returns or throws first
  GivesUp,        ///< the rescuer's timed wait or stop check gives up
  NeverClosed,    ///< nothing closes the channel a receive loop reads
  ClosedOnSomePaths, ///< the closer can end without closing
  SecondSend,     ///< a second send (or set_value) nobody takes
  ExtraSenders,   ///< more senders than receives
  NoSenders,      ///< the loop that spawns the senders ran zero times
  NeverStopped,   ///< a started worker is not stopped on some path
  EndlessLoop,    ///< the thread's loop has no exit
  Rearms,         ///< a timer's completion handler arms the timer again on
                  ///< every path, and nothing cancels it
  LostWakeup,     ///< the notify came between the waiter's check and its
                  ///< sleep (the state was written without the mutex)
  WokeAnother,    ///< notify_one woke another thread waiting for the state
  HeldByGuard,    ///< an event loop's run() waits for a work guard nobody
                  ///< releases, and nothing stops the loop
};

/// One leak, as both engines report it.
struct Witness {
  LeakLabel Label;
  StrandKind Strand;
  /// The operation that blocks forever (primary location) and its function.
  const clang::Stmt *Blocked = nullptr;
  const clang::FunctionDecl *BlockedIn = nullptr;
  EventKind BlockedKind = EventKind::Recv;
  /// When Blocked is a call into the object that owns Object (a
  /// hand-written queue's push), the wait inside it that blocks, and the
  /// method that wait is in.
  const clang::Stmt *InnerWait = nullptr;
  const clang::FunctionDecl *InnerWaitIn = nullptr;
  ObjectId Object = NoObject;
  /// A wait whose predicate no write changes, handed a stop token: the stop
  /// state whose request alone would end it.
  ObjectId StopSource = NoObject;
  /// The handle the blocked operation names it by ('rows' in rows->push()).
  std::string ObjectName;
  /// Where the blocked thread was spawned; null when it is the analysed
  /// function itself.
  const SpawnInfo *Spawn = nullptr;
  /// Threads of that spawn running in the witness (more than one: a loop).
  unsigned Instances = 1;
  /// The spawn's loop trip count when it is a constant.
  std::optional<unsigned> SpawnLoopCount;
  /// The function whose path strands the thread, and the return, throw or
  /// end of body where it leaves; null Exit: it falls off its end.
  const clang::FunctionDecl *Leaver = nullptr;
  const clang::Stmt *Exit = nullptr;
  /// The function Exit is in: the leaver, or a callee whose throw leaves it.
  const clang::FunctionDecl *ExitIn = nullptr;
  bool LeaverIsSpawned = false;
  /// The leaver has not left: it waits in a join for a stranded thread, and
  /// Exit is the return it was heading for.
  bool LeaverJoins = false;
  /// The leaver is another thread, not the blocked thread's parent.
  bool LeaverIsSibling = false;
  /// Pattern-specific events: the wait that gives up, the first send, the
  /// worker's start, the only receive, the loop that spawns no sender.
  const clang::Stmt *GaveUp = nullptr;
  const clang::Stmt *FirstSend = nullptr; ///< or the notify a waiter missed
  /// A promise's first set was made by another thread of the same spawn.
  bool FirstSetByAnother = false;
  const clang::Stmt *StartedAt = nullptr;
  /// Where the work guard holding a stranded event loop was made.
  const clang::Stmt *GuardMadeAt = nullptr;
  /// The wait a timer's completion handler arms again, when the handler
  /// chain keeps an event loop's thread in run().
  const clang::Stmt *RearmedAt = nullptr;
  const clang::Stmt *Receive = nullptr;
  unsigned Received = 0;
  /// Sends the blocked thread made on the object before the blocked one.
  unsigned SentBefore = 0;
  const clang::Stmt *SpawnLoop = nullptr;
  /// The variable whose value the spawning loop runs as many times as: a
  /// container, or a count.
  const clang::Decl *SpawnLoopBound = nullptr;
  const clang::CallExpr *MaybeEmptyCaller = nullptr;
  /// A loop of waits on a condition variable for state that would end it
  /// (a `closed` flag) and that nothing sets: that state.
  ObjectId NeverSet = NoObject;
  /// The handle whose destructor then waits forever (jthread, async).
  const clang::VarDecl *JoiningHandle = nullptr;
  /// The explicit join (`t.join()`) where the leaver waits forever.
  const clang::Stmt *JoinedAt = nullptr;
};

/// The engine of one translation unit: objects, summaries and witnesses,
/// each computed once and shared by every check that asks.
class LeakEngine {
public:
  LeakEngine(const ModelIndex &Index, clang::ASTContext &Ctx);
  ~LeakEngine();

  /// The leaks found from this function (its own threads and those of the
  /// functions it calls), each once.
  const std::vector<Witness> &witnesses(const clang::FunctionDecl &Root);

  /// The function's summary (built on first use; recursion is cut).
  const Summary &summary(const clang::FunctionDecl &FD);
  const Summary &summary(unsigned Index) const { return *Summaries[Index]; }
  unsigned summaryIndex(const clang::FunctionDecl &FD);

  ObjectTable &objects() { return Objects; }
  const ObjectTable &objectsView() const { return Objects; }
  const ModelIndex &index() const { return Index; }
  clang::ASTContext &context() const { return Ctx; }
  std::vector<LoopSymbol> &symbols() { return Symbols; }
  int symbolFor(const clang::Decl *Key);

  /// Whether unseen code may act on the object, given the functions the
  /// exploration saw (a member its class keeps private to those, a global
  /// only they name, do not escape).
  bool escapes(ObjectId Id, const llvm::DenseSet<const clang::FunctionDecl *> &Seen);

  /// "'results'" for messages.
  std::string objectName(ObjectId Id) const;

  /// Whether D is state a condition-variable wait's predicate, or a loop
  /// that waits or polls, reads (found once per translation unit).
  bool isSharedState(const clang::ValueDecl *D);

  /// Whether some code of the translation unit stops the execution context
  /// Executor names (`io_.stop()` for `co_spawn(io_, ...)` or
  /// `co_spawn(io_.get_executor(), ...)`).
  bool stoppedSomewhere(const clang::Expr *Executor);
  /// Whether some code of the translation unit stops an execution context
  /// (which ends every chain of timer handlers on it), or cancels a timer
  /// (which ends a chain whose handler leaves on a failed wait).
  bool stopsEventLoops();
  bool cancelsTimers();

  /// The function definitions of the main file (templates' instantiations,
  /// lambdas' bodies), for questions whose answer may lie outside the code
  /// a root reaches.
  llvm::ArrayRef<const clang::FunctionDecl *> mainFileFunctions();

  /// What the translation unit's Stop and timer Cancel ops act on.
  struct StopFacts {
    llvm::DenseSet<const clang::ValueDecl *> Stopped;
    bool AnyStop = false;
    bool AnyTimerCancel = false;
  };

private:
  const StopFacts &stopFacts();

  const ModelIndex &Index;
  clang::ASTContext &Ctx;
  ObjectTable Objects;
  std::vector<std::unique_ptr<Summary>> Summaries;
  llvm::DenseMap<const clang::FunctionDecl *, unsigned> SummaryOf;
  std::vector<LoopSymbol> Symbols;
  llvm::DenseMap<const clang::Decl *, int> SymbolOf;
  std::map<const clang::FunctionDecl *, std::vector<Witness>> Found;
  std::optional<llvm::DenseSet<const clang::ValueDecl *>> SharedState;
  std::optional<StopFacts> Stops;
  std::optional<std::vector<const clang::FunctionDecl *>> Functions;
  friend class SummaryBuilder;
  friend class Explorer;
};

/// The engines of the translation unit being analysed, one per model
/// index; a new ASTContext starts afresh. Each front end owns one.
class EngineCache {
public:
  LeakEngine &engine(const ModelIndex &Index, clang::ASTContext &Ctx);
  void clear();

private:
  clang::ASTContext *Ctx = nullptr;
  std::map<const ModelIndex *, std::unique_ptr<LeakEngine>> Engines;
};

/// The handle an operation or call acts through: `rows` in `rows->push(v)`,
/// `pool` in `pool.Start()`; empty when it names none.
std::string handleName(const clang::Stmt *Site, const ModelIndex &Index);
/// "'rows'": the blocked object as the blocked operation names it.
std::string witnessObjectName(const LeakEngine &E, const Witness &W);
/// What the blocked operation is, for messages: "send on 'results'",
/// "receive from 'jobs'", "wait on 'cv'".
std::string blockedPhrase(const LeakEngine &E, const Witness &W);
/// The same operation as what the blocked thread does, for its spawn note:
/// "it sends on 'results'".
std::string threadActivityPhrase(const LeakEngine &E, const Witness &W);
/// What the leaver skipped: "receiving from 'results'".
std::string rescuePhrase(const LeakEngine &E, const Witness &W);

/// The predicate of a condition variable's wait (a lambda, or a functor
/// expression), or null.
const clang::Expr *waitPredicate(const ModelIndex &Index, const clang::CallExpr *Call);

/// The increment a local integer is initialised from (`auto ticket =
/// ++sent_;`), or null: a ticket drawn from a counter other threads share.
const clang::UnaryOperator *ticketDraw(const clang::VarDecl *V);

/// Prints a function's summary, for CHANLEAK_DEBUG=1 and unit tests.
void dumpSummary(const LeakEngine &E, const Summary &S, llvm::raw_ostream &OS);

} // namespace chanleak

#endif
