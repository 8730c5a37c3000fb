//===- ThreadModel.h - Threads as automata over abstract objects -*- C++ -*-===//
//
// What the extractor (Extractor.cpp) makes of a function body and what the
// explorer (Explorer.cpp) runs: abstract objects (a channel, promise, thread
// handle or worker, named by where it was created or by the member or global
// that holds it), events on them, and one automaton per function, built
// once per translation unit and reused by every caller and spawner.
//
// A function's automaton speaks of its own parameters, captures and `this`
// through placeholder objects; a call or a spawn binds each placeholder to
// the caller's objects, so the same summary serves every call site.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_ANALYSIS_THREADMODEL_H
#define CHANLEAK_ANALYSIS_THREADMODEL_H

#include "chanleak/Model/ModelIndex.h"
#include "clang/AST/OperationKinds.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
class ParmVarDecl;
class ValueDecl;
class Expr;
} // namespace clang

namespace chanleak {

using ObjectId = unsigned;
constexpr ObjectId NoObject = ~0u;
/// Status variables a frame follows (`got = cv.wait_for(...)`).
constexpr unsigned MaxStatusSlots = 16;
using ObjectSet = llvm::SmallVector<ObjectId, 2>;

enum class ObjectKind : unsigned char {
  Local,       ///< a variable of the analysed code that owns the object
  Allocated,   ///< made by make_shared/make_unique/new at an expression
  Field,       ///< a member of another object (Base)
  Global,      ///< a namespace-scope or static variable
  Elements,    ///< the elements of a container object (Base)
  Parameter,   ///< placeholder: a parameter of the summarised function
  Capture,     ///< placeholder: a variable a lambda captures
  This,        ///< placeholder: `*this` of a class's methods
};

/// An abstract object: what a handle may name.
struct AbstractObject {
  ObjectKind Kind;
  const void *Key = nullptr; ///< the declaration or expression naming it
  ObjectId Base = NoObject;  ///< the holder of a Field or Elements object
  /// Its role, from its type: a channel (or one-shot), a worker with a
  /// start/stop lifecycle, a thread handle; none for plain class objects.
  const ChannelModel *Channel = nullptr;
  const LifecycleModel *Lifecycle = nullptr;
  const SpawnerModel *Handle = nullptr;
  ChannelCapacity Capacity;
  bool CancelledReceiveDisablesBuffer = false;
  /// A counter sized by a loop's bound: its count is what the exploration
  /// gives that bound (index into the engine's symbols), when its capacity
  /// is unknown.
  int CountSymbol = -1;
  /// Elements: a channel put into the container has set Capacity.
  bool ElementPut = false;
  std::string Name;
  clang::SourceLocation Loc;
  /// Allocated into a local of this function (`auto ch =
  /// std::make_shared<Chan>()`): each call makes a new one.
  const clang::FunctionDecl *MadeIn = nullptr;
  /// Code the analysis cannot see may use it (a parameter, a public member,
  /// a global other files can name, stored or passed to unknown code).
  bool Escapes = false;
  const clang::Stmt *EscapeSite = nullptr;

  bool isPlaceholder() const {
    return Kind == ObjectKind::Parameter || Kind == ObjectKind::Capture ||
           Kind == ObjectKind::This;
  }
};

/// Every abstract object of one translation unit, interned by key.
class ObjectTable {
public:
  ObjectTable(const ModelIndex &Index, clang::ASTContext &Ctx)
      : Index(Index), Ctx(Ctx) {}

  ObjectId local(const clang::ValueDecl *D);
  ObjectId allocated(const clang::Expr *E, clang::QualType Type);
  /// The channel O made at Site instead, with capacity C: what a factory
  /// sized by its parameter returns to one call.
  ObjectId remade(ObjectId O, const clang::Expr *Site, ChannelCapacity C);
  ObjectId global(const clang::VarDecl *D);
  ObjectId field(ObjectId Base, const clang::FieldDecl *F);
  ObjectId elements(ObjectId Container, clang::QualType ElementType);
  ObjectId placeholder(ObjectKind K, const void *Key, clang::QualType Type,
                       llvm::StringRef Name);
  /// A channel of capacity C put into the container whose elements are
  /// Elements: they have that capacity while every channel put agrees.
  void putElement(ObjectId Elements, ChannelCapacity C);
  /// The same member (or elements) of another holder: what a summary's
  /// `this->ch_` is once `this` is bound.
  ObjectId rebase(ObjectId Member, ObjectId NewBase);
  /// A local object (or a member of one) of an earlier call of its
  /// function, which that call's threads still hold while a new call makes
  /// its own: the same kind of object, no longer the local.
  ObjectId earlier(ObjectId O);

  const AbstractObject &operator[](ObjectId Id) const { return Objects[Id]; }
  AbstractObject &operator[](ObjectId Id) { return Objects[Id]; }
  unsigned size() const { return Objects.size(); }

  /// A reference or pointer member of Base bound at Base's construction
  /// (`Guard g{ch}`): it names these objects, not a member of its own.
  void aliasField(ObjectId Base, const clang::FieldDecl *F, ObjectSet Targets) {
    FieldAliases[{Base, F}] = std::move(Targets);
  }
  const ObjectSet *fieldAlias(ObjectId Base, const clang::FieldDecl *F) const {
    auto It = FieldAliases.find({Base, F});
    return It == FieldAliases.end() ? nullptr : &It->second;
  }
  /// What a local container's elements name: every handle put into it
  /// (`calls.push_back(call)`), while each put names something; one put of
  /// unknown origin leaves the elements an object of their own.
  void aliasElements(ObjectId Elements, const ObjectSet &Targets);
  const ObjectSet *elementAlias(ObjectId Elements) const {
    auto It = ElementAliases.find(Elements);
    return It == ElementAliases.end() || It->second.empty() ? nullptr : &It->second;
  }
  /// The aliased members of Base.
  llvm::SmallVector<std::pair<const clang::FieldDecl *, ObjectSet>, 2>
  aliasesOf(ObjectId Base) const {
    llvm::SmallVector<std::pair<const clang::FieldDecl *, ObjectSet>, 2> R;
    for (auto It = FieldAliases.lower_bound({Base, nullptr});
         It != FieldAliases.end() && It->first.first == Base; ++It)
      R.push_back({It->first.second, It->second});
    return R;
  }

  /// Whether unseen code may act on the object: it escapes, or its holder
  /// does (a member of a parameter), or it is a placeholder nobody bound.
  bool escapes(ObjectId Id) const;
  void markEscape(ObjectId Id, const clang::Stmt *Where);

  const ModelIndex &index() const { return Index; }

private:
  ObjectId intern(ObjectKind K, const void *Key, ObjectId Base,
                  clang::QualType Type, llvm::StringRef Name,
                  clang::SourceLocation Loc, const clang::Expr *Init);
  const ModelIndex &Index;
  clang::ASTContext &Ctx;
  std::vector<AbstractObject> Objects;
  std::map<std::tuple<ObjectKind, const void *, ObjectId>, ObjectId> Keys;
  /// Per member: the member whose object it names (itself, or the one it is
  /// made from); field() asks on every member access.
  llvm::DenseMap<const clang::FieldDecl *, const clang::FieldDecl *> Named;
  std::map<std::pair<ObjectId, const clang::FieldDecl *>, ObjectSet> FieldAliases;
  /// An empty set: a put named nothing, so the elements alias nothing.
  std::map<ObjectId, ObjectSet> ElementAliases;
};

enum class EventKind : unsigned char {
  Send,
  Recv,
  TimedSend,
  TimedRecv,
  TrySend,
  TryRecv,
  Close,
  Cancel,
  SetValue,    ///< one-shot: a second one throws
  Join,        ///< on a thread handle: waits for its thread to end
  Detach,      ///< on a thread handle: nobody will join it
  RequestStop, ///< on a thread handle or stop source
  StopCheck,   ///< reads the stop token
  Sleep,
  Start,       ///< a modelled worker starts (no visible body)
  Stop,        ///< a modelled worker stops
  Spawn,       ///< starts a thread running Callee under Binding
  Call,        ///< runs Callee's summary under Binding
  Return,      ///< leaves the function (return, throw, end of body)
  LoopEnter,   ///< resets Loop's counter
  LoopIter,    ///< one more iteration of Loop
  LoopExit,    ///< Loop ends
  Write,       ///< changes shared state a wait's predicate or a branch reads
  Guard,       ///< a branch on shared state: taken when Formula holds
               ///< (Out Success) or does not (Out Fail)
  Arrive,      ///< counts a latch or barrier down by Number
  Lock,        ///< takes a mutex: waits while another thread holds it
  Unlock,      ///< releases a mutex
};

/// A condition on shared state (a wait's predicate, a branch on a member, a
/// global or a local that threads share), which the explorer evaluates in
/// three-valued logic: what it cannot read is unknown.
struct Formula {
  enum Kind : unsigned char {
    Unknown,
    Constant, ///< Number
    Value,    ///< the value of a variable, or the size of a container
    Not,      ///< !Left
    And,      ///< Left && Right
    Or,       ///< Left || Right
    Compare,  ///< Left Op Right
    Plus,     ///< Left + Number, and Op (+ or -) Right when there is one
    Status,   ///< the variable holding an op's status: the frame's slot Number
  };
  Kind K = Unknown;
  clang::BinaryOperatorKind Op = clang::BO_EQ;
  long long Number = 0;
  ObjectSet Objects;
  int Left = -1, Right = -1;
};

/// How a Write changes its variable.
enum class WriteKind : unsigned char {
  Assign, ///< to Number
  Add,    ///< Number (negative: subtract)
  Havoc,  ///< to a value the engine does not know
};

/// Which way a status-returning op went, when a branch on its result tells.
enum class Outcome : unsigned char {
  Any,     ///< whichever the state allows
  Success, ///< got the value / room / stop request
  Fail,    ///< gave up (timed), found it closed (receive loop), no stop
};

struct Event {
  EventKind Kind;
  Outcome Out = Outcome::Any;
  /// The objects acted on (more than one when the handle may name several:
  /// the explorer may pick any of them).
  ObjectSet Objects;
  /// The call, return or throw; the loop statement for loop events.
  const clang::Stmt *Site = nullptr;
  /// The function whose body holds Site.
  const clang::FunctionDecl *Function = nullptr;
  /// Spawn and Call: the summary run and the binding of its placeholders.
  unsigned Callee = ~0u;
  unsigned Binding = ~0u;
  /// Call of a static local's constructor: that object. It runs the first
  /// time only.
  ObjectId InitialisesOnce = NoObject;
  /// Spawn: index into Summary::Spawns. Loop events: into Summary::Loops.
  unsigned Index = ~0u;
  /// Call of a function that may throw: the node where the caller goes
  /// when it does (its live objects' destructors, then a throwing return;
  /// or on, when a handler here may catch it).
  unsigned Unwind = ~0u;
  /// Return: the path ends by a throw.
  bool Throws = false;
  /// Recv: it repeats in a loop that only a failed receive ends (a range
  /// over the channel, a status loop, a receive in an endless loop).
  bool LoopsUntilClosed = false;
  /// Guard: the condition; a condition variable's wait: its predicate
  /// (none: it waits for a notify). Index into Summary::Formulas.
  int Predicate = -1;
  /// Write, and a counter's Send (release) or Arrive: what it does (a
  /// counter's change is an Add, or Havoc when its amount is unknown).
  WriteKind Write = WriteKind::Havoc;
  long long Number = 0;
  /// A Havoc write of an integer parameter's value (`size_ = size;`): the
  /// value the call gave that parameter, when it gave a constant.
  const clang::ParmVarDecl *FromParam = nullptr;
  /// Write: no lock is held where it happens; Call: none where it is made.
  bool Unlocked = false;
  /// A notify that wakes one waiter only.
  bool WakesOne = false;
  /// RequestStop by a handle's destructor: only while the handle still owns
  /// its thread (not after detach).
  bool IfJoinable = false;
  /// A wait without a predicate of its own, in a loop on the state it waits
  /// for: that state was checked at the loop's head, not at the wait.
  bool ChecksAtLoopHead = false;
  /// A wait handed a stop token: the stop states whose request ends it.
  ObjectSet Interrupts;
  /// A condition variable's wait: the mutexes it releases while it sleeps
  /// and takes again before it returns.
  ObjectSet Mutexes;
  /// An op whose status a variable keeps (`got = cv.wait_for(...)`): the
  /// frame's status slot it sets, and the variable's value when it succeeded.
  int StatusSlot = -1;
  bool StatusOnSuccess = true;
  /// Call whose result a branch tests (`while (auto job = q.pop())`): the
  /// caller's status slot that the callee's return sets. Return: what it
  /// gives such a caller (Out: a `true`, a value, a non-null pointer is
  /// Success; `false`, an empty optional, a null pointer is Fail).
  int ResultSlot = -1;
  /// Guard, loop events: the condition reads only the thread's own status
  /// variables, which no other thread's step can change.
  bool Private = false;
  /// A timer wait handed a completion handler of this program: the handler.
  /// The call itself returns at once; the handler runs when the wait ends.
  const clang::FunctionDecl *Handler = nullptr;
};

/// A choice between edges that the engine cannot decide: the stranding
/// choices (a branch on local data: an error, a parameter) are the
/// adversary's; choices that depend on what other threads do (a value
/// received, shared state, a loop of unknown length) get the benefit of the
/// doubt.
/// Who takes a branch. SharedState: a branch on state other threads share
/// (`if (cache_->has(key)) return;`), the adversary's in the analysed
/// function itself before it starts a first thread (the state is what its
/// callers left), the benefit of the doubt's once a thread may have written
/// it and in the functions it calls.
enum class Chooser : unsigned char { Adversary, Benefit, SharedState };

struct Edge {
  unsigned Event; ///< ~0u: no event
  unsigned To;
};

struct Node {
  llvm::SmallVector<Edge, 2> Out;
  Chooser Choice = Chooser::Adversary;
  /// The head of a loop whose length the code does not state: how long it
  /// runs is the adversary's only in the analysed function itself.
  bool OpenLoop = false;
};

struct LoopInfo {
  const clang::Stmt *Stmt = nullptr;
  /// The trip count, when the bounds and step are constants.
  std::optional<unsigned> Count;
  /// A count shared with other loops over the same bound (`i < n`, a range
  /// over a container): index into the engine's symbols. The loop runs
  /// Scale * that count + Offset times (`j < n * 2`, `j < n - 1`).
  int Symbol = -1;
  long long Scale = 1, Offset = 0;
  /// A poll: a loop that only sleeps (and tests shared state) and leaves
  /// only by its own condition. While the condition holds, its thread waits
  /// for another's write as a wait does for a notify; while the engine
  /// cannot read it, leaving is a choice of timing, not a count of rounds.
  struct Poll {
    unsigned Head = 0; ///< the node that tests the condition
    unsigned Exit = 0; ///< its edge out of the loop
    int Condition = -1;
    /// Stop checks of its condition (events): a requested stop ends it.
    llvm::SmallVector<unsigned, 1> StopChecks;
  };
  std::optional<Poll> Polls;
};

struct Binding {
  /// Placeholder of the callee -> objects of the caller (in the caller's
  /// own naming, itself resolved through the caller's binding).
  llvm::SmallVector<std::pair<ObjectId, ObjectSet>, 4> Map;
  /// An integer parameter of the callee that the call gives a constant, or
  /// a parameter of the caller's (`Pool pool(2)`; `Start(n)`): a loop
  /// bounded by it runs that many times.
  struct Count {
    const clang::ParmVarDecl *Param = nullptr;
    std::optional<long long> Value;
    const clang::ParmVarDecl *From = nullptr;
  };
  llvm::SmallVector<Count, 1> Counts;
};

struct SpawnInfo {
  const SpawnerModel *Spawner = nullptr;
  const clang::Expr *Site = nullptr;
  /// The variable holding the handle (std::thread t, auto f = async(...)).
  ObjectId Handle = NoObject;
  /// The callable takes a std::stop_token and reads it.
  bool ReadsStopToken = false;
  /// The innermost loop of the spawning function around the spawn.
  const clang::Stmt *Loop = nullptr;
};

/// A function's behaviour: an automaton whose edges carry events.
struct Summary {
  const clang::FunctionDecl *Function = nullptr;
  const clang::Stmt *Body = nullptr;
  bool Valid = false;
  unsigned Entry = 0;
  std::vector<Node> Nodes;
  std::vector<Event> Events;
  std::vector<Formula> Formulas;
  std::vector<Binding> Bindings;
  std::vector<LoopInfo> Loops;
  std::vector<SpawnInfo> Spawns;
  /// The objects a call returns.
  ObjectSet Returns;
  /// Placeholders of this summary that it lets escape.
  ObjectSet Escapes;
  /// Whether some edge performs an event (an empty summary is not called).
  bool HasEvents = false;
  /// Whether some path ends by a throw.
  bool MayThrow = false;
  /// Per node: whether an event other than sleeps and loop bookkeeping, or
  /// the end of the function, can still be reached from it.
  std::vector<bool> CanProgress;
  /// Per node: the loop that polls there (LoopInfo::Polls), or -1.
  std::vector<int> PollLoop;
  /// The status slot of an error-code parameter, or -1: run as a completion
  /// handler, it is empty (0) unless its op was cancelled.
  int ErrorSlot = -1;
};

/// Loop counts shared between loops (the same bound variable or container).
struct LoopSymbol {
  const clang::Decl *Key = nullptr;
  /// Whether some loop of this count spawns threads: its length is the
  /// adversary's (N senders, one receive); other lengths are given the
  /// benefit of the doubt.
  bool Spawns = false;
  /// Spawning loops of this count whose threads act only on objects made in
  /// their own round, and those whose threads share something: when none
  /// share, rounds cannot strand each other and one round shows every leak.
  unsigned RoundsOwnTheirObjects = 0, RoundsShareObjects = 0;
  bool roundsIndependent() const {
    return RoundsOwnTheirObjects > 0 && RoundsShareObjects == 0;
  }
  /// A caller of the function may pass an empty container: that call.
  bool MayBeZero = false;
  const clang::CallExpr *EmptyCaller = nullptr;
};

/// The value an expression gives a variable of shared state, when it is a
/// constant (`false`, `0`, an empty container, `std::atomic<int>{2}`).
std::optional<long long> stateConstant(const clang::Expr *E, clang::ASTContext &Ctx);
/// A shared variable's value before any write: its initializer's.
std::optional<long long> initialValue(const ObjectTable &Objects, ObjectId O,
                                      clang::ASTContext &Ctx);

/// Whether formula F of Fs reads nothing (`false`, `1 > 0`): no write to
/// shared state changes it.
bool isConstantFormula(llvm::ArrayRef<Formula> Fs, int F);

/// A std::shared_ptr, unique_ptr or weak_ptr (through references).
bool isSmartPointer(clang::QualType T);

/// Whether D belongs to the standard library (members of std classes too),
/// which only moves or stores what it is given.
bool isStandardLibrary(const clang::Decl *D);

} // namespace chanleak

#endif
