//===- ApiModel.h - The shared model of concurrency APIs --------*- C++ -*-===//
//
// One description of the concurrency APIs chanleak understands, in roles:
// channels (with capacity semantics and ops), spawners, one-shot channels,
// cancellation, timers and start/stop lifecycles. Every engine (clang-tidy
// checks, the analyzer plugin, the runtime) reads this model; none of them
// hard-codes an API. This header has no clang dependency so that the runtime
// and the model-file parser can use it.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_MODEL_APIMODEL_H
#define CHANLEAK_MODEL_APIMODEL_H

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chanleak {

/// What an operation does to the channel (or one-shot, timer, worker) it is
/// called on. Names follow Go's vocabulary.
enum class OpKind {
  Send,        ///< blocks until a receiver or a free slot takes the value
  Recv,        ///< blocks until a value arrives or the channel is closed
  TrySend,     ///< never blocks
  TryRecv,     ///< never blocks
  TimedSend,   ///< blocks at most a duration; may give up
  TimedRecv,   ///< blocks at most a duration; may give up (a timeout branch)
  Close,       ///< no more sends; ends receive loops
  Cancel,      ///< aborts pending operations on both sides
  SetValue,    ///< one-shot send (promise::set_value): never blocks, twice throws
  Wait,        ///< a blocking wait with no deadline (future::get/wait, join)
  TimedWait,   ///< a wait with a deadline (future::wait_for)
  RequestStop, ///< asks a stoppable worker to stop
  StopCheck,   ///< reads a stop request (stop_token::stop_requested)
  Sleep,       ///< sleeps or waits on a timer
  Start,       ///< starts a worker that must later be stopped
  Stop,        ///< stops a started worker
  Join,        ///< waits for a spawned thread to end
  Detach,      ///< gives up every later join
  Arrive,      ///< counts down a latch or barrier (by its argument, else 1)
  ArriveAndWait, ///< counts down, then waits until the count reaches zero
};

/// The last OpKind, for code that walks the whole vocabulary.
constexpr OpKind LastOpKind = OpKind::ArriveAndWait;

llvm::StringRef opKindName(OpKind K);
std::optional<OpKind> parseOpKind(llvm::StringRef Name);

/// What a status enumerator returned by a timed op says: true for success
/// (boost::fibers::channel_op_status::success, std::future_status::ready,
/// std::cv_status::no_timeout), false for giving up (timeout, empty, closed,
/// full), std::nullopt when unknown.
std::optional<bool> statusMeansSuccess(llvm::StringRef Enumerator);

/// True for ops that can leave their thread blocked forever.
bool opBlocks(OpKind K);
bool opIsSend(OpKind K);
bool opIsRecv(OpKind K);

/// How a channel's capacity is decided.
enum class CapacityKind {
  Rendezvous, ///< a send waits for a receiver
  Bounded,    ///< a send waits while `capacity` values are queued
  Unbounded,  ///< a send never waits
};

llvm::StringRef capacityKindName(CapacityKind K);

struct CapacityRule {
  /// The kind when the capacity argument is absent.
  CapacityKind DefaultKind = CapacityKind::Rendezvous;
  /// Index of the constructor argument that gives the capacity, if any.
  std::optional<unsigned> Arg;
  /// Added to the argument to get the number of values that fit: Boost.Fiber's
  /// buffered_channel(N) holds only N - 1.
  int Adjust = 0;
  /// What a capacity argument of zero means: a rendezvous for Asio's
  /// max_buffer_size, an unbounded queue for msd::channel.
  CapacityKind ZeroMeans = CapacityKind::Rendezvous;

  /// The number of values that fit without a receiver, for a constructor
  /// argument value (or none); std::nullopt means unbounded.
  std::optional<unsigned long long>
  effectiveCapacity(std::optional<long long> ArgValue) const;
};

/// What a receive op returns when the channel is closed and drained: this is
/// what ends a `while (ch.pop(v) == success)` or `while (q.Pop(v))` loop.
enum class RecvStatus {
  None,   ///< returns the value or throws
  Bool,   ///< false once closed
  Status, ///< an enum status: not success once closed
};

/// A library defect present before a given version, which the library's
/// version macro tells apart: ASIO_VERSION 102800 is Asio 1.28. Headers
/// rarely include their version header, so when the macro is not defined
/// the version is read from Header, found in a parent directory of the
/// header that declares the type ("asio/version.hpp").
struct VersionBound {
  std::string Macro;
  std::string Header;
  std::uint64_t FixedIn = 0;
};

/// What a counting primitive counts, starting from its constructor's
/// capacity argument.
enum class CountKind {
  None,     ///< a channel of values
  Permits,  ///< a semaphore: `release(n)` adds n (a send), `acquire` takes one
  Arrivals, ///< a latch: waits return once the count reached zero, for good
  Phases,   ///< a barrier: the count restarts when a phase completes
};

llvm::StringRef countKindName(CountKind K);
std::optional<CountKind> parseCountKind(llvm::StringRef Name);

struct ChannelModel {
  std::string TypeName; ///< fully qualified class or template name
  std::string Family;   ///< "std", "boost.fiber", "asio", "msd", "user"...
  CapacityRule Capacity;
  llvm::StringMap<OpKind> Methods; ///< method (or operator) name -> op
  RecvStatus ReceiveStatus = RecvStatus::None;
  bool RangeIterable = false;   ///< `for (auto v : ch)` receives until close
  bool CloseWakesSenders = true; ///< false for Asio: close() strands senders
  bool CloseWakesReceivers = true;
  bool OneShot = false; ///< promise/future: one value, ever
  /// A semaphore, latch or barrier: a count instead of values; the
  /// capacity rule gives its initial value and an op's first argument, when
  /// given, how much a send (release) or an arrival changes it.
  CountKind Counts = CountKind::None;
  /// An event loop (asio::io_context): a count of the work held on it, from
  /// zero, with Counts == Arrivals. Its receive (run) returns once no work
  /// is held, or once its Stop op has run; work guards (WorkGuardModel)
  /// hold work on it.
  bool EventLoop = false;
  /// A receive cancelled while it waits (the loser of an `||` race) leaves
  /// the buffer unusable: later sends wait for a receiver as on a rendezvous
  /// channel. Asio before 1.28 (asio issue 1241).
  std::optional<VersionBound> CancelledReceiveDisablesBuffer;

  std::optional<OpKind> opFor(llvm::StringRef Method) const;
  /// Whether receivers can learn that no more values come (close, a status
  /// or range iteration): only then does a receive loop end.
  bool endsReceiveLoops() const;
  /// Whether this is a condition variable (notify/wait, no values).
  bool isSignal() const;
  /// A condition variable's notifies that wake one waiter (notify_one); the
  /// others wake every waiter.
  llvm::SmallVector<std::string, 1> WakesOneWaiter;
  bool wakesOne(llvm::StringRef Method) const {
    return llvm::is_contained(WakesOneWaiter, Method);
  }
};

/// What a method of a standard container or atomic does to the value a
/// wait's predicate reads of it: a container's size, an atomic's value.
enum class StateEffect {
  None,      ///< const: reads only
  Grows,     ///< push, emplace, insert: size + 1
  Shrinks,   ///< pop, pop_front: size - 1
  Empties,   ///< clear, reset: size 0
  Stores,    ///< store, exchange: the argument
  Adds,      ///< fetch_add: + the argument
  Subtracts, ///< fetch_sub: - the argument
  Unknown,   ///< any other mutation
};
StateEffect stateEffect(llvm::StringRef Method, bool IsConst);

/// What a predicate reads through a method of a standard container or
/// atomic: the value kept for it (size, load, a conversion), or whether it
/// is empty.
enum class StateRead { None, Value, Empty };
StateRead stateRead(llvm::StringRef Method, bool IsConversion);

/// Whether a method of a standard container returns a reference or an
/// iterator to its elements (front, at, begin): what it names is what the
/// container holds, so `for (auto &t : threads) t.join()` joins the threads.
bool namesElements(llvm::StringRef Method);

/// Whether a class holds a value or nothing (std::optional): the value kept
/// for it is whether it holds one, 1 once assigned a value, 0 once reset.
bool isOptional(llvm::StringRef QualifiedName);
/// Whether a class is the tag that empties an optional (std::nullopt_t).
bool isEmptyOptionalTag(llvm::StringRef QualifiedName);

/// What a call does to the mutex it is made on: takes it (lock), releases it
/// (unlock), or neither.
enum class LockEffect { None, Acquires, Releases };
LockEffect lockEffect(llvm::StringRef Method);

/// Whether a variable of this class holds a mutex from its construction to
/// its destruction (std::lock_guard, std::unique_lock, std::scoped_lock).
bool isScopedLock(llvm::StringRef QualifiedName);

/// Whether a class is a mutex that one thread at a time holds (not a
/// recursive one, which its holder may take again).
bool isMutex(llvm::StringRef QualifiedName);

/// A function or constructor that starts a thread or task running a callable.
struct SpawnerModel {
  std::string Name; ///< qualified function name, or class name when IsConstructor
  std::string Family;
  bool IsConstructor = false;
  unsigned CallableArg = 0;  ///< which argument is the callable
  /// Arguments from here on are passed to the callable (std::thread(f, a, b)).
  std::optional<unsigned> FirstForwardedArg;
  /// The spawned callable receives a stop token as its first parameter when
  /// it accepts one (std::jthread).
  bool PassesStopToken = false;
  /// The handle's destructor waits for the task (jthread, async's future):
  /// a task that never ends hangs its parent at scope exit.
  bool JoinsOnDestroy = false;
  /// An exception leaving the callable ends the program (std::terminate),
  /// rather than ending the task quietly or reaching whoever waits for it.
  bool TerminatesOnThrow = false;
  /// Only counts as a new thread under a launch policy naming this enumerator
  /// (std::async without std::launch::async may run deferred).
  std::string RequiredPolicy;
  /// The argument naming the executor or execution context the task runs on
  /// (asio::co_spawn, asio::post): stopping that context abandons the task,
  /// so a task that never ends is not stranded once some code stops it.
  std::optional<unsigned> ExecutorArg;
};

/// A type whose Start-like method must be paired with a Stop-like one.
struct LifecycleModel {
  std::string TypeName;
  std::vector<std::string> StartMethods;
  std::vector<std::string> StopMethods;
  /// The destructor stops a started worker (RAII), so scope exit is a Stop.
  bool DestructorStops = false;
};

/// A work guard (asio::executor_work_guard): its construction holds work
/// on the event loop its argument names, so that loop's run() does not
/// return; a release method or its destructor lets go.
struct WorkGuardModel {
  std::string TypeName;
  std::vector<std::string> ReleaseMethods;
};

/// A type or function whose calls are stop checks, sleeps or cancellations,
/// keyed by qualified name: "std::stop_token::stop_requested" -> StopCheck.
struct FunctionRole {
  std::string Name;
  OpKind Kind;
  /// The argument that is a completion handler (`timer.async_wait(h)`): the
  /// op returns at once and runs it when it completes, telling it through an
  /// error-code parameter whether the op was cancelled.
  std::optional<unsigned> HandlerArg = std::nullopt;
};

/// The whole model: built-ins plus whatever a model file or annotations add.
class ApiModel {
public:
  /// The built-in model: std, Boost.Fiber, Asio/Boost.Asio channels, msd.
  static ApiModel builtin();

  const ChannelModel *findChannel(llvm::StringRef QualifiedName) const;
  const SpawnerModel *findSpawner(llvm::StringRef QualifiedName) const;
  const LifecycleModel *findLifecycle(llvm::StringRef QualifiedName) const;
  const WorkGuardModel *findWorkGuard(llvm::StringRef QualifiedName) const;
  /// Free functions and methods with a fixed role (sleep_for, stop_requested).
  std::optional<OpKind> findFunctionRole(llvm::StringRef QualifiedName) const;
  const FunctionRole *functionRole(llvm::StringRef QualifiedName) const;

  void addChannel(ChannelModel M);
  void addSpawner(SpawnerModel M);
  void addLifecycle(LifecycleModel M);
  void addWorkGuard(WorkGuardModel M);
  void addFunctionRole(FunctionRole R);
  /// Adds everything in Other; entries of Other win over same-named ones here.
  void merge(const ApiModel &Other);

  const std::vector<ChannelModel> &channels() const { return Channels; }
  const std::vector<SpawnerModel> &spawners() const { return Spawners; }
  const std::vector<LifecycleModel> &lifecycles() const { return Lifecycles; }
  const std::vector<WorkGuardModel> &workGuards() const { return WorkGuards; }
  const std::vector<FunctionRole> &functionRoles() const { return Roles; }

private:
  std::vector<ChannelModel> Channels;
  std::vector<SpawnerModel> Spawners;
  std::vector<LifecycleModel> Lifecycles;
  std::vector<WorkGuardModel> WorkGuards;
  std::vector<FunctionRole> Roles;
};

} // namespace chanleak

#endif
