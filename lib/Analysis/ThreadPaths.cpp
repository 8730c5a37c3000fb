//===- ThreadPaths.cpp - Path queries over one thread's CFG ---------------===//

#include "chanleak/Analysis/ThreadPaths.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include <deque>
#include <functional>

using namespace clang;

namespace chanleak {

static bool containsTry(const Stmt *S) {
  if (!S)
    return false;
  if (isa<CXXTryStmt>(S))
    return true;
  for (const Stmt *Child : S->children())
    if (containsTry(Child))
      return true;
  return false;
}

ThreadPaths::ThreadPaths(const FunctionDecl *FD, const Stmt *Body,
                         ASTContext &Ctx) {
  if (!Body)
    return;
  CFG::BuildOptions Options;
  // Calls that may throw matter only when this body catches them: then a
  // throwing call is an early exit through the handler.
  Options.AddEHEdges = containsTry(Body);
  Options.PruneTriviallyFalseEdges = true;
  Options.AddInitializers = true;
  Options.setAllAlwaysAdd();
  Cfg = CFG::buildCFG(FD, const_cast<Stmt *>(Body), &Ctx, Options);
  if (!Cfg)
    return;
  Parents = std::make_unique<ParentMap>(const_cast<Stmt *>(Body));
  for (const CFGBlock *Block : *Cfg) {
    unsigned Index = 0;
    for (const CFGElement &Element : *Block) {
      if (auto S = Element.getAs<CFGStmt>())
        Positions.try_emplace(S->getStmt(), Position{Block, Index});
      ++Index;
    }
    if (const Stmt *Term = Block->getTerminatorStmt())
      Positions.try_emplace(Term, Position{Block, Index});
  }
}

ThreadPaths::~ThreadPaths() = default;

const Stmt *ThreadPaths::elementFor(const Stmt *S) const {
  for (const Stmt *Cur = S; Cur; Cur = Parents ? Parents->getParent(Cur) : nullptr)
    if (Positions.count(Cur))
      return Cur;
  return nullptr;
}

std::optional<ThreadPaths::Position>
ThreadPaths::positionOf(const Stmt *S) const {
  const Stmt *Element = elementFor(S);
  if (!Element)
    return std::nullopt;
  return Positions.lookup(Element);
}

/// The statements of a block in order, terminator last.
static llvm::SmallVector<const Stmt *, 16> blockStmts(const CFGBlock &Block) {
  llvm::SmallVector<const Stmt *, 16> Result;
  for (const CFGElement &Element : Block)
    if (auto S = Element.getAs<CFGStmt>())
      Result.push_back(S->getStmt());
    else
      Result.push_back(nullptr);
  Result.push_back(Block.getTerminatorStmt());
  return Result;
}

static bool isExitEvent(const Stmt *S) {
  return S && (isa<ReturnStmt>(S) || isa<CXXThrowExpr>(S) ||
               isa<CoreturnStmt>(S));
}

/// Successors worth following. An edge to the exit that only exists because
/// a call may throw (and nothing here catches it) is not a path this body
/// chooses, so it is dropped: such edges leave blocks that have no branch of
/// their own and do not end in a return or throw.
static llvm::SmallVector<const CFGBlock *, 4>
followedSuccessors(const CFGBlock &Block, const CFG &Cfg, bool EndsInEvent) {
  llvm::SmallVector<const CFGBlock *, 4> Result;
  unsigned Reachable = 0;
  for (const CFGBlock::AdjacentBlock &Succ : Block.succs())
    if (Succ.getReachableBlock())
      ++Reachable;
  for (const CFGBlock::AdjacentBlock &Succ : Block.succs()) {
    const CFGBlock *Next = Succ.getReachableBlock();
    if (!Next)
      continue;
    if (Next == &Cfg.getExit() && Reachable > 1 && !EndsInEvent &&
        !Block.getTerminatorStmt())
      continue;
    Result.push_back(Next);
  }
  return Result;
}

std::optional<PathExit> ThreadPaths::pathToExitAvoiding(
    const Stmt *From, llvm::function_ref<bool(const Stmt *)> Blocks,
    llvm::function_ref<bool(const Stmt *)> Flag) const {
  if (!Cfg)
    return std::nullopt;
  std::optional<Position> Start =
      From ? positionOf(From)
           : std::optional<Position>(Position{&Cfg->getEntry(), 0});
  if (!Start)
    return std::nullopt;

  struct State {
    const CFGBlock *Block;
    unsigned Index;
    PathExit Exit;
  };
  std::deque<State> Work{{Start->Block, From ? Start->Index + 1 : 0, {}}};
  // A block is worth visiting twice: once unflagged, once flagged.
  llvm::DenseSet<std::pair<const CFGBlock *, unsigned>> Seen;
  std::optional<PathExit> Unflagged;
  while (!Work.empty()) {
    State Cur = Work.front();
    Work.pop_front();
    auto Stmts = blockStmts(*Cur.Block);
    bool Dead = false, EndsInEvent = false;
    for (unsigned I = Cur.Index; I < Stmts.size() && !Dead; ++I) {
      const Stmt *S = Stmts[I];
      if (!S)
        continue;
      if (Blocks(S)) {
        Dead = true;
        break;
      }
      if (!Cur.Exit.Flagged && Flag(S))
        Cur.Exit.Flagged = S;
      if (isExitEvent(S)) {
        Cur.Exit.Event = S;
        EndsInEvent = true;
      }
    }
    if (Dead)
      continue;
    for (const CFGBlock *Next : followedSuccessors(*Cur.Block, *Cfg, EndsInEvent)) {
      if (Next == &Cfg->getExit()) {
        if (Cur.Exit.Flagged)
          return Cur.Exit;
        if (!Unflagged)
          Unflagged = Cur.Exit;
        continue;
      }
      bool Flagged = Cur.Exit.Flagged != nullptr;
      if (!Seen.insert({Next, unsigned(Flagged)}).second)
        continue;
      PathExit Carried = Cur.Exit;
      // The exit event belongs to the block that ends the path; a return in
      // a block that flows on (into a destructor block) is carried along.
      Work.push_back({Next, 0, Carried});
    }
  }
  return Unflagged;
}

unsigned ThreadPaths::maxOnOnePath(
    llvm::function_ref<bool(const Stmt *)> Counts) const {
  if (!Cfg)
    return 0;
  llvm::DenseMap<const CFGBlock *, unsigned> Memo;
  llvm::DenseSet<const CFGBlock *> OnStack;
  std::function<unsigned(const CFGBlock *)> Visit =
      [&](const CFGBlock *Block) -> unsigned {
    if (auto It = Memo.find(Block); It != Memo.end())
      return It->second;
    OnStack.insert(Block);
    unsigned Here = 0;
    bool EndsInEvent = false;
    for (const Stmt *S : blockStmts(*Block)) {
      if (S && Counts(S))
        ++Here;
      EndsInEvent |= isExitEvent(S);
    }
    unsigned Best = 0;
    for (const CFGBlock *Next : followedSuccessors(*Block, *Cfg, EndsInEvent))
      if (!OnStack.count(Next))
        Best = std::max(Best, Visit(Next));
    OnStack.erase(Block);
    Memo[Block] = Here + Best;
    return Here + Best;
  };
  return Visit(&Cfg->getEntry());
}

bool ThreadPaths::exitReachable() const {
  if (!Cfg)
    return true;
  llvm::DenseSet<const CFGBlock *> Seen{&Cfg->getEntry()};
  llvm::SmallVector<const CFGBlock *, 16> Work{&Cfg->getEntry()};
  while (!Work.empty()) {
    const CFGBlock *Block = Work.pop_back_val();
    if (Block == &Cfg->getExit())
      return true;
    bool EndsInEvent = false;
    for (const Stmt *S : blockStmts(*Block))
      EndsInEvent |= isExitEvent(S);
    for (const CFGBlock *Next : followedSuccessors(*Block, *Cfg, EndsInEvent))
      if (Seen.insert(Next).second)
        Work.push_back(Next);
  }
  return false;
}

bool ThreadPaths::reaches(const Stmt *From, const Stmt *To) const {
  if (!Cfg)
    return false;
  std::optional<Position> Start = positionOf(From), Target = positionOf(To);
  if (!Start || !Target)
    return false;
  if (Start->Block == Target->Block && Start->Index < Target->Index)
    return true;
  llvm::DenseSet<const CFGBlock *> Seen;
  llvm::SmallVector<const CFGBlock *, 16> Work{Start->Block};
  while (!Work.empty()) {
    const CFGBlock *Block = Work.pop_back_val();
    for (const CFGBlock::AdjacentBlock &Succ : Block->succs()) {
      const CFGBlock *Next = Succ.getReachableBlock();
      if (!Next || !Seen.insert(Next).second)
        continue;
      if (Next == Target->Block)
        return true;
      Work.push_back(Next);
    }
  }
  return false;
}

} // namespace chanleak
