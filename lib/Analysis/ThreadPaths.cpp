//===- ThreadPaths.cpp - Path queries over one thread's CFG ---------------===//

#include "chanleak/Analysis/ThreadPaths.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "chanleak/Model/ApiModel.h"
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

/// Whether `Cond` is true when `Call` (a timed op inside it) gave up: its
/// status compared with a failure enumerator, or its bool result negated.
/// std::nullopt when the condition does not say.
static std::optional<bool> conditionMeansGaveUp(const Expr *Cond, const Stmt *Call) {
  bool Negated = false;
  const Expr *E = Cond;
  while (true) {
    E = E->IgnoreParenImpCasts();
    if (E == Call)
      return Negated; // `if (PopFor(v))` is true on success
    if (const auto *Not = dyn_cast<UnaryOperator>(E); Not && Not->getOpcode() == UO_LNot) {
      Negated = !Negated;
      E = Not->getSubExpr();
      continue;
    }
    const Expr *LHS = nullptr, *RHS = nullptr;
    bool Equal = true;
    if (const auto *Bin = dyn_cast<BinaryOperator>(E); Bin && Bin->isEqualityOp()) {
      LHS = Bin->getLHS(), RHS = Bin->getRHS(), Equal = Bin->getOpcode() == BO_EQ;
    } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E);
               Op && Op->getNumArgs() == 2 &&
               (Op->getOperator() == OO_EqualEqual || Op->getOperator() == OO_ExclaimEqual)) {
      LHS = Op->getArg(0), RHS = Op->getArg(1), Equal = Op->getOperator() == OO_EqualEqual;
    } else {
      return std::nullopt;
    }
    for (auto [Side, Other] : {std::pair{LHS, RHS}, std::pair{RHS, LHS}}) {
      if (Side->IgnoreParenImpCasts() != Call)
        continue;
      const auto *Ref = dyn_cast<DeclRefExpr>(Other->IgnoreParenImpCasts());
      const auto *Enumerator = Ref ? dyn_cast<EnumConstantDecl>(Ref->getDecl()) : nullptr;
      if (!Enumerator)
        return std::nullopt;
      std::optional<bool> Success = statusMeansSuccess(Enumerator->getName());
      if (!Success)
        return std::nullopt;
      // `== timeout` is true on giving up; `!= success` too.
      return (Equal != *Success) != Negated;
    }
    return std::nullopt;
  }
}

std::optional<PathExit> ThreadPaths::pathToExitAvoiding(
    const Stmt *From, llvm::function_ref<bool(const Stmt *)> Blocks,
    llvm::function_ref<bool(const Stmt *)> Flag,
    llvm::function_ref<bool(const Stmt *)> RescuesOnSuccess) const {
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
    /// A timed receive passed whose failure branch is still to be taken.
    const Stmt *Pending = nullptr;
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
      if (RescuesOnSuccess(S))
        Cur.Pending = S;
      if (isExitEvent(S)) {
        Cur.Exit.Event = S;
        EndsInEvent = true;
      }
    }
    if (Dead)
      continue;
    auto Successors = followedSuccessors(*Cur.Block, *Cfg, EndsInEvent);
    // At the branch on a pending timed receive, only its give-up side leaks.
    if (const Expr *Cond = Cur.Pending ? Cur.Block->getLastCondition() : nullptr;
        Cond && Cur.Block->succ_size() == 2) {
      std::optional<bool> TrueGaveUp = conditionMeansGaveUp(Cond, Cur.Pending);
      if (TrueGaveUp) {
        const CFGBlock *GaveUp =
            (Cur.Block->succ_begin() + (*TrueGaveUp ? 0 : 1))->getReachableBlock();
        Successors.clear();
        if (GaveUp)
          Successors.push_back(GaveUp);
      }
      Cur.Pending = nullptr;
    }
    for (const CFGBlock *Next : Successors) {
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
      Work.push_back({Next, 0, Carried, Cur.Pending});
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
