//===- ConcurrencyFacts.h - What a function does with threads ---*- C++ -*-===//
//
// The shared analysis every chanleak check queries. For one function it
// finds the channels (through aliases, references, pointers and shared_ptr
// copies), the threads it spawns and the bodies they run (lambdas, functions,
// member functions, coroutines), and every channel op performed by each
// thread, including ops inside helper functions of the same translation unit
// that receive the channel as a parameter. Each check is a small query over
// these facts plus the path queries of ThreadPaths.h.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_ANALYSIS_CONCURRENCYFACTS_H
#define CHANLEAK_ANALYSIS_CONCURRENCYFACTS_H

#include "chanleak/Model/ModelIndex.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <deque>
#include <memory>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
} // namespace clang

namespace chanleak {

/// A channel is identified by the declaration that owns it, after aliases:
/// `auto &q = ch;` and `std::shared_ptr<Chan> p2 = p;` both name `ch`/`p`.
using ChannelId = const clang::ValueDecl *;

struct Spawn;

/// A thread of control: the analysed function itself, or a spawned body.
struct Thread {
  /// The function whose body the thread runs (a lambda's operator(), a
  /// function, a member function or a coroutine).
  const clang::FunctionDecl *Function = nullptr;
  const clang::Stmt *Body = nullptr;
  /// The spawn that started it; null for the analysed function.
  const Spawn *Origin = nullptr;
  /// The thread whose code contains the spawn; null for the analysed function.
  const Thread *Parent = nullptr;
};

struct Spawn {
  ModelSpawn Site;
  const Thread *Parent = nullptr;
  /// The statement of the parent's body that spawns (the spawn itself, or
  /// the call of the helper that spawns).
  const clang::Stmt *Anchor = nullptr;
  /// The spawned body; null when the callable's body is not visible.
  const Thread *Child = nullptr;
  /// The innermost loop around the spawn in its parent, if any.
  const clang::Stmt *Loop = nullptr;
  /// The loop's trip count when it is a constant.
  std::optional<unsigned long long> TripCount;
  /// The variable holding the handle (std::thread t, auto fut = async(...)).
  const clang::VarDecl *Handle = nullptr;
  /// The callable takes a std::stop_token and reads it.
  bool ReadsStopToken = false;
};

struct Op {
  OpKind Kind;
  const clang::Expr *Call = nullptr;
  /// The channel acted on, or null (sleep_for, a stop check).
  ChannelId Channel = nullptr;
  /// The object acted on when it is not a channel (worker, thread handle).
  const clang::ValueDecl *Object = nullptr;
  const Thread *In = nullptr;
  /// The statement of In's own body that performs the op: the op itself, or
  /// the call of the helper function that performs it.
  const clang::Stmt *Anchor = nullptr;
  /// A receive that repeats until the channel is closed: a range-for over
  /// the channel, a receive in a loop condition, a receive in an endless loop.
  bool LoopsUntilClosed = false;
  /// The innermost loop around Anchor in In's body, if any.
  const clang::Stmt *Loop = nullptr;
  /// The function whose body holds Call (In's, or a helper's).
  const clang::FunctionDecl *Function = nullptr;
  /// Whether the op repeats in a loop of its own function (which may be a
  /// helper called once from In's body).
  bool Repeats = false;
};

struct Channel {
  ChannelId Id = nullptr;
  const ChannelModel *Model = nullptr;
  ChannelCapacity Capacity;
  /// Someone outside the visible code may use it: a parameter, a member, a
  /// global, returned, or passed to a function whose body is not visible.
  bool Escapes = false;
  /// Why it escapes, for debugging output.
  const clang::Stmt *EscapeSite = nullptr;
  /// A cancelled receive leaves it acting as a rendezvous channel (a defect
  /// of the library version in use, see ChannelModel).
  bool CancelledReceiveDisablesBuffer = false;
};

class ConcurrencyFacts {
public:
  ConcurrencyFacts(const clang::FunctionDecl &Root, const ModelIndex &Index,
                   clang::ASTContext &Ctx);

  const Thread &root() const { return Threads.front(); }
  const std::deque<Thread> &threads() const { return Threads; }
  const std::deque<Spawn> &spawns() const { return Spawns; }
  const std::vector<Op> &ops() const { return Ops; }
  const Channel *channel(ChannelId Id) const;
  const std::vector<Channel> &channels() const { return Channels; }

  /// Ops on a channel, in every thread.
  llvm::SmallVector<const Op *, 8> opsOn(ChannelId Id) const;
  /// Ops performed by a thread (including in its helpers).
  llvm::SmallVector<const Op *, 8> opsIn(const Thread &T) const;

  const ModelIndex &index() const { return Index; }
  clang::ASTContext &context() const { return Ctx; }

private:
  friend class FactsBuilder;
  const ModelIndex &Index;
  clang::ASTContext &Ctx;
  std::deque<Thread> Threads;
  std::deque<Spawn> Spawns;
  std::vector<Op> Ops;
  std::vector<Channel> Channels;
};

/// How a class uses a member channel it keeps to itself.
struct FieldUse {
  /// The methods that touch the member.
  llvm::SmallPtrSet<const clang::FunctionDecl *, 4> Users;
  /// The close and cancel calls on it.
  llvm::SmallVector<const clang::Expr *, 2> Closes;
};

/// How its class uses a member channel, when the class keeps it to itself
/// (not public, every method defined in this translation unit, never handed
/// to other code); std::nullopt when others may use it.
std::optional<FieldUse> fieldUse(const clang::FieldDecl *Field,
                                 const ModelIndex &Index);

/// The functions that use a global channel, when no other translation unit
/// can (internal linkage, or no declaration outside the main file) and no
/// other global's initializer names it; std::nullopt otherwise.
std::optional<llvm::SmallPtrSet<const clang::FunctionDecl *, 4>>
globalUsers(const clang::VarDecl *Global, clang::ASTContext &Ctx);

/// Prints the facts, for CHANLEAK_DEBUG=1 and bug reports.
void dumpFacts(const ConcurrencyFacts &F, llvm::raw_ostream &OS);

/// A name for messages: the channel's variable name.
std::string channelName(ChannelId Id);

} // namespace chanleak

#endif
