//===- Explorer.cpp - Combine the threads, find the stuck states ----------===//
//
// Runs the analysed function's automaton and those of the threads it starts
// over the model's semantics (capacity, close, one-shot values, timed ops
// giving up, joins, stop requests) and solves the result as a game between
// an adversary, who owns the stranding choices (branches on local data,
// timeouts, how long a spawning loop runs), and the benefit of the doubt,
// which owns the rest (the scheduler, values received, shared state, other
// loop lengths). A state where nothing can move and a thread is blocked on
// objects no unseen code can touch is stuck; a stuck state the adversary can
// force is a leak, explained by the path that forces it.
//
//===----------------------------------------------------------------------===//

#include "chanleak/Analysis/Engine.h"
#include "clang/Basic/SourceManager.h"
#include "clang/AST/Decl.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>
#include <deque>
#include <functional>
#include <set>
#include <unordered_map>

using namespace clang;

namespace chanleak {

namespace {

constexpr unsigned MaxThreads = 16;
constexpr unsigned MaxStates = 100000;
/// Calls of one function whose locals are told apart while they all run.
constexpr unsigned MaxEarlierCalls = 4;
/// (function, binding) pairs a thread may run, looked at before exploring.
constexpr unsigned MaxContexts = 4096;
/// Stuck states tried for an explanation, per exploration.
constexpr unsigned MaxExplained = 32;
constexpr unsigned CountedLoops = 4;
constexpr unsigned OpenLoopRounds = 3;
/// Values counted exactly in a channel without a bound; past it, a receive
/// no longer takes one out. Small counts hid the drained consumer of a loop
/// of ten sends, so the count covers a few dozen.
constexpr unsigned char Saturated = 64;

enum WriteState : unsigned char { NotWritten, WrittenKnown, WrittenUnknown };

enum ObjFlag : unsigned char {
  Closed = 1,
  Set = 2,
  StopRequested = 4,
  Stopped = 8,
  Rendezvous = 16, ///< a cancelled receive disabled the buffer
  Detached = 32,   ///< a thread handle that no longer owns its thread
  Initialised = 64, ///< a static local, constructed
  /// An object a function makes and hands back (so every call names it the
  /// same), made again by a later call while an earlier one was alive: it
  /// stands for several objects now (Explorer::freshLocals).
  Many = 128,
};

/// For a condition variable, Count is how many notifies it has had. For
/// shared state, Value is its value (a container's size) once Written.
struct ObjState {
  unsigned char Count = 0, Flags = 0;
  unsigned char Written = NotWritten;
  short Value = 0;
};

constexpr unsigned char MaxNotifies = 250;
/// Values of shared state beyond these are no longer told apart.
constexpr long long MinValue = -16, MaxValue = 100;

enum class Truth : unsigned char { False, True, Unknown };

/// Shared state or a count takes a new value; beyond the range kept, or
/// unknown, it is no longer told apart.
void setValue(ObjState &St, std::optional<long long> V) {
  bool Known = V && *V >= MinValue && *V <= MaxValue;
  St.Written = Known ? WrittenKnown : WrittenUnknown;
  St.Value = Known ? *V : 0;
}

struct Frame {
  unsigned Sum, Node, Subst;
  /// The call that entered this frame (null for a thread's first frame).
  const Stmt *Site = nullptr;
  /// Where the caller goes when this frame throws (Event::Unwind).
  unsigned Unwind = ~0u;
  /// The values its call gave its integer parameters (Explorer::Counts).
  unsigned Counts = 0;
  unsigned char Counter[CountedLoops] = {};
  /// The status variables set on this path: which, and their values.
  uint16_t StatusKnown = 0, StatusValue = 0;
  /// The caller's status slot this frame's return sets (Event::ResultSlot);
  /// the call's site decides it, so it is no part of the state's key.
  int ResultSlot = -1;

  std::optional<long long> status(unsigned Slot) const {
    if (!(StatusKnown >> Slot & 1))
      return std::nullopt;
    return StatusValue >> Slot & 1;
  }
  void setStatus(unsigned Slot, bool Value) {
    StatusKnown |= 1u << Slot;
    StatusValue = (StatusValue & ~(1u << Slot)) | (unsigned(Value) << Slot);
  }
  void forgetStatus(unsigned Slot) {
    StatusKnown &= ~(1u << Slot);
    StatusValue &= ~(1u << Slot);
  }
};

/// Failed: a second set_value threw (a defect). Terminated: an exception
/// left a thread whose spawner then ends the program (not a leak).
enum class Status : unsigned char { Running, Ended, Failed, Terminated };

struct ThreadState {
  llvm::SmallVector<Frame, 3> Frames;
  Status St = Status::Running;
  /// (spawning summary, spawn index); ~0u for the analysed function.
  unsigned Origin = ~0u;
  unsigned ParentOrigin = ~0u;
  ObjectId Handle = NoObject;
  /// A modelled worker started with no visible body: it waits for Stop.
  ObjectId Worker = NoObject;
  const Stmt *StartedVia = nullptr;
  /// A send that was waiting when its channel was closed, on a channel whose
  /// close does not wake senders (Asio): it waits forever.
  bool StrandedByClose = false;
  /// Per condition variable, the notifies this thread has seen or made: a
  /// wait returns once another thread notified since (or made the
  /// predicate true before the first wait). Per promise, 1 once this thread
  /// set it.
  llvm::SmallVector<std::pair<ObjectId, unsigned char>, 2> Seen;
  /// A wait with a predicate that found it false: the condition variable
  /// it sleeps on, whether a notify woke it since, and whether it is queued
  /// yet (between its check and its sleep, a write made without the mutex
  /// and its notify are lost).
  ObjectId WaitingOn = NoObject;
  bool Woken = false, Queued = false;
  /// It found its loop's condition (the state a plain wait in the loop
  /// waits for) unmet at the loop's head, and since then another thread
  /// wrote shared state without a lock: the wait sleeps whatever it says now.
  bool LoopChecked = false, MissedWrite = false;
  /// The mutexes it holds (sorted); one it waits on a condition variable
  /// with is released while it sleeps.
  llvm::SmallVector<ObjectId, 2> Holds;

  unsigned char seen(ObjectId O) const {
    for (auto &[X, N] : Seen)
      if (X == O)
        return N;
    return 0;
  }
  void forget(ObjectId O) {
    llvm::erase_if(Seen, [O](const auto &Entry) { return Entry.first == O; });
  }
  /// O is now named New (Explorer::freshLocals).
  void rename(ObjectId O, ObjectId New) {
    auto Swap = [&](ObjectId &X) {
      if (X == O)
        X = New;
    };
    Swap(Handle);
    Swap(Worker);
    Swap(WaitingOn);
    for (auto &Entry : Seen)
      Swap(Entry.first);
    llvm::sort(Seen);
    for (ObjectId &X : Holds)
      Swap(X);
    llvm::sort(Holds);
  }
  template <typename Fn> void forEachObject(Fn Visit) const {
    for (ObjectId O : {Handle, Worker, WaitingOn})
      if (O != NoObject)
        Visit(O);
    for (auto &Entry : Seen)
      Visit(Entry.first);
    for (ObjectId O : Holds)
      Visit(O);
  }
  void see(ObjectId O, unsigned char N) {
    for (auto &[X, Old] : Seen)
      if (X == O) {
        Old = N;
        return;
      }
    Seen.push_back({O, N});
    llvm::sort(Seen);
  }
};

/// The objects a state has touched, sorted by id (a state is copied for
/// every move: a small sorted vector beats a map).
class ObjStates {
public:
  using Entry = std::pair<ObjectId, ObjState>;
  using iterator = llvm::SmallVector<Entry, 4>::iterator;
  using const_iterator = llvm::SmallVector<Entry, 4>::const_iterator;

  const_iterator find(ObjectId O) const {
    auto It = llvm::lower_bound(Entries, O, [](const Entry &E, ObjectId X) { return E.first < X; });
    return It != Entries.end() && It->first == O ? It : Entries.end();
  }
  iterator find(ObjectId O) {
    auto It = llvm::lower_bound(Entries, O, [](const Entry &E, ObjectId X) { return E.first < X; });
    return It != Entries.end() && It->first == O ? It : Entries.end();
  }
  bool has(ObjectId O, unsigned char Flag) const {
    auto It = find(O);
    return It != end() && (It->second.Flags & Flag);
  }
  const_iterator end() const { return Entries.end(); }
  iterator end() { return Entries.end(); }
  const_iterator begin() const { return Entries.begin(); }
  iterator begin() { return Entries.begin(); }
  ObjState &operator[](ObjectId O) {
    auto It = llvm::lower_bound(Entries, O, [](const Entry &E, ObjectId X) { return E.first < X; });
    if (It == Entries.end() || It->first != O)
      It = Entries.insert(It, {O, ObjState()});
    return It->second;
  }
  void erase(ObjectId O) {
    if (auto It = find(O); It != end())
      Entries.erase(It);
  }

private:
  llvm::SmallVector<Entry, 4> Entries;
};

struct State {
  std::vector<ThreadState> Threads;
  ObjStates Objs;
};

struct KeyHash {
  size_t operator()(const std::vector<unsigned> &K) const {
    return llvm::hash_combine_range(K.begin(), K.end());
  }
};

/// One step of a path, for the explanation.
struct Step {
  unsigned Thread = ~0u; ///< index in the state it was taken from
  unsigned Origin = ~0u;
  const Event *Ev = nullptr;
  ObjectId Object = NoObject;
  bool GaveUp = false;
  bool Ends = false; ///< the step ended its thread
  /// A wait found its predicate false and sleeps, or a loop's head found
  /// unmet the state its plain wait waits for.
  bool Checked = false;
  /// A notify woke a thread that slept on it, of this origin.
  bool Woke = false;
  unsigned WokeOrigin = ~0u;
  /// A rendezvous: the receive taken with the send.
  const Event *PartnerEv = nullptr;
  unsigned PartnerOrigin = ~0u;
};

struct Move {
  unsigned Thread, Edge;
  ObjectId Object = NoObject;
  unsigned Partner = ~0u, PartnerEdge = 0;
  ObjectId PartnerObject = NoObject;
};

struct GameNode {
  bool Adversary = false;
  bool Terminal = false;
  bool Win = false;
  int State = -1;
  std::vector<std::pair<unsigned, Step>> Children;
};

} // namespace

static llvm::StringRef eventName(EventKind K);

/// CHANLEAK_DEBUG set: print summaries, explorations and witness paths.
static bool debugging() {
  static const bool On = std::getenv("CHANLEAK_DEBUG") != nullptr;
  return On;
}

class Explorer {
public:
  Explorer(LeakEngine &E, unsigned RootSum) : E(E), Objects(E.Objects), Root(RootSum) {}

  std::vector<Witness> run();

private:
  // Semantics.
  ObjectSet resolve(ObjectId O, unsigned Subst);
  unsigned bind(const Summary &Caller, unsigned BindingIdx, unsigned Subst);
  unsigned bindCounts(const Summary &Caller, unsigned BindingIdx, const Frame &CallerFrame);
  bool fixedByCallers(const Decl *Bound, unsigned Depth = 0);
  const Summary &sum(unsigned I) const { return *E.Summaries[I]; }
  const Node &node(const Frame &F) const { return sum(F.Sum).Nodes[F.Node]; }
  const Event &event(const Frame &F, const Edge &Ed) const { return sum(F.Sum).Events[Ed.Event]; }
  bool isLocal(const Edge &Ed, const Frame &F) const;
  bool partnerWaiting(const State &S, unsigned T, ObjectId O, bool WaiterSends);
  /// Whether O or an object it is part of (a member's holder) satisfies P.
  template <typename Pred> bool selfOrHolder(ObjectId O, Pred P) const {
    for (; O != NoObject; O = Objects[O].Base)
      if (P(O))
        return true;
    return false;
  }
  bool escapes(ObjectId O) {
    auto [It, New] = EscapeCache.try_emplace(O, false);
    if (New) {
      // What the analysed function returns (or a part of it) is its
      // caller's to use.
      bool Escapes = E.escapes(O, Seen);
      for (ObjectId B = O; !Escapes && B != NoObject; B = Objects[B].Base)
        Escapes = llvm::is_contained(sum(Root).Returns, B);
      It->second = Escapes;
    }
    return It->second;
  }
  bool everySenderSkipped(llvm::ArrayRef<Step> Path, ObjectId O, unsigned Waiter) const;
  bool sendsSomewhere(unsigned Origin) const;
  const Event *findInCalls(unsigned Sum, llvm::function_ref<bool(const Event &)> Match,
                           bool ThroughSpawns = false) const;
  bool madeInside(ObjectId O, const clang::Stmt *Loop) const;
  bool spinning(const ThreadState &T) const;
  Truth polling(const State &S, const ThreadState &T);
  bool idle(const State &S, const ThreadState &T) {
    return spinning(T) || polling(S, T) == Truth::True;
  }
  bool stopRequested(const State &S, const Frame &F, const Event &Ev);
  bool canRecv(const State &S, ObjectId O, unsigned Self, Outcome Out, bool Timed);
  bool heldByOther(const State &S, unsigned T, ObjectId Mutex);
  bool mutexesFree(const State &S, unsigned T, const Frame &F, const Event &Ev);
  void normalize(State &S) const;
  bool succeeds(const State &S, unsigned T, const Event &Ev, ObjectId O, bool GiveUp);
  std::optional<long long> value(const State &S, ObjectId O);
  std::optional<long long> counterValue(const State &S, ObjectId O) const;
  std::optional<long long> initialCount(ObjectId O) const;
  void countBy(State &S, unsigned T, ObjectId O, const Event &Ev);
  std::optional<long long> evalTerm(const Frame &F, int Formula, const State &S);
  Truth evalCondition(const Frame &F, int Formula, const State &S);
  bool predicateWait(const Event &Ev, ObjectId O);
  bool lostWakeupPossible(const Frame &F, int Formula);
  void noteUnlockedWrites();
  bool enabled(const State &S, unsigned T, const Edge &Ed, ObjectId O, bool &NeedsPartner);
  void apply(State &S, const Move &M, Step &Out);
  void applyOne(State &S, unsigned T, unsigned EdgeIdx, ObjectId O, Step &Out,
                bool GiveUp = false);
  void freshLocals(State &S, unsigned Callee);
  void blockedAt(Witness &W, const ThreadState &T, const Event &Ev, ObjectId Obj);
  unsigned freeEarlierDepth(const State &S, llvm::ArrayRef<ObjectId> Locals);
  unsigned withEarlierLocals(unsigned Subst, llvm::ArrayRef<ObjectId> Locals, bool InCallee,
                             const llvm::SmallDenseMap<ObjectId, ObjectId, 4> &Renamed,
                             llvm::SmallDenseSet<ObjectId, 4> &Used);
  /// The substitution of this map, interned.
  unsigned intern(std::vector<std::pair<ObjectId, ObjectSet>> Map);
  const llvm::SmallVector<ObjectId, 4> &localsOf(unsigned SumIdx);
  unsigned loopCount(const Frame &F, unsigned Loop, bool &Free) const;
  std::vector<unsigned> key(const State &S) const;
  unsigned intern(State S, bool &New);

  void collect(unsigned Sum, llvm::DenseSet<unsigned> &Done);
  bool mayStrand();
  bool countsManyRounds() const;
  bool solveOnce(std::vector<Witness> &Out);
  void explain(unsigned Start, std::vector<Witness> &Out);
  std::vector<Witness> exploreThreads();
  void endlessThreads(std::vector<Witness> &Out);
  bool canReturn(unsigned Sum, llvm::DenseSet<unsigned> &Active);
  void rearmingHandlers(std::vector<Witness> &Out);
  /// Whether a path through Sum leaves without arming Handler again; with
  /// OnlySuccess, taking at each branch on the wait's error code the side of
  /// a wait that succeeded.
  bool endsChain(unsigned Sum, const clang::FunctionDecl *Handler,
                 llvm::DenseSet<unsigned> &Active, bool OnlySuccess);
  const Event *rearm(unsigned Sum, const clang::FunctionDecl *Handler);
  struct LoopRunner {
    const SpawnInfo *Spawn;
    const Event *Run;
    ObjectId Loop;
  };
  std::optional<LoopRunner> loopRunner(unsigned ChainStart,
                                       llvm::DenseSet<const clang::Stmt *> &Taken);
  const Event *blockingRun(unsigned Sum, ObjectId &Loop) const;
  bool isEventLoop(ObjectId O) const;
  bool calls(unsigned From, unsigned To) const;
  Truth truthOnSuccess(const Summary &S, int Idx);
  const SpawnInfo *spawnOf(unsigned Origin) const {
    return Origin >= ~1u ? nullptr : &sum(Origin >> 8).Spawns[Origin & 0xff];
  }
  const FunctionDecl *threadFunction(unsigned Origin) const;
  bool closedSomewhere(ObjectId O) const;
  llvm::SmallVector<const FunctionDecl *, 2> releasers(ObjectId O);
  bool repeats(const Frame &F) const;
  bool setsTwiceAhead(const Frame &F);
  ObjectId neverSet(const Frame &F, int Predicate);

  LeakEngine &E;
  ObjectTable &Objects;
  unsigned Root;
  llvm::DenseSet<const FunctionDecl *> Seen;
  /// Whether each object escapes: fixed for one exploration, asked at every
  /// move.
  llvm::DenseMap<ObjectId, bool> EscapeCache;
  llvm::DenseSet<unsigned> Reached;
  /// Objects some explored path closes or cancels, or sends on (through
  /// any handle).
  llvm::DenseSet<ObjectId> ClosedOnSomePath, SentOnSomePath;
  std::vector<llvm::DenseMap<ObjectId, ObjectSet>> Substs;
  std::map<std::vector<std::pair<ObjectId, ObjectSet>>, unsigned> SubstIds;
  std::vector<int> SymbolValue; ///< -1: free (benefit of the doubt)
  /// Integer parameters' values a call gave, interned (Frame::Counts).
  using CountSet = std::vector<std::pair<const ParmVarDecl *, long long>>;
  std::vector<CountSet> Counts{CountSet()};
  std::map<CountSet, unsigned> CountIds{{CountSet(), 0}};
  llvm::DenseMap<ObjectId, std::optional<long long>> Initial;
  /// Shared variables (by declaration) some thread writes without a lock.
  llvm::DenseSet<const void *> WrittenUnlocked;
  /// Each function's local objects (with what they hold), as of a size of
  /// the object table: binding callers adds objects.
  llvm::DenseMap<const FunctionDecl *, std::pair<unsigned, llvm::SmallVector<ObjectId, 4>>>
      Locals;
  /// setsTwiceAhead, per (summary, node).
  llvm::DenseMap<std::pair<unsigned, unsigned>, bool> SetsTwice;
  /// A deque: states stay where they are while new ones are added.
  std::deque<State> States;
  std::unordered_map<std::vector<unsigned>, unsigned, KeyHash> StateIds;
  std::vector<GameNode> Game;
  std::vector<Step> TracePath;
  /// key()'s buffer, kept to spare an allocation per state.
  mutable std::vector<unsigned> Scratch;
  bool Aborted = false;
  /// Loops counted to more rounds than this run as open loops: after an
  /// exploration that exploded, the retry keeps what does not depend on
  /// exact counts (a receive loop nobody ends) and gives up what does.
  unsigned LongestCounted = 64;
};

ObjectSet Explorer::resolve(ObjectId O, unsigned Subst) {
  const auto &M = Substs[Subst];
  if (auto It = M.find(O); It != M.end())
    return It->second;
  const AbstractObject &A = Objects[O];
  // A local container's elements are the handles put into it, also when a
  // callee names them through its own copy of the container.
  auto PutInto = [&](ObjectId Elements) {
    return Objects[Elements].Kind == ObjectKind::Elements ? Objects.elementAlias(Elements)
                                                          : nullptr;
  };
  if (const ObjectSet *Put = PutInto(O)) {
    ObjectSet R;
    for (ObjectId P : *Put)
      for (ObjectId X : resolve(P, Subst))
        if (!llvm::is_contained(R, X))
          R.push_back(X);
    return R;
  }
  if ((A.Kind == ObjectKind::Field || A.Kind == ObjectKind::Elements) && A.Base != NoObject) {
    ObjectSet Bases = resolve(A.Base, Subst);
    if (Bases.size() == 1 && Bases.front() == A.Base)
      return {O};
    ObjectSet R;
    for (ObjectId B : Bases) {
      const ObjectSet *Alias = A.Kind == ObjectKind::Field
                                   ? Objects.fieldAlias(B, static_cast<const FieldDecl *>(A.Key))
                                   : nullptr;
      if (Alias)
        R.append(Alias->begin(), Alias->end());
      else if (const ObjectSet *Put = PutInto(Objects.rebase(O, B)))
        R.append(Put->begin(), Put->end());
      else
        R.push_back(Objects.rebase(O, B));
    }
    return R;
  }
  return {O};
}

unsigned Explorer::bind(const Summary &Caller, unsigned BindingIdx, unsigned Subst) {
  std::vector<std::pair<ObjectId, ObjectSet>> Map;
  for (const auto &[P, Set] : Caller.Bindings[BindingIdx].Map) {
    ObjectSet R;
    for (ObjectId O : Set)
      for (ObjectId X : resolve(O, Subst))
        if (!llvm::is_contained(R, X))
          R.push_back(X);
    Map.push_back({P, R});
  }
  return intern(std::move(Map));
}

unsigned Explorer::intern(std::vector<std::pair<ObjectId, ObjectSet>> Map) {
  llvm::sort(Map, [](const auto &A, const auto &B) { return A.first < B.first; });
  auto [It, New] = SubstIds.try_emplace(Map, Substs.size());
  if (New) {
    llvm::DenseMap<ObjectId, ObjectSet> D;
    for (auto &[P, Set] : Map)
      D[P] = Set;
    Substs.push_back(std::move(D));
  }
  return It->second;
}

/// The values a call gives the callee's integer parameters: its constants,
/// and what the caller's own call gave the parameters it passes on.
unsigned Explorer::bindCounts(const Summary &Caller, unsigned BindingIdx,
                              const Frame &CallerFrame) {
  CountSet Set;
  for (const Binding::Count &C : Caller.Bindings[BindingIdx].Counts) {
    if (C.Value) {
      Set.push_back({C.Param, *C.Value});
      continue;
    }
    for (auto &[P, V] : Counts[CallerFrame.Counts])
      if (P == C.From)
        Set.push_back({C.Param, V});
  }
  llvm::sort(Set);
  auto [It, New] = CountIds.try_emplace(Set, Counts.size());
  if (New)
    Counts.push_back(std::move(Set));
  return It->second;
}

/// Whether every call of the function whose parameter bounds a loop gives
/// that parameter a value (a constant, or a parameter so fixed in turn):
/// then how long the loop runs is no choice of the adversary's.
bool Explorer::fixedByCallers(const Decl *Bound, unsigned Depth) {
  const auto *P = dyn_cast_or_null<ParmVarDecl>(Bound);
  const auto *Fn = P ? dyn_cast<FunctionDecl>(P->getDeclContext()) : nullptr;
  if (!Fn || Fn == sum(Root).Function || Depth > 3)
    return false;
  bool Called = false;
  for (unsigned I : Reached)
    for (const Event &Ev : sum(I).Events) {
      if ((Ev.Kind != EventKind::Call && Ev.Kind != EventKind::Spawn) || Ev.Callee == ~0u ||
          sum(Ev.Callee).Function != Fn)
        continue;
      Called = true;
      const auto &Given = sum(I).Bindings[Ev.Binding].Counts;
      const auto *C = llvm::find_if(Given, [&](const Binding::Count &X) { return X.Param == P; });
      if (C == Given.end() || (!C->Value && !fixedByCallers(C->From, Depth + 1)))
        return false;
    }
  return Called;
}

bool Explorer::isLocal(const Edge &Ed, const Frame &F) const {
  if (Ed.Event == ~0u)
    return true;
  switch (event(F, Ed).Kind) {
  case EventKind::Send:
  case EventKind::Recv:
  case EventKind::TimedSend:
  case EventKind::TimedRecv:
  case EventKind::TrySend:
  case EventKind::TryRecv:
  case EventKind::Join:
  case EventKind::Sleep: // time passes: a waiter's deadline may expire meanwhile
  case EventKind::Guard: // reads what other threads write
    return event(F, Ed).Private;
  case EventKind::LoopIter:
  case EventKind::LoopExit:
    return event(F, Ed).Predicate < 0 || event(F, Ed).Private;
  case EventKind::Write: // its order against other threads' waits matters
  case EventKind::Arrive:
  case EventKind::Lock:
    return false;
  default:
    return true;
  }
}

/// Whether a fiber or coroutine (which runs on its spawner's thread, until
/// it blocks, before a waiter's deadline can pass) already waits on O with
/// an op that completes T's timed op: the timed op then succeeds at once.
bool Explorer::partnerWaiting(const State &S, unsigned T, ObjectId O, bool WaiterSends) {
  for (unsigned R = 0; R < S.Threads.size(); ++R) {
    const ThreadState &Rt = S.Threads[R];
    if (R == T || Rt.St != Status::Running || Rt.Frames.empty() || Rt.Worker != NoObject)
      continue;
    const SpawnInfo *Sp = spawnOf(Rt.Origin);
    if (!Sp || (Sp->Spawner->Family != "boost.fiber" && Sp->Spawner->Family != "asio"))
      continue;
    const Frame &RF = Rt.Frames.back();
    for (const Edge &Ed : node(RF).Out) {
      if (Ed.Event == ~0u)
        continue;
      const Event &Ev = event(RF, Ed);
      bool Completes = WaiterSends ? Ev.Kind == EventKind::Recv : Ev.Kind == EventKind::Send;
      if (!Completes)
        continue;
      for (ObjectId X : Ev.Objects)
        for (ObjectId Y : resolve(X, RF.Subst))
          if (Y == O)
            return true;
    }
  }
  return false;
}

bool Explorer::stopRequested(const State &S, const Frame &F, const Event &Ev) {
  for (ObjectId X : Ev.Interrupts)
    for (ObjectId Y : resolve(X, F.Subst)) {
      if (escapes(Y) || S.Objs.has(Y, StopRequested))
        return true;
    }
  return false;
}

bool Explorer::spinning(const ThreadState &T) const {
  if (T.St != Status::Running || T.Worker != NoObject || T.Frames.empty())
    return false;
  const Frame &F = T.Frames.back();
  return !sum(F.Sum).CanProgress[F.Node];
}

/// Whether T polls a condition that holds in S (it sleeps until another
/// thread's write changes it: its steps would only go round), that the
/// engine cannot read (it leaves when it likes), or does not poll (False).
Truth Explorer::polling(const State &S, const ThreadState &T) {
  if (T.St != Status::Running || T.Worker != NoObject || T.Frames.empty())
    return Truth::False;
  const Frame &F = T.Frames.back();
  const Summary &Sum = sum(F.Sum);
  int Loop = F.Node < Sum.PollLoop.size() ? Sum.PollLoop[F.Node] : -1;
  if (Loop < 0)
    return Truth::False;
  const LoopInfo::Poll &P = *Sum.Loops[Loop].Polls;
  for (unsigned Check : P.StopChecks)
    for (ObjectId O : Sum.Events[Check].Objects)
      for (ObjectId X : resolve(O, F.Subst))
        if (!escapes(X) && S.Objs.has(X, StopRequested))
          return Truth::False;
  return P.Condition < 0 ? Truth::Unknown : evalCondition(F, P.Condition, S);
}

/// How many rounds a loop runs; Open: it may also end at any earlier round
/// (a loop of unknown length, unrolled a few times as GCatch does).
unsigned Explorer::loopCount(const Frame &F, unsigned Loop, bool &Open) const {
  const LoopInfo &L = sum(F.Sum).Loops[Loop];
  Open = false;
  if (Loop >= CountedLoops) {
    Open = true; // no counter left: unbounded
    return ~0u;
  }
  if (L.Count && *L.Count > LongestCounted) {
    Open = true;
    return OpenLoopRounds;
  }
  if (L.Count)
    return std::min<unsigned>(*L.Count, 64);
  // A count a caller gave: loops over it stay in step, so a retry shortens
  // them all alike; rounds that own their objects need only one.
  if (L.Symbol >= 0)
    for (auto &[P, V] : Counts[F.Counts])
      if (P == E.Symbols[L.Symbol].Key) {
        long long Rounds = std::min<long long>(
            V, E.Symbols[L.Symbol].roundsIndependent() ? 1 : LongestCounted);
        return std::clamp<long long>(L.Scale * Rounds + L.Offset, 0, 64);
      }
  if (L.Symbol >= 0 && SymbolValue[L.Symbol] >= 0)
    return std::clamp<long long>(L.Scale * SymbolValue[L.Symbol] + L.Offset, 0, 64);
  Open = true;
  return OpenLoopRounds;
}

/// A shared variable's value in S: its last write's, else its initial one.
std::optional<long long> Explorer::value(const State &S, ObjectId O) {
  if (escapes(O))
    return std::nullopt;
  auto It = S.Objs.find(O);
  if (It != S.Objs.end() && It->second.Written != NotWritten) {
    if (It->second.Written == WrittenUnknown)
      return std::nullopt;
    return It->second.Value;
  }
  auto [Init, New] = Initial.try_emplace(O);
  if (New)
    Init->second = initialValue(Objects, O, E.Ctx);
  return Init->second;
}

/// A semaphore's permits, or the arrivals a latch or barrier still
/// expects in this phase: its initial count, then its changes.
std::optional<long long> Explorer::counterValue(const State &S, ObjectId O) const {
  auto It = S.Objs.find(O);
  if (It != S.Objs.end() && It->second.Written != NotWritten)
    return It->second.Written == WrittenKnown ? std::optional<long long>(It->second.Value)
                                              : std::nullopt;
  return initialCount(O);
}

std::optional<long long> Explorer::initialCount(ObjectId O) const {
  const AbstractObject &A = Objects[O];
  if (A.Capacity.Kind == ChannelCapacity::Known && A.Capacity.Values <= MaxValue)
    return static_cast<long long>(A.Capacity.Values);
  if (A.Capacity.Kind == ChannelCapacity::Unknown && A.CountSymbol >= 0 &&
      SymbolValue[A.CountSymbol] >= 0)
    return SymbolValue[A.CountSymbol];
  return std::nullopt;
}

/// A release adds permits; an arrival counts down, and the arrival that
/// reaches zero completes a barrier's phase (Count), whose count then
/// starts again.
void Explorer::countBy(State &S, unsigned T, ObjectId O, const Event &Ev) {
  const ChannelModel &C = *Objects[O].Channel;
  std::optional<long long> Old = counterValue(S, O);
  ObjState &St = S.Objs[O];
  std::optional<long long> Amount;
  if (Ev.Write == WriteKind::Add)
    Amount = Ev.Number;
  if (Ev.Kind == EventKind::Arrive) {
    S.Threads[T].see(O, St.Count); // it waits for the phase it arrived in
    if (Amount)
      Amount = -*Amount;
  }
  std::optional<long long> New;
  if (Old && Amount)
    New = *Old + *Amount;
  if (New && C.Counts == CountKind::Phases && *New <= 0 && *Old > 0) {
    if (St.Count < MaxNotifies)
      ++St.Count;
    New = initialCount(O);
  }
  setValue(St, New);
}

std::optional<long long> Explorer::evalTerm(const Frame &F, int Idx, const State &S) {
  const Formula &X = sum(F.Sum).Formulas[Idx];
  switch (X.K) {
  case Formula::Constant:
    return X.Number;
  case Formula::Value: {
    std::optional<long long> R;
    bool First = true;
    for (ObjectId O : X.Objects)
      for (ObjectId Y : resolve(O, F.Subst)) {
        std::optional<long long> V = value(S, Y);
        if (!V || (!First && V != R))
          return std::nullopt;
        R = V;
        First = false;
      }
    return R;
  }
  case Formula::Plus: {
    std::optional<long long> L = evalTerm(F, X.Left, S);
    if (!L)
      return std::nullopt;
    if (X.Right < 0)
      return *L + X.Number;
    std::optional<long long> R = evalTerm(F, X.Right, S);
    if (!R)
      return std::nullopt;
    return *L + (X.Op == BO_Sub ? -*R : *R) + X.Number;
  }
  case Formula::Status:
    return F.status(X.Number);
  default:
    return std::nullopt;
  }
}

Truth Explorer::evalCondition(const Frame &F, int Idx, const State &S) {
  const Formula &X = sum(F.Sum).Formulas[Idx];
  switch (X.K) {
  case Formula::Not: {
    Truth L = evalCondition(F, X.Left, S);
    return L == Truth::Unknown ? L : L == Truth::True ? Truth::False : Truth::True;
  }
  case Formula::And:
  case Formula::Or: {
    Truth L = evalCondition(F, X.Left, S), R = evalCondition(F, X.Right, S);
    Truth Dominant = X.K == Formula::And ? Truth::False : Truth::True;
    if (L == Dominant || R == Dominant)
      return Dominant;
    if (L == Truth::Unknown || R == Truth::Unknown)
      return Truth::Unknown;
    return L;
  }
  case Formula::Compare: {
    std::optional<long long> L = evalTerm(F, X.Left, S), R = evalTerm(F, X.Right, S);
    if (!L || !R)
      return Truth::Unknown;
    bool V = false;
    switch (X.Op) {
    case BO_LT: V = *L < *R; break;
    case BO_GT: V = *L > *R; break;
    case BO_LE: V = *L <= *R; break;
    case BO_GE: V = *L >= *R; break;
    case BO_EQ: V = *L == *R; break;
    case BO_NE: V = *L != *R; break;
    default: return Truth::Unknown;
    }
    return V ? Truth::True : Truth::False;
  }
  default:
    return Truth::Unknown;
  }
}

/// Whether Ev is a condition variable's wait on O with a predicate the
/// engine reads.
bool Explorer::predicateWait(const Event &Ev, ObjectId O) {
  if (Ev.Predicate < 0 || O == NoObject || escapes(O) || !Objects[O].Channel ||
      !Objects[O].Channel->isSignal())
    return false;
  return Ev.Kind == EventKind::Recv || Ev.Kind == EventKind::TimedRecv;
}

/// Whether some thread writes what the predicate reads without holding a
/// lock: its write and notify may fall between the waiter's check and its
/// sleep.
bool Explorer::lostWakeupPossible(const Frame &F, int Idx) {
  if (Idx < 0)
    return false;
  const Formula &X = sum(F.Sum).Formulas[Idx];
  if (X.K == Formula::Value)
    for (ObjectId O : X.Objects)
      for (ObjectId Y : resolve(O, F.Subst))
        if (WrittenUnlocked.count(Objects[Y].Key))
          return true;
  return lostWakeupPossible(F, X.Left) || lostWakeupPossible(F, X.Right);
}

/// Whether a receive of the given outcome could complete on O now (without
/// a rendezvous partner).
/// Whether another thread than T holds Mutex now: it took it and does not
/// sleep in a condition variable's wait that released it.
bool Explorer::heldByOther(const State &S, unsigned T, ObjectId Mutex) {
  for (unsigned R = 0; R < S.Threads.size(); ++R) {
    const ThreadState &Rt = S.Threads[R];
    if (R == T || Rt.St != Status::Running || Rt.Frames.empty() ||
        !llvm::is_contained(Rt.Holds, Mutex))
      continue;
    const Frame &RF = Rt.Frames.back();
    bool Released = false;
    for (const Edge &Ed : node(RF).Out) {
      if (Ed.Event == ~0u)
        continue;
      const Event &Ev = event(RF, Ed);
      // A wait with a predicate holds the mutex while it checks; a plain
      // wait releases it at once.
      bool Sleeps = Ev.Predicate < 0 || (Rt.WaitingOn != NoObject && Rt.Queued);
      for (ObjectId X : Ev.Mutexes)
        for (ObjectId Y : resolve(X, RF.Subst))
          Released |= Y == Mutex && Sleeps;
    }
    if (!Released)
      return true;
  }
  return false;
}

/// Whether a wait returning now can take back the mutexes it released.
bool Explorer::mutexesFree(const State &S, unsigned T, const Frame &F, const Event &Ev) {
  for (ObjectId X : Ev.Mutexes)
    for (ObjectId Y : resolve(X, F.Subst))
      if (heldByOther(S, T, Y))
        return false;
  return true;
}

/// Whether the op of Ev, taken now, succeeds: it did not give up, found its
/// stop requested, received a value rather than the channel's end.
bool Explorer::succeeds(const State &S, unsigned T, const Event &Ev, ObjectId O, bool GiveUp) {
  if (GiveUp)
    return false;
  if (Ev.Kind == EventKind::StopCheck)
    return S.Objs.has(O, StopRequested);
  if (Ev.Kind == EventKind::Recv && O != NoObject && !escapes(O))
    return canRecv(S, O, T, Outcome::Success, false);
  return true;
}

bool Explorer::canRecv(const State &S, ObjectId O, unsigned Self, Outcome Out, bool Timed) {
  const AbstractObject &A = Objects[O];
  if (escapes(O))
    return true;
  auto It = S.Objs.find(O);
  ObjState St = It == S.Objs.end() ? ObjState() : It->second;
  // A future of std::async or a thread handle: the task's end.
  if (A.Handle) {
    for (const ThreadState &T : S.Threads)
      if (T.Handle == O && T.St == Status::Running)
        return false;
    return true;
  }
  if (!A.Channel)
    return true;
  if (A.Channel->OneShot)
    return St.Flags & Set;
  if (A.Channel->Counts != CountKind::None) {
    if (A.Channel->EventLoop && (St.Flags & Stopped))
      return true;
    std::optional<long long> N = counterValue(S, O);
    if (!N)
      return true; // a count the engine cannot follow: no report
    if (A.Channel->Counts == CountKind::Permits)
      return *N > 0;
    if (A.Channel->Counts == CountKind::Arrivals)
      return *N <= 0; // a latch opens once, for good
    return St.Count > S.Threads[Self].seen(O);
  }
  // A condition variable: a notify by another thread may have made the
  // waiter's predicate true (its own notify does not wake itself).
  if (A.Channel->isSignal())
    return St.Count > S.Threads[Self].seen(O);
  bool Value = St.Count > 0;
  bool ClosedEnd = (St.Flags & Closed) && St.Count == 0 && A.Channel->CloseWakesReceivers;
  if (Out == Outcome::Success)
    return Value;
  if (Out == Outcome::Fail)
    return ClosedEnd;
  return Value || ClosedEnd || (St.Flags & Closed);
}

bool Explorer::enabled(const State &S, unsigned T, const Edge &Ed, ObjectId O,
                       bool &NeedsPartner) {
  NeedsPartner = false;
  const Frame &F = S.Threads[T].Frames.back();
  if (Ed.Event == ~0u)
    return true;
  const Event &Ev = event(F, Ed);
  switch (Ev.Kind) {
  case EventKind::LoopIter:
  case EventKind::LoopExit: {
    // A loop on shared state runs as long as that state says, when known.
    if (Ev.Predicate >= 0) {
      Truth V = evalCondition(F, Ev.Predicate, S);
      if (V != Truth::Unknown)
        return (Ev.Kind == EventKind::LoopIter) == (V == Truth::True);
    }
    bool Open;
    unsigned N = loopCount(F, Ev.Index, Open);
    unsigned C = Ev.Index < CountedLoops ? F.Counter[Ev.Index] : 0;
    if (Ev.Kind == EventKind::LoopIter) {
      // An open loop with no exit of its own (`for (;;)`, left by a break
      // or an exception) is not cut short: it is not ours to end.
      if (Open && llvm::none_of(node(F).Out, [&](const Edge &X) {
            return X.Event != ~0u && event(F, X).Kind == EventKind::LoopExit;
          }))
        return true;
      return C < N;
    }
    return Open || C >= N;
  }
  case EventKind::StopCheck: {
    if (O == NoObject || escapes(O))
      return true;
    bool Requested = S.Objs.has(O, StopRequested);
    return Ev.Out == Outcome::Any || (Ev.Out == Outcome::Success) == Requested;
  }
  case EventKind::TryRecv:
    return O == NoObject || canRecv(S, O, T, Outcome::Success, true);
  case EventKind::TrySend:
    return true;
  case EventKind::Send:
  case EventKind::TimedSend: {
    if (O == NoObject || escapes(O))
      return true;
    const AbstractObject &A = Objects[O];
    if (!A.Channel || A.Channel->OneShot || A.Channel->isSignal() ||
        A.Channel->Counts != CountKind::None)
      return true;
    auto It = S.Objs.find(O);
    ObjState St = It == S.Objs.end() ? ObjState() : It->second;
    if (St.Flags & Closed)
      return !S.Threads[T].StrandedByClose;
    if (A.Capacity.Kind == ChannelCapacity::Unknown || A.Capacity.Kind == ChannelCapacity::Unbounded)
      return true;
    unsigned long long Cap = (St.Flags & Rendezvous) ? 0 : A.Capacity.Values;
    if (St.Count < Cap)
      return true;
    // A full buffer waits for a receive; only a rendezvous hands over.
    NeedsPartner = Cap == 0;
    return false;
  }
  case EventKind::Write:
    // A waiter between its check and its sleep holds the mutex: a write
    // under a lock waits for it.
    return Ev.Unlocked || llvm::none_of(S.Threads, [](const ThreadState &Other) {
             return Other.WaitingOn != NoObject && !Other.Queued;
           });
  case EventKind::Guard: {
    Truth V = evalCondition(F, Ev.Predicate, S);
    return V == Truth::Unknown || (V == Truth::True) == (Ev.Out == Outcome::Success);
  }
  case EventKind::Recv:
  case EventKind::TimedRecv: {
    if (O == NoObject)
      return true;
    // A wait with a predicate: the check always runs; a waiter that found
    // the predicate false returns once notified with it true.
    if (predicateWait(Ev, O)) {
      const ThreadState &Th = S.Threads[T];
      if (Th.WaitingOn != O)
        return true;
      return Th.Woken && evalCondition(F, Ev.Predicate, S) != Truth::False &&
             mutexesFree(S, T, F, Ev);
    }
    return canRecv(S, O, T, Ev.Kind == EventKind::TimedRecv ? Outcome::Success : Ev.Out,
                   Ev.Kind == EventKind::TimedRecv) &&
           mutexesFree(S, T, F, Ev);
  }
  case EventKind::Lock:
    return O == NoObject || !heldByOther(S, T, O);
  case EventKind::Join: {
    if (O == NoObject || escapes(O))
      return true;
    for (const ThreadState &Other : S.Threads)
      if (Other.Handle == O && Other.St == Status::Running && &Other != &S.Threads[T])
        return false;
    return true;
  }
  default:
    return true;
  }
}

void Explorer::applyOne(State &S, unsigned T, unsigned EdgeIdx, ObjectId O, Step &Out,
                        bool GiveUp) {
  ThreadState &Th = S.Threads[T];
  Frame &F = Th.Frames.back();
  const Summary &Sum = sum(F.Sum);
  const Edge Ed = Sum.Nodes[F.Node].Out[EdgeIdx];
  if (Ed.Event != ~0u && predicateWait(Sum.Events[Ed.Event], O)) {
    const Event &Wait = Sum.Events[Ed.Event];
    bool Missed = Wait.ChecksAtLoopHead && Th.LoopChecked && Th.MissedWrite;
    Th.LoopChecked = Th.MissedWrite = false;
    if (!GiveUp && Th.WaitingOn != O &&
        (Missed || evalCondition(F, Wait.Predicate, S) == Truth::False)) {
      // It checks, finds the predicate false, and goes to sleep.
      Th.WaitingOn = O;
      Th.Woken = false;
      // Until it sleeps, a notify after a write without the lock is lost.
      Th.Queued = !lostWakeupPossible(F, Wait.Predicate);
      Out.Thread = T;
      Out.Origin = Th.Origin;
      Out.Object = O;
      Out.Ev = &Wait;
      Out.Checked = !Missed; // else its loop's head checked
      return;
    }
    Th.WaitingOn = NoObject;
    Th.Woken = Th.Queued = false;
  }
  F.Node = Ed.To;
  Out.Thread = T;
  Out.Origin = Th.Origin;
  Out.Object = O;
  if (Ed.Event == ~0u)
    return;
  const Event &Ev = Sum.Events[Ed.Event];
  Out.Ev = &Ev;
  if (Ev.StatusSlot >= 0)
    F.setStatus(Ev.StatusSlot, succeeds(S, T, Ev, O, GiveUp) == Ev.StatusOnSuccess);
  ObjState *St = O == NoObject ? nullptr : &S.Objs[O];
  const AbstractObject *A = O == NoObject ? nullptr : &Objects[O];
  bool Channel = A && A->Channel && !escapes(O);
  if (GiveUp) {
    // A timed or try op that gives up: nothing is taken or sent.
    Out.GaveUp = true;
    if (Channel && A->CancelledReceiveDisablesBuffer &&
        (Ev.Kind == EventKind::TimedRecv || Ev.Kind == EventKind::TryRecv))
      St->Flags |= Rendezvous;
    return;
  }
  if (Channel && A->Channel->Counts != CountKind::None) {
    bool Takes = Ev.Kind == EventKind::Recv || Ev.Kind == EventKind::TimedRecv ||
                 Ev.Kind == EventKind::TryRecv;
    if (Ev.Kind == EventKind::Stop) {
      St->Flags |= Stopped;
    } else if (Ev.Kind == EventKind::Send || Ev.Kind == EventKind::Arrive) {
      countBy(S, T, O, Ev);
    } else if (Takes && A->Channel->Counts == CountKind::Permits) {
      std::optional<long long> N = counterValue(S, O);
      setValue(*St, N ? std::optional<long long>(*N - 1) : std::nullopt);
    }
    return;
  }
  switch (Ev.Kind) {
  case EventKind::Send:
  case EventKind::TimedSend:
    if (O != NoObject)
      SentOnSomePath.insert(O);
    if (Channel && A->Channel->isSignal()) {
      if (St->Count < MaxNotifies)
        ++St->Count;
      Th.see(O, St->Count); // its own notify does not wake it
      // Sleeping waiters wake (one of them for notify_one).
      for (ThreadState &Other : S.Threads)
        if (&Other != &Th && Other.WaitingOn == O && Other.Queued && !Other.Woken) {
          Other.Woken = Out.Woke = true;
          Out.WokeOrigin = Other.Origin;
          if (Ev.WakesOne)
            break;
        }
    }
    else if (Channel && !A->Channel->OneShot && !(St->Flags & Closed))
      St->Count = std::min<unsigned char>(St->Count + 1, Saturated);
    break;
  case EventKind::Recv:
  case EventKind::TimedRecv:
    if (Channel && !A->Channel->OneShot && !A->Channel->isSignal() && St->Count > 0 &&
        St->Count < Saturated)
      --St->Count;
    if (Channel && A->Channel->isSignal())
      Th.see(O, St->Count);
    break;
  case EventKind::TryRecv:
    if (Channel && St->Count > 0 && St->Count < Saturated && !A->Channel->isSignal())
      --St->Count;
    break;
  case EventKind::TrySend:
    break;
  case EventKind::Close:
  case EventKind::Cancel:
    if (O != NoObject)
      ClosedOnSomePath.insert(O);
    if (St && !(St->Flags & Closed) && Ev.Kind == EventKind::Close && Channel &&
        !A->Channel->CloseWakesSenders) {
      // Senders waiting now stay queued forever.
      for (unsigned R = 0; R < S.Threads.size(); ++R) {
        ThreadState &Other = S.Threads[R];
        if (R == T || Other.St != Status::Running || Other.Worker != NoObject ||
            Other.Frames.empty())
          continue;
        const Frame &OF = Other.Frames.back();
        for (const Edge &OE : node(OF).Out) {
          if (OE.Event == ~0u || event(OF, OE).Kind != EventKind::Send)
            continue;
          bool Names = false;
          for (ObjectId X : event(OF, OE).Objects)
            for (ObjectId Y : resolve(X, OF.Subst))
              Names |= Y == O;
          bool Partner;
          if (Names && !enabled(S, R, OE, O, Partner))
            Other.StrandedByClose = true;
        }
      }
    }
    if (St)
      St->Flags |= Closed;
    break;
  case EventKind::SetValue:
    if (O != NoObject)
      SentOnSomePath.insert(O);
    // A second set throws whoever else holds the future; unless the name
    // stands for several promises (Many) and another thread set the first:
    // that was another call's promise.
    if (St && A->Channel) {
      bool Several = selfOrHolder(O, [&](ObjectId X) { return S.Objs.has(X, Many); });
      if ((St->Flags & Set) && (!Several || Th.seen(O)))
        Th.St = Status::Failed;
      St->Flags |= Set;
      Th.see(O, 1); // this thread set it
    }
    break;
  case EventKind::RequestStop:
    if (St && !(Ev.IfJoinable && (St->Flags & Detached)))
      St->Flags |= StopRequested;
    break;
  case EventKind::StopCheck:
    // Seeing the stop request is giving up on what was awaited.
    Out.GaveUp = Ev.Out == Outcome::Success;
    break;
  case EventKind::Stop:
    if (St)
      St->Flags |= Stopped;
    break;
  case EventKind::Lock:
    if (O != NoObject && !llvm::is_contained(Th.Holds, O)) {
      Th.Holds.push_back(O);
      llvm::sort(Th.Holds);
    }
    break;
  case EventKind::Unlock:
    llvm::erase(Th.Holds, O);
    break;
  case EventKind::Detach:
    for (ThreadState &Other : S.Threads)
      if (Other.Handle == O && O != NoObject)
        Other.Handle = NoObject;
    if (St)
      St->Flags |= Detached;
    break;
  case EventKind::Start: {
    if (S.Threads.size() >= MaxThreads) {
      Aborted = true;
      break;
    }
    ThreadState W;
    W.Worker = O;
    W.Origin = ~1u;
    W.StartedVia = Ev.Site;
    S.Threads.push_back(W);
    break;
  }
  case EventKind::Spawn: {
    if (S.Threads.size() >= MaxThreads) {
      Aborted = true;
      break;
    }
    freshLocals(S, Ev.Callee);
    ThreadState Child;
    unsigned Subst = bind(Sum, Ev.Binding, F.Subst);
    Child.Frames.push_back({Ev.Callee, sum(Ev.Callee).Entry, Subst});
    Child.Frames.back().Counts = bindCounts(Sum, Ev.Binding, F);
    Child.Origin = (F.Sum << 8) | Ev.Index;
    Child.ParentOrigin = Th.Origin;
    ObjectSet H = resolve(Sum.Spawns[Ev.Index].Handle, F.Subst);
    Child.Handle = H.empty() ? NoObject : H.front();
    // Started through a method of an object the caller owns (or a static
    // one): obj.Start().
    for (unsigned I = 1; I < Th.Frames.size() && !Child.StartedVia; ++I) {
      const Summary &Callee = sum(Th.Frames[I].Sum);
      const auto *M = dyn_cast_or_null<CXXMethodDecl>(Callee.Function);
      if (!M || !M->isInstance())
        continue;
      ObjectId ThisP = Objects.placeholder(ObjectKind::This, M->getParent(), QualType(), "this");
      for (ObjectId X : resolve(ThisP, Th.Frames[I].Subst))
        if (Objects[X].Kind == ObjectKind::Local || Objects[X].Kind == ObjectKind::Allocated ||
            Objects[X].Kind == ObjectKind::Global) {
          Child.StartedVia = Th.Frames[I].Site;
          break;
        }
    }
    S.Threads.push_back(std::move(Child));
    break;
  }
  case EventKind::Call: {
    if (Ev.InitialisesOnce != NoObject) {
      ObjState &Static = S.Objs[Ev.InitialisesOnce];
      if (Static.Flags & Initialised)
        break;
      Static.Flags |= Initialised;
    }
    unsigned Subst = bind(Sum, Ev.Binding, F.Subst);
    unsigned Values = bindCounts(Sum, Ev.Binding, F);
    freshLocals(S, Ev.Callee);
    // What this call returns is not known until it does.
    if (Ev.ResultSlot >= 0)
      F.forgetStatus(Ev.ResultSlot);
    Th.Frames.push_back({Ev.Callee, sum(Ev.Callee).Entry, Subst, Ev.Site, Ev.Unwind, Values});
    Th.Frames.back().ResultSlot = Ev.ResultSlot;
    break;
  }
  case EventKind::Return: {
    // An exception goes on in the caller's unwinding, if it has one.
    unsigned Unwind = Th.Frames.back().Unwind;
    int ResultSlot = Th.Frames.back().ResultSlot;
    Th.Frames.pop_back();
    if (ResultSlot >= 0 && !Ev.Throws && Ev.Out != Outcome::Any && !Th.Frames.empty())
      Th.Frames.back().setStatus(ResultSlot, Ev.Out == Outcome::Success);
    if (Ev.Throws && !Th.Frames.empty()) {
      if (Unwind != ~0u)
        Th.Frames.back().Node = Unwind;
      else
        Th.Frames.clear();
    }
    if (Th.Frames.empty()) {
      const SpawnInfo *Sp = Ev.Throws ? spawnOf(Th.Origin) : nullptr;
      Th.St = Sp && Sp->Spawner->TerminatesOnThrow ? Status::Terminated : Status::Ended;
      Th.Holds.clear();
      Out.Ends = true;
    }
    break;
  }
  case EventKind::LoopEnter:
    if (Ev.Index < CountedLoops)
      F.Counter[Ev.Index] = 0;
    break;
  case EventKind::Write: {
    if (Ev.Unlocked)
      for (ThreadState &Other : S.Threads)
        Other.MissedWrite |= &Other != &Th && Other.LoopChecked;
    if (!St)
      break;
    std::optional<long long> Old = value(S, O);
    std::optional<long long> New;
    if (Ev.Write == WriteKind::Assign)
      New = Ev.Number;
    else if (Ev.Write == WriteKind::Add && Old)
      New = *Old + Ev.Number;
    for (auto &[P, V] : Counts[F.Counts])
      if (Ev.FromParam && P == Ev.FromParam)
        New = V;
    setValue(*St, New);
    break;
  }
  case EventKind::LoopIter:
    if (Ev.Predicate >= 0 && evalCondition(F, Ev.Predicate, S) == Truth::True) {
      Th.LoopChecked = Out.Checked = true;
      Th.MissedWrite = false;
    }
    // Rounds beyond the loop's count are not told apart: an endless loop
    // would make a new state at every round.
    if (Ev.Index < CountedLoops &&
        (Ev.Predicate < 0 || evalCondition(F, Ev.Predicate, S) == Truth::Unknown)) {
      bool Open;
      if (F.Counter[Ev.Index] < loopCount(F, Ev.Index, Open))
        ++F.Counter[Ev.Index];
    }
    break;
  default:
    break;
  }
}

void Explorer::apply(State &S, const Move &M, Step &Out) {
  applyOne(S, M.Thread, M.Edge, M.Object, Out);
  if (M.Partner != ~0u) {
    Step Received;
    applyOne(S, M.Partner, M.PartnerEdge, M.PartnerObject, Received);
    Out.PartnerEv = Received.Ev;
    Out.PartnerOrigin = Received.Origin;
    // A value handed over directly: the send did not queue it.
    if (M.Object != NoObject)
      if (auto It = S.Objs.find(M.Object); It != S.Objs.end() && It->second.Count > 0 &&
                                           It->second.Count < Saturated)
        --It->second.Count;
  }
}

std::vector<unsigned> Explorer::key(const State &S) const {
  // Each thread's part, one after another in Scratch.
  Scratch.clear();
  llvm::SmallVector<std::pair<unsigned, unsigned>, 8> Parts;
  for (const ThreadState &T : S.Threads) {
    unsigned Begin = Scratch.size();
    Scratch.insert(Scratch.end(),
                   {unsigned(T.St) | (T.StrandedByClose << 4), T.Origin, T.ParentOrigin, T.Handle,
                    T.Worker, unsigned(reinterpret_cast<uintptr_t>(T.StartedVia)),
                    unsigned(T.Seen.size()), unsigned(T.Frames.size()), T.WaitingOn,
                    unsigned(T.Woken) | (unsigned(T.Queued) << 1) |
                        (unsigned(T.LoopChecked) << 2) | (unsigned(T.MissedWrite) << 3)});
    for (auto &[O, N] : T.Seen)
      Scratch.insert(Scratch.end(), {O, N});
    Scratch.push_back(T.Holds.size());
    Scratch.insert(Scratch.end(), T.Holds.begin(), T.Holds.end());
    for (const Frame &F : T.Frames) {
      Scratch.insert(Scratch.end(), {F.Sum, F.Node, F.Subst, F.Counts,
                                     unsigned(reinterpret_cast<uintptr_t>(F.Site)),
                                     unsigned(F.StatusKnown) << 16 | F.StatusValue});
      Scratch.insert(Scratch.end(), std::begin(F.Counter), std::end(F.Counter));
    }
    Parts.push_back({Begin, unsigned(Scratch.size())});
  }
  // Threads of one spawn are interchangeable: the spawned ones in order.
  std::sort(Parts.begin() + 1, Parts.end(), [&](auto A, auto B) {
    return std::lexicographical_compare(Scratch.begin() + A.first, Scratch.begin() + A.second,
                                        Scratch.begin() + B.first, Scratch.begin() + B.second);
  });
  std::vector<unsigned> K;
  K.reserve(Scratch.size() + Parts.size() + 1 + 5 * (S.Objs.end() - S.Objs.begin()));
  for (unsigned I = 0; I < Parts.size(); ++I) {
    if (I)
      K.push_back(~0u);
    K.insert(K.end(), Scratch.begin() + Parts[I].first, Scratch.begin() + Parts[I].second);
  }
  K.push_back(~1u);
  for (auto &[O, St] : S.Objs)
    if (St.Count || St.Flags || St.Written)
      K.insert(K.end(), {O, St.Count, St.Flags, St.Written, unsigned(St.Value)});
  return K;
}

/// A condition variable's or a barrier's count matters only against what
/// each thread has seen of it: whether a notify (a phase) came since. Keep
/// that relation and forget the number, so that a loop of notifies does not
/// make a new state at every round.
void Explorer::normalize(State &S) const {
  for (auto &[O, St] : S.Objs) {
    const ChannelModel *C = Objects[O].Channel;
    if (!C || St.Count == 0 || !(C->isSignal() || C->Counts == CountKind::Phases))
      continue;
    for (ThreadState &T : S.Threads)
      for (auto &[X, N] : T.Seen)
        if (X == O)
          N = N == St.Count ? 2 : 1;
    St.Count = 2;
  }
}

unsigned Explorer::intern(State S, bool &New) {
  normalize(S);
  auto [It, Inserted] = StateIds.try_emplace(key(S), Game.size());
  New = Inserted;
  if (Inserted) {
    States.push_back(std::move(S));
    GameNode G;
    G.State = States.size() - 1;
    Game.push_back(std::move(G));
  }
  return It->second;
}

void Explorer::collect(unsigned SumIdx, llvm::DenseSet<unsigned> &Done) {
  if (!Done.insert(SumIdx).second)
    return;
  const Summary &S = sum(SumIdx);
  if (S.Function)
    Seen.insert(S.Function);
  for (const Event &Ev : S.Events)
    if ((Ev.Kind == EventKind::Call || Ev.Kind == EventKind::Spawn) && Ev.Callee != ~0u &&
        sum(Ev.Callee).Valid)
      collect(Ev.Callee, Done);
}

/// The shared variables written with no lock held: by the analysed
/// function or a thread's own code, or by a function they call with none.
void Explorer::noteUnlockedWrites() {
  llvm::DenseSet<unsigned> Unlocked{Root};
  std::vector<unsigned> Work{Root};
  for (unsigned I : Reached)
    for (const Event &Ev : sum(I).Events)
      if (Ev.Kind == EventKind::Spawn && Ev.Callee != ~0u && Unlocked.insert(Ev.Callee).second)
        Work.push_back(Ev.Callee);
  while (!Work.empty()) {
    unsigned I = Work.back();
    Work.pop_back();
    for (const Event &Ev : sum(I).Events) {
      if (Ev.Kind == EventKind::Call && Ev.Unlocked && Ev.Callee != ~0u &&
          Unlocked.insert(Ev.Callee).second)
        Work.push_back(Ev.Callee);
      if (Ev.Kind == EventKind::Write && Ev.Unlocked)
        for (ObjectId O : Ev.Objects)
          WrittenUnlocked.insert(Objects[O].Key);
    }
  }
}

std::vector<Witness> Explorer::run() {
  std::vector<Witness> Out;
  if (!sum(Root).Valid)
    return Out;
  collect(Root, Reached);
  // Chains of timer handlers run on an event loop, not in spawned threads.
  std::vector<Witness> Chains;
  rearmingHandlers(Chains);
  std::vector<Witness> Threads = exploreThreads();
  Threads.insert(Threads.end(), Chains.begin(), Chains.end());
  return Threads;
}

/// Whether O is made (declared or allocated) inside Loop's body, once per
/// iteration.
bool Explorer::madeInside(ObjectId O, const Stmt *Loop) const {
  const AbstractObject &X = Objects[O];
  if ((X.Kind != ObjectKind::Local && X.Kind != ObjectKind::Allocated) || X.Loc.isInvalid())
    return false;
  const SourceManager &SM = E.Ctx.getSourceManager();
  SourceRange R = Loop->getSourceRange();
  return SM.isBeforeInTranslationUnit(R.getBegin(), X.Loc) &&
         SM.isBeforeInTranslationUnit(X.Loc, R.getEnd());
}

/// Whether the code a thread of Origin runs sends on anything.
bool Explorer::sendsSomewhere(unsigned Origin) const {
  const FunctionDecl *FD = threadFunction(Origin);
  return !FD || findInCalls(
                    E.SummaryOf.lookup(FD),
                    [](const Event &Ev) {
                      return Ev.Kind == EventKind::Send || Ev.Kind == EventKind::TimedSend ||
                             Ev.Kind == EventKind::SetValue;
                    },
                    /*ThroughSpawns=*/true);
}

/// The first event Match accepts in Sum or the functions it calls (and,
/// ThroughSpawns, the threads it spawns), or null.
const Event *Explorer::findInCalls(unsigned SumIdx, llvm::function_ref<bool(const Event &)> Match,
                                   bool ThroughSpawns) const {
  llvm::SmallVector<unsigned, 8> Work{SumIdx};
  llvm::DenseSet<unsigned> Done;
  while (!Work.empty()) {
    unsigned I = Work.pop_back_val();
    if (!Done.insert(I).second || !sum(I).Valid)
      continue;
    for (const Event &Ev : sum(I).Events) {
      if (Match(Ev))
        return &Ev;
      if ((Ev.Kind == EventKind::Call || (ThroughSpawns && Ev.Kind == EventKind::Spawn)) &&
          Ev.Callee != ~0u)
        Work.push_back(Ev.Callee);
    }
  }
  return nullptr;
}

/// Whether no thread sent on O a value still there to receive, and the
/// threads of a spawn that makes several senders (in a loop, or more than
/// once) all ended on Path: waiting for the first of them is then the
/// design, every one of them skipping its send is the data's choice, and a
/// path where several send and the wait still strands one is what the
/// exploration reports.
bool Explorer::everySenderSkipped(llvm::ArrayRef<Step> Path, ObjectId O,
                                  unsigned Waiter) const {
  // Values other receivers took were not for the waiter (the receiver of
  // another instance of the same code, with its own senders).
  auto On = [&](const Step &St, EventKind A, EventKind B) {
    return St.Ev && St.Object == O && !St.GaveUp && (St.Ev->Kind == A || St.Ev->Kind == B);
  };
  auto Sent = llvm::count_if(Path, [&](const Step &St) {
    return St.Origin != ~0u && On(St, EventKind::Send, EventKind::TimedSend);
  });
  auto TakenByOthers = llvm::count_if(Path, [&](const Step &St) {
    return St.Thread != Waiter && On(St, EventKind::Recv, EventKind::TimedRecv);
  });
  if (Sent > TakenByOthers)
    return false;
  return llvm::any_of(Path, [&](const Step &Ended) {
    if (!Ended.Ends || Ended.Origin == ~0u || !sendsSomewhere(Ended.Origin))
      return false;
    const SpawnInfo *Sp = spawnOf(Ended.Origin);
    return (Sp && Sp->Loop) || llvm::count_if(Path, [&](const Step &St) {
             return St.Ends && St.Origin == Ended.Origin;
           }) >= 2;
  });
}

std::vector<Witness> Explorer::exploreThreads() {
  std::vector<Witness> Out;
  noteUnlockedWrites();
  // Binding 0: the analysed function's own names.
  Substs.emplace_back();
  SubstIds[{}] = 0;
  bool Threads = llvm::any_of(Reached, [&](unsigned I) {
    return llvm::any_of(sum(I).Events, [](const Event &Ev) {
      return Ev.Kind == EventKind::Spawn || Ev.Kind == EventKind::Start;
    });
  });
  if (!Threads)
    return Out;
  if (!mayStrand()) {
    endlessThreads(Out);
    return Out;
  }
  // The adversary picks how long each spawning loop runs.
  llvm::SmallVector<unsigned, 4> Adversarial;
  SymbolValue.assign(E.Symbols.size(), -1);
  for (unsigned I : Reached)
    for (const LoopInfo &L : sum(I).Loops)
      if (L.Symbol >= 0 && (E.Symbols[L.Symbol].Spawns || I == Root) &&
          !llvm::is_contained(Adversarial, unsigned(L.Symbol)) &&
          !fixedByCallers(E.Symbols[L.Symbol].Key))
        Adversarial.push_back(L.Symbol);
  // Loops over one bound run in step wherever they are: a bound that two
  // loops of the reached functions share (`for (auto &p : paths) send`, then
  // `for (i < paths.size()) receive`, in a callee) gets one length too, or
  // each loop would be open, of a length of its own. Zero included: each
  // open loop could run none before.
  unsigned FirstShared = Adversarial.size();
  llvm::SmallDenseMap<int, unsigned, 8> LoopsOver;
  for (unsigned I : Reached)
    for (const LoopInfo &L : sum(I).Loops)
      if (L.Symbol >= 0)
        ++LoopsOver[L.Symbol];
  for (unsigned I : Reached)
    for (const LoopInfo &L : sum(I).Loops)
      if (L.Symbol >= 0 && LoopsOver[L.Symbol] >= 2 &&
          !llvm::is_contained(Adversarial, unsigned(L.Symbol)) &&
          !fixedByCallers(E.Symbols[L.Symbol].Key))
        Adversarial.push_back(L.Symbol);
  if (Adversarial.size() > 3)
    Adversarial.resize(3);

  std::vector<std::vector<int>> Choices{{}};
  for (unsigned N = 0; N < Adversarial.size(); ++N) {
    unsigned Sym = Adversarial[N];
    bool Zero = E.Symbols[Sym].MayBeZero || N >= FirstShared;
    int Longest = E.Symbols[Sym].roundsIndependent() ? 1 : 3;
    std::vector<std::vector<int>> Next;
    for (auto &C : Choices)
      for (int V = Zero ? 0 : 1; V <= Longest; ++V) {
        Next.push_back(C);
        Next.back().push_back(V);
      }
    Choices = std::move(Next);
  }
  for (auto &C : Choices) {
    for (unsigned I = 0; I < Adversarial.size(); ++I)
      SymbolValue[Adversarial[I]] = C[I];
    solveOnce(Out);
    if (!Aborted)
      continue;
    if (debugging())
      llvm::errs() << "chanleak: exploration given up after " << Game.size() << " states\n";
    // Too many interleavings for these loop lengths: what shorter ones
    // showed stands, longer ones are not tried. When nothing was shown,
    // loops of many counted rounds (three handlers appending forty lines
    // each) are what exploded: once more with them open.
    if (!Out.empty() || LongestCounted == OpenLoopRounds || !countsManyRounds())
      return Out;
    LongestCounted = OpenLoopRounds;
    Aborted = false;
    for (unsigned I = 0; I < Adversarial.size(); ++I)
      SymbolValue[Adversarial[I]] = C[I];
    solveOnce(Out);
    if (Aborted)
      return Out;
  }
  endlessThreads(Out);
  return Out;
}

/// Whether a reached loop is counted to more rounds than an open loop runs.
bool Explorer::countsManyRounds() const {
  return llvm::any_of(Reached, [&](unsigned I) {
    return llvm::any_of(sum(I).Loops, [](const LoopInfo &L) {
      return (L.Count && *L.Count > OpenLoopRounds) || L.Symbol >= 0;
    });
  });
}

/// Whether some thread could set a promise twice, or end up blocked where
/// nothing outside the explored code could rescue it: at a node of a reachable function (under
/// a binding its callers may give it) that has no edge always enabled and
/// none that takes a mutex or names an object that escapes, or in a worker
/// nobody else can stop. The stuck states the exploration looks for are
/// exactly those, so when no node can be one, the interleavings need not be
/// explored at all.
bool Explorer::mayStrand() {
  std::set<std::pair<unsigned, unsigned>> Done{{Root, 0}};
  llvm::SmallVector<std::pair<unsigned, unsigned>, 16> Work{{Root, 0}};
  while (!Work.empty()) {
    if (Done.size() > MaxContexts)
      return true;
    auto [SumIdx, Subst] = Work.pop_back_val();
    const Summary &S = sum(SumIdx);
    for (const Node &N : S.Nodes) {
      // A thread leaves a function by its return edges, not at the exit.
      bool Moves = N.Out.empty(), Rescued = false;
      // A loop's iteration and exit, or a branch's two sides on one
      // condition: one of them is always enabled.
      llvm::SmallVector<const Event *, 2> Branches;
      for (const Edge &Ed : N.Out) {
        if (Ed.Event == ~0u) {
          Moves = true;
          continue;
        }
        const Event &Ev = S.Events[Ed.Event];
        switch (Ev.Kind) {
        case EventKind::Call:
        case EventKind::Spawn:
          if (Ev.Callee != ~0u && sum(Ev.Callee).Valid) {
            std::pair<unsigned, unsigned> Callee{Ev.Callee, bind(S, Ev.Binding, Subst)};
            if (Done.insert(Callee).second)
              Work.push_back(Callee);
          }
          Moves = true;
          continue;
        case EventKind::Start:
          for (ObjectId O : Ev.Objects)
            for (ObjectId X : resolve(O, Subst))
              if (!escapes(X))
                return true;
          Moves = true;
          continue;
        case EventKind::SetValue:
          return true; // a second one throws
        case EventKind::LoopIter:
        case EventKind::LoopExit:
        case EventKind::Guard:
        case EventKind::StopCheck:
          for (const Event *B : Branches)
            Moves |= (B->Kind != Ev.Kind || B->Out != Ev.Out) && B->Index == Ev.Index &&
                     B->Predicate == Ev.Predicate;
          Moves |= Ev.Kind == EventKind::StopCheck && Ev.Out == Outcome::Any;
          // `for (;;)`: goes round for as long as it likes.
          Moves |= Ev.Kind == EventKind::LoopIter && Ev.Predicate < 0 &&
                   (Ev.Index >= CountedLoops ||
                    (!S.Loops[Ev.Index].Count && S.Loops[Ev.Index].Symbol < 0));
          Branches.push_back(&Ev);
          break;
        case EventKind::Send:
        case EventKind::TimedSend:
        case EventKind::Recv:
        case EventKind::TimedRecv:
        case EventKind::TryRecv:
        case EventKind::Join:
        case EventKind::Lock:
        case EventKind::Write:
          break;
        default:
          Moves = true;
        }
        Rescued |= Ev.Kind == EventKind::Lock;
        for (ObjectId O : Ev.Objects)
          for (ObjectId X : resolve(O, Subst))
            Rescued |= escapes(X);
      }
      if (!Moves && !Rescued)
        return true;
    }
  }
  return false;
}

bool Explorer::solveOnce(std::vector<Witness> &Out) {
  States.clear();
  StateIds.clear();
  Game.clear();
  State Init;
  ThreadState RootThread;
  RootThread.Frames.push_back({Root, sum(Root).Entry, 0});
  Init.Threads.push_back(RootThread);
  bool New;
  unsigned Start = intern(Init, New);
  std::deque<unsigned> Work{Start};
  while (!Work.empty() && !Aborted) {
    unsigned G = Work.front();
    Work.pop_front();
    if (Game.size() > MaxStates) {
      Aborted = true;
      return false;
    }
    const State &S = States[Game[G].State];
    auto Child = [&](State Next, Step St) {
      unsigned C = intern(std::move(Next), New);
      if (New)
        Work.push_back(C);
      return std::make_pair(C, St);
    };
    // A failed thread (a second set_value) ends the program.
    if (llvm::any_of(S.Threads, [](const ThreadState &T) { return T.St == Status::Failed; })) {
      Game[G].Terminal = Game[G].Win = true;
      continue;
    }
    if (llvm::any_of(S.Threads, [](const ThreadState &T) { return T.St == Status::Terminated; })) {
      Game[G].Terminal = true;
      continue;
    }
    // 1. A thread at a local step takes it first (local steps commute).
    bool Done = false;
    for (unsigned T = 0; T < S.Threads.size() && !Done; ++T) {
      const ThreadState &Th = S.Threads[T];
      // A poller takes no local step: it goes round or leaves when timed.
      if (Th.St != Status::Running || Th.Worker != NoObject || spinning(Th) ||
          polling(S, Th) != Truth::False)
        continue;
      const Frame &F = Th.Frames.back();
      const Node &N = node(F);
      // A branch on shared state the engine cannot read is the thread's own
      // choice, like any other.
      auto Local = [&](const Edge &Ed) {
        if (isLocal(Ed, F))
          return true;
        const Event &Ev = event(F, Ed);
        return (Ev.Kind == EventKind::Guard || Ev.Kind == EventKind::LoopIter ||
                Ev.Kind == EventKind::LoopExit) &&
               evalCondition(F, Ev.Predicate, S) == Truth::Unknown;
      };
      if (!llvm::all_of(N.Out, Local))
        continue;
      std::vector<std::pair<unsigned, Step>> Kids;
      bool OpenLoop = false, Coarsened = false;
      for (unsigned I = 0; I < N.Out.size(); ++I) {
        const Edge &Ed = N.Out[I];
        ObjectSet Objs{NoObject};
        if (Ed.Event != ~0u && !event(F, Ed).Objects.empty()) {
          Objs.clear();
          for (ObjectId O : event(F, Ed).Objects)
            for (ObjectId X : resolve(O, F.Subst))
              Objs.push_back(X);
        }
        if (Ed.Event != ~0u && (event(F, Ed).Kind == EventKind::LoopIter ||
                                event(F, Ed).Kind == EventKind::LoopExit)) {
          bool Open;
          loopCount(F, event(F, Ed).Index, Open);
          OpenLoop |= Open;
          const LoopInfo &L = sum(F.Sum).Loops[event(F, Ed).Index];
          Coarsened |= L.Count && *L.Count > LongestCounted;
        }
        for (ObjectId O : Objs) {
          bool Partner;
          if (!enabled(S, T, Ed, O, Partner))
            continue;
          State Next = S;
          Step St;
          applyOne(Next, T, I, O, St);
          Kids.push_back(Child(std::move(Next), St));
        }
      }
      if (Kids.empty())
        continue;
      // Only the analysed function's own loops run as long as the adversary
      // likes; a spawned thread's loops get the benefit of the doubt.
      // Nor, for a thread it spawned, whether a stop request the code
      // cannot see has come: the thread's owner makes it, not a stranger.
      bool UnseenStop = Th.Origin != ~0u && llvm::any_of(N.Out, [&](const Edge &Ed) {
        if (Ed.Event == ~0u || event(F, Ed).Kind != EventKind::StopCheck)
          return false;
        return llvm::any_of(event(F, Ed).Objects, [&](ObjectId O) {
          return llvm::any_of(resolve(O, F.Subst), [&](ObjectId X) { return escapes(X); });
        });
      });
      // Unless a path of the thread's own from here sets a one-shot value
      // twice: that throws whatever the other threads do.
      bool SpawnedOpenLoop = (OpenLoop || N.OpenLoop) && Th.Origin != ~0u &&
                             !(N.Choice == Chooser::Adversary && setsTwiceAhead(F));
      // Nor a loop a retry no longer counts: its length is not known.
      // Shared state is as the callers left it until a first thread starts:
      // the analysed function's own guards on it are the adversary's.
      bool Unshared = S.Threads.size() == 1 && Th.Frames.size() == 1;
      bool Adversary = (N.Choice == Chooser::Adversary ||
                        (N.Choice == Chooser::SharedState && Unshared)) &&
                       !UnseenStop && !SpawnedOpenLoop && !Coarsened;
      Game[G].Adversary = Adversary && Kids.size() > 1;
      Game[G].Children = std::move(Kids);
      Done = true;
    }
    if (Done)
      continue;
    // 2. Scheduled steps: blocking ops, whose order the benefit of the doubt
    // picks; a timed op may give up whenever the adversary likes.
    std::vector<std::pair<unsigned, Step>> GiveUps, Scheduled;
    unsigned PollsLeft = 0;
    for (unsigned T = 0; T < S.Threads.size(); ++T) {
      const ThreadState &Th = S.Threads[T];
      if (Th.St != Status::Running)
        continue;
      if (Th.Worker != NoObject) {
        if (escapes(Th.Worker) || S.Objs.has(Th.Worker, Stopped)) {
          State Next = S;
          Next.Threads[T].St = Status::Ended;
          Scheduled.push_back(Child(std::move(Next), Step()));
        }
        continue;
      }
      Truth Polls = polling(S, Th);
      if (spinning(Th) || Polls == Truth::True)
        continue;
      // A poll on what the engine cannot read ends when its chooser likes
      // (the analysed function's own: the adversary's), not after a count
      // of rounds.
      if (Polls == Truth::Unknown) {
        const Frame &F = Th.Frames.back();
        const LoopInfo::Poll &P = *sum(F.Sum).Loops[sum(F.Sum).PollLoop[F.Node]].Polls;
        State Next = S;
        Next.Threads[T].Frames.back().Node = P.Head;
        Step St;
        applyOne(Next, T, P.Exit, NoObject, St);
        (Th.Origin == ~0u ? GiveUps : Scheduled).push_back(Child(std::move(Next), St));
        PollsLeft += Th.Origin != ~0u;
        continue;
      }
      // Between its check and its sleep, the adversary picks when a waiter
      // queues: a write without the lock and its notify may come first.
      if (Th.WaitingOn != NoObject && !Th.Queued) {
        State Next = S;
        Next.Threads[T].Queued = true;
        GiveUps.push_back(Child(std::move(Next), Step()));
        continue;
      }
      const Frame &F = Th.Frames.back();
      const Node &N = node(F);
      for (unsigned I = 0; I < N.Out.size(); ++I) {
        const Edge &Ed = N.Out[I];
        if (Ed.Event == ~0u)
          continue;
        const Event &Ev = event(F, Ed);
        ObjectSet Objs;
        for (ObjectId O : Ev.Objects)
          for (ObjectId X : resolve(O, F.Subst))
            Objs.push_back(X);
        if (Objs.empty())
          Objs.push_back(NoObject);
        // A try op is a wait that gives up at once.
        bool Timed = Ev.Kind == EventKind::TimedRecv || Ev.Kind == EventKind::TimedSend ||
                     Ev.Kind == EventKind::TryRecv || Ev.Kind == EventKind::TrySend;
        for (ObjectId O : Objs) {
          // A wait handed a stop token returns once its source requests
          // stop, before anything else.
          if (stopRequested(S, F, Ev)) {
            State Next = S;
            Step St;
            applyOne(Next, T, I, O, St, /*GiveUp=*/true);
            Scheduled.push_back(Child(std::move(Next), St));
            continue;
          }
          // A timed or try op may give up whenever the adversary likes,
          // unless a fiber already waits to complete it.
          bool WaiterSends = Ev.Kind == EventKind::TimedSend || Ev.Kind == EventKind::TrySend;
          if (Timed && Ev.Out != Outcome::Success &&
              !(O != NoObject && partnerWaiting(S, T, O, WaiterSends))) {
            State Next = S;
            Step St;
            applyOne(Next, T, I, O, St, /*GiveUp=*/true);
            GiveUps.push_back(Child(std::move(Next), St));
            if (Ev.Out == Outcome::Fail)
              continue;
          }
          bool NeedsPartner;
          if (enabled(S, T, Ed, O, NeedsPartner)) {
            State Next = S;
            Step St;
            applyOne(Next, T, I, O, St);
            // A waiter whose predicate's state is written without the mutex
            // may check just before that write: the adversary's timing.
            if (predicateWait(Ev, O) && Th.WaitingOn != O &&
                lostWakeupPossible(F, Ev.Predicate))
              GiveUps.push_back(Child(Next, St));
            // When a write to shared state lands, against the waiters'
            // checks and sleeps, is the adversary's: a correct protocol
            // (written under the lock, notified to every waiter) wakes the
            // waiters whatever the order. So is when a thread takes the
            // mutex its writes are made under.
            if (Ev.Kind == EventKind::Write || Ev.Kind == EventKind::Lock)
              GiveUps.push_back(Child(std::move(Next), St));
            else
              Scheduled.push_back(Child(std::move(Next), St));
            continue;
          }
          if (!NeedsPartner)
            continue;
          // A rendezvous: a receiver waiting on O now.
          for (unsigned R = 0; R < S.Threads.size(); ++R) {
            const ThreadState &Rt = S.Threads[R];
            if (R == T || Rt.St != Status::Running || Rt.Worker != NoObject || idle(S, Rt))
              continue;
            const Frame &RF = Rt.Frames.back();
            const Node &RN = node(RF);
            for (unsigned J = 0; J < RN.Out.size(); ++J) {
              const Edge &RE = RN.Out[J];
              if (RE.Event == ~0u)
                continue;
              const Event &REv = event(RF, RE);
              bool Receives = (REv.Kind == EventKind::Recv && REv.Out != Outcome::Fail) ||
                              (REv.Kind == EventKind::TimedRecv && REv.Out != Outcome::Fail) ||
                              (REv.Kind == EventKind::TryRecv && REv.Out != Outcome::Fail);
              if (!Receives)
                continue;
              bool Names = false;
              for (ObjectId RO : REv.Objects)
                for (ObjectId X : resolve(RO, RF.Subst))
                  Names |= X == O;
              if (!Names)
                continue;
              State Next = S;
              Step St;
              Move M{T, I, O, R, J, O};
              apply(Next, M, St);
              Scheduled.push_back(Child(std::move(Next), St));
            }
          }
        }
      }
    }
    // A poller may also keep polling while it waits for a timed op to give
    // up, but not to hold back another thread that could go on (the
    // scheduler is fair), nor forever when nothing else can happen.
    if (PollsLeft && Scheduled.size() == PollsLeft && !GiveUps.empty())
      Scheduled.push_back(Child(S, Step()));
    if (!GiveUps.empty()) {
      if (Scheduled.empty()) {
        Game[G].Adversary = true;
        Game[G].Children = std::move(GiveUps);
        continue;
      }
      // The adversary may give up now, or let the others go on.
      GameNode Sched;
      Sched.Children = std::move(Scheduled);
      Game.push_back(std::move(Sched));
      GiveUps.push_back({unsigned(Game.size() - 1), Step()});
      Game[G].Adversary = true;
      Game[G].Children = std::move(GiveUps);
      continue;
    }
    if (!Scheduled.empty()) {
      Game[G].Children = std::move(Scheduled);
      continue;
    }
    // 3. Nothing can move: stuck if a thread is blocked on objects that no
    // unseen code can reach.
    Game[G].Terminal = true;
    bool Blocked = false, Rescuable = false;
    for (const ThreadState &Th : S.Threads) {
      if (Th.St != Status::Running || idle(S, Th))
        continue;
      Blocked = true;
      if (Th.Worker != NoObject) {
        Rescuable |= escapes(Th.Worker);
        continue;
      }
      const Frame &F = Th.Frames.back();
      for (const Edge &Ed : node(F).Out)
        if (Ed.Event != ~0u) {
          // Threads that only wait for each other's mutexes: a deadlock,
          // not a leak this engine explains.
          Rescuable |= event(F, Ed).Kind == EventKind::Lock;
          for (ObjectId O : event(F, Ed).Objects)
            for (ObjectId X : resolve(O, F.Subst))
              Rescuable |= escapes(X);
        }
    }
    Game[G].Win = Blocked && !Rescuable;
  }
  if (Aborted)
    return false;
  // Solve: the adversary wins where it can force a stuck state.
  std::vector<std::vector<unsigned>> Preds(Game.size());
  std::vector<unsigned> Remaining(Game.size());
  std::vector<unsigned> Rank(Game.size(), ~0u);
  std::deque<unsigned> Queue;
  for (unsigned G = 0; G < Game.size(); ++G) {
    for (auto &[C, St] : Game[G].Children)
      Preds[C].push_back(G);
    Remaining[G] = Game[G].Children.size();
    if (Game[G].Terminal && Game[G].Win) {
      Rank[G] = 0;
      Queue.push_back(G);
    } else {
      Game[G].Win = false;
    }
  }
  unsigned Next = 1;
  while (!Queue.empty()) {
    unsigned C = Queue.front();
    Queue.pop_front();
    for (unsigned P : Preds[C]) {
      if (Game[P].Win)
        continue;
      if (Game[P].Adversary || --Remaining[P] == 0) {
        Game[P].Win = true;
        Rank[P] = Next++;
        Queue.push_back(P);
      }
    }
  }
  if (debugging()) {
    unsigned Terminal = 0, Stuck = 0;
    for (const GameNode &N : Game) {
      Terminal += N.Terminal;
      Stuck += N.Terminal && N.Win;
    }
    llvm::errs() << "chanleak: explored " << Game.size() << " states, " << Terminal
                 << " terminal, " << Stuck << " stuck; forced: " << Game[Start].Win << "\n";
    for (const GameNode &N : Game)
      if (N.Terminal && N.State >= 0) {
        llvm::errs() << "  terminal" << (N.Win ? " stuck:" : ":");
        for (const ThreadState &T : States[N.State].Threads)
          llvm::errs() << " [" << (T.St == Status::Running ? "blocked" : "ended") << " origin "
                       << T.Origin << (T.Frames.empty() ? "" : " node ")
                       << (T.Frames.empty() ? 0 : T.Frames.back().Node) << "]";
        llvm::errs() << "\n";
      }
  }
  if (!Game[Start].Win)
    return false;
  // Follow the forcing strategy to a stuck state and explain it. Every
  // child of a forced state the strategy may take stays forced; when the
  // quickest stuck state explains nothing (two threads that only block each
  // other), the next ones are tried, a bounded number of them. After the
  // strategy's own moves, the adversary's other forced choices are tried
  // too, each state once: a spawning loop whose body may skip the spawn is
  // quickest stuck with none spawned, which strands nobody; two spawned
  // senders and one receive strand one.
  std::vector<Step> Path;
  unsigned Budget = MaxExplained;
  llvm::DenseSet<unsigned> Tried;
  std::function<bool(unsigned)> Trace = [&](unsigned Cur) {
    if (Game[Cur].Terminal) {
      --Budget;
      size_t Before = Out.size();
      TracePath = Path;
      explain(Cur, Out);
      return Out.size() > Before;
    }
    llvm::SmallVector<std::pair<unsigned, const Step *>, 4> Kids, Others;
    for (auto &[C, St] : Game[Cur].Children)
      if (Game[C].Win && Rank[C] < Rank[Cur])
        Kids.push_back({C, &St});
      else if (Game[C].Win && Game[Cur].Adversary && Tried.insert(C).second)
        Others.push_back({C, &St});
    auto ByRank = [&](auto &A, auto &B) { return Rank[A.first] < Rank[B.first]; };
    llvm::sort(Kids, ByRank);
    llvm::sort(Others, ByRank);
    Kids.append(Others.begin(), Others.end());
    for (auto &[C, St] : Kids) {
      if (!Budget)
        return false;
      size_t Mark = Path.size();
      if (St->Ev || St->GaveUp)
        Path.push_back(*St);
      if (St->PartnerEv) {
        Step Partner;
        Partner.Ev = St->PartnerEv;
        Partner.Origin = St->PartnerOrigin;
        Partner.Object = St->Object;
        Path.push_back(Partner);
      }
      if (Trace(C))
        return true;
      Path.resize(Mark);
    }
    return false;
  };
  Trace(Start);
  return true;
}


const FunctionDecl *Explorer::threadFunction(unsigned Origin) const {
  if (Origin == ~0u)
    return sum(Root).Function;
  const SpawnInfo *Sp = spawnOf(Origin);
  if (!Sp)
    return nullptr;
  for (const Event &Ev : sum(Origin >> 8).Events)
    if (Ev.Kind == EventKind::Spawn && Ev.Index == (Origin & 0xff))
      return sum(Ev.Callee).Function;
  return nullptr;
}

/// Whether some function the exploration reached closes (or cancels) an
/// object of the same member or variable as O.
bool Explorer::closedSomewhere(ObjectId O) const {
  if (ClosedOnSomePath.contains(O))
    return true;
  for (unsigned I : Reached)
    for (const Event &Ev : sum(I).Events)
      if (Ev.Kind == EventKind::Close || Ev.Kind == EventKind::Cancel)
        for (ObjectId X : Ev.Objects)
          if (Objects[X].Key == Objects[O].Key)
            return true;
  return false;
}

/// The methods of the classes that hold member O (its own, then its
/// holder's, outwards) that release O's waiters for good: they close or
/// cancel it, or, for a condition variable, set shared state and notify it
/// (a `Stop()`, a destructor). A notify after a push is no such method.
llvm::SmallVector<const FunctionDecl *, 2> Explorer::releasers(ObjectId O) {
  llvm::SmallVector<const FunctionDecl *, 2> Out;
  const ChannelModel *Channel = Objects[O].Channel;
  for (ObjectId Cur = O; Cur != NoObject && Objects[Cur].Kind == ObjectKind::Field;
       Cur = Objects[Cur].Base) {
    const auto *Field = static_cast<const FieldDecl *>(Objects[Cur].Key);
    const auto *Class = dyn_cast<CXXRecordDecl>(Field->getParent());
    if (!Class || !Class->hasDefinition())
      continue;
    for (const CXXMethodDecl *M : Class->methods()) {
      const FunctionDecl *Def = M->getDefinition();
      if (!Def || !Def->hasBody())
        continue;
      const std::vector<Event> &Evs = E.summary(*Def).Events;
      auto OnO = [&](const Event &Ev) {
        return llvm::any_of(Ev.Objects,
                            [&](ObjectId X) { return Objects[X].Key == Objects[O].Key; });
      };
      bool Closes = llvm::any_of(Evs, [&](const Event &Ev) {
        return (Ev.Kind == EventKind::Close || Ev.Kind == EventKind::Cancel) && OnO(Ev);
      });
      bool Sets = Channel && Channel->isSignal() &&
                  llvm::any_of(Evs, [](const Event &Ev) {
                    return Ev.Kind == EventKind::Write && Ev.Write == WriteKind::Assign;
                  }) &&
                  llvm::any_of(Evs, [&](const Event &Ev) {
                    return Ev.Kind == EventKind::Send && OnO(Ev);
                  });
      if (Closes || Sets)
        Out.push_back(Def);
    }
  }
  return Out;
}

/// Whether a path of F's function from F's node sets one one-shot object
/// twice before it returns, without going round a loop in between (a
/// promise made in the loop's body is a new one each round).
bool Explorer::setsTwiceAhead(const Frame &F) {
  auto [Cached, New] = SetsTwice.try_emplace({F.Sum, F.Node}, false);
  if (!New)
    return Cached->second;
  const Summary &Sum = sum(F.Sum);
  // (node, the object set first on the way there, or NoObject)
  llvm::DenseSet<std::pair<unsigned, ObjectId>> Seen;
  llvm::SmallVector<std::pair<unsigned, ObjectId>, 16> Work{{F.Node, NoObject}};
  bool Found = false;
  while (!Work.empty() && !Found) {
    auto [N, First] = Work.pop_back_val();
    if (!Seen.insert({N, First}).second)
      continue;
    for (const Edge &Ed : Sum.Nodes[N].Out) {
      ObjectId Next = First;
      if (Ed.Event != ~0u) {
        const Event &Ev = Sum.Events[Ed.Event];
        if (Ev.Kind == EventKind::Return ||
            (First != NoObject && Ev.Kind == EventKind::LoopIter))
          continue;
        if (Ev.Kind == EventKind::SetValue)
          for (ObjectId O : Ev.Objects) {
            Found |= First == O;
            if (First == NoObject)
              Next = O;
          }
      }
      Work.push_back({Ed.To, Next});
    }
  }
  SetsTwice[{F.Sum, F.Node}] = Found;
  return Found;
}

/// Whether F's node lies on a loop of its function: the op there repeats.
bool Explorer::repeats(const Frame &F) const {
  const Summary &S = sum(F.Sum);
  llvm::SmallVector<unsigned, 16> Work;
  for (const Edge &Ed : S.Nodes[F.Node].Out)
    Work.push_back(Ed.To);
  llvm::DenseSet<unsigned> Visited;
  while (!Work.empty()) {
    unsigned N = Work.pop_back_val();
    if (N == F.Node)
      return true;
    if (!Visited.insert(N).second)
      continue;
    for (const Edge &Ed : S.Nodes[N].Out)
      Work.push_back(Ed.To);
  }
  return false;
}

/// A variable the predicate reads that no explored code sets (writes
/// other than of zero, which only initialise a flag): the `closed` of a
/// channel built from a condition variable that nobody closes.
ObjectId Explorer::neverSet(const Frame &F, int Predicate) {
  const std::vector<Formula> &Formulas = sum(F.Sum).Formulas;
  llvm::SmallVector<int, 8> Work{Predicate};
  while (!Work.empty()) {
    int I = Work.pop_back_val();
    if (I < 0 || unsigned(I) >= Formulas.size())
      continue;
    const Formula &X = Formulas[I];
    Work.append({X.Left, X.Right});
    if (X.K != Formula::Value)
      continue;
    for (ObjectId O : X.Objects)
      for (ObjectId V : resolve(O, F.Subst)) {
        bool Set = escapes(V) || llvm::any_of(Reached, [&](unsigned S) {
          return llvm::any_of(sum(S).Events, [&](const Event &Ev) {
            return Ev.Kind == EventKind::Write &&
                   !(Ev.Write == WriteKind::Assign && Ev.Number == 0) &&
                   llvm::any_of(Ev.Objects,
                                [&](ObjectId W) { return Objects[W].Key == Objects[V].Key; });
          });
        });
        if (!Set)
          return V;
      }
  }
  return NoObject;
}

void Explorer::explain(unsigned G, std::vector<Witness> &Out) {
  const State &S = States[Game[G].State];
  const std::vector<Step> &Path = TracePath;
  if (debugging())
    for (const Step &St : Path)
      llvm::errs() << "  step origin " << St.Origin << ": " << (St.GaveUp ? "gives up " : "")
                   << (St.Ev ? eventName(St.Ev->Kind) : "?") << " "
                   << (St.Object != NoObject ? E.objectName(St.Object) : "") << " line "
                   << (St.Ev && St.Ev->Site
                           ? E.Ctx.getSourceManager().getPresumedLineNumber(St.Ev->Site->getBeginLoc())
                           : 0)
                   << "\n";
  auto LastEnd = [&](unsigned Origin) -> const Step * {
    for (auto It = Path.rbegin(); It != Path.rend(); ++It)
      if (It->Ends && It->Origin == Origin)
        return &*It;
    return nullptr;
  };
  // Where the thread of Origin leaves: its last return on the path, or, if
  // it still waits in a destructor that joins a stranded thread, the return
  // it was heading for. Returns false when it does neither.
  auto Leave = [&](Witness &W, unsigned Origin) {
    W.Leaver = threadFunction(Origin);
    W.LeaverIsSpawned = Origin != ~0u;
    // A coroutine ended by an awaited operation's failure is not a place the
    // code wrote: such an end reads as the end of its body.
    auto Written = [](const Stmt *Site) {
      return Site && !isa<CoawaitExpr>(Site) &&
             !(isa<CoreturnStmt>(Site) && cast<CoreturnStmt>(Site)->isImplicit());
    };
    if (const Step *End = LastEnd(Origin)) {
      W.Exit = Written(End->Ev->Site) ? End->Ev->Site : nullptr;
      W.ExitIn = End->Ev->Function;
      // The first explicit return or throw on the way (a helper's early
      // return, not the one return of a helper that always gets there) is
      // what skipped the rescue.
      auto Early = [&](const Event &Ret) {
        if (Ret.Throws || Ret.Function == W.Leaver)
          return true;
        for (unsigned I : Reached) {
          const std::vector<Event> &Evs = sum(I).Events;
          if (Evs.empty() || &Ret < &Evs.front() || &Ret > &Evs.back())
            continue;
          return llvm::count_if(Evs, [&](const Event &X) {
                   return X.Kind == EventKind::Return && Written(X.Site);
                 }) > 1;
        }
        return true;
      };
      for (const Step &St : Path)
        if (St.Origin == Origin && St.Ev && St.Ev->Kind == EventKind::Return &&
            Written(St.Ev->Site) && Early(*St.Ev)) {
          W.Exit = St.Ev->Site;
          W.ExitIn = St.Ev->Function;
          break;
        }
      return true;
    }
    for (const ThreadState &P : S.Threads) {
      if (P.Origin != Origin || P.St != Status::Running || P.Frames.empty())
        continue;
      const Frame &PF = P.Frames.back();
      bool Joining = false;
      for (const Edge &Ed : node(PF).Out)
        if (Ed.Event != ~0u && event(PF, Ed).Kind == EventKind::Join)
          for (ObjectId H : event(PF, Ed).Objects) {
            Joining = true;
            // A destructor's join has no site of its own: the handle says where.
            if (const Stmt *Site = event(PF, Ed).Site)
              W.JoinedAt = Site;
            else if (Objects[H].Kind == ObjectKind::Local)
              W.JoiningHandle = dyn_cast<VarDecl>(static_cast<const ValueDecl *>(Objects[H].Key));
          }
      if (!Joining)
        continue;
      W.LeaverJoins = true;
      llvm::SmallVector<unsigned, 8> Work{PF.Node};
      llvm::DenseSet<unsigned> Visited;
      const Summary &PS = sum(PF.Sum);
      while (!Work.empty()) {
        unsigned N = Work.pop_back_val();
        if (!Visited.insert(N).second)
          continue;
        for (const Edge &Ed : PS.Nodes[N].Out) {
          if (Ed.Event != ~0u && PS.Events[Ed.Event].Kind == EventKind::Return) {
            W.Exit = PS.Events[Ed.Event].Site;
            W.ExitIn = PS.Events[Ed.Event].Function;
            return true;
          }
          Work.push_back(Ed.To);
        }
      }
      return true;
    }
    return false;
  };
  // A count nobody completes: the last other thread to end could have,
  // else the parent, if it waits to join.
  auto LeaveLastEnded = [&](Witness &W, const ThreadState &Blocked) {
    // Blocked never ended: an end of its origin is a sibling of its spawn's.
    for (auto It = Path.rbegin(); It != Path.rend(); ++It)
      if (It->Ends) {
        W.LeaverIsSibling = Blocked.Origin != ~0u && It->Origin != Blocked.ParentOrigin;
        return Leave(W, It->Origin);
      }
    return Blocked.Origin != ~0u && Leave(W, Blocked.ParentOrigin);
  };
  for (const ThreadState &T : S.Threads) {
    if (T.St != Status::Failed)
      continue;
    const Step *Second = nullptr, *First = nullptr;
    for (auto It = Path.rbegin(); It != Path.rend(); ++It)
      if (It->Ev && It->Ev->Kind == EventKind::SetValue && It->Origin == T.Origin) {
        if (!Second)
          Second = &*It;
        else if (It->Object == Second->Object) {
          First = &*It;
          break;
        }
      }
    if (!Second)
      continue;
    Witness W;
    W.Label = LeakLabel::DoubleSend;
    W.Strand = StrandKind::SecondSend;
    W.Blocked = Second->Ev->Site;
    W.BlockedIn = Second->Ev->Function;
    W.BlockedKind = EventKind::SetValue;
    W.Object = Second->Object;
    W.Spawn = spawnOf(T.Origin);
    W.FirstSend = First ? First->Ev->Site : nullptr;
    W.FirstSetByAnother = First && First->Thread != Second->Thread;
    // A promise made inside the loop that spawns the threads is one per
    // thread (`auto done = make_shared<promise<void>>()` captured by each):
    // the abstraction merged them.
    if (W.FirstSetByAnother && W.Spawn && W.Spawn->Loop && madeInside(W.Object, W.Spawn->Loop))
      return;
    Out.push_back(W);
    return;
  }
  // The analysed function hanging in a join of a stuck thread strands what
  // it would have done after: the joined thread's leak is the finding, the
  // threads only it would have released are not findings of their own.
  ObjectSet RootJoins;
  for (const ThreadState &P : S.Threads)
    if (P.Origin == ~0u && P.St == Status::Running && !P.Frames.empty()) {
      const Frame &PF = P.Frames.back();
      for (const Edge &Ed : node(PF).Out)
        if (Ed.Event != ~0u && event(PF, Ed).Kind == EventKind::Join)
          for (ObjectId H : event(PF, Ed).Objects)
            for (ObjectId X : resolve(H, PF.Subst))
              RootJoins.push_back(X);
    }
  // Whether each witness pushed below is of a thread the root joins; the
  // loop's increment records it, so a `continue` records it too.
  size_t FirstStuck = Out.size();
  llvm::SmallVector<bool, 8> FromJoined;
  auto Record = [&](unsigned I) {
    ObjectId H = S.Threads[I].Handle;
    FromJoined.resize(Out.size() - FirstStuck, H != NoObject && llvm::is_contained(RootJoins, H));
  };
  for (unsigned I = 0; I < S.Threads.size(); Record(I), ++I) {
    const ThreadState &T = S.Threads[I];
    if (T.St != Status::Running || idle(S, T))
      continue;
    if (T.Worker != NoObject) {
      Witness W;
      W.Label = LeakLabel::OrphanedWorker;
      W.Strand = StrandKind::NeverStopped;
      W.Blocked = T.StartedVia;
      W.BlockedIn = sum(Root).Function;
      W.BlockedKind = EventKind::Start;
      W.Object = T.Worker;
      Leave(W, ~0u);
      Out.push_back(W);
      continue;
    }
    const Frame &F = T.Frames.back();
    const Event *Ev = nullptr;
    for (const Edge &Ed : node(F).Out)
      if (Ed.Event != ~0u && !isLocal(Ed, F)) {
        Ev = &event(F, Ed);
        break;
      }
    if (!Ev || Ev->Kind == EventKind::Join || Ev->Kind == EventKind::Lock || !Ev->Site)
      continue;
    ObjectId Obj = NoObject;
    for (ObjectId O : Ev->Objects)
      for (ObjectId X : resolve(O, F.Subst))
        if (Obj == NoObject)
          Obj = X;
    // A future or handle wait is the task's own leak, reported in the task;
    // an op on nothing the engine names is not explained.
    if (Obj == NoObject || Objects[Obj].Handle)
      continue;
    Witness W;
    W.Label = LeakLabel::EarlyReturn;
    W.Strand = StrandKind::ParentLeaves;
    if (isConstantFormula(sum(F.Sum).Formulas, Ev->Predicate))
      for (ObjectId I : Ev->Interrupts)
        for (ObjectId X : resolve(I, F.Subst))
          if (W.StopSource == NoObject)
            W.StopSource = X;
    if (T.WaitingOn != NoObject) {
      // A wait for a predicate nobody will make true, or whose notify it
      // missed: the notify came before it slept, or woke another waiter.
      blockedAt(W, T, *Ev, Obj);
      W.Spawn = spawnOf(T.Origin);
      // A notify that woke this very thread (the only one of its origin)
      // was not missed.
      bool Unique = llvm::count_if(S.Threads, [&](const ThreadState &O) {
                      return O.Origin == T.Origin;
                    }) == 1;
      const Step *Notify = nullptr;
      for (auto It = Path.rbegin(); It != Path.rend(); ++It) {
        if (It->Origin == T.Origin && It->Checked)
          break;
        if (Unique && It->Woke && It->WokeOrigin == T.Origin)
          continue;
        // The earliest notify it missed, one that woke another if any did.
        if (It->Origin != T.Origin && It->Ev && It->Ev->Kind == EventKind::Send &&
            It->Object == Obj && (!Notify || It->Woke || !Notify->Woke))
          Notify = &*It;
      }
      if (Notify) {
        W.Strand = Notify->Ev->WakesOne && Notify->Woke ? StrandKind::WokeAnother
                                                        : StrandKind::LostWakeup;
        // Several waiters, one wakeup: the take-first of condition variables.
        if (W.Strand == StrandKind::WokeAnother)
          W.Label = LeakLabel::TakeFirst;
        W.FirstSend = Notify->Ev->Site;
        Out.push_back(W);
        continue;
      }
      // The analysed function waits for what its threads never do: the
      // last one to end could have. While one of them is stuck itself, that
      // is what strands the function, and its own witness says why.
      bool OtherStuck = llvm::any_of(S.Threads, [&](const ThreadState &O) {
        return &O != &T && O.St == Status::Running && !idle(S, O);
      });
      if (T.Origin == ~0u) {
        for (auto It = Path.rbegin(); It != Path.rend() && !OtherStuck; ++It)
          if (It->Ends && It->Origin != T.Origin) {
            if (Leave(W, It->Origin))
              Out.push_back(W);
            break;
          }
        continue;
      }
    }
    blockedAt(W, T, *Ev, Obj);
    bool IsRecv = Ev->Kind == EventKind::Recv || Ev->Kind == EventKind::TimedRecv;
    if (T.Origin == ~0u && Ev->Kind == EventKind::Recv && Ev->LoopsUntilClosed &&
        !closedSomewhere(Obj)) {
      // The analysed function loops over a channel its threads never close.
      W.Label = LeakLabel::RangeWithoutClose;
      W.Strand = StrandKind::NeverClosed;
      Out.push_back(W);
      continue;
    }
    bool Counter = Objects[Obj].Channel && Objects[Obj].Channel->Counts != CountKind::None;
    if (T.Origin == ~0u && Counter && IsRecv) {
      // The analysed function waits for a count its threads never reach.
      if (LeaveLastEnded(W, T))
        Out.push_back(W);
      continue;
    }
    if (T.Origin == ~0u) {
      // The analysed function itself waits forever: only when the loop that
      // would spawn its senders can run zero times.
      for (const LoopInfo &L : sum(Root).Loops)
        if (L.Symbol >= 0 && SymbolValue[L.Symbol] == 0 && E.Symbols[L.Symbol].Spawns &&
            IsRecv && !W.SpawnLoop) {
          W.Label = LeakLabel::TakeFirst;
          W.Strand = StrandKind::NoSenders;
          W.SpawnLoop = L.Stmt;
          W.SpawnLoopBound = E.Symbols[L.Symbol].Key;
          W.MaybeEmptyCaller = E.Symbols[L.Symbol].EmptyCaller;
        }
      if (W.SpawnLoop)
        Out.push_back(W);
      // Or it waits for a value its threads do send on some path: the last
      // of them to end took a path without it (not a send that timed out:
      // its deadline was the sender's own design). Not when several threads
      // of that spawn ended and none sent: one of them sending is all the
      // wait needs, and every one of them failing is the data's choice.
      else if (Ev->Kind == EventKind::Recv && SentOnSomePath.contains(Obj) &&
               llvm::none_of(Path, [&](const Step &St) {
                 return St.GaveUp && St.Origin != T.Origin && St.Object == Obj;
               }) &&
               LeaveLastEnded(W, T) && !everySenderSkipped(Path, Obj, I))
        Out.push_back(W);
      continue;
    }
    W.Spawn = spawnOf(T.Origin);
    W.Instances = llvm::count_if(S.Threads, [&](const ThreadState &O) { return O.Origin == T.Origin; });
    if (W.Spawn && W.Spawn->Loop)
      for (const LoopInfo &L : sum(T.Origin >> 8).Loops)
        if (L.Stmt == W.Spawn->Loop)
          W.SpawnLoopCount = L.Count;
    const Step *GaveUp = nullptr;
    for (const Step &St : Path)
      if (St.GaveUp && St.Origin != T.Origin && St.Ev)
        GaveUp = &St;
    const Step *EarlierSend = nullptr;
    unsigned &Received = W.Received;
    const Step *Receive = nullptr;
    for (const Step &St : Path) {
      if (!St.Ev || St.Object != Obj)
        continue;
      if (St.Origin == T.Origin && St.Ev->Kind == EventKind::Send) {
        ++W.SentBefore;
        if (St.Ev->Site != Ev->Site && !EarlierSend)
          EarlierSend = &St;
      }
      if (St.Origin != T.Origin && !St.GaveUp &&
          (St.Ev->Kind == EventKind::Recv || St.Ev->Kind == EventKind::TimedRecv)) {
        ++Received;
        Receive = &St;
      }
    }
    const SpawnInfo *Sp = W.Spawn;
    llvm::DenseSet<unsigned> Active;
    // A worker its owner's Stop() (or destructor) would release, on a path
    // where that never ran.
    llvm::SmallVector<const FunctionDecl *, 2> Releasers;
    if (T.StartedVia && IsRecv && Objects[Obj].Kind == ObjectKind::Field)
      Releasers = releasers(Obj);
    bool Released = llvm::any_of(Path, [&](const Step &St) {
      return St.Ev && St.Origin != T.Origin && llvm::is_contained(Releasers, St.Ev->Function);
    });
    if (Counter && IsRecv && Objects[Obj].Channel->EventLoop) {
      // An event loop's run() that a work guard holds: its latest holder.
      W.Label = LeakLabel::OrphanedWorker;
      W.Strand = StrandKind::HeldByGuard;
      for (const Step &St : Path)
        if (St.Ev && St.Object == Obj && St.Ev->Kind == EventKind::Send)
          W.GuardMadeAt = St.Ev->Site;
      if (!LeaveLastEnded(W, T))
        continue;
    } else if (T.StartedVia && IsRecv && Obj != NoObject && Objects[Obj].Kind == ObjectKind::Field &&
        (closedSomewhere(Obj) || (!Releasers.empty() && !Released))) {
      W.Label = LeakLabel::OrphanedWorker;
      W.Strand = StrandKind::NeverStopped;
      W.StartedAt = T.StartedVia;
      Leave(W, ~0u);
    } else if (Sp && Sp->Spawner->PassesStopToken && !Sp->ReadsStopToken && IsRecv &&
               Ev->LoopsUntilClosed && !closedSomewhere(Obj) &&
               // A condition variable's loop has no close: only no exit at all.
               (!Objects[Obj].Channel->isSignal() || !canReturn(T.Frames.front().Sum, Active))) {
      W.Label = LeakLabel::OrphanedWorker;
      W.Strand = StrandKind::EndlessLoop;
    } else if (IsRecv && Objects[Obj].Channel->isSignal() && Ev->Predicate >= 0 &&
               llvm::any_of(T.Frames, [&](const Frame &Fr) { return repeats(Fr); }) &&
               (W.NeverSet = neverSet(F, Ev->Predicate)) != NoObject) {
      // A worker's loop over a channel built from a condition variable,
      // whose close flag nothing sets; the loop may be around the call of
      // the queue's receive method.
      W.Label = LeakLabel::RangeWithoutClose;
      W.Strand = StrandKind::NeverClosed;
    } else if (Ev->Kind == EventKind::Recv && Ev->LoopsUntilClosed && !Objects[Obj].Channel->isSignal()) {
      W.Label = LeakLabel::RangeWithoutClose;
      if (closedSomewhere(Obj)) {
        // The path that skips the close must leave: a parent still blocked
        // itself (on what the stranded threads would send) is stuck with
        // them, on a path the engine's abstraction may have made up.
        W.Strand = StrandKind::ClosedOnSomePaths;
        if (!Leave(W, T.ParentOrigin))
          continue;
      } else {
        W.Strand = StrandKind::NeverClosed;
      }
    } else if (GaveUp) {
      W.Label = LeakLabel::CancelTimeout;
      W.Strand = StrandKind::GivesUp;
      W.GaveUp = GaveUp->Ev->Site;
      Leave(W, GaveUp->Origin);
    } else if (Ev->Kind == EventKind::Send && EarlierSend && W.Instances == 1 && Received > 0) {
      W.Label = LeakLabel::DoubleSend;
      W.Strand = StrandKind::SecondSend;
      W.FirstSend = EarlierSend->Ev->Site;
    } else if (Ev->Kind == EventKind::Send && (W.Instances > 1 || (Sp && Sp->Loop)) && Receive) {
      W.Label = LeakLabel::TakeFirst;
      W.Strand = StrandKind::ExtraSenders;
      W.Receive = Receive->Ev->Site;
    } else if (Counter) {
      if (!LeaveLastEnded(W, T))
        continue;
    } else {
      // A thread waiting on a channel for the first of several senders,
      // each of which skipped its send: as for the analysed function, not
      // a leak.
      if (IsRecv && !Objects[Obj].Channel->isSignal() && everySenderSkipped(Path, Obj, I))
        continue;
      if (!Leave(W, T.ParentOrigin))
        continue;

      // Leaving by a throw runs the destructor of a joining handle too.
      if (!W.JoiningHandle && T.Handle != NoObject && Objects[T.Handle].Handle &&
          Objects[T.Handle].Handle->JoinsOnDestroy && Objects[T.Handle].Kind == ObjectKind::Local &&
          W.Exit && isa<CXXThrowExpr>(W.Exit))
        W.JoiningHandle = dyn_cast<VarDecl>(static_cast<const ValueDecl *>(Objects[T.Handle].Key));
    }
    Out.push_back(W);
  }
  if (llvm::is_contained(FromJoined, true))
    for (size_t I = Out.size(); I-- > FirstStuck;)
      if (!FromJoined[I - FirstStuck])
        Out.erase(Out.begin() + I);
}

/// The thread T blocks in Ev on Obj. A wait inside the methods of the object
/// that owns Obj (a hand-written queue's `cv_`) is reported at the call into
/// that object from the thread's own code: that call is the operation that
/// blocks forever there, and each such call is a leak of its own.
void Explorer::blockedAt(Witness &W, const ThreadState &T, const Event &Ev, ObjectId Obj) {
  W.Blocked = Ev.Site;
  W.BlockedIn = Ev.Function;
  W.BlockedKind = Ev.Kind;
  W.Object = Obj;
  ObjectId Owner = Objects[Obj].Kind == ObjectKind::Field ? Objects[Obj].Base : NoObject;
  if (Owner == NoObject)
    return;
  unsigned Outer = T.Frames.size();
  for (unsigned I = T.Frames.size(); I-- > 1;) {
    const auto *M = dyn_cast_or_null<CXXMethodDecl>(sum(T.Frames[I].Sum).Function);
    if (!M || !M->isInstance())
      break;
    ObjectId ThisP = Objects.placeholder(ObjectKind::This, M->getParent(), QualType(), "this");
    if (!llvm::is_contained(resolve(ThisP, T.Frames[I].Subst), Owner))
      break;
    Outer = I;
  }
  if (Outer == T.Frames.size() || !T.Frames[Outer].Site)
    return;
  // A thread of the object's own (its worker, or a lambda of its methods)
  // blocks in the object's code, not in a call of its user's.
  const auto *Owned = cast<CXXMethodDecl>(sum(T.Frames[Outer].Sum).Function)->getParent();
  if (const FunctionDecl *Caller = sum(T.Frames[Outer - 1].Sum).Function;
      !Caller || Owned->Encloses(Caller))
    return;
  W.InnerWait = Ev.Site;
  W.InnerWaitIn = Ev.Function;
  W.Blocked = T.Frames[Outer].Site;
  W.BlockedIn = sum(T.Frames[Outer - 1].Sum).Function;
}

/// A function entered gets new local objects: an earlier call's promise,
/// already set, or its channel's values are not this call's. The earlier
/// call's objects keep their state under the names of earlier objects, for
/// the threads that still hold them (a captured shared_ptr) and for the
/// frames still running inside an earlier call (two coroutines of one
/// function at once, or recursion). Each call still running has its own
/// names, up to MaxEarlierCalls; beyond that the oldest share theirs.
void Explorer::freshLocals(State &S, unsigned Callee) {
  if (!sum(Callee).Function)
    return;
  // What the callee allocates and returns keeps one name for every call (its
  // callers name it by that): when an earlier call's object is still about
  // (it has a state, or a running thread holds it), the name now stands for
  // two objects, and a set of one is no second set of the other.
  const FunctionDecl *Made = sum(Callee).Function->getCanonicalDecl();
  for (ObjectId R : sum(Callee).Returns) {
    if (R >= Objects.size() || Objects[R].Kind != ObjectKind::Allocated ||
        Objects[R].MadeIn != Made)
      continue;
    bool Alive = llvm::any_of(S.Objs, [&](const auto &Entry) {
      return selfOrHolder(Entry.first, [&](ObjectId X) { return X == R; });
    });
    Alive |= llvm::any_of(S.Threads, [&](const ThreadState &Th) {
      return Th.St == Status::Running && llvm::any_of(Th.Frames, [&](const Frame &F) {
               return llvm::any_of(Substs[F.Subst], [&](const auto &Entry) {
                 return llvm::is_contained(Entry.second, R);
               });
             });
    });
    if (Alive)
      S.Objs[R].Flags |= Many;
  }
  const llvm::SmallVector<ObjectId, 4> &Locals = localsOf(Callee);
  if (Locals.empty())
    return;
  // Most calls find nothing of an earlier one running: their locals just
  // start afresh, with no names to look for.
  bool Held = llvm::any_of(S.Threads, [&](const ThreadState &Th) {
    return Th.St == Status::Running && llvm::any_of(Th.Frames, [&](const Frame &F) {
             return F.Sum == Callee || llvm::any_of(Substs[F.Subst], [&](const auto &Entry) {
                      return llvm::any_of(Entry.second, [&](ObjectId O) {
                        return llvm::is_contained(Locals, O);
                      });
                    });
           });
  });
  llvm::SmallDenseMap<ObjectId, ObjectId, 4> Renamed;
  llvm::SmallDenseSet<ObjectId, 4> Used;
  if (Held) {
    unsigned Depth = freeEarlierDepth(S, Locals);
    for (ObjectId O : Locals) {
      ObjectId E = O;
      for (unsigned I = 0; I < Depth; ++I)
        E = Objects.earlier(E);
      Renamed[O] = E;
    }
    for (ThreadState &Th : S.Threads)
      if (Th.St == Status::Running)
        for (Frame &F : Th.Frames)
          F.Subst = withEarlierLocals(F.Subst, Locals, F.Sum == Callee, Renamed, Used);
    // A member of a held object is held with it: a thread that holds the
    // earlier call's worker (`self = shared_from_this()`) reads its
    // `running_`, `cv_`, `mu_` through `this`, which no substitution names.
    // Their state moves to the earlier names too, or the earlier worker
    // would see its members as just constructed.
    llvm::SmallVector<ObjectId, 4> Members;
    for (ObjectId O : Locals)
      if (!Used.contains(O) &&
          selfOrHolder(Objects[O].Base, [&](ObjectId B) { return Used.contains(B); }))
        Members.push_back(O);
    Used.insert(Members.begin(), Members.end());
  }
  for (ObjectId O : Locals) {
    bool Held = Used.contains(O);
    if (auto Old = S.Objs.find(O); Old != S.Objs.end() && Held) {
      ObjState Moved = Old->second; // before the insertion moves the entries
      S.Objs[Renamed[O]] = Moved;
    }
    S.Objs.erase(O);
    for (ThreadState &Th : S.Threads) {
      if (!Held) {
        Th.forget(O);
        continue;
      }
      Th.rename(O, Renamed[O]);
    }
  }
}

/// The fewest steps back along the chain of earlier objects at which no
/// local of the callee is held in S yet.
unsigned Explorer::freeEarlierDepth(const State &S, llvm::ArrayRef<ObjectId> Locals) {
  llvm::DenseSet<ObjectId> Held;
  for (const auto &[O, St] : S.Objs)
    Held.insert(O);
  for (const ThreadState &Th : S.Threads) {
    Th.forEachObject([&](ObjectId O) { Held.insert(O); });
    for (const Frame &F : Th.Frames)
      for (const auto &[P, Set] : Substs[F.Subst])
        Held.insert(Set.begin(), Set.end());
  }
  llvm::SmallVector<ObjectId, 4> Names(Locals.begin(), Locals.end());
  unsigned Depth = 1;
  for (; Depth < MaxEarlierCalls; ++Depth) {
    for (ObjectId &O : Names)
      O = Objects.earlier(O);
    if (llvm::none_of(Names, [&](ObjectId O) { return Held.contains(O); }))
      break;
  }
  return Depth;
}

/// Subst with every object of Locals in it replaced by its earlier self
/// (Renamed); a frame running inside the callee names its own locals
/// directly, so its Subst gets them mapped. Used collects what was renamed.
unsigned Explorer::withEarlierLocals(unsigned Subst, llvm::ArrayRef<ObjectId> Locals,
                                     bool InCallee,
                                     const llvm::SmallDenseMap<ObjectId, ObjectId, 4> &Renamed,
                                     llvm::SmallDenseSet<ObjectId, 4> &Used) {
  std::vector<std::pair<ObjectId, ObjectSet>> Map;
  bool Changed = false;
  for (const auto &[P, Set] : Substs[Subst]) {
    ObjectSet R;
    for (ObjectId O : Set) {
      if (auto It = Renamed.find(O); It != Renamed.end()) {
        Used.insert(O);
        O = It->second;
        Changed = true;
      }
      R.push_back(O);
    }
    Map.push_back({P, std::move(R)});
  }
  if (InCallee)
    for (ObjectId O : Locals)
      if (!Substs[Subst].count(O)) {
        Used.insert(O);
        Map.push_back({O, {Renamed.lookup(O)}});
        Changed = true;
      }
  if (!Changed)
    return Subst;
  return intern(std::move(Map));
}

const llvm::SmallVector<ObjectId, 4> &Explorer::localsOf(unsigned SumIdx) {
  const Summary &Own = sum(SumIdx);
  const FunctionDecl *FD = Own.Function->getCanonicalDecl();
  auto &[Size, Ids] = Locals[FD];
  if (Size == Objects.size())
    return Ids;
  Size = Objects.size();
  Ids.clear();
  auto OwnLocal = [&](ObjectId Root) {
    const AbstractObject &A = Objects[Root];
    // What a call allocates is its own unless it hands it back.
    if (A.Kind == ObjectKind::Allocated)
      return A.MadeIn == FD && !A.Escapes && !llvm::is_contained(Own.Returns, Root);
    const auto *Var = A.Kind == ObjectKind::Local ? static_cast<const Decl *>(A.Key) : nullptr;
    const auto *VD = dyn_cast_or_null<VarDecl>(Var);
    if (!VD || VD->isStaticLocal())
      return false;
    const auto *Owner = dyn_cast_or_null<FunctionDecl>(VD->getParentFunctionOrMethod());
    return Owner && Owner->getCanonicalDecl() == FD;
  };
  for (ObjectId O = 0; O < Size; ++O) {
    ObjectId Root = O;
    while (Objects[Root].Base != NoObject)
      Root = Objects[Root].Base;
    if (OwnLocal(Root))
      Ids.push_back(O);
  }
  return Ids;
}

bool Explorer::canReturn(unsigned SumIdx, llvm::DenseSet<unsigned> &Active) {
  const Summary &S = sum(SumIdx);
  if (!S.Valid || !Active.insert(SumIdx).second)
    return true;
  llvm::SmallVector<unsigned, 16> Work{S.Entry};
  llvm::DenseSet<unsigned> Visited;
  bool Found = false;
  while (!Work.empty() && !Found) {
    unsigned N = Work.pop_back_val();
    if (!Visited.insert(N).second)
      continue;
    for (const Edge &Ed : S.Nodes[N].Out) {
      if (Ed.Event != ~0u) {
        const Event &Ev = S.Events[Ed.Event];
        if (Ev.Kind == EventKind::Return) {
          Found = true;
          break;
        }
        if (Ev.Kind == EventKind::Call && !canReturn(Ev.Callee, Active))
          continue;
      }
      Work.push_back(Ed.To);
    }
  }
  Active.erase(SumIdx);
  return Found;
}

/// The value of a completion handler's condition when its op succeeded: its
/// error code is empty. Unknown when it reads anything else.
Truth Explorer::truthOnSuccess(const Summary &S, int Idx) {
  if (Idx < 0 || S.ErrorSlot < 0)
    return Truth::Unknown;
  const Formula &X = S.Formulas[Idx];
  auto Value = [&](int T) -> std::optional<long long> {
    const Formula &Y = S.Formulas[T];
    if (Y.K == Formula::Constant)
      return Y.Number;
    if (Y.K == Formula::Status && Y.Number == S.ErrorSlot)
      return 0;
    return std::nullopt;
  };
  switch (X.K) {
  case Formula::Not: {
    Truth L = truthOnSuccess(S, X.Left);
    return L == Truth::Unknown ? L : L == Truth::True ? Truth::False : Truth::True;
  }
  case Formula::And:
  case Formula::Or: {
    Truth L = truthOnSuccess(S, X.Left), R = truthOnSuccess(S, X.Right);
    Truth Dominant = X.K == Formula::And ? Truth::False : Truth::True;
    if (L == Dominant || R == Dominant)
      return Dominant;
    return L == Truth::Unknown || R == Truth::Unknown ? Truth::Unknown : L;
  }
  case Formula::Compare: {
    std::optional<long long> L = Value(X.Left), R = Value(X.Right);
    if (!L || !R || (X.Op != BO_EQ && X.Op != BO_NE))
      return Truth::Unknown;
    return (*L == *R) == (X.Op == BO_EQ) ? Truth::True : Truth::False;
  }
  default:
    return Truth::Unknown;
  }
}

/// Whether a run of Sum can return without arming Handler again. Branches
/// on an error code take the side its wait's success allows: the handler's
/// own, or the one it hands to a function it calls.
bool Explorer::endsChain(unsigned SumIdx, const FunctionDecl *Handler,
                         llvm::DenseSet<unsigned> &Active, bool OnlySuccess) {
  const Summary &S = sum(SumIdx);
  if (!S.Valid || !Active.insert(SumIdx).second)
    return true;
  llvm::SmallVector<unsigned, 16> Work{S.Entry};
  llvm::DenseSet<unsigned> Visited;
  bool Found = false;
  while (!Work.empty() && !Found) {
    unsigned N = Work.pop_back_val();
    if (!Visited.insert(N).second)
      continue;
    for (const Edge &Ed : S.Nodes[N].Out) {
      if (Ed.Event != ~0u) {
        const Event &Ev = S.Events[Ed.Event];
        if (Ev.Kind == EventKind::Return) {
          Found = true;
          break;
        }
        if (Ev.Kind == EventKind::Sleep && Ev.Handler == Handler)
          continue;
        if (Ev.Kind == EventKind::Call && !endsChain(Ev.Callee, Handler, Active, OnlySuccess))
          continue;
        if (Ev.Kind == EventKind::Guard && OnlySuccess) {
          Truth T = truthOnSuccess(S, Ev.Predicate);
          if (T != Truth::Unknown && (T == Truth::True) != (Ev.Out == Outcome::Success))
            continue;
        }
      }
      Work.push_back(Ed.To);
    }
  }
  Active.erase(SumIdx);
  return Found;
}

/// The wait that arms Handler (null: any handler) in Sum or the functions it
/// calls.
const Event *Explorer::rearm(unsigned SumIdx, const FunctionDecl *Handler) {
  return findInCalls(SumIdx, [&](const Event &Ev) {
    return Ev.Kind == EventKind::Sleep && Ev.Handler && (!Handler || Ev.Handler == Handler);
  });
}

/// Whether From is To or reaches it through calls.
bool Explorer::calls(unsigned From, unsigned To) const {
  return From == To || findInCalls(From, [&](const Event &Ev) {
           return Ev.Kind == EventKind::Call && Ev.Callee == To;
         });
}

/// Whether O is an event loop.
bool Explorer::isEventLoop(ObjectId O) const {
  const ChannelModel *C = Objects[O].Channel;
  return C && C->EventLoop;
}

/// The run() of an event loop that Sum, or a function it calls, waits in
/// until the loop runs out of work; Loop is set to that loop.
const Event *Explorer::blockingRun(unsigned SumIdx, ObjectId &Loop) const {
  const Event *Run = findInCalls(SumIdx, [&](const Event &Ev) {
    return Ev.Kind == EventKind::Recv &&
           llvm::any_of(Ev.Objects, [&](ObjectId O) { return isEventLoop(O); });
  });
  if (Run)
    Loop = *llvm::find_if(Run->Objects, [&](ObjectId O) { return isEventLoop(O); });
  return Run;
}

/// The spawned thread that runs the event loop a timer chain armed in
/// ChainStart keeps busy: one spawned by a function that also starts the
/// chain, else the only such thread of the translation unit.
/// Each runner is given to one chain; Taken records those given.
std::optional<Explorer::LoopRunner>
Explorer::loopRunner(unsigned ChainStart, llvm::DenseSet<const Stmt *> &Taken) {
  std::optional<LoopRunner> Starter, Only;
  unsigned Found = 0;
  // The whole translation unit: a root that only starts the chain must
  // name the same runner as one that also spawns it.
  for (const FunctionDecl *FD : E.mainFileFunctions()) {
    E.summary(*FD);
    unsigned I = E.summaryIndex(*FD);
    for (const Event &Ev : sum(I).Events) {
      if (Ev.Kind != EventKind::Spawn || Ev.Callee == ~0u)
        continue;
      ObjectId Loop = NoObject;
      const Event *Run = blockingRun(Ev.Callee, Loop);
      if (!Run)
        continue;
      ++Found;
      LoopRunner R{&sum(I).Spawns[Ev.Index], Run, Loop};
      Only = R;
      if (!Starter && calls(I, ChainStart))
        Starter = R;
    }
  }
  std::optional<LoopRunner> Chosen = Starter ? Starter : Found == 1 ? Only : std::nullopt;
  if (!Chosen || !Taken.insert(Chosen->Run->Site).second)
    return std::nullopt;
  return Chosen;
}

/// A timer whose completion handler arms it again on every path its wait's
/// success allows: the wait repeats forever, and the event loop running it
/// never runs out of work, unless some code stops an event loop, or cancels
/// a timer and the handler leaves on the failed wait. The first handler
/// may hand over to another (`[this](auto ec) { on_tick(ec); }` armed in
/// start() and again in on_tick()) before one arms itself.
void Explorer::rearmingHandlers(std::vector<Witness> &Out) {
  llvm::DenseSet<const FunctionDecl *> Seen;
  llvm::DenseSet<const Stmt *> Runners;
  for (unsigned I : Reached)
    for (const Event &First : sum(I).Events) {
      if (First.Kind != EventKind::Sleep || !First.Handler || !Seen.insert(First.Handler).second ||
          E.stopsEventLoops())
        continue;
      const FunctionDecl *Handler = First.Handler;
      for (unsigned Hop = 0; Hop < 4; ++Hop) {
        E.summary(*Handler);
        const Event *Next = rearm(E.summaryIndex(*Handler), nullptr);
        if (!Next)
          break;
        if (Next->Handler != Handler) {
          Handler = Next->Handler;
          continue;
        }
        llvm::DenseSet<unsigned> Active;
        // A cancelled timer's handler runs with operation_aborted: that
        // ends the chain only if the handler can leave on a failed wait.
        if (!endsChain(E.summaryIndex(*Handler), Handler, Active, /*OnlySuccess=*/true) &&
            (!E.cancelsTimers() ||
             !endsChain(E.summaryIndex(*Handler), Handler, Active, /*OnlySuccess=*/false))) {
          Witness W;
          W.Label = LeakLabel::LoopingTimer;
          W.Strand = StrandKind::Rearms;
          W.Blocked = Next->Site;
          W.BlockedIn = Next->Function;
          W.BlockedKind = EventKind::Sleep;
          W.RearmedAt = Next->Site;
          if (First.Site != Next->Site)
            W.StartedAt = First.Site;
          // The thread stranded is the one in the loop's run(): report there.
          if (std::optional<LoopRunner> Runner = loopRunner(I, Runners)) {
            W.Blocked = Runner->Run->Site;
            W.BlockedIn = Runner->Run->Function;
            W.BlockedKind = EventKind::Recv;
            W.Object = Runner->Loop;
            W.Spawn = Runner->Spawn;
          }
          Out.push_back(W);
        }
        break;
      }
    }
}

void Explorer::endlessThreads(std::vector<Witness> &Out) {
  for (unsigned I : Reached) {
    const Summary &S = sum(I);
    for (const Event &Ev : S.Events) {
      if (Ev.Kind != EventKind::Spawn)
        continue;
      const SpawnInfo &Sp = S.Spawns[Ev.Index];
      // A thread already explained by where it blocks.
      if (llvm::any_of(Out, [&](const Witness &W) { return W.Spawn == &Sp; }))
        continue;
      llvm::DenseSet<unsigned> Active;
      if (canReturn(Ev.Callee, Active))
        continue;
      // A task on an execution context that some code stops is abandoned
      // there, not stranded.
      if (const auto *Call = dyn_cast<CallExpr>(Sp.Site);
          Call && Sp.Spawner->ExecutorArg && *Sp.Spawner->ExecutorArg < Call->getNumArgs() &&
          E.stoppedSomewhere(Call->getArg(*Sp.Spawner->ExecutorArg)))
        continue;
      // A thread main starts may run until the program ends; one that any
      // caller can start again, or whose handle joins it, leaks.
      bool Joins = Sp.Spawner->JoinsOnDestroy && Objects[Sp.Handle].Kind == ObjectKind::Local;
      if (!Joins && S.Function && S.Function->isMain())
        continue;
      const Summary &Body = sum(Ev.Callee);
      // What the endless loop spends its time in: the first sleep, else the
      // first blocking op, in the body or the functions it calls.
      const Event *Blocking = nullptr, *Sleep = nullptr;
      llvm::SmallVector<unsigned, 8> Work{Ev.Callee};
      llvm::DenseSet<unsigned> Done;
      while (!Work.empty() && !Sleep) {
        unsigned I = Work.pop_back_val();
        if (!Done.insert(I).second)
          continue;
        for (const Event &B : sum(I).Events) {
          if (B.Kind == EventKind::Sleep && !Sleep)
            Sleep = &B;
          if ((B.Kind == EventKind::Send || B.Kind == EventKind::Recv ||
               B.Kind == EventKind::TimedRecv) && !Blocking && B.Site)
            Blocking = &B;
          if (B.Kind == EventKind::Call && B.Callee != ~0u)
            Work.push_back(B.Callee);
        }
      }
      Witness W;
      W.Label = LeakLabel::OrphanedWorker;
      W.Strand = StrandKind::EndlessLoop;
      W.Spawn = &Sp;
      W.BlockedIn = Body.Function;
      W.Blocked = Body.Body;
      if (Joins)
        W.JoiningHandle = dyn_cast<VarDecl>(static_cast<const ValueDecl *>(Objects[Sp.Handle].Key));
      if (Sleep) {
        W.Label = LeakLabel::LoopingTimer;
        W.Blocked = Sleep->Site;
        W.BlockedIn = Sleep->Function;
      } else if (Blocking && Blocking->Site) {
        W.Blocked = Blocking->Site;
        W.BlockedIn = Blocking->Function;
      }
      W.Leaver = S.Function;
      Out.push_back(W);
    }
  }
}

// ---------------------------------------------------------------------------

/// The name of the handle an operation acts through: `rows` in
/// `rows->push(v)`, `jobs` in `for (auto j : jobs)`.
std::string handleName(const Stmt *Site, const ModelIndex &Index) {
  const auto *E = dyn_cast_or_null<Expr>(Site);
  if (!E)
    return "";
  if (std::optional<ModelOp> M = Index.classifyCall(E)) {
    if (!M->Object)
      return "";
    E = M->Object;
  }
  for (unsigned Depth = 0; E && Depth < 8; ++Depth) {
    E = ignoreWrappers(E)->IgnoreParenImpCasts();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      return Ref->getDecl()->getNameAsString();
    if (const auto *Member = dyn_cast<MemberExpr>(E))
      return Member->getMemberDecl()->getNameAsString();
    if (const auto *U = dyn_cast<UnaryOperator>(E))
      E = U->getSubExpr();
    else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E); Op && Op->getNumArgs() >= 1)
      E = Op->getArg(0);
    else if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E))
      E = Call->getImplicitObjectArgument();
    else if (const auto *Sub = dyn_cast<ArraySubscriptExpr>(E))
      E = Sub->getBase();
    else
      return "";
  }
  return "";
}

std::string witnessObjectName(const LeakEngine &E, const Witness &W) {
  // The object's own name (the variable or member that owns it) when it has
  // one, else the handle the blocked operation uses.
  if (W.Object != NoObject && !E.objectsView()[W.Object].Name.empty() &&
      !E.objectsView()[W.Object].isPlaceholder())
    return E.objectName(W.Object);
  return W.ObjectName.empty() ? E.objectName(W.Object) : "'" + W.ObjectName + "'";
}

LeakEngine::LeakEngine(const ModelIndex &Index, ASTContext &Ctx)
    : Index(Index), Ctx(Ctx), Objects(Index, Ctx) {}

LeakEngine::~LeakEngine() = default;

const std::vector<Witness> &LeakEngine::witnesses(const FunctionDecl &Root) {
  auto [It, New] = Found.try_emplace(&Root);
  if (!New)
    return It->second;
  summary(Root);
  std::vector<Witness> All = Explorer(*this, summaryIndex(Root)).run();
  // One report per blocked operation.
  llvm::DenseSet<const Stmt *> Blocked;
  std::vector<Witness> Unique;
  for (Witness &W : All)
    if (W.Blocked && Blocked.insert(W.Blocked).second) {
      W.ObjectName = handleName(W.Blocked, Index);
      Unique.push_back(std::move(W));
    }
  if (debugging()) {
    llvm::errs() << "chanleak: " << Root.getQualifiedNameAsString() << ": "
                 << Unique.size() << " witness(es)\n";
    for (unsigned I = 0; I < Summaries.size(); ++I)
      if (Summaries[I]->Valid && Summaries[I]->HasEvents)
        dumpSummary(*this, *Summaries[I], llvm::errs());
  }
  return Found[&Root] = std::move(Unique);
}

LeakEngine &EngineCache::engine(const ModelIndex &Index, clang::ASTContext &Context) {
  if (Ctx != &Context) {
    Engines.clear();
    Ctx = &Context;
  }
  auto &Slot = Engines[&Index];
  if (!Slot)
    Slot = std::make_unique<LeakEngine>(Index, Context);
  return *Slot;
}

void EngineCache::clear() {
  Engines.clear();
  Ctx = nullptr;
}

static const ChannelModel *channelOf(const LeakEngine &E, const Witness &W) {
  return W.Object == NoObject ? nullptr : E.objectsView()[W.Object].Channel;
}

static bool isSignal(const LeakEngine &E, const Witness &W) {
  const ChannelModel *C = channelOf(E, W);
  return C && C->isSignal();
}

static CountKind countsOf(const LeakEngine &E, const Witness &W) {
  const ChannelModel *C = channelOf(E, W);
  return C ? C->Counts : CountKind::None;
}

namespace {
/// What the blocked operation does to its object.
enum class BlockedVerb { Send, Receive, Wait, Acquire, Run };
} // namespace

static BlockedVerb blockedVerb(const LeakEngine &E, const Witness &W) {
  if (W.BlockedKind == EventKind::Send || W.BlockedKind == EventKind::TimedSend ||
      W.BlockedKind == EventKind::SetValue)
    return BlockedVerb::Send;
  if (const ChannelModel *C = channelOf(E, W); C && C->EventLoop)
    return BlockedVerb::Run;
  switch (countsOf(E, W)) {
  case CountKind::Permits:
    return BlockedVerb::Acquire;
  case CountKind::Arrivals:
  case CountKind::Phases:
    return BlockedVerb::Wait;
  case CountKind::None:
    break;
  }
  return isSignal(E, W) ? BlockedVerb::Wait : BlockedVerb::Receive;
}

std::string blockedPhrase(const LeakEngine &E, const Witness &W) {
  std::string Name = witnessObjectName(E, W);
  switch (blockedVerb(E, W)) {
  case BlockedVerb::Send: return "send on " + Name;
  case BlockedVerb::Receive: return "receive from " + Name;
  case BlockedVerb::Wait: return "wait on " + Name;
  case BlockedVerb::Acquire: return "acquire of " + Name;
  case BlockedVerb::Run: return "run of " + Name;
  }
  llvm_unreachable("unknown verb");
}

std::string threadActivityPhrase(const LeakEngine &E, const Witness &W) {
  std::string Name = witnessObjectName(E, W);
  switch (blockedVerb(E, W)) {
  case BlockedVerb::Send: return "it sends on " + Name;
  case BlockedVerb::Receive: return "it receives from " + Name;
  case BlockedVerb::Wait: return "it waits on " + Name;
  case BlockedVerb::Acquire: return "it acquires " + Name;
  case BlockedVerb::Run: return "it runs " + Name;
  }
  llvm_unreachable("unknown verb");
}

std::string rescuePhrase(const LeakEngine &E, const Witness &W) {
  if (W.StopSource != NoObject)
    return "requesting stop on " + E.objectName(W.StopSource);
  std::string Name = witnessObjectName(E, W);
  if (W.BlockedKind == EventKind::Send || W.BlockedKind == EventKind::TimedSend)
    return "receiving from " + Name;
  if (blockedVerb(E, W) == BlockedVerb::Run)
    return "releasing the work held on " + Name + " or stopping it";
  switch (countsOf(E, W)) {
  case CountKind::Permits:
    return "releasing " + Name;
  case CountKind::Arrivals:
    return "counting down " + Name;
  case CountKind::Phases:
    return "arriving at " + Name;
  case CountKind::None:
    break;
  }
  return (isSignal(E, W) ? "notifying " : "sending to or closing ") + Name;
}

static llvm::StringRef eventName(EventKind K) {
  switch (K) {
  case EventKind::Send: return "send";
  case EventKind::Recv: return "recv";
  case EventKind::TimedSend: return "timed-send";
  case EventKind::TimedRecv: return "timed-recv";
  case EventKind::TrySend: return "try-send";
  case EventKind::TryRecv: return "try-recv";
  case EventKind::Close: return "close";
  case EventKind::Cancel: return "cancel";
  case EventKind::SetValue: return "set-value";
  case EventKind::Join: return "join";
  case EventKind::Detach: return "detach";
  case EventKind::RequestStop: return "request-stop";
  case EventKind::StopCheck: return "stop-check";
  case EventKind::Sleep: return "sleep";
  case EventKind::Start: return "start";
  case EventKind::Stop: return "stop";
  case EventKind::Spawn: return "spawn";
  case EventKind::Call: return "call";
  case EventKind::Return: return "return";
  case EventKind::LoopEnter: return "loop-enter";
  case EventKind::LoopIter: return "loop-iter";
  case EventKind::LoopExit: return "loop-exit";
  case EventKind::Write: return "write";
  case EventKind::Guard: return "guard";
  case EventKind::Arrive: return "arrive";
  case EventKind::Lock: return "lock";
  case EventKind::Unlock: return "unlock";
  }
  return "?";
}

static void dumpFormula(const LeakEngine &E, const Summary &S, int Idx, llvm::raw_ostream &OS) {
  if (Idx < 0 || unsigned(Idx) >= S.Formulas.size()) {
    OS << "?";
    return;
  }
  const Formula &F = S.Formulas[Idx];
  switch (F.K) {
  case Formula::Unknown: OS << "?"; return;
  case Formula::Constant: OS << F.Number; return;
  case Formula::Value:
    for (ObjectId O : F.Objects)
      OS << E.objectName(O) << "#" << O;
    return;
  case Formula::Not: OS << "!("; dumpFormula(E, S, F.Left, OS); OS << ")"; return;
  case Formula::Plus:
    dumpFormula(E, S, F.Left, OS);
    if (F.Right >= 0) {
      OS << (F.Op == BO_Sub ? "-" : "+");
      dumpFormula(E, S, F.Right, OS);
    }
    OS << "+" << F.Number;
    return;
  case Formula::Status: OS << "status" << F.Number; return;
  case Formula::And:
  case Formula::Or:
  case Formula::Compare:
    OS << "(";
    dumpFormula(E, S, F.Left, OS);
    OS << " "
       << (F.K == Formula::And ? "&&"
           : F.K == Formula::Or ? "||"
                                : clang::BinaryOperator::getOpcodeStr(F.Op))
       << " ";
    dumpFormula(E, S, F.Right, OS);
    OS << ")";
    return;
  }
}

void dumpSummary(const LeakEngine &E, const Summary &S, llvm::raw_ostream &OS) {
  OS << "summary " << (S.Function ? S.Function->getQualifiedNameAsString() : "?") << ": "
     << S.Nodes.size() << " nodes, entry " << S.Entry << "\n";
  for (unsigned N = 0; N < S.Nodes.size(); ++N)
    for (const Edge &Ed : S.Nodes[N].Out) {
      if (Ed.Event == ~0u)
        continue;
      const Event &Ev = S.Events[Ed.Event];
      OS << "  " << N << " -> " << Ed.To << " " << eventName(Ev.Kind);
      if (Ev.Out != Outcome::Any)
        OS << (Ev.Out == Outcome::Success ? "/ok" : "/fail");
      for (ObjectId O : Ev.Objects)
        OS << " " << E.objectName(O) << "#" << O;
      if (Ev.StatusSlot >= 0)
        OS << " -> status" << Ev.StatusSlot << (Ev.StatusOnSuccess ? "" : " (0 on success)");
      if (Ev.ResultSlot >= 0)
        OS << " result -> status" << Ev.ResultSlot;
      if (Ev.Predicate >= 0) {
        OS << " pred ";
        dumpFormula(E, S, Ev.Predicate, OS);
      }
      if (Ev.Kind == EventKind::Write)
        OS << (Ev.Write == WriteKind::Assign ? " =" : Ev.Write == WriteKind::Add ? " +=" : " =?")
           << Ev.Number << (Ev.Unlocked ? " unlocked" : "");
      if (Ev.Kind == EventKind::Call || Ev.Kind == EventKind::Spawn) {
        OS << " -> " << (E.summary(Ev.Callee).Function
                             ? E.summary(Ev.Callee).Function->getNameAsString()
                             : "?");
        for (const auto &[P, Set] : S.Bindings[Ev.Binding].Map) {
          OS << " " << E.objectName(P) << "#" << P << "=";
          for (ObjectId O : Set)
            OS << "#" << O;
        }
      }
      OS << (S.Nodes[N].Out.size() < 2                         ? ""
             : S.Nodes[N].Choice == Chooser::Benefit     ? " [benefit]"
             : S.Nodes[N].Choice == Chooser::SharedState ? " [shared]"
                                                         : "")
         << "\n";
    }
}

} // namespace chanleak
