//===- Extractor.cpp - A function's behaviour as an automaton of events ---===//
//
// Builds the Summary of one function from clang's CFG: a flow-sensitive walk
// that tracks which abstract objects each handle may name (references,
// pointers and smart pointers reassigned on some paths, captures, parameters,
// members, container elements, returns of helpers), and turns every model
// operation, spawn, helper call, destructor and exit into an event on an
// edge. Branches that test a timed or status-returning operation carry that
// operation's outcome on each side; loops keep their trip count when the
// bounds say it, and share a symbolic count with loops over the same bound.
//
//===----------------------------------------------------------------------===//

#include "chanleak/Analysis/Engine.h"
#include "chanleak/Analysis/MainFileVisitor.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/Analyses/ExprMutationAnalyzer.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"
#include <functional>
#include <map>

using namespace clang;

namespace chanleak {

namespace {

}
using Env = std::map<const clang::ValueDecl *, ObjectSet>;
namespace {

void addAll(ObjectSet &To, const ObjectSet &From) {
  for (ObjectId O : From)
    if (!llvm::is_contained(To, O))
      To.push_back(O);
}

bool mergeInto(Env &To, const Env &From) {
  bool Changed = false;
  for (const auto &[D, Set] : From) {
    ObjectSet &Dest = To[D];
    unsigned Before = Dest.size();
    addAll(Dest, Set);
    Changed |= Dest.size() != Before;
  }
  return Changed;
}

/// A variable that refers to an object rather than owning it.
bool isHandleType(QualType T) {
  return T->isReferenceType() || T->isPointerType() || isSmartPointer(T);
}

/// A constructor run on a new object, and the arguments it is given.
struct Construction {
  const CXXConstructorDecl *Ctor;
  llvm::SmallVector<const Expr *, 4> Args;
};

/// The element type of a standard container.
QualType elementType(const CXXRecordDecl *Container) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(Container);
  if (!Spec || !Spec->isInStdNamespace() || Spec->getTemplateArgs().size() == 0 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return QualType();
  StringRef Name = Spec->getName();
  if (Name != "vector" && Name != "array" && Name != "deque" && Name != "list" &&
      Name != "forward_list")
    return QualType();
  return Spec->getTemplateArgs()[0].getAsType();
}

QualType elementType(QualType Container) {
  return elementType(Container.getNonReferenceType()->getAsCXXRecordDecl());
}

bool isLoop(const Stmt *S) {
  return isa<ForStmt>(S) || isa<WhileStmt>(S) || isa<DoStmt>(S) ||
         isa<CXXForRangeStmt>(S);
}

/// The condition of a for, while or do loop (null for `for (;;)` and ranges).
const Expr *loopCondition(const Stmt *Loop) {
  if (const auto *For = dyn_cast<ForStmt>(Loop))
    return For->getCond();
  if (const auto *While = dyn_cast<WhileStmt>(Loop))
    return While->getCond();
  if (const auto *Do = dyn_cast<DoStmt>(Loop))
    return Do->getCond();
  return nullptr;
}

/// The standard library method a call makes, with its name, or null.
const CXXMethodDecl *namedStdMethod(const Expr *E) {
  const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(E);
  const CXXMethodDecl *M = Call ? Call->getMethodDecl() : nullptr;
  return M && M->getIdentifier() && isStandardLibrary(M) ? M : nullptr;
}

std::optional<long long> evalInt(const Expr *E, ASTContext &Ctx) {
  Expr::EvalResult R;
  if (E && !E->getType().isNull() && !E->isInstantiationDependent() && !E->containsErrors() &&
      E->getType()->isIntegralOrEnumerationType() && E->EvaluateAsInt(R, Ctx))
    return R.Val.getInt().getExtValue();
  return std::nullopt;
}

const VarDecl *declRefVar(const Expr *E) {
  const auto *Ref = dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
  return Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
}

/// The loop variable of a for loop and how it steps: `++i`, `i += 2`...
struct CountedFor {
  const VarDecl *Var = nullptr;
  std::optional<long long> From, Step;
};

CountedFor countedFor(const ForStmt *For, ASTContext &Ctx) {
  CountedFor C;
  if (const auto *Init = dyn_cast_or_null<DeclStmt>(For->getInit());
      Init && Init->isSingleDecl())
    if (const auto *Var = dyn_cast<VarDecl>(Init->getSingleDecl())) {
      C.Var = Var;
      C.From = evalInt(Var->getInit(), Ctx);
    }
  const Expr *Inc = For->getInc() ? For->getInc()->IgnoreParenImpCasts() : nullptr;
  if (const auto *U = dyn_cast_or_null<UnaryOperator>(Inc);
      U && U->isIncrementDecrementOp() && declRefVar(U->getSubExpr()) == C.Var)
    C.Step = U->isIncrementOp() ? 1 : -1;
  if (const auto *B = dyn_cast_or_null<CompoundAssignOperator>(Inc);
      B && declRefVar(B->getLHS()) == C.Var)
    if (std::optional<long long> K = evalInt(B->getRHS(), Ctx))
      C.Step = B->getOpcode() == BO_AddAssign ? *K
               : B->getOpcode() == BO_SubAssign ? -*K
                                                : std::optional<long long>();
  return C;
}

/// The exact trip count of a loop whose bounds and step are constants.
/// The number of elements of a braced list, seen through the container
/// or initializer_list made from it.
static std::optional<unsigned> listLength(const Expr *E) {
  E = E->IgnoreImplicit();
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(E);
      Construct && Construct->getNumArgs() >= 1 && Construct->isListInitialization())
    E = Construct->getArg(0)->IgnoreImplicit();
  if (const auto *Std = dyn_cast<CXXStdInitializerListExpr>(E))
    E = Std->getSubExpr()->IgnoreImplicit();
  if (const auto *List = dyn_cast<InitListExpr>(E))
    return List->getNumInits();
  return std::nullopt;
}

/// The braced list a container variable keeps: it is const, or a local
/// that nothing in its function changes (`std::vector<Job> jobs = {a, b}`,
/// only read or looped over by const reference).
static const Expr *keptListInit(const VarDecl *V, ASTContext &Ctx) {
  if (!V || !V->getInit() || !listLength(V->getInit()))
    return nullptr;
  if (V->getType().isConstQualified())
    return V->getInit();
  const auto *Fn = dyn_cast_or_null<FunctionDecl>(V->getParentFunctionOrMethod());
  if (!V->hasLocalStorage() || isa<ParmVarDecl>(V) || !Fn || !Fn->getBody())
    return nullptr;
  return ExprMutationAnalyzer(*Fn->getBody(), Ctx).isMutated(V) ? nullptr : V->getInit();
}

/// Whether a loop's body can end a round early (`break`, `continue`) or
/// leave (`return`, `goto`); a nested loop's own break and continue do not
/// end this loop's round, a lambda's statements are not the loop's.
bool roundsEndEarly(const Stmt *S, bool Nested = false) {
  if (!S || isa<LambdaExpr>(S))
    return false;
  if (isa<ReturnStmt>(S) || isa<GotoStmt>(S) || isa<CoreturnStmt>(S))
    return true;
  if (!Nested && (isa<BreakStmt>(S) || isa<ContinueStmt>(S)))
    return true;
  bool Inner = Nested || isLoop(S) || isa<SwitchStmt>(S);
  return llvm::any_of(S->children(), [&](const Stmt *C) { return roundsEndEarly(C, Inner); });
}

/// The loop that fills a local container with one element per round, where
/// nothing else changes it (`for (int s = 0; s < n; ++s) { ...;
/// calls.push_back(call); }`): a later range over the container runs as many
/// times as that loop.
const Stmt *fillingLoop(const VarDecl *Container) {
  const auto *Fn = dyn_cast<FunctionDecl>(Container->getDeclContext());
  const auto *Made = dyn_cast_or_null<CXXConstructExpr>(Container->getInit());
  if (!Fn || !Fn->getBody() || !Container->hasLocalStorage() || isa<ParmVarDecl>(Container) ||
      Container->getType()->isReferenceType() || (Container->getInit() && (!Made || Made->getNumArgs() != 0)))
    return nullptr;
  ParentMap Parents(const_cast<Stmt *>(Fn->getBody()));
  auto Up = [&](const Stmt *S) {
    const Stmt *P = Parents.getParent(S);
    while (P && (isa<ImplicitCastExpr>(P) || isa<ParenExpr>(P) || isa<MaterializeTemporaryExpr>(P)))
      P = Parents.getParent(P);
    return P;
  };
  llvm::SmallPtrSet<const Expr *, 4> RangeInits;
  llvm::SmallVector<const DeclRefExpr *, 8> Uses;
  std::function<void(const Stmt *)> Walk = [&](const Stmt *S) {
    if (!S)
      return;
    if (const auto *Range = dyn_cast<CXXForRangeStmt>(S))
      RangeInits.insert(Range->getRangeInit()->IgnoreParenImpCasts());
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S); Ref && Ref->getDecl() == Container)
      Uses.push_back(Ref);
    for (const Stmt *C : S->children())
      Walk(C);
  };
  Walk(Fn->getBody());
  const CXXMemberCallExpr *Put = nullptr;
  for (const DeclRefExpr *Use : Uses) {
    if (RangeInits.count(Use))
      continue;
    const Stmt *P = Up(Use);
    if (const auto *Op = dyn_cast_or_null<CXXOperatorCallExpr>(P);
        Op && Op->getOperator() == OO_Subscript && Op->getArg(0)->IgnoreParenImpCasts() == Use)
      continue;
    const auto *Member = dyn_cast_or_null<MemberExpr>(P);
    const auto *Call = Member ? dyn_cast_or_null<CXXMemberCallExpr>(Up(Member)) : nullptr;
    const CXXMethodDecl *M = Call ? Call->getMethodDecl() : nullptr;
    if (!M || !M->getIdentifier())
      return nullptr;
    if (stateEffect(M->getName(), M->isConst()) == StateEffect::Grows && !Put) {
      Put = Call;
      continue;
    }
    if (!M->isConst() && !namesElements(M->getName()) &&
        !llvm::is_contained({"reserve", "end", "rend", "data"}, M->getName()))
      return nullptr;
  }
  if (!Put)
    return nullptr;
  // The put is a statement of the loop's body, run once in every round.
  const Stmt *Statement = Put;
  while (Up(Statement) && isa<Expr>(Up(Statement)))
    Statement = Up(Statement);
  const Stmt *Body = Up(Statement);
  const Stmt *Loop = isa_and_nonnull<CompoundStmt>(Body) ? Up(Body) : Body;
  if (!Loop || !isLoop(Loop) || isa<DoStmt>(Loop))
    return nullptr;
  const Stmt *LoopBody = isa<CXXForRangeStmt>(Loop) ? cast<CXXForRangeStmt>(Loop)->getBody()
                         : isa<ForStmt>(Loop)       ? cast<ForStmt>(Loop)->getBody()
                                                    : cast<WhileStmt>(Loop)->getBody();
  if (LoopBody != Body && LoopBody != Statement)
    return nullptr;
  if (roundsEndEarly(LoopBody))
    return nullptr;
  // Not itself inside a loop the container outlives: that would fill it
  // once per round of the outer loop.
  for (const Stmt *P = Up(Loop); P; P = Up(P)) {
    if (const auto *Decl = dyn_cast<DeclStmt>(P); Decl && llvm::is_contained(Decl->decls(), Container))
      break;
    if (isLoop(P))
      return nullptr;
    if (const auto *Block = dyn_cast<CompoundStmt>(P);
        Block && llvm::any_of(Block->body(), [&](const Stmt *S) {
          const auto *D = dyn_cast<DeclStmt>(S);
          return D && llvm::is_contained(D->decls(), Container);
        }))
      break;
  }
  return Loop;
}

std::optional<unsigned> constantTripCount(const Stmt *Loop, ASTContext &Ctx, unsigned Depth = 0) {
  if (const auto *For = dyn_cast<ForStmt>(Loop)) {
    CountedFor C = countedFor(For, Ctx);
    const auto *Cond = dyn_cast_or_null<BinaryOperator>(
        For->getCond() ? For->getCond()->IgnoreParenImpCasts() : nullptr);
    if (!C.Var || !C.From || !C.Step || *C.Step == 0 || !Cond ||
        declRefVar(Cond->getLHS()) != C.Var)
      return std::nullopt;
    std::optional<long long> To = evalInt(Cond->getRHS(), Ctx);
    if (!To)
      return std::nullopt;
    long long I = *C.From, N = 0;
    auto Holds = [&](long long V) {
      switch (Cond->getOpcode()) {
      case BO_LT: return V < *To;
      case BO_LE: return V <= *To;
      case BO_GT: return V > *To;
      case BO_GE: return V >= *To;
      case BO_NE: return V != *To;
      default: return false;
      }
    };
    // Simulated, so that any step and comparison count right; a loop that
    // would run on past 64 rounds is not a count worth tracking.
    while (Holds(I) && N <= 64) {
      I += *C.Step;
      ++N;
    }
    if (N > 64)
      return std::nullopt;
    return static_cast<unsigned>(N);
  }
  if (const auto *Range = dyn_cast<CXXForRangeStmt>(Loop)) {
    const Expr *Init = Range->getRangeInit();
    if (const VarDecl *Filled = declRefVar(Init); Filled && Depth < 2)
      if (const Stmt *Fill = fillingLoop(Filled); Fill && Fill != Loop)
        return constantTripCount(Fill, Ctx, Depth + 1);
    if (const auto *Array = Ctx.getAsConstantArrayType(Init->getType()))
      return Array->getSize().getZExtValue();
    if (std::optional<unsigned> N = listLength(Init))
      return N;
    // A container kept as made from a list: `const std::vector<int> k = {4, -1, 7}`.
    if (const Expr *List = keptListInit(declRefVar(Init->IgnoreParenImpCasts()), Ctx))
      return listLength(List);
  }
  return std::nullopt;
}

/// The variable a loop's length depends on: `i < n`, `i < c.size()`, a
/// range over `c`; loops over the same one run the same number of times.
/// The variable a count reads: `n`, or the container of `c.size()`.
/// A variable, or a member of `*this`, whose value a count can be named by.
const Decl *countHolder(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenImpCasts();
  if (const VarDecl *V = declRefVar(E))
    return V;
  if (const auto *Member = dyn_cast<MemberExpr>(E);
      Member && isa<CXXThisExpr>(Member->getBase()->IgnoreParenImpCasts()))
    return dyn_cast<FieldDecl>(Member->getMemberDecl());
  return nullptr;
}

const Decl *countVariable(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenCasts();
  if (const Decl *N = countHolder(E))
    return N;
  if (const auto *Size = dyn_cast<CXXMemberCallExpr>(E))
    if (const auto *M = Size->getMethodDecl(); M && M->getIdentifier() && M->getName() == "size")
      return countHolder(Size->getImplicitObjectArgument());
  return nullptr;
}

/// A count linear in a variable: Scale * variable + Offset.
struct SymbolicCount {
  const Decl *Var = nullptr;
  long long Scale = 1, Offset = 0;
};

/// `n`, `c.size()`, `n * 2`, `2 * n`, `n - 1`, `n * 2 + 1`.
std::optional<SymbolicCount> linearCount(const Expr *E, ASTContext &Ctx, unsigned Depth = 0) {
  if (!E || Depth > 2)
    return std::nullopt;
  E = E->IgnoreParenCasts();
  if (const Decl *V = countVariable(E))
    return SymbolicCount{V, 1, 0};
  const auto *B = dyn_cast<BinaryOperator>(E);
  if (!B)
    return std::nullopt;
  if (B->getOpcode() == BO_Mul) {
    for (auto [Var, Factor] : {std::pair(B->getLHS(), B->getRHS()), std::pair(B->getRHS(), B->getLHS())})
      if (std::optional<long long> K = evalInt(Factor, Ctx); K && *K > 0)
        if (std::optional<SymbolicCount> C = linearCount(Var, Ctx, Depth + 1))
          return SymbolicCount{C->Var, C->Scale * *K, C->Offset * *K};
    return std::nullopt;
  }
  if (B->getOpcode() == BO_Add || B->getOpcode() == BO_Sub)
    if (std::optional<long long> K = evalInt(B->getRHS(), Ctx))
      if (std::optional<SymbolicCount> C = linearCount(B->getLHS(), Ctx, Depth + 1))
        return SymbolicCount{C->Var, C->Scale,
                             C->Offset + (B->getOpcode() == BO_Add ? *K : -*K)};
  return std::nullopt;
}

/// How many times a loop runs, in terms of the variable its length depends
/// on: `for (i = 0; i < n - 1; ++i)` runs n - 1 times, a range over `c`
/// c.size() times. Loops over the same variable run in step.
std::optional<SymbolicCount> symbolicTripCount(const Stmt *Loop, ASTContext &Ctx,
                                               unsigned Depth = 0) {
  if (const auto *Range = dyn_cast<CXXForRangeStmt>(Loop)) {
    const Decl *Container = countHolder(Range->getRangeInit());
    if (const auto *Filled = dyn_cast_or_null<VarDecl>(Container); Filled && Depth < 2)
      if (const Stmt *Fill = fillingLoop(Filled); Fill && Fill != Loop)
        if (std::optional<SymbolicCount> C = symbolicTripCount(Fill, Ctx, Depth + 1))
          return C;
    if (!Container) {
      const auto *Ref = dyn_cast<DeclRefExpr>(Range->getRangeInit()->IgnoreParenImpCasts());
      if (!Ref)
        return std::nullopt;
      Container = Ref->getDecl();
    }
    return SymbolicCount{Container, 1, 0};
  }
  const auto *For = dyn_cast<ForStmt>(Loop);
  if (!For)
    return std::nullopt;
  CountedFor C = countedFor(For, Ctx);
  const auto *Cond = dyn_cast_or_null<BinaryOperator>(
      For->getCond() ? For->getCond()->IgnoreParenImpCasts() : nullptr);
  if (!C.Var || !C.From || C.Step != 1 || !Cond || declRefVar(Cond->getLHS()) != C.Var ||
      !llvm::is_contained({BO_LT, BO_LE, BO_NE}, Cond->getOpcode()))
    return std::nullopt;
  std::optional<SymbolicCount> Count = linearCount(Cond->getRHS(), Ctx);
  if (!Count)
    return std::nullopt;
  Count->Offset += (Cond->getOpcode() == BO_LE ? 1 : 0) - *C.From;
  return Count;
}

/// A call, in the main file, of Container's function that may pass an empty
/// container: anything but a braced list with elements.
class MaybeEmptyArgumentFinder : public MainFileVisitor<MaybeEmptyArgumentFinder> {
public:
  MaybeEmptyArgumentFinder(const ParmVarDecl *Container, ASTContext &Ctx, unsigned Depth = 0)
      : MainFileVisitor(Ctx.getSourceManager()), Ctx(Ctx), Container(Container),
        Function(dyn_cast<FunctionDecl>(Container->getDeclContext())), Depth(Depth) {}

  bool VisitCallExpr(CallExpr *Call) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    unsigned Index = Container->getFunctionScopeIndex();
    if (!Function || !Callee ||
        Callee->getCanonicalDecl() != Function->getCanonicalDecl() ||
        Index >= Call->getNumArgs())
      return true;
    ++Calls;
    if (surelyNonEmpty(Call->getArg(Index)))
      return true;
    Found = Call;
    return false;
  }

  const CallExpr *Found = nullptr;
  unsigned Calls = 0;

private:
  /// A braced list with elements, a positive count, a container kept as
  /// made from such a list, or a parameter of the caller that every call of
  /// it passes so.
  bool surelyNonEmpty(const Expr *Arg) const {
    if (std::optional<long long> N = evalInt(Arg, Ctx))
      return *N > 0;
    if (const Expr *List = keptListInit(declRefVar(Arg), Ctx))
      return surelyNonEmpty(List);
    if (const auto *P = dyn_cast_or_null<ParmVarDecl>(declRefVar(Arg)); P && Depth < 3) {
      MaybeEmptyArgumentFinder Outer(P, Ctx, Depth + 1);
      Outer.TraverseDecl(Ctx.getTranslationUnitDecl());
      return Outer.Calls > 0 && !Outer.Found;
    }
    while (true) {
      Arg = Arg->IgnoreImplicit();
      if (const auto *Construct = dyn_cast<CXXConstructExpr>(Arg);
          Construct && Construct->getNumArgs() >= 1 &&
          llvm::all_of(llvm::drop_begin(Construct->arguments()),
                       [](const Expr *A) { return isa<CXXDefaultArgExpr>(A); }))
        Arg = Construct->getArg(0);
      else if (const auto *List = dyn_cast<CXXStdInitializerListExpr>(Arg))
        Arg = List->getSubExpr();
      else if (const auto *Temp = dyn_cast<MaterializeTemporaryExpr>(Arg))
        Arg = Temp->getSubExpr();
      else
        break;
    }
    const auto *List = dyn_cast<InitListExpr>(Arg);
    return List && List->getNumInits() > 0;
  }

  ASTContext &Ctx;
  const ParmVarDecl *Container;
  const FunctionDecl *Function;
  unsigned Depth;
};

/// Whether Body tests whether Container is empty (`c.empty()`, `c.size()`).
bool testsEmptiness(const ValueDecl *Container, const Stmt *Body) {
  if (!Body)
    return false;
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(Body))
    if (const auto *Method = Call->getMethodDecl();
        Method && Method->getIdentifier() &&
        (Method->getName() == "empty" || Method->getName() == "size"))
      if (declRefVar(Call->getImplicitObjectArgument()) == Container)
        return true;
  return llvm::any_of(Body->children(), [&](const Stmt *Child) {
    return testsEmptiness(Container, Child);
  });
}

bool contains(const Stmt *Outer, const Stmt *Inner) {
  if (!Outer)
    return false;
  if (Outer == Inner)
    return true;
  return llvm::any_of(Outer->children(),
                      [&](const Stmt *C) { return contains(C, Inner); });
}

EventKind eventFor(OpKind K) {
  switch (K) {
  case OpKind::Send: return EventKind::Send;
  case OpKind::Recv: return EventKind::Recv;
  case OpKind::TrySend: return EventKind::TrySend;
  case OpKind::TryRecv: return EventKind::TryRecv;
  case OpKind::TimedSend: return EventKind::TimedSend;
  case OpKind::TimedRecv: return EventKind::TimedRecv;
  case OpKind::Close: return EventKind::Close;
  case OpKind::Cancel: return EventKind::Cancel;
  case OpKind::SetValue: return EventKind::SetValue;
  case OpKind::Wait: return EventKind::Recv;
  case OpKind::TimedWait: return EventKind::TimedRecv;
  case OpKind::RequestStop: return EventKind::RequestStop;
  case OpKind::StopCheck: return EventKind::StopCheck;
  case OpKind::Sleep: return EventKind::Sleep;
  case OpKind::Start: return EventKind::Start;
  case OpKind::Stop: return EventKind::Stop;
  case OpKind::Join: return EventKind::Join;
  case OpKind::Detach: return EventKind::Detach;
  case OpKind::Arrive: return EventKind::Arrive;
  case OpKind::ArriveAndWait: return EventKind::Arrive; // then a Recv
  }
  return EventKind::Sleep;
}

bool isMutexType(QualType T) {
  if (T.isNull())
    return false;
  const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  return RD && isMutex(RD->getQualifiedNameAsString());
}

bool isScopedLockVar(const VarDecl *V) {
  const auto *RD = V->getType()->getAsCXXRecordDecl();
  return RD && isScopedLock(RD->getQualifiedNameAsString());
}

/// Whether an op's result tells how it went (a branch on it is correlated).
bool hasOutcome(const ModelOp &M) {
  switch (M.Kind) {
  case OpKind::TimedRecv:
  case OpKind::TimedSend:
  case OpKind::TryRecv:
  case OpKind::TrySend:
  case OpKind::TimedWait:
  case OpKind::StopCheck:
    return true;
  case OpKind::Recv:
    return M.Channel && M.Channel->ReceiveStatus != RecvStatus::None;
  default:
    return false;
  }
}

} // namespace

class SummaryBuilder {
public:
  SummaryBuilder(LeakEngine &E, Summary &S, const FunctionDecl &FD)
      : E(E), S(S), FD(FD), Objects(E.Objects), Index(E.Index), Ctx(E.Ctx) {}

  void build();
  ObjectSet madeElsewhere(const VarDecl *VD, const Env &Env);
  const Stmt *testedLoop(const CFGBlock *Blk);
  bool inLoop(const CFGBlock *Blk, const Stmt *Loop);

private:
  // --- handles -----------------------------------------------------------
  ObjectSet eval(const Expr *Ex, const Env &Env, unsigned Depth = 0);
  ObjectSet lookup(const ValueDecl *D, const Env &Env);
  bool tracked(QualType T, unsigned Depth = 0);
  void transfer(const Stmt *St, Env &Env, bool Emit);
  void bindMembers(ObjectId Obj, const Expr *Init, const Env &Env);
  ObjectId sizedByCall(ObjectId O, const CallExpr *Call, const FunctionDecl *Factory);

  // --- events ------------------------------------------------------------
  void emit(EventKind K, ObjectSet Objs, const Stmt *Site, Outcome Out = Outcome::Any);
  // --- shared state ------------------------------------------------------
  bool sharedByReference(const ParmVarDecl *P) {
    return P->getType()->isReferenceType() && E.isSharedState(P);
  }
  ObjectSet sharedObjects(const Expr *Ex, const Env &Env);
  int formula(Formula F);
  int constant(long long N) {
    Formula C;
    C.K = Formula::Constant;
    C.Number = N;
    return formula(C);
  }
  int negation(int F) {
    Formula Not;
    Not.K = Formula::Not;
    Not.Left = F;
    return formula(Not);
  }
  int condition(const Expr *Ex, const Env &Env, unsigned Depth = 0);
  int term(const Expr *Ex, const Env &Env);
  bool readsShared(int F) const;
  bool readsStatus(int F) const;
  bool inLoop(const Stmt *St);
  bool operandOfLogic(const Expr *Ex);
  void keepStatus(const ValueDecl *V, const Stmt *Call, bool OnSuccess);
  void keepStatus(const void *Holder, const Stmt *Call, bool OnSuccess);
  std::optional<unsigned> statusSlot(const void *Holder);
  bool keepStatusOf(const ValueDecl *V, const Expr *Value);
  const CallExpr *testedResult(const Expr *Ex);
  bool returnsReceived(const Expr *Ex);
  Outcome returnOutcome(const Stmt *Site);
  void writeEvent(const Stmt *St, const Env &Env);
  void initializerWrite(const CXXCtorInitializer *Init);
  const ParmVarDecl *integerParameter(const Expr *E) const;
  /// The event loops among Objs.
  ObjectSet eventLoops(const ObjectSet &Objs) const;
  /// The event loops a work guard's construction or acquisition names.
  ObjectSet loopsIn(const Stmt *Acquisition, const Env &Env);
  /// A work guard acquired (counts its loop up) or released (down).
  void guardEvent(const Stmt *St, const Env &Env);
  /// A count-by-one event of kind K on Loops, when there are any.
  void countWork(EventKind K, ObjectSet Loops, const Stmt *Site);
  /// What a call or assignment does to a work guard it is made on.
  struct GuardChange {
    const Expr *Guard;
    bool Acquires;
  };
  std::optional<GuardChange> guardChange(const Stmt *St) const;
  void decorateOp(const ModelOp &M, const Env &Env);
  int predicate(llvm::ArrayRef<const Stmt *> Body, const Env &Env);
  bool underLock(const Stmt *St);
  void spawnEvent(const ModelSpawn &Site, const Env &Env);
  const FunctionDecl *completionHandler(const Expr *Handler);
  bool callEvent(const CallExpr *Call, const FunctionDecl *Callee, const Env &Env);
  void dtorEvent(const VarDecl *V, const CXXDestructorDecl *Dtor, const Env &Env);
  ObjectSet mutexObjects(const Expr *Ex, const Env &Env);
  ObjectSet lockedBy(const VarDecl *Lock, const Env &Env, bool *TakesNow = nullptr);
  bool lockEvent(const Expr *Ex, const Env &Env);
  llvm::SmallVector<const VarDecl *, 4> liveAutomatics(const Stmt *St, bool &Caught);
  void unwindEvents(const Stmt *St, const Env &Env);
  unsigned unwindPath(const Stmt *Site, const Env &Env);
  void destroyEvent(const ObjectSet &Obj, const CXXDestructorDecl *Dtor, const Stmt *Site,
                    unsigned Depth = 0);
  unsigned bindingFor(const Summary &Callee, const Expr *Object,
                      llvm::ArrayRef<const Expr *> Args, const LambdaExpr *Lambda,
                      ObjectId StopToken, const Env &Env);
  void escapeArgs(const CallExpr *Call, const Env &Env);
  void escapeActingCalls(const Stmt *St, const Env &Env);
  void elementsPut(const CallExpr *Call, const Env &Env);
  void handlesPut(const clang::Stmt *St, const Env &Env);
  void constructorEvent(const CXXConstructorDecl *Ctor, llvm::ArrayRef<const Expr *> Args,
                        const ObjectSet &Self, const Expr *Site, const Env &Env);
  void countFromBound(ObjectId Counter, const Expr *Init);
  void memberConstants(const CXXConstructorDecl *Ctor, llvm::ArrayRef<const Expr *> Args,
                       const ObjectSet &Self, const Stmt *Site);
  void markEscape(const ObjectSet &Objs, const Stmt *Where);
  bool worthCalling(const FunctionDecl *Callee);
  const VarDecl *handleVarOf(const Expr *Site);
  const CXXMemberCallExpr *containerPutOf(const Expr *Site);
  std::optional<std::pair<ModelOp, bool>> statusTest(const Expr *Cond);
  Chooser chooserFor(const Expr *Cond);
  bool spawnsIn(const Stmt *S);
  bool roundsOwnTheirObjects(const Stmt *Loop);
  bool reachesGlobals(const Summary &Callee, unsigned Depth = 0);
  Chooser exceptionChooser(const CFGBlock &B);
  bool setsOnce(const CFGBlock &B);
  OverloadedOperatorKind awaitedWith(const Stmt *S);

  LeakEngine &E;
  Summary &S;
  const FunctionDecl &FD;
  ObjectTable &Objects;
  const ModelIndex &Index;
  ASTContext &Ctx;
  std::unique_ptr<ParentMap> Parents;
  /// Calls whose outcome a branch reads: their event sits on the branch.
  llvm::DenseMap<const Stmt *, ModelOp> Tested;
  /// Variables holding an op's status (`bool got = ...`, `got = ...`,
  /// `auto [ec, v] = ...`), and ops read inside a larger condition
  /// (`while (!done && !st.stop_requested())`): their slot in the frame.
  llvm::DenseMap<const void *, unsigned> StatusSlots;
  /// The ops whose status a variable keeps: its slot, and its value when
  /// the op succeeded (false for an error_code).
  llvm::DenseMap<const Stmt *, std::pair<unsigned, bool>> StatusOps;
  /// Variables computed from status variables alone (`got = winner.index()
  /// == 0`): the condition they hold.
  llvm::DenseMap<const ValueDecl *, int> StatusConditions;
  /// Variables holding values received: a branch on them is not a choice
  /// the code makes on its own.
  llvm::SmallPtrSet<const ValueDecl *, 4> Received;
  /// Lambdas a spawn, a call or a local callable consumes.
  llvm::SmallPtrSet<const LambdaExpr *, 4> Consumed;
  /// Calls that do not run here: coroutine calls handed to a spawner, the
  /// iterator calls of a range over a channel.
  llvm::SmallPtrSet<const CallExpr *, 4> NotRun;
  /// Spawn sites whose handle is a member being initialised.
  llvm::DenseMap<const Stmt *, const FieldDecl *> MemberHandles;
  unsigned Cur = 0; // the node events are appended to
  llvm::DenseMap<const CXXRecordDecl *, bool> TrackedRecords;
};

// ---------------------------------------------------------------------------
// Handles.

bool SummaryBuilder::tracked(QualType T, unsigned Depth) {
  if (T.isNull() || Depth > 3)
    return false;
  if (Index.channelForType(T) || Index.lifecycleForType(T) || Index.spawnerForType(T) ||
      Index.isStopState(T) || Index.workGuardForType(T))
    return true;
  QualType Elem = elementType(T);
  if (!Elem.isNull())
    return tracked(Elem, Depth + 1);
  QualType Pointee = T.getNonReferenceType();
  if (Pointee->isPointerType())
    Pointee = Pointee->getPointeeType();
  if (isSmartPointer(Pointee))
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(Pointee->getAsCXXRecordDecl());
        Spec && Spec->getTemplateArgs().size() > 0 &&
        Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type)
      return tracked(Spec->getTemplateArgs()[0].getAsType(), Depth + 1);
  const auto *RD = Pointee->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition() || RD->isInStdNamespace())
    return false;
  // A record's answer does not depend on how deep it was asked; while it
  // is being answered it reads as untracked, which ends a cycle of members.
  if (auto It = TrackedRecords.find(RD); It != TrackedRecords.end())
    return It->second;
  TrackedRecords[RD] = false;
  bool Tracked = llvm::any_of(RD->fields(), [&](const FieldDecl *F) {
    return tracked(F->getType());
  });
  TrackedRecords[RD] = Tracked;
  return Tracked;
}

ObjectSet SummaryBuilder::lookup(const ValueDecl *D, const Env &Env) {
  if (auto It = Env.find(D); It != Env.end())
    return It->second;
  if (const auto *VD = dyn_cast<VarDecl>(D)) {
    if (VD->hasGlobalStorage() && !VD->isStaticLocal())
      return {Objects.global(VD)};
    if (VD->isStaticLocal())
      return {Objects.global(VD)};
    if (isHandleType(VD->getType()))
      return {}; // not yet assigned on this path
    if (isa<ParmVarDecl>(VD))
      return {Objects.placeholder(ObjectKind::Parameter, VD, VD->getType(), VD->getName())};
    return {Objects.local(VD)};
  }
  if (const auto *B = dyn_cast<BindingDecl>(D))
    if (const Expr *Bound = B->getBinding())
      return eval(Bound, Env, 1);
  return {};
}

ObjectSet SummaryBuilder::eval(const Expr *Ex, const Env &Env, unsigned Depth) {
  if (!Ex || Depth > 8)
    return {};
  Ex = ignoreWrappers(Ex);
  if (const auto *C = dyn_cast<ConditionalOperator>(Ex)) {
    ObjectSet R = eval(C->getTrueExpr(), Env, Depth + 1);
    addAll(R, eval(C->getFalseExpr(), Env, Depth + 1));
    return R;
  }
  if (const auto *U = dyn_cast<UnaryOperator>(Ex);
      U && (U->getOpcode() == UO_Deref || U->getOpcode() == UO_AddrOf))
    return eval(U->getSubExpr(), Env, Depth + 1);
  if (isa<CXXThisExpr>(Ex)) {
    const auto *RD = Ex->getType()->getPointeeCXXRecordDecl();
    return {Objects.placeholder(ObjectKind::This, RD, QualType(), "this")};
  }
  if (const auto *Ref = dyn_cast<DeclRefExpr>(Ex)) {
    const ValueDecl *D = Ref->getDecl();
    if (!tracked(D->getType()) && !isa<BindingDecl>(D) && !E.isSharedState(D))
      return {};
    return lookup(D, Env);
  }
  if (const auto *Member = dyn_cast<MemberExpr>(Ex)) {
    const auto *Field = dyn_cast<FieldDecl>(Member->getMemberDecl());
    if (!Field || !(tracked(Field->getType()) || E.isSharedState(Field)))
      return {};
    ObjectSet R;
    for (ObjectId Base : eval(Member->getBase(), Env, Depth + 1)) {
      if (const ObjectSet *Alias = Objects.fieldAlias(Base, Field))
        addAll(R, *Alias);
      else
        R.push_back(Objects.field(Base, Field));
    }
    return R;
  }
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Ex)) {
    if (Op->getNumArgs() == 1 &&
        (Op->getOperator() == OO_Star || Op->getOperator() == OO_Arrow))
      return eval(Op->getArg(0), Env, Depth + 1);
    if (Op->getOperator() == OO_Subscript && Op->getNumArgs() == 2) {
      ObjectSet R;
      QualType Elem = elementType(Op->getArg(0)->getType());
      if (!Elem.isNull())
        for (ObjectId C : eval(Op->getArg(0), Env, Depth + 1))
          R.push_back(Objects.elements(C, Elem));
      return R;
    }
  }
  if (const auto *Sub = dyn_cast<ArraySubscriptExpr>(Ex)) {
    ObjectSet R;
    for (ObjectId C : eval(Sub->getBase(), Env, Depth + 1))
      R.push_back(Objects.elements(C, Sub->getType()));
    return R;
  }
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(Ex)) {
    const Expr *Obj = Call->getImplicitObjectArgument();
    const CXXMethodDecl *M = Call->getMethodDecl();
    // p.get(); promise.get_future() names the promise's one value;
    // shared_from_this() names the object itself.
    if (M && M->getIdentifier() &&
        (M->getName() == "shared_from_this" || M->getName() == "weak_from_this"))
      return eval(Obj, Env, Depth + 1);
    // src.get_token(), worker.get_stop_token(): the object's stop state.
    if (Index.returnsStopState(M))
      return eval(Obj, Env, Depth + 1);
    if (isSmartPointer(Obj->getType()) ||
        (Index.channelForType(Call->getType()) && Index.channelForType(Obj->getType())))
      return eval(Obj, Env, Depth + 1);
    QualType Elem = elementType(Obj->getType());
    if (!Elem.isNull() && M && M->getIdentifier() && namesElements(M->getName())) {
      ObjectSet R;
      for (ObjectId C : eval(Obj, Env, Depth + 1))
        R.push_back(Objects.elements(C, Elem));
      return R;
    }
  }
  if (const auto *New = dyn_cast<CXXNewExpr>(Ex))
    return tracked(New->getAllocatedType())
               ? ObjectSet{Objects.allocated(New, New->getAllocatedType())}
               : ObjectSet{};
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(Ex)) {
    // A copy or move of a handle names what the original names.
    if (Construct->getNumArgs() >= 1 && isHandleType(Ex->getType()) &&
        Construct->getConstructor()->isCopyOrMoveConstructor())
      return eval(Construct->getArg(0), Env, Depth + 1);
    // std::unique_ptr<T> p(new T(...)): what the pointer names.
    if (isSmartPointer(Ex->getType()) && Construct->getNumArgs() >= 1 &&
        Construct->getArg(0)->getType()->isPointerType())
      return eval(Construct->getArg(0), Env, Depth + 1);
    if (!isHandleType(Ex->getType()) && tracked(Ex->getType())) {
      // A temporary, `Worker(ch)`: its handle members name the arguments.
      ObjectId O = Objects.allocated(Construct, Ex->getType());
      bindMembers(O, Construct, Env);
      return {O};
    }
    return {};
  }
  // An aggregate temporary, `Worker{ch, 0}`.
  if (const auto *List = dyn_cast<InitListExpr>(Ex);
      List && List->getType()->isRecordType() && !isHandleType(List->getType()) &&
      tracked(List->getType())) {
    ObjectId O = Objects.allocated(List, List->getType());
    bindMembers(O, List, Env);
    return {O};
  }
  if (const auto *Call = dyn_cast<CallExpr>(Ex)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee)
      return {};
    // make_shared<Chan>(args), make_unique<Chan>(args).
    if (isStandardLibrary(Callee) && Callee->getIdentifier() &&
        Callee->getName().starts_with("make_") && isSmartPointer(Call->getType())) {
      QualType Pointee;
      if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
              Call->getType()->getAsCXXRecordDecl());
          Spec && Spec->getTemplateArgs().size() > 0)
        Pointee = Spec->getTemplateArgs()[0].getAsType();
      return tracked(Pointee) ? ObjectSet{Objects.allocated(Call, Pointee)} : ObjectSet{};
    }
    // A factory of this translation unit: what its summary returns, seen
    // through this call's binding.
    if (tracked(Call->getType()) && worthCalling(Callee)) {
      const Summary &CS = E.summary(*Callee->getDefinition());
      if (!CS.Valid || CS.Returns.empty())
        return {};
      llvm::SmallVector<const Expr *, 4> Args(Call->arguments());
      unsigned B = bindingFor(CS, nullptr, Args, nullptr, NoObject, Env);
      ObjectSet R;
      for (ObjectId O : CS.Returns) {
        bool Bound = false;
        for (auto &[P, Set] : S.Bindings[B].Map)
          if (P == O) {
            addAll(R, Set);
            Bound = true;
          }
        if (!Bound && !Objects[O].isPlaceholder())
          R.push_back(CS.HasEvents ? O : sizedByCall(O, Call, Callee));
      }
      return R;
    }
  }
  return {};
}

/// A channel a factory makes with its parameter as the capacity
/// (`MakeChannel(0)` returning `std::make_shared<Chan>(capacity)`) has, for
/// this call, the capacity the call passes.
ObjectId SummaryBuilder::sizedByCall(ObjectId O, const CallExpr *Call,
                                     const FunctionDecl *Factory) {
  const AbstractObject &Made = Objects[O];
  if (Made.Kind != ObjectKind::Allocated || !Made.Channel ||
      Made.Capacity.Kind != ChannelCapacity::Unknown)
    return O;
  auto ValueOf = [&](const Expr *Arg) -> std::optional<long long> {
    const auto *Param = dyn_cast_or_null<ParmVarDecl>(declRefVar(Arg->IgnoreParenImpCasts()));
    if (!Param || Param->getDeclContext() != Factory->getDefinition() ||
        Param->getFunctionScopeIndex() >= Call->getNumArgs())
      return std::nullopt;
    return evalInt(Call->getArg(Param->getFunctionScopeIndex()), Ctx);
  };
  ChannelCapacity C =
      Index.capacityOf(*Made.Channel, static_cast<const Expr *>(Made.Key), Ctx, ValueOf);
  return C.Kind == ChannelCapacity::Unknown ? O : Objects.remade(O, Call, C);
}

void SummaryBuilder::markEscape(const ObjectSet &Objs, const Stmt *Where) {
  for (ObjectId O : Objs) {
    if (Objects[O].isPlaceholder() || Objects.escapes(O)) {
      if (Objects[O].isPlaceholder())
        addAll(S.Escapes, {O});
      // A member of a placeholder escapes with its holder's binding.
      for (ObjectId B = Objects[O].Base; B != NoObject; B = Objects[B].Base)
        if (Objects[B].isPlaceholder())
          addAll(S.Escapes, {O});
      continue;
    }
    Objects.markEscape(O, Where);
  }
}

/// The constructor a construction runs, and its arguments: a constructor
/// call, or std::make_shared/make_unique<T>(args) (T's one constructor that
/// takes that many arguments).
static std::optional<Construction> constructionOf(const Expr *Init) {
  if (!Init)
    return std::nullopt;
  Init = Init->IgnoreImplicit();
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(Init)) {
    if (!Construct->getConstructor())
      return std::nullopt;
    return Construction{Construct->getConstructor(),
                        llvm::SmallVector<const Expr *, 4>(Construct->arguments())};
  }
  const auto *Call = dyn_cast<CallExpr>(Init);
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  if (!Callee || !isStandardLibrary(Callee) || !Callee->getIdentifier() ||
      !llvm::is_contained({"make_shared", "make_unique"}, Callee->getName()))
    return std::nullopt;
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      Call->getType()->getAsCXXRecordDecl());
  if (!Spec || Spec->getTemplateArgs().size() == 0 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return std::nullopt;
  const auto *RD = Spec->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition() || isStandardLibrary(RD))
    return std::nullopt;
  unsigned N = Call->getNumArgs();
  const CXXConstructorDecl *Found = nullptr;
  for (const CXXConstructorDecl *Ctor : RD->ctors()) {
    if (Ctor->isCopyOrMoveConstructor() || Ctor->isDeleted() ||
        Ctor->getMinRequiredArguments() > N || (Ctor->getNumParams() < N && !Ctor->isVariadic()))
      continue;
    if (Found)
      return std::nullopt; // overloads this cannot choose between
    Found = Ctor;
  }
  if (!Found)
    return std::nullopt;
  return Construction{Found, llvm::SmallVector<const Expr *, 4>(Call->arguments())};
}

/// A member that names what it is initialised from: a handle, or a
/// container of handles (its copy holds the same channels).
static bool namesItsInitializer(QualType T) {
  QualType Elem = elementType(T);
  return isHandleType(T) || (!Elem.isNull() && isHandleType(Elem));
}

/// Records what the handle members of a new object name: from an
/// aggregate's braced list, or from its constructor's member initializers
/// with the constructor's parameters bound to the arguments.
void SummaryBuilder::bindMembers(ObjectId Obj, const Expr *Init, const Env &Env) {
  if (!Init)
    return;
  Init = Init->IgnoreImplicit();
  if (const auto *List = dyn_cast<InitListExpr>(Init)) {
    const auto *RD = List->getType()->getAsCXXRecordDecl();
    if (!RD)
      return;
    unsigned I = 0;
    for (const FieldDecl *F : RD->fields()) {
      if (I >= List->getNumInits())
        break;
      const Expr *E = List->getInit(I++);
      if (namesItsInitializer(F->getType()) && tracked(F->getType()))
        Objects.aliasField(Obj, F, eval(E, Env));
    }
    return;
  }
  std::optional<Construction> C = constructionOf(Init);
  if (!C || !C->Ctor->hasBody() || isStandardLibrary(C->Ctor))
    return;
  const auto *Def = cast<CXXConstructorDecl>(C->Ctor->getDefinition());
  ::chanleak::Env Params;
  for (unsigned I = 0; I < Def->getNumParams() && I < C->Args.size(); ++I)
    if (tracked(Def->getParamDecl(I)->getType()))
      Params[Def->getParamDecl(I)] = eval(C->Args[I], Env);
  for (const CXXCtorInitializer *CI : Def->inits())
    if (const FieldDecl *F = CI->getMember();
        F && CI->isWritten() && namesItsInitializer(F->getType()) && tracked(F->getType()))
      Objects.aliasField(Obj, F, eval(CI->getInit(), Params));
}

/// Updates which objects handles name after St; with Emit, records escapes
/// and returns.
/// The object a variable names when its initializer made it elsewhere: a
/// future made from a promise (`auto fut = p.get_future()`), the promise's
/// one value; a thread a factory started (`std::jthread w = make_worker()`);
/// an iterator over a container, its elements.
ObjectSet SummaryBuilder::madeElsewhere(const VarDecl *VD, const Env &Env) {
  const auto *Call = dyn_cast_or_null<CallExpr>(ignoreWrappers(VD->getInit()));
  if (!Call)
    return {};
  const auto *Member = dyn_cast<CXXMemberCallExpr>(Call);
  bool FutureOfPromise = Member && Index.channelForType(VD->getType()) &&
                         Index.channelForType(Member->getImplicitObjectArgument()->getType());
  bool FactoryThread = Index.spawnerForType(VD->getType()) && !Index.classifySpawn(Call);
  bool Iterator = Member && !elementType(Member->getImplicitObjectArgument()->getType()).isNull() &&
                  Member->getMethodDecl() && Member->getMethodDecl()->getIdentifier() &&
                  namesElements(Member->getMethodDecl()->getName());
  return FutureOfPromise || FactoryThread || Iterator ? eval(Call, Env) : ObjectSet{};
}

void SummaryBuilder::transfer(const Stmt *St, Env &Env, bool Emit) {
  if (const auto *DS = dyn_cast<DeclStmt>(St)) {
    for (const Decl *D : DS->decls()) {
      const auto *VD = dyn_cast<VarDecl>(D);
      if (!VD || !tracked(VD->getType()))
        continue;
      // A work guard names the event loop it holds work on.
      if (Index.workGuardForType(VD->getType())) {
        Env[VD] = loopsIn(VD->getInit(), Env);
        continue;
      }
      // A stop_source or stop_token shares the stop state it is copied
      // from, like a handle; a new source makes its own.
      if (isHandleType(VD->getType()) || Index.isStopState(VD->getType())) {
        Env[VD] = eval(VD->getInit(), Env);
        // `auto p = std::make_shared<Guard>(ch)`: Guard's members bound to ch.
        if (Env[VD].size() == 1 && Objects[Env[VD].front()].Kind == ObjectKind::Allocated)
          bindMembers(Env[VD].front(), VD->getInit(), Env);
        // `auto rows = std::make_shared<Chan>()`: the object is 'rows', a
        // new one in each call.
        if (Env[VD].size() == 1 && Objects[Env[VD].front()].Kind == ObjectKind::Allocated &&
            Objects[Env[VD].front()].Name.empty()) {
          Objects[Env[VD].front()].Name = VD->getName().str();
          Objects[Env[VD].front()].Loc = VD->getLocation();
          Objects[Env[VD].front()].MadeIn = FD.getCanonicalDecl();
        }
      } else if (VD->isStaticLocal()) {
        Env[VD] = {Objects.global(VD)};
      } else if (ObjectSet Made = madeElsewhere(VD, Env); !Made.empty()) {
        for (ObjectId O : Made)
          if (Objects[O].Name.empty())
            Objects[O].Name = VD->getName().str();
        Env[VD] = std::move(Made);
      } else {
        Env[VD] = {Objects.local(VD)};
        bindMembers(Objects.local(VD), VD->getInit(), Env);
        countFromBound(Objects.local(VD), VD->getInit());
      }
    }
    return;
  }
  const Expr *LHS = nullptr, *RHS = nullptr;
  if (const auto *B = dyn_cast<BinaryOperator>(St); B && B->getOpcode() == BO_Assign) {
    LHS = B->getLHS();
    RHS = B->getRHS();
  } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(St);
             Op && Op->getOperator() == OO_Equal && Op->getNumArgs() == 2) {
    LHS = Op->getArg(0);
    RHS = Op->getArg(1);
  }
  if (std::optional<GuardChange> G = guardChange(St)) {
    // A local guard acquired anew names the loop it now holds.
    if (const VarDecl *Var = declRefVar(ignoreWrappers(G->Guard));
        G->Acquires && Var && Var->hasLocalStorage())
      if (ObjectSet Loops = loopsIn(St, Env); !Loops.empty())
        Env[Var] = std::move(Loops);
    return;
  }
  if (LHS && tracked(LHS->getType())) {
    const VarDecl *Var = declRefVar(ignoreWrappers(LHS));
    if (Var && Var->hasLocalStorage() && isHandleType(Var->getType())) {
      Env[Var] = eval(RHS, Env); // a strong update: this path now names these
      return;
    }
    if (Emit && !(Var && Var->hasLocalStorage()))
      markEscape(eval(RHS, Env), St);
    return;
  }
  handlesPut(St, Env);
  if (!Emit)
    return;
  if (const auto *Ret = dyn_cast<ReturnStmt>(St))
    if (const Expr *V = Ret->getRetValue()) {
      addAll(S.Returns, eval(V, Env));
      // `return std::jthread(task)`: the handle its spawn names.
      if (std::optional<ModelSpawn> Sp = Index.classifySpawn(ignoreWrappers(V)))
        addAll(S.Returns, {Objects.allocated(Sp->Site, QualType())});
    }
}

// ---------------------------------------------------------------------------
// Events.

void SummaryBuilder::emit(EventKind K, ObjectSet Objs, const Stmt *Site, Outcome Out) {
  Event Ev;
  Ev.Kind = K;
  Ev.Out = Out;
  if (K == EventKind::Recv && Site) {
    if (Out == Outcome::Success)
      Ev.LoopsUntilClosed = true;
    // The innermost loop around the receive has no condition of its own.
    for (const Stmt *P = Parents->getParent(Site); P && !Ev.LoopsUntilClosed;
         P = Parents->getParent(P)) {
      if (isa<LambdaExpr>(P))
        break;
      if (isLoop(P)) {
        const Expr *Cond = loopCondition(P);
        bool Value = false;
        Ev.LoopsUntilClosed = !isa<CXXForRangeStmt>(P) &&
                              (!Cond || (!Cond->isValueDependent() &&
                                         Cond->EvaluateAsBooleanCondition(Value, Ctx) && Value));
        break;
      }
    }
  }
  Ev.Objects = std::move(Objs);
  Ev.Site = Site;
  Ev.Function = &FD;
  S.Events.push_back(std::move(Ev));
  S.Nodes.emplace_back();
  S.Nodes[Cur].Out.push_back({unsigned(S.Events.size() - 1), unsigned(S.Nodes.size() - 1)});
  Cur = S.Nodes.size() - 1;
}

// ---------------------------------------------------------------------------
// Shared state: writes, and conditions over it.

ObjectSet SummaryBuilder::sharedObjects(const Expr *Ex, const Env &Env) {
  Ex = Ex ? ignoreWrappers(Ex)->IgnoreParenCasts() : nullptr;
  const ValueDecl *D = nullptr;
  if (const auto *Ref = dyn_cast_or_null<DeclRefExpr>(Ex))
    D = Ref->getDecl();
  else if (const auto *Member = dyn_cast_or_null<MemberExpr>(Ex))
    D = Member->getMemberDecl();
  if (!D || !E.isSharedState(D))
    return {};
  return eval(Ex, Env);
}

int SummaryBuilder::formula(Formula F) {
  S.Formulas.push_back(std::move(F));
  return S.Formulas.size() - 1;
}

int SummaryBuilder::term(const Expr *Ex, const Env &Env) {
  Formula F;
  Ex = ignoreWrappers(Ex)->IgnoreParenCasts();
  if (std::optional<long long> V = evalInt(Ex, Ctx))
    return constant(*V);
  // c.size(), a.load(), an atomic's conversion, an error_code's test: the
  // value (or status) kept for it.
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(Ex); Call && Call->getMethodDecl() &&
                                                          isStandardLibrary(Call->getMethodDecl())) {
    const CXXMethodDecl *M = Call->getMethodDecl();
    if (stateRead(M->getIdentifier() ? M->getName() : "", isa<CXXConversionDecl>(M)) ==
        StateRead::Value)
      Ex = Call->getImplicitObjectArgument()->IgnoreParenImpCasts();
  }
  if (const auto *B = dyn_cast<BinaryOperator>(Ex);
      B && (B->getOpcode() == BO_Add || B->getOpcode() == BO_Sub)) {
    F.K = Formula::Plus;
    F.Left = term(B->getLHS(), Env);
    if (std::optional<long long> V = evalInt(B->getRHS(), Ctx)) {
      F.Number = B->getOpcode() == BO_Add ? *V : -*V;
    } else {
      // `received_ + capacity_`: two values of shared state.
      F.Op = B->getOpcode();
      F.Right = term(B->getRHS(), Env);
    }
    return formula(F);
  }
  // The index of the alternative that won, for a variant kept as a status.
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(Ex);
      Call && Call->getMethodDecl() && Call->getMethodDecl()->getIdentifier() &&
      Call->getMethodDecl()->getName() == "index" && Call->getNumArgs() == 0)
    Ex = Call->getImplicitObjectArgument()->IgnoreParenImpCasts();
  const auto *Ref = dyn_cast<DeclRefExpr>(Ex);
  // `ticket = ++sent_`, then a wait for `received_ >= ticket`: the ticket
  // reads as the counter it was drawn from. Later draws only raise the
  // counter, so the wait ends no sooner, and ends once every value drawn for
  // has been received: a hand-written rendezvous.
  if (const UnaryOperator *Draw = ticketDraw(Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr))
    if (!sharedObjects(Draw->getSubExpr(), Env).empty()) {
      if (Draw->isPrefix())
        return term(Draw->getSubExpr(), Env);
      F.K = Formula::Plus;
      F.Left = term(Draw->getSubExpr(), Env);
      F.Number = -1;
      return formula(F);
    }
  if (auto It = StatusSlots.find(Ref ? static_cast<const void *>(Ref->getDecl()) : Ex);
      It != StatusSlots.end()) {
    F.K = Formula::Status;
    F.Number = It->second;
    return formula(F);
  }
  ObjectSet Objs = sharedObjects(Ex, Env);
  if (!Objs.empty()) {
    F.K = Formula::Value;
    F.Objects = std::move(Objs);
  }
  return formula(F);
}

int SummaryBuilder::condition(const Expr *Ex, const Env &Env, unsigned Depth) {
  Formula F;
  if (!Ex || Depth > 3)
    return formula(F);
  Ex = ignoreWrappers(Ex)->IgnoreParenImpCasts();
  if (const auto *U = dyn_cast<UnaryOperator>(Ex); U && U->getOpcode() == UO_LNot) {
    F.K = Formula::Not;
    F.Left = condition(U->getSubExpr(), Env, Depth);
    return formula(F);
  }
  if (const auto *B = dyn_cast<BinaryOperator>(Ex)) {
    if (B->isLogicalOp()) {
      F.K = B->getOpcode() == BO_LAnd ? Formula::And : Formula::Or;
      F.Left = condition(B->getLHS(), Env, Depth);
      F.Right = condition(B->getRHS(), Env, Depth);
      return formula(F);
    }
    if (B->isComparisonOp()) {
      F.K = Formula::Compare;
      F.Op = B->getOpcode();
      F.Left = term(B->getLHS(), Env);
      F.Right = term(B->getRHS(), Env);
      return formula(F);
    }
  }
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(Ex)) {
    const CXXMethodDecl *M = Call->getMethodDecl();
    // c.empty(): its size is zero.
    if (const CXXMethodDecl *Std = namedStdMethod(Call);
        Std && stateRead(Std->getName(), false) == StateRead::Empty) {
      F.K = Formula::Compare;
      F.Op = BO_EQ;
      F.Left = term(Call->getImplicitObjectArgument(), Env);
      F.Right = constant(0);
      return formula(F);
    }
    // A method of this object whose body is `return <condition>;`.
    if (M && !isStandardLibrary(M) && M->getNumParams() == 0 &&
        isa<CXXThisExpr>(Call->getImplicitObjectArgument()->IgnoreParenImpCasts()))
      if (const FunctionDecl *Def = M->getDefinition())
        if (const auto *Body = dyn_cast_or_null<CompoundStmt>(Def->getBody());
            Body && Body->size() == 1)
          if (const auto *Ret = dyn_cast<ReturnStmt>(Body->body_front()))
            return condition(Ret->getRetValue(), Env, Depth + 1);
  }
  if (const auto *Ref = dyn_cast<DeclRefExpr>(Ex))
    if (auto It = StatusConditions.find(Ref->getDecl()); It != StatusConditions.end())
      return It->second;
  // `ec == asio::error::operation_aborted`: a kept error code (set when its
  // op failed) compared with an error, or with an empty one.
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Ex);
      Op && Op->getNumArgs() == 2 &&
      (Op->getOperator() == OO_EqualEqual || Op->getOperator() == OO_ExclaimEqual))
    for (unsigned I : {0u, 1u}) {
      if (!Index.isErrorCode(Op->getArg(I)->getType()))
        continue;
      int T = term(Op->getArg(I), Env);
      if (S.Formulas[T].K != Formula::Status)
        continue;
      const Expr *Other = ignoreWrappers(Op->getArg(1 - I))->IgnoreParenImpCasts();
      const auto *Made = dyn_cast<CXXConstructExpr>(Other);
      bool Empty = (Made && Made->getNumArgs() == 0) ||
                   (isa<InitListExpr>(Other) && cast<InitListExpr>(Other)->getNumInits() == 0);
      F.K = Formula::Compare;
      F.Op = Op->getOperator() == OO_EqualEqual ? BO_EQ : BO_NE;
      F.Left = T;
      F.Right = constant(Empty ? 0 : 1);
      return formula(F);
    }
  // A flag or a count used as a condition: non-zero.
  int T = term(Ex, Env);
  if (S.Formulas[T].K == Formula::Unknown)
    return T;
  F.K = Formula::Compare;
  F.Op = BO_NE;
  F.Left = T;
  F.Right = constant(0);
  return formula(F);
}

bool SummaryBuilder::readsShared(int F) const {
  if (F < 0)
    return false;
  const Formula &X = S.Formulas[F];
  return X.K == Formula::Value || readsShared(X.Left) || readsShared(X.Right);
}

bool SummaryBuilder::readsStatus(int F) const {
  if (F < 0)
    return false;
  const Formula &X = S.Formulas[F];
  return X.K == Formula::Status || readsStatus(X.Left) || readsStatus(X.Right);
}

/// Whether St repeats in a loop of this function.
bool SummaryBuilder::inLoop(const Stmt *St) {
  for (const Stmt *P = Parents->getParent(St); P && !isa<LambdaExpr>(P); P = Parents->getParent(P))
    if (isLoop(P))
      return true;
  return false;
}

/// V is given Value: an op's status, or a condition over such statuses
/// (`late = got == false`). Returns whether it was.
bool SummaryBuilder::keepStatusOf(const ValueDecl *V, const Expr *Value) {
  if (!Value || Value->getType().isNull() || Value->isInstantiationDependent() ||
      !Value->getType()->isScalarType())
    return false;
  // A status is a flag or an enumerator; a number is a value received
  // (`v = ch.value_pop()`).
  QualType T = Value->getType().getCanonicalType();
  if (!T->isBooleanType() && !T->isEnumeralType())
    return false;
  if (auto Test = statusTest(Value)) {
    keepStatus(V, Test->first.Call, Test->second);
    return true;
  }
  int F = condition(Value, Env());
  if (!readsStatus(F) || readsShared(F))
    return false;
  StatusConditions[V] = F;
  return true;
}

/// Whether Ex is an operand of `&&` or `||` (through `!` and parentheses).
bool SummaryBuilder::operandOfLogic(const Expr *Ex) {
  for (const Stmt *P = Parents->getParent(Ex); isa_and_nonnull<Expr>(P); P = Parents->getParent(P)) {
    if (const auto *B = dyn_cast<BinaryOperator>(P))
      return B->isLogicalOp();
    if (const auto *U = dyn_cast<UnaryOperator>(P); U && U->getOpcode() != UO_LNot)
      return false;
    if (!isa<UnaryOperator, ParenExpr, ImplicitCastExpr>(P))
      return false;
  }
  return false;
}

/// V keeps the status of the op at Call: the op sets V's slot, and a branch
/// on V reads it, however many branches there are.
void SummaryBuilder::keepStatus(const ValueDecl *V, const Stmt *Call, bool OnSuccess) {
  const auto *Var = dyn_cast<VarDecl>(V);
  if ((Var && (Var->hasGlobalStorage() || Var->getType()->isReferenceType())) ||
      (!Var && !isa<BindingDecl>(V)))
    return;
  keepStatus(static_cast<const void *>(V), Call, OnSuccess);
}

void SummaryBuilder::keepStatus(const void *Holder, const Stmt *Call, bool OnSuccess) {
  if (std::optional<unsigned> Slot = statusSlot(Holder))
    StatusOps[Call] = {*Slot, OnSuccess};
}

std::optional<unsigned> SummaryBuilder::statusSlot(const void *Holder) {
  auto [It, New] = StatusSlots.try_emplace(Holder, StatusSlots.size());
  if (It->second >= MaxStatusSlots) {
    StatusSlots.erase(It);
    return std::nullopt;
  }
  return It->second;
}

/// The call of a function of the program whose result Ex is, when that
/// result says whether it got something: a flag, a pointer or an optional.
const CallExpr *SummaryBuilder::testedResult(const Expr *Ex) {
  const auto *Call = dyn_cast<CallExpr>(ignoreWrappers(Ex)->IgnoreParenCasts());
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  if (!Callee || isStandardLibrary(Callee) || Index.classifyCall(Call) || !worthCalling(Callee))
    return nullptr;
  QualType T = Callee->getReturnType().getCanonicalType();
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (T->isBooleanType() || T->isPointerType() ||
      (RD && isOptional(RD->getQualifiedNameAsString())))
    return Call;
  return nullptr;
}

/// Whether Ex is the call of a function of the program that waits to
/// receive and returns a value: what it returns was sent by another thread.
bool SummaryBuilder::returnsReceived(const Expr *Ex) {
  const auto *Call = dyn_cast<CallExpr>(ignoreWrappers(Ex)->IgnoreParenCasts());
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  if (!worthCalling(Callee) || Callee->getReturnType()->isVoidType())
    return false;
  return llvm::any_of(E.summary(*Callee->getDefinition()).Events, [](const Event &Ev) {
    return Ev.Kind == EventKind::Recv || Ev.Kind == EventKind::TimedRecv;
  });
}

/// What a return of this function tells a caller that tests its result
/// (testedResult): Fail for `false`, a null pointer, an empty optional;
/// Success for `true`, a new object, a value an optional is made from.
Outcome SummaryBuilder::returnOutcome(const Stmt *Site) {
  const auto *Ret = dyn_cast_or_null<ReturnStmt>(Site);
  const Expr *V = Ret ? Ret->getRetValue() : nullptr;
  if (!V || V->isValueDependent())
    return Outcome::Any;
  QualType T = FD.getReturnType().getCanonicalType();
  if (T->isBooleanType() || T->isPointerType()) {
    if (T->isPointerType() && V->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull))
      return Outcome::Fail;
    if (T->isPointerType() && isa<CXXNewExpr>(V->IgnoreParenImpCasts()))
      return Outcome::Success;
    bool Value = false;
    if (T->isBooleanType() && V->EvaluateAsBooleanCondition(Value, Ctx))
      return Value ? Outcome::Success : Outcome::Fail;
    return Outcome::Any;
  }
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD || !isOptional(RD->getQualifiedNameAsString()))
    return Outcome::Any;
  // `return {};` and `return std::nullopt;` make it empty; `return item;`
  // makes it from a value.
  const Expr *Made = V->IgnoreImplicit();
  if (const auto *List = dyn_cast<InitListExpr>(Made))
    return List->getNumInits() == 0 ? Outcome::Fail : Outcome::Any;
  const auto *Construct = dyn_cast<CXXConstructExpr>(Made);
  if (!Construct)
    return Outcome::Any;
  if (Construct->getNumArgs() == 0)
    return Outcome::Fail;
  QualType ArgT = Construct->getArg(0)->getType().getCanonicalType().getUnqualifiedType();
  const CXXRecordDecl *ArgRD = ArgT->getAsCXXRecordDecl();
  if (ArgRD && isEmptyOptionalTag(ArgRD->getQualifiedNameAsString()))
    return Outcome::Fail;
  if (ArgRD && isOptional(ArgRD->getQualifiedNameAsString()))
    return Outcome::Any; // another optional: empty or not
  return Outcome::Success;
}

/// Whether St runs with a mutex held: a scoped lock declared before it in an
/// enclosing block (and not unlocked since), or a `lock()` call not yet
/// followed by `unlock()`.
bool SummaryBuilder::underLock(const Stmt *St) {
  for (const Stmt *Child = St, *P = Parents->getParent(St); P;
       Child = P, P = Parents->getParent(P)) {
    if (isa<LambdaExpr>(P))
      return false;
    const auto *Block = dyn_cast<CompoundStmt>(P);
    if (!Block)
      continue;
    bool Held = false;
    for (const Stmt *X : Block->body()) {
      if (X == Child)
        break;
      if (const auto *DS = dyn_cast<DeclStmt>(X)) {
        for (const Decl *D : DS->decls())
          if (const auto *V = dyn_cast<VarDecl>(D))
            if (const auto *RD = V->getType()->getAsCXXRecordDecl();
                RD && isScopedLock(RD->getQualifiedNameAsString())) {
              const auto *Construct =
                  dyn_cast_or_null<CXXConstructExpr>(V->getInit() ? ignoreWrappers(V->getInit()) : nullptr);
              // std::defer_lock: not held yet.
              bool Deferred = Construct && Construct->getNumArgs() > 1;
              Held = !Deferred;
            }
        continue;
      }
      if (const CXXMethodDecl *M = namedStdMethod(dyn_cast<Expr>(X)))
        if (LockEffect Effect = lockEffect(M->getName()); Effect != LockEffect::None)
          Held = Effect == LockEffect::Acquires;
    }
    if (Held)
      return true;
  }
  return false;
}

/// Whether an optional holds a value after `Target = Value`: it does once
/// given a value (whatever the value), it does not once given nullopt.
/// Another optional's state is unknown.
static std::optional<long long> optionalAssigned(const Expr *Target, const Expr *Value) {
  const auto *RD = Target->getType()->getAsCXXRecordDecl();
  if (!RD || !isOptional(RD->getQualifiedNameAsString()))
    return std::nullopt;
  Value = ignoreWrappers(Value);
  // `value = v` converts v to an optional first.
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(Value)) {
    if (Construct->getNumArgs() == 0)
      return 0;
    Value = ignoreWrappers(Construct->getArg(0));
  }
  const auto *FromRD = Value->getType()->getAsCXXRecordDecl();
  if (FromRD && isOptional(FromRD->getQualifiedNameAsString()))
    return std::nullopt;
  if (FromRD && isEmptyOptionalTag(FromRD->getQualifiedNameAsString()))
    return 0;
  return 1;
}

void SummaryBuilder::writeEvent(const Stmt *St, const Env &Env) {
  const Expr *Target = nullptr;
  WriteKind K = WriteKind::Havoc;
  long long N = 0;
  auto Constant = [&](const Expr *V, long long Sign, WriteKind Kind) {
    if (std::optional<long long> C = stateConstant(V, Ctx)) {
      K = Kind;
      N = Sign * *C;
    }
  };
  const ParmVarDecl *FromParam = nullptr;
  if (const auto *B = dyn_cast<BinaryOperator>(St); B && B->isAssignmentOp()) {
    Target = B->getLHS();
    if (B->getOpcode() == BO_Assign) {
      Constant(B->getRHS(), 1, WriteKind::Assign);
      FromParam = integerParameter(B->getRHS());
    } else if (B->getOpcode() == BO_AddAssign || B->getOpcode() == BO_SubAssign)
      Constant(B->getRHS(), B->getOpcode() == BO_AddAssign ? 1 : -1, WriteKind::Add);
  } else if (const auto *U = dyn_cast<UnaryOperator>(St); U && U->isIncrementDecrementOp()) {
    Target = U->getSubExpr();
    K = WriteKind::Add;
    N = U->isIncrementOp() ? 1 : -1;
  } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(St); Op && Op->getNumArgs() >= 1) {
    // An atomic's (or a container's) operators.
    switch (Op->getOperator()) {
    case OO_Equal:
      Target = Op->getArg(0);
      if (Op->getNumArgs() != 2)
        break;
      if (std::optional<long long> Holds = optionalAssigned(Op->getArg(0), Op->getArg(1))) {
        K = WriteKind::Assign;
        N = *Holds;
      } else {
        Constant(Op->getArg(1), 1, WriteKind::Assign);
      }
      break;
    case OO_PlusPlus:
    case OO_MinusMinus:
      Target = Op->getArg(0);
      K = WriteKind::Add;
      N = Op->getOperator() == OO_PlusPlus ? 1 : -1;
      break;
    case OO_PlusEqual:
    case OO_MinusEqual:
      Target = Op->getArg(0);
      if (Op->getNumArgs() == 2)
        Constant(Op->getArg(1), Op->getOperator() == OO_PlusEqual ? 1 : -1, WriteKind::Add);
      break;
    default:
      break;
    }
  } else if (const CXXMethodDecl *M = namedStdMethod(dyn_cast<Expr>(St))) {
    const auto *Call = cast<CXXMemberCallExpr>(St);
    StateEffect Effect = stateEffect(M->getName(), M->isConst());
    if (Effect == StateEffect::None)
      return;
    Target = Call->getImplicitObjectArgument();
    const Expr *Arg = Call->getNumArgs() > 0 ? Call->getArg(0) : nullptr;
    switch (Effect) {
    case StateEffect::Grows:
    case StateEffect::Shrinks:
      K = WriteKind::Add;
      N = Effect == StateEffect::Grows ? 1 : -1;
      break;
    case StateEffect::Empties:
      K = WriteKind::Assign;
      break;
    case StateEffect::Stores:
      Constant(Arg, 1, WriteKind::Assign);
      break;
    case StateEffect::Adds:
    case StateEffect::Subtracts:
      Constant(Arg, Effect == StateEffect::Adds ? 1 : -1, WriteKind::Add);
      break;
    default:
      break;
    }
  }
  if (!Target)
    return;
  ObjectSet Objs = sharedObjects(Target, Env);
  if (Objs.empty())
    return;
  emit(EventKind::Write, std::move(Objs), St);
  S.Events.back().Write = K;
  S.Events.back().Number = N;
  if (K == WriteKind::Havoc)
    S.Events.back().FromParam = FromParam;
  S.Events.back().Unlocked = !underLock(St);
}

/// A constructor's member initializer of shared state (`pending_(steps)`).
void SummaryBuilder::initializerWrite(const CXXCtorInitializer *Init) {
  const FieldDecl *F = Init->getMember();
  const auto *M = dyn_cast<CXXMethodDecl>(&FD);
  if (F && Index.workGuardForType(F->getType())) {
    const Expr *Made = Init->getInit();
    if (const auto *Default = dyn_cast<CXXDefaultInitExpr>(Made))
      Made = Default->getExpr(); // the default member initializer says where
    countWork(EventKind::Send, loopsIn(Made, {}), Made);
    return;
  }
  if (!F || !M || !E.isSharedState(F))
    return;
  ObjectId This = Objects.placeholder(ObjectKind::This, M->getParent(), QualType(), "this");
  emit(EventKind::Write, {Objects.field(This, F)}, Init->getInit());
  if (std::optional<long long> V = stateConstant(Init->getInit(), Ctx)) {
    S.Events.back().Write = WriteKind::Assign;
    S.Events.back().Number = *V;
  } else {
    S.Events.back().FromParam = integerParameter(Init->getInit());
  }
}

/// The integer parameter of this function that E reads, if that is all
/// it does (`slots_(slots)`, `batch_ = n`).
const ParmVarDecl *SummaryBuilder::integerParameter(const Expr *E) const {
  const auto *P = dyn_cast_or_null<ParmVarDecl>(declRefVar(ignoreWrappers(E)));
  return P && P->getType()->isIntegerType() && P->getDeclContext() == &FD ? P : nullptr;
}

ObjectSet SummaryBuilder::eventLoops(const ObjectSet &Objs) const {
  ObjectSet Loops;
  for (ObjectId O : Objs)
    if (Objects[O].Channel && Objects[O].Channel->EventLoop)
      Loops.push_back(O);
  return Loops;
}

ObjectSet SummaryBuilder::loopsIn(const Stmt *Acquisition, const Env &Env) {
  return eventLoops(eval(Index.eventLoopIn(Acquisition), Env));
}

void SummaryBuilder::countWork(EventKind K, ObjectSet Loops, const Stmt *Site) {
  if (Loops.empty())
    return;
  emit(K, std::move(Loops), Site);
  S.Events.back().Write = WriteKind::Add;
  S.Events.back().Number = 1;
}

/// On the guard itself, its release methods; on what holds it (an
/// optional, a unique_ptr), emplace and reset, and assignment: each
/// acquires when it names a loop (`g.emplace(io.get_executor())`), else
/// releases (`g.reset()`, `g = std::nullopt`).
std::optional<SummaryBuilder::GuardChange> SummaryBuilder::guardChange(const Stmt *St) const {
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(St)) {
    const CXXMethodDecl *M = Call->getMethodDecl();
    const Expr *Guard = Call->getImplicitObjectArgument();
    const WorkGuardModel *G = Index.workGuardForType(Guard->getType());
    if (!G || !M || !M->getIdentifier())
      return std::nullopt;
    bool Acquires = Index.eventLoopIn(Call) != nullptr;
    if (!Index.model().findWorkGuard(modelName(M->getParent()))) {
      if (M->getName() == "reset" || (M->getName() == "emplace" && Acquires))
        return GuardChange{Guard, Acquires};
      return std::nullopt; // a guard made from something else, or a read
    }
    if (llvm::is_contained(G->ReleaseMethods, M->getName()))
      return GuardChange{Guard, false};
    return std::nullopt;
  }
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(St);
      Op && Op->getOperator() == OO_Equal && Op->getNumArgs() == 2 &&
      Index.workGuardForType(Op->getArg(0)->getType()))
    return GuardChange{Op->getArg(0), Index.eventLoopIn(Op->getArg(1)) != nullptr};
  return std::nullopt;
}

/// A guard's construction, or an acquisition (guardChange), holds work on
/// its loop: the loop's count goes up. A release, and (dtorEvent) its
/// destruction, let go: the count goes down.
void SummaryBuilder::guardEvent(const Stmt *St, const Env &Env) {
  if (const auto *DS = dyn_cast<DeclStmt>(St)) {
    for (const Decl *D : DS->decls())
      if (const auto *V = dyn_cast<VarDecl>(D); V && Index.workGuardForType(V->getType()) &&
                                                 !V->getType()->isReferenceType())
        countWork(EventKind::Send, loopsIn(V->getInit(), Env), St);
    return;
  }
  if (std::optional<GuardChange> G = guardChange(St))
    countWork(G->Acquires ? EventKind::Send : EventKind::Arrive,
              G->Acquires ? loopsIn(St, Env) : eventLoops(eval(G->Guard, Env)), St);
}

/// A counter's release or arrival says by how much; a condition variable's
/// wait keeps its predicate; a notify says whether it wakes one waiter.
void SummaryBuilder::decorateOp(const ModelOp &M, const Env &Env) {
  if (M.Channel && M.Channel->Counts != CountKind::None) {
    Event &Ev = S.Events.back();
    Ev.LoopsUntilClosed = false; // a counter is never closed
    if (Ev.Kind != EventKind::Send && Ev.Kind != EventKind::Arrive)
      return;
    const auto *Call = dyn_cast<CallExpr>(M.Call);
    const Expr *Amount = Call && Call->getNumArgs() > 0 ? Call->getArg(0) : nullptr;
    std::optional<long long> N = Amount ? stateConstant(Amount, Ctx) : 1;
    Ev.Write = N ? WriteKind::Add : WriteKind::Havoc;
    Ev.Number = N.value_or(0);
    return;
  }
  if (!M.Channel || !M.Channel->isSignal())
    return;
  Event &Ev = S.Events.back();
  if (opIsSend(M.Kind)) {
    const auto *Call = dyn_cast<CXXMemberCallExpr>(M.Call);
    const CXXMethodDecl *Method = Call ? Call->getMethodDecl() : nullptr;
    Ev.WakesOne = Method && Method->getIdentifier() && M.Channel->wakesOne(Method->getName());
    return;
  }
  const auto *Call = dyn_cast<CallExpr>(M.Call);
  for (unsigned I = 0; Call && I < Call->getNumArgs(); ++I)
    if (const VarDecl *Lock = declRefVar(ignoreWrappers(Call->getArg(I)));
        Lock && isScopedLockVar(Lock)) {
      Ev.Mutexes = lockedBy(Lock, Env);
      break;
    }
  const Expr *Pred = Call ? waitPredicate(Index, Call) : nullptr;
  const auto *Lambda = dyn_cast_or_null<LambdaExpr>(Pred);
  if (Lambda)
    escapeActingCalls(Lambda->getBody(), Env);
  if (!Pred && M.Kind == OpKind::Recv) {
    // `while (!ready) cv.wait(lk);`: it waits for the loop's end.
    for (const Stmt *P = Parents->getParent(M.Call); P && !isa<LambdaExpr>(P);
         P = Parents->getParent(P)) {
      if (!isLoop(P))
        continue;
      const Expr *Cond = loopCondition(P);
      int F = Cond ? condition(Cond, Env) : -1;
      if (readsShared(F)) {
        Ev.Predicate = negation(F);
        Ev.ChecksAtLoopHead = true;
      }
      return;
    }
  }
  if (!Lambda)
    return;
  const auto *Body = dyn_cast_or_null<CompoundStmt>(Lambda->getBody());
  if (!Body)
    return;
  // A constant predicate (`[] { return false; }`) no notify can satisfy.
  int F = predicate(llvm::ArrayRef<const Stmt *>(Body->body_begin(), Body->body_end()), Env);
  if (readsShared(F) || isConstantFormula(S.Formulas, F))
    Ev.Predicate = F;
}

/// A predicate's body as one condition: `if (C) return true; ... return X;`
/// is C || ...X, `if (C) return false; ...` is !C && ...; other statements
/// are stepped over (they do not decide the result).
int SummaryBuilder::predicate(llvm::ArrayRef<const Stmt *> Body, const Env &Env) {
  for (unsigned I = 0; I < Body.size(); ++I) {
    if (const auto *Ret = dyn_cast<ReturnStmt>(Body[I]))
      return condition(Ret->getRetValue(), Env);
    const auto *If = dyn_cast<IfStmt>(Body[I]);
    if (!If)
      continue;
    const Stmt *Then = If->getThen();
    if (const auto *Block = dyn_cast<CompoundStmt>(Then); Block && Block->size() == 1)
      Then = Block->body_front();
    const auto *Ret = dyn_cast<ReturnStmt>(Then);
    bool Value = false;
    if (If->getElse() || !Ret || !Ret->getRetValue() ||
        !Ret->getRetValue()->EvaluateAsBooleanCondition(Value, Ctx))
      return formula(Formula{});
    Formula F;
    F.K = Value ? Formula::Or : Formula::And;
    F.Left = condition(If->getCond(), Env);
    if (!Value)
      F.Left = negation(F.Left);
    F.Right = predicate(Body.drop_front(I + 1), Env);
    return formula(F);
  }
  return formula(Formula{});
}

bool SummaryBuilder::worthCalling(const FunctionDecl *Callee) {
  if (!Callee)
    return false;
  const FunctionDecl *Def = Callee->getDefinition();
  if (!Def || !Def->hasBody() || isStandardLibrary(Def))
    return false;
  const SourceManager &SM = Ctx.getSourceManager();
  if (SM.isInSystemHeader(SM.getExpansionLoc(Def->getLocation())))
    return false;
  // The model knows what a channel's own methods do.
  if (const auto *M = dyn_cast<CXXMethodDecl>(Def))
    if (M->isInstance() && Index.channelForType(M->getThisType()))
      return false;
  return true;
}

/// Binds a method's `this` to Objs, with the reference members those
/// objects were constructed with.
static void bindThis(Binding &B, ObjectTable &Objects, const CXXRecordDecl *RD,
                     const ObjectSet &Objs) {
  ObjectId This = Objects.placeholder(ObjectKind::This, RD, QualType(), "this");
  B.Map.push_back({This, Objs});
  if (Objs.size() != 1)
    return;
  for (auto &[F, Targets] : Objects.aliasesOf(Objs.front()))
    B.Map.push_back({Objects.field(This, F), Targets});
}

unsigned SummaryBuilder::bindingFor(const Summary &Callee, const Expr *Object,
                                    llvm::ArrayRef<const Expr *> Args,
                                    const LambdaExpr *Lambda, ObjectId StopToken,
                                    const Env &Env) {
  Binding B;
  const FunctionDecl *CF = Callee.Function;
  unsigned First = 0;
  if (StopToken != NoObject && CF->getNumParams() > 0) {
    // The token a std::jthread passes names the jthread's stop state.
    const ParmVarDecl *P0 = CF->getParamDecl(0);
    if (Index.isStopState(P0->getType())) {
      B.Map.push_back(
          {Objects.placeholder(ObjectKind::Parameter, P0, P0->getType(), P0->getName()),
           {StopToken}});
      First = 1;
    }
  }
  for (unsigned I = 0; I < Args.size() && First + I < CF->getNumParams(); ++I) {
    const ParmVarDecl *P = CF->getParamDecl(First + I);
    if (P->getType()->isIntegerType()) {
      if (std::optional<long long> V = evalInt(Args[I], Ctx))
        B.Counts.push_back({P, V, nullptr});
      else if (const auto *From = dyn_cast_or_null<ParmVarDecl>(declRefVar(Args[I])))
        B.Counts.push_back({P, std::nullopt, From});
    }
    if (!tracked(P->getType()) && !sharedByReference(P))
      continue;
    B.Map.push_back({Objects.placeholder(ObjectKind::Parameter, P, P->getType(), P->getName()),
                     eval(Args[I], Env)});
  }
  // Parameters the call leaves to their default (`make_shared<Box>()` with
  // `Box(size_t slots = 1)`).
  for (unsigned I = First + Args.size(); I < CF->getNumParams(); ++I)
    if (const ParmVarDecl *P = CF->getParamDecl(I);
        P->getType()->isIntegerType() && P->hasDefaultArg() && !P->hasUnparsedDefaultArg() &&
        !P->hasUninstantiatedDefaultArg())
      if (std::optional<long long> V = evalInt(P->getDefaultArg(), Ctx))
        B.Counts.push_back({P, V, nullptr});
  if (const auto *M = dyn_cast<CXXMethodDecl>(CF); M && M->isInstance()) {
    ObjectSet Target = Object ? eval(Object, Env) : ObjectSet{};
    if (Lambda) {
      // A lambda's `this` and its captures come from where it was written;
      // its `this` is the enclosing method's placeholder, bound through the
      // caller's own binding.
      auto Init = Lambda->capture_init_begin();
      for (const LambdaCapture &C : Lambda->captures()) {
        const Expr *InitExpr = *Init++;
        if (C.capturesThis()) {
          ObjectSet OuterThis = eval(InitExpr, Env);
          if (OuterThis.size() == 1)
            B.Map.push_back({OuterThis.front(), OuterThis});
          continue;
        }
        if (!C.capturesVariable())
          continue;
        const auto *Var = dyn_cast<VarDecl>(C.getCapturedVar());
        if (!Var || !(tracked(Var->getType()) ||
                      (C.getCaptureKind() == LCK_ByRef && E.isSharedState(Var))))
          continue;
        B.Map.push_back({Objects.placeholder(ObjectKind::Capture, Var, Var->getType(),
                                             Var->getName()),
                         eval(InitExpr, Env)});
      }
    } else if (!Target.empty()) {
      bindThis(B, Objects, M->getParent(), Target);
    }
  }
  S.Bindings.push_back(std::move(B));
  return S.Bindings.size() - 1;
}

void SummaryBuilder::escapeArgs(const CallExpr *Call, const Env &Env) {
  const FunctionDecl *Callee = Call->getDirectCallee();
  // The standard library only moves or stores what it is given.
  if (Callee && isStandardLibrary(Callee))
    return;
  for (const Expr *Arg : Call->arguments())
    markEscape(eval(Arg, Env), Call);
  if (const auto *M = dyn_cast<CXXMemberCallExpr>(Call))
    if (!Callee || !isStandardLibrary(Callee))
      markEscape(eval(M->getImplicitObjectArgument(), Env), Call);
}

/// A counter sized by a variable that also bounds a loop (`std::barrier
/// sync(n)` and `for (i = 0; i < n; ++i)` spawning its members) counts as
/// many as that loop runs.
void SummaryBuilder::countFromBound(ObjectId Counter, const Expr *Init) {
  AbstractObject &O = Objects[Counter];
  const auto *Construct = dyn_cast_or_null<CXXConstructExpr>(Init ? ignoreWrappers(Init) : nullptr);
  if (!O.Channel || O.Channel->Counts == CountKind::None ||
      O.Capacity.Kind != ChannelCapacity::Unknown || !Construct || Construct->getNumArgs() == 0)
    return;
  if (const Decl *Bound = countVariable(Construct->getArg(0)))
    O.CountSymbol = E.symbolFor(Bound);
}

/// Members a constructor initializes from its parameters take the
/// arguments' constant values: `Chan ch{0}` with `cap(capacity)` has cap 0.
void SummaryBuilder::memberConstants(const CXXConstructorDecl *Ctor,
                                     llvm::ArrayRef<const Expr *> Args, const ObjectSet &Self,
                                     const Stmt *Site) {
  const auto *Def = dyn_cast_or_null<CXXConstructorDecl>(Ctor ? Ctor->getDefinition() : nullptr);
  if (!Def || Self.empty())
    return;
  for (const CXXCtorInitializer *Init : Def->inits()) {
    const FieldDecl *F = Init->getMember();
    if (!F || !Init->isWritten() || !E.isSharedState(F))
      continue;
    const Expr *From = ignoreWrappers(Init->getInit());
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(From);
        Construct && Construct->getNumArgs() == 1)
      From = ignoreWrappers(Construct->getArg(0));
    const auto *Ref = dyn_cast<DeclRefExpr>(From->IgnoreParenCasts());
    const auto *Param = Ref ? dyn_cast<ParmVarDecl>(Ref->getDecl()) : nullptr;
    if (!Param || Param->getFunctionScopeIndex() >= Args.size())
      continue;
    std::optional<long long> V = stateConstant(Args[Param->getFunctionScopeIndex()], Ctx);
    if (!V)
      continue;
    ObjectSet Fields;
    for (ObjectId O : Self)
      Fields.push_back(Objects.field(O, F));
    emit(EventKind::Write, std::move(Fields), Site);
    S.Events.back().Write = WriteKind::Assign;
    S.Events.back().Number = *V;
  }
}

/// A constructor's body runs on Self (the variable or the new object).
void SummaryBuilder::constructorEvent(const CXXConstructorDecl *Ctor,
                                      llvm::ArrayRef<const Expr *> Args, const ObjectSet &Self,
                                      const Expr *Site, const Env &Env) {
  const Summary &CSum = E.summary(*Ctor->getDefinition());
  if (!CSum.Valid || (!CSum.HasEvents && CSum.Escapes.empty()))
    return;
  unsigned Bi = bindingFor(CSum, nullptr, Args, nullptr, NoObject, Env);
  if (!Self.empty())
    S.Bindings[Bi].Map.push_back(
        {Objects.placeholder(ObjectKind::This, Ctor->getParent(), QualType(), "this"), Self});
  for (ObjectId Esc : CSum.Escapes)
    for (auto &[P, Set] : S.Bindings[Bi].Map)
      if (P == Esc)
        markEscape(Set, Site);
  emit(EventKind::Call, {}, Site);
  S.Events.back().Callee = E.summaryIndex(*Ctor->getDefinition());
  S.Events.back().Binding = Bi;
  if (Self.size() == 1 && Objects[Self.front()].Kind == ObjectKind::Global &&
      static_cast<const VarDecl *>(Objects[Self.front()].Key)->isStaticLocal())
    S.Events.back().InitialisesOnce = Self.front();
  memberConstants(Ctor, Args, Self, Site);
}

/// A channel made and put into a container (`chans.push_back(
/// std::make_shared<Chan>(ex, 1))`) gives the container's elements its
/// capacity, while every channel put there agrees. A channel of unknown
/// make (`futures.push_back(pool.submit(job))`) makes the elements escape:
/// whoever completes it is not one the elements name.
void SummaryBuilder::elementsPut(const CallExpr *Call, const Env &Env) {
  const auto *Member = dyn_cast<CXXMemberCallExpr>(Call);
  const CXXMethodDecl *M = Member ? Member->getMethodDecl() : nullptr;
  if (!M || !M->getIdentifier() || Call->getNumArgs() == 0 ||
      stateEffect(M->getName(), M->isConst()) != StateEffect::Grows)
    return;
  QualType Elem = elementType(Member->getImplicitObjectArgument()->getType());
  if (Elem.isNull())
    return;
  const Expr *Arg = Call->getArg(Call->getNumArgs() - 1);
  const ChannelModel *Channel = Index.channelForType(Elem);
  if (!Channel)
    return;
  ChannelCapacity Put = Index.capacityOf(*Channel, Arg, Ctx);
  ObjectSet Made = eval(Arg, Env);
  bool Known = Index.classifySpawn(ignoreWrappers(Arg)) ||
               (!Made.empty() && llvm::all_of(Made, [&](ObjectId O) {
                  return Objects[O].Kind == ObjectKind::Allocated && !Objects.escapes(O);
                }));
  for (ObjectId C : eval(Member->getImplicitObjectArgument(), Env)) {
    ObjectId Elements = Objects.elements(C, Elem);
    Objects.putElement(Elements, Put);
    if (!Known)
      markEscape({Elements}, Call);
  }
}

/// A handle to a program object put into a local container
/// (`calls.push_back(call)`): the container's elements name it. A put that
/// is not a copy of a handle (`emplace_back(args...)`), or names nothing
/// known, leaves the elements unaliased.
void SummaryBuilder::handlesPut(const Stmt *St, const Env &Env) {
  const auto *Put = dyn_cast<CXXMemberCallExpr>(St);
  const CXXMethodDecl *M = Put ? Put->getMethodDecl() : nullptr;
  if (!M || !M->getIdentifier() || Put->getNumArgs() == 0 ||
      stateEffect(M->getName(), M->isConst()) != StateEffect::Grows)
    return;
  QualType Elem = elementType(Put->getImplicitObjectArgument()->getType());
  if (Elem.isNull() || !isSmartPointer(Elem) || !tracked(Elem))
    return;
  const Expr *Arg = Put->getArg(Put->getNumArgs() - 1);
  bool Copy = Ctx.hasSameUnqualifiedType(Arg->getType().getNonReferenceType(), Elem);
  ObjectSet Named = Copy ? eval(Arg, Env) : ObjectSet{};
  for (ObjectId C : eval(Put->getImplicitObjectArgument(), Env))
    if (Objects[C].Kind == ObjectKind::Local)
      Objects.aliasElements(Objects.elements(C, Elem), Named);
}

/// A predicate runs at every check of its wait, and a lambda nobody here
/// runs at any time, where no event can be placed: what a call in them acts
/// on (beyond reading) is unseen code's.
void SummaryBuilder::escapeActingCalls(const Stmt *St, const Env &Env) {
  if (!St)
    return;
  if (const auto *Call = dyn_cast<CallExpr>(St)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    bool Acts = Index.classifyCall(Call).has_value();
    if (!Acts && worthCalling(Callee)) {
      const Summary &CS = E.summary(*Callee->getDefinition());
      Acts = !CS.Valid || CS.HasEvents || !CS.Escapes.empty();
    }
    if (Acts) {
      for (const Expr *Arg : Call->arguments())
        markEscape(eval(Arg, Env), Call);
      if (const auto *M = dyn_cast<CXXMemberCallExpr>(Call))
        markEscape(eval(M->getImplicitObjectArgument(), Env), Call);
    }
  }
  for (const Stmt *Child : St->children())
    escapeActingCalls(Child, Env);
}

bool SummaryBuilder::callEvent(const CallExpr *Call, const FunctionDecl *Callee,
                               const Env &Env) {
  if (!worthCalling(Callee))
    return false;
  const FunctionDecl *Def = Callee->getDefinition();
  const Summary &CS = E.summary(*Def);
  if (!CS.Valid) {
    escapeArgs(Call, Env); // recursion, or a body the CFG cannot take
    return true;
  }
  // A callee that only throws is still a way out of this function.
  if (!CS.HasEvents && CS.Escapes.empty() && !CS.MayThrow)
    return true;
  const Expr *Object = nullptr;
  llvm::SmallVector<const Expr *, 4> Args;
  const LambdaExpr *Lambda = nullptr;
  if (const auto *M = dyn_cast<CXXMemberCallExpr>(Call)) {
    Object = M->getImplicitObjectArgument();
    Args.append(Call->arg_begin(), Call->arg_end());
  } else if (isa<CXXOperatorCallExpr>(Call) && isa<CXXMethodDecl>(Def)) {
    Object = Call->getArg(0);
    Lambda = dyn_cast<LambdaExpr>(ignoreWrappers(Object));
    Args.append(Call->arg_begin() + 1, Call->arg_end());
  } else {
    Args.append(Call->arg_begin(), Call->arg_end());
  }
  unsigned B = bindingFor(CS, Object, Args, Lambda, NoObject, Env);
  for (ObjectId Esc : CS.Escapes)
    for (auto &[P, Set] : S.Bindings[B].Map)
      if (P == Esc)
        markEscape(Set, Call);
  emit(EventKind::Call, {}, Call);
  S.Events.back().Callee = E.summaryIndex(*Def);
  S.Events.back().Binding = B;
  S.Events.back().Unlocked = !underLock(Call);
  if (auto Status = StatusOps.find(Call); Status != StatusOps.end())
    S.Events.back().ResultSlot = Status->second.first;
  if (CS.MayThrow) {
    unsigned CallEvent = S.Events.size() - 1;
    unsigned Unwind = unwindPath(Call, Env);
    S.Events[CallEvent].Unwind = Unwind;
  }
  return true;
}

/// The automatic variables alive at St, in the order an exception leaving
/// the function there destroys them; when a handler here may catch it
/// (Caught), those its try block made.
llvm::SmallVector<const VarDecl *, 4> SummaryBuilder::liveAutomatics(const Stmt *St,
                                                                     bool &Caught) {
  llvm::SmallVector<const VarDecl *, 4> Live;
  Caught = false;
  for (const Stmt *Child = St, *P = Parents->getParent(St); P;
       Child = P, P = Parents->getParent(P)) {
    if (isa<LambdaExpr>(P))
      break;
    if (const auto *Try = dyn_cast<CXXTryStmt>(P); Try && Try->getTryBlock() == Child) {
      Caught = true;
      return Live;
    }
    const auto *Block = dyn_cast<CompoundStmt>(P);
    if (!Block)
      continue;
    llvm::SmallVector<const VarDecl *, 4> Declared;
    for (const Stmt *X : Block->body()) {
      if (X == Child)
        break;
      if (const auto *DS = dyn_cast<DeclStmt>(X))
        for (const Decl *D : DS->decls())
          if (const auto *V = dyn_cast<VarDecl>(D); V && V->hasLocalStorage())
            Declared.push_back(V);
    }
    Live.append(Declared.rbegin(), Declared.rend());
  }
  return Live;
}

/// What leaving by an exception at St runs: each live object's destructor,
/// innermost first, then the throwing return. Emitted from the current
/// node, which it leaves at the chain's end.
void SummaryBuilder::unwindEvents(const Stmt *St, const Env &Env) {
  bool Caught;
  for (const VarDecl *V : liveAutomatics(St, Caught))
    if (const CXXRecordDecl *RD = V->getType()->getAsCXXRecordDecl();
        RD && RD->hasDefinition() && RD->getDestructor())
      dtorEvent(V, RD->getDestructor(), Env);
}

/// A side chain from a call whose callee may throw: the destructors the
/// exception runs here and a throwing return, or straight on when a
/// handler here may catch it. Returns its first node.
unsigned SummaryBuilder::unwindPath(const Stmt *Site, const Env &Env) {
  unsigned After = Cur;
  Cur = S.Nodes.size();
  unsigned Start = Cur;
  S.Nodes.emplace_back();
  bool Caught;
  liveAutomatics(Site, Caught);
  if (Caught) {
    S.Nodes[Start].Out.push_back({~0u, After});
  } else {
    unwindEvents(Site, Env);
    emit(EventKind::Return, {}, Site);
    S.Events.back().Throws = true;
  }
  Cur = After;
  return Start;
}

/// The callable a spawn runs: its function, the lambda it is, the object a
/// member function runs on, and the arguments bound to its parameters.
struct Callable {
  const FunctionDecl *Function = nullptr;
  const LambdaExpr *Lambda = nullptr;
  const Expr *Object = nullptr;
  llvm::SmallVector<const Expr *, 4> Args;
};

static std::optional<Callable> resolveCallable(const Expr *Ex,
                                               llvm::ArrayRef<const Expr *> Forwarded,
                                               unsigned Depth = 0) {
  if (!Ex || Depth > 3)
    return std::nullopt;
  Ex = ignoreWrappers(Ex);
  Callable C;
  if (const auto *Lambda = dyn_cast<LambdaExpr>(Ex)) {
    C.Lambda = Lambda;
    C.Function = Lambda->getCallOperator();
    C.Object = Lambda;
    C.Args.assign(Forwarded.begin(), Forwarded.end());
    return C;
  }
  if (const auto *U = dyn_cast<UnaryOperator>(Ex); U && U->getOpcode() == UO_AddrOf)
    Ex = U->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(Ex)) {
    if (const auto *F = dyn_cast<FunctionDecl>(Ref->getDecl())) {
      C.Function = F;
      llvm::ArrayRef<const Expr *> Args = Forwarded;
      // &Class::Method takes the object as the first forwarded argument.
      if (const auto *M = dyn_cast<CXXMethodDecl>(F); M && M->isInstance() && !Args.empty()) {
        C.Object = Args.front();
        Args = Args.drop_front();
      }
      C.Args.assign(Args.begin(), Args.end());
      return C;
    }
    if (const auto *VD = dyn_cast<VarDecl>(Ref->getDecl())) {
      if (VD->hasLocalStorage() && VD->getInit())
        if (auto Inner = resolveCallable(VD->getInit(), Forwarded, Depth + 1))
          return Inner;
      // A functor object: its operator() runs on it.
      if (const auto *RD = VD->getType().getNonReferenceType()->getAsCXXRecordDecl())
        for (const CXXMethodDecl *M : RD->methods())
          if (M->getOverloadedOperator() == OO_Call) {
            C.Function = M;
            C.Object = Ref;
            C.Args.assign(Forwarded.begin(), Forwarded.end());
            return C;
          }
    }
    return std::nullopt;
  }
  if (const auto *Call = dyn_cast<CallExpr>(Ex)) {
    const FunctionDecl *F = Call->getDirectCallee();
    if (!F)
      return std::nullopt;
    // std::bind(f, args...)
    if (isStandardLibrary(F) && F->getIdentifier() && F->getName() == "bind" &&
        Call->getNumArgs() >= 1) {
      llvm::SmallVector<const Expr *, 4> Bound(llvm::drop_begin(Call->arguments()));
      return resolveCallable(Call->getArg(0), Bound, Depth + 1);
    }
    // co_spawn(executor, worker(ch), token): the coroutine call is the body.
    if (!isStandardLibrary(F)) {
      C.Function = F;
      llvm::ArrayRef<const Expr *> Args(Call->getArgs(), Call->getNumArgs());
      if (const auto *M = dyn_cast<CXXMemberCallExpr>(Call))
        C.Object = M->getImplicitObjectArgument();
      else if (isa<CXXOperatorCallExpr>(Call) && isa<CXXMethodDecl>(F) && !Args.empty()) {
        C.Object = Args.front(); // Task{}(ch): the functor, then the arguments
        Args = Args.drop_front();
      }
      C.Args.assign(Args.begin(), Args.end());
      return C;
    }
    return std::nullopt;
  }
  // A functor temporary: Worker{ch}, Worker(ch).
  if (const auto *RD = Ex->getType()->getAsCXXRecordDecl())
    for (const CXXMethodDecl *M : RD->methods())
      if (M->getOverloadedOperator() == OO_Call) {
        C.Function = M;
        C.Object = Ex;
        C.Args.assign(Forwarded.begin(), Forwarded.end());
        return C;
      }
  return std::nullopt;
}

/// The function of this program a completion handler runs: a lambda, a
/// function, a bound member function. A library's adaptor (a completion
/// token, bind_executor) is not followed.
const FunctionDecl *SummaryBuilder::completionHandler(const Expr *Handler) {
  std::optional<Callable> C = resolveCallable(Handler, {});
  const FunctionDecl *Def = C ? C->Function->getDefinition() : nullptr;
  if (!Def || !Def->hasBody())
    return nullptr;
  const SourceManager &SM = Ctx.getSourceManager();
  if (!C->Lambda && SM.isInSystemHeader(SM.getExpansionLoc(Def->getLocation())))
    return nullptr;
  return Def;
}

const VarDecl *SummaryBuilder::handleVarOf(const Expr *Site) {
  const Stmt *Cur = Site;
  while (const Stmt *Parent = Parents->getParent(Cur)) {
    if (const auto *DS = dyn_cast<DeclStmt>(Parent)) {
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D))
          if (VD->getInit() && contains(VD->getInit(), Site))
            return VD;
      return nullptr;
    }
    if (!isa<Expr>(Parent))
      return nullptr;
    Cur = Parent;
  }
  return nullptr;
}

/// The call that puts what Site makes into a container: the spawn itself
/// (`workers.emplace_back(fn)`) or its caller (`futures.push_back(
/// std::async(fn))`).
const CXXMemberCallExpr *SummaryBuilder::containerPutOf(const Expr *Site) {
  const Stmt *Cur = Site;
  while (Cur) {
    if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Cur)) {
      const CXXMethodDecl *M = Member->getMethodDecl();
      bool Grows = M && M->getIdentifier() &&
                   stateEffect(M->getName(), M->isConst()) == StateEffect::Grows &&
                   !elementType(Member->getImplicitObjectArgument()->getType()).isNull();
      return Grows ? Member : nullptr;
    }
    if (Cur != Site && !isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
                            CXXConstructExpr>(Cur))
      return nullptr;
    Cur = Parents->getParent(Cur);
  }
  return nullptr;
}

void SummaryBuilder::spawnEvent(const ModelSpawn &Site, const Env &Env) {
  SpawnInfo Info;
  Info.Spawner = Site.Spawner;
  Info.Site = Site.Site;
  // The innermost loop of this function around the spawn.
  for (const Stmt *P = Parents->getParent(Site.Site); P; P = Parents->getParent(P)) {
    if (isa<LambdaExpr>(P))
      break;
    if (isLoop(P)) {
      Info.Loop = P;
      break;
    }
  }
  // The handle: a variable, a member being initialised, the container a
  // thread is emplaced into, or the left side of `t = std::thread(...)`.
  ObjectSet Handle;
  if (const VarDecl *V = handleVarOf(Site.Site))
    Handle = lookup(V, Env).empty() ? ObjectSet{Objects.local(V)} : lookup(V, Env);
  else if (auto It = MemberHandles.find(Site.Site); It != MemberHandles.end())
    Handle = {Objects.field(Objects.placeholder(ObjectKind::This,
                                                cast<CXXRecordDecl>(It->second->getParent()),
                                                QualType(), "this"),
                            It->second)};
  else if (const CXXMemberCallExpr *Put = containerPutOf(Site.Site)) {
    QualType Elem = elementType(Put->getImplicitObjectArgument()->getType());
    for (ObjectId C : eval(Put->getImplicitObjectArgument(), Env))
      Handle.push_back(Objects.elements(C, Elem));
  } else if (const Stmt *P = Parents->getParent(Site.Site)) {
    while (P && isa<Expr>(P) && !isa<CXXOperatorCallExpr>(P) && !isa<BinaryOperator>(P))
      P = Parents->getParent(P);
    if (const auto *Op = dyn_cast_or_null<CXXOperatorCallExpr>(P);
        Op && Op->getOperator() == OO_Equal)
      Handle = eval(Op->getArg(0), Env);
  }
  Info.Handle = Handle.empty() ? Objects.allocated(Site.Site, QualType()) : Handle.front();
  if (!Objects[Info.Handle].Handle)
    Objects[Info.Handle].Handle = Site.Spawner;

  std::optional<Callable> C = resolveCallable(Site.Callable, Site.ForwardedArgs);
  const FunctionDecl *Def = C ? C->Function->getDefinition() : nullptr;
  if (C && C->Lambda)
    Consumed.insert(C->Lambda);
  if (!Def || !Def->hasBody()) {
    // What runs is unknown: whatever it is handed escapes.
    for (const Expr *Arg : Site.ForwardedArgs)
      markEscape(eval(Arg, Env), Site.Site);
    if (const auto *Lambda = dyn_cast_or_null<LambdaExpr>(ignoreWrappers(Site.Callable)))
      for (const Expr *Init : Lambda->capture_inits())
        markEscape(eval(Init, Env), Site.Site);
    return;
  }
  if (Site.Spawner->PassesStopToken && Def->getNumParams() > 0)
    if (Index.isStopState(Def->getParamDecl(0)->getType()))
      Info.ReadsStopToken = Def->getParamDecl(0)->isReferenced();
  const Summary &CS = E.summary(*Def);
  if (!CS.Valid) {
    for (const Expr *Arg : Site.ForwardedArgs)
      markEscape(eval(Arg, Env), Site.Site);
    return;
  }
  unsigned B = bindingFor(CS, C->Object, C->Args, C->Lambda,
                          Site.Spawner->PassesStopToken ? Info.Handle : NoObject, Env);
  for (ObjectId Esc : CS.Escapes)
    for (auto &[P, Set] : S.Bindings[B].Map)
      if (P == Esc)
        markEscape(Set, Site.Site);
  S.Spawns.push_back(Info);
  emit(EventKind::Spawn, {Info.Handle}, Site.Site);
  S.Events.back().Callee = E.summaryIndex(*Def);
  S.Events.back().Binding = B;
  S.Events.back().Index = S.Spawns.size() - 1;
}

/// Whether every thread Loop spawns is handed only objects made in its own
/// round (`auto call = std::make_shared<Call>(); std::thread([call] {...})`)
/// and reaches no global: then no round's thread can rescue or strand
/// another's, and the abstraction, which names every round's object alike,
/// would only merge what never meets.
bool SummaryBuilder::roundsOwnTheirObjects(const Stmt *Loop) {
  SourceManager &SM = Ctx.getSourceManager();
  auto MadeInRound = [&](ObjectId O) {
    while (Objects[O].Kind == ObjectKind::Field && Objects[O].Base != NoObject)
      O = Objects[O].Base;
    const AbstractObject &A = Objects[O];
    if (A.Kind != ObjectKind::Allocated || Objects.escapes(O))
      return false;
    SourceLocation At = static_cast<const Expr *>(A.Key)->getBeginLoc();
    return !SM.isBeforeInTranslationUnit(At, Loop->getBeginLoc()) &&
           !SM.isBeforeInTranslationUnit(Loop->getEndLoc(), At);
  };
  bool Spawned = false;
  for (const Event &Ev : S.Events) {
    if (Ev.Kind != EventKind::Spawn || S.Spawns[Ev.Index].Loop != Loop)
      continue;
    Spawned = true;
    if (Ev.Binding == ~0u || Ev.Callee == ~0u || reachesGlobals(E.summary(Ev.Callee)))
      return false;
    for (const auto &[Param, Set] : S.Bindings[Ev.Binding].Map)
      for (ObjectId O : Set)
        if (O != S.Spawns[Ev.Index].Handle && !MadeInRound(O))
          return false;
  }
  return Spawned;
}

/// Whether a function, or one it calls, acts on a global object.
bool SummaryBuilder::reachesGlobals(const Summary &Callee, unsigned Depth) {
  if (Depth > 4 || !Callee.Valid)
    return true;
  auto Global = [&](ObjectId O) {
    while (Objects[O].Base != NoObject)
      O = Objects[O].Base;
    return Objects[O].Kind == ObjectKind::Global;
  };
  for (const Event &Ev : Callee.Events)
    if (llvm::any_of(Ev.Objects, Global) ||
        ((Ev.Kind == EventKind::Call || Ev.Kind == EventKind::Spawn) && Ev.Callee != ~0u &&
         reachesGlobals(E.summary(Ev.Callee), Depth + 1)))
      return true;
  return llvm::any_of(Callee.Bindings, [&](const Binding &B) {
    return llvm::any_of(B.Map, [&](const auto &Entry) { return llvm::any_of(Entry.second, Global); });
  });
}

/// Whether Body hands V's ownership away: std::move(V) or V.release().
static bool handsOwnershipAway(const VarDecl *V, const Stmt *Body) {
  if (!Body)
    return false;
  if (const auto *Call = dyn_cast<CallExpr>(Body)) {
    const FunctionDecl *F = Call->getDirectCallee();
    const Expr *Owner = nullptr;
    if (const auto *M = dyn_cast<CXXMemberCallExpr>(Call);
        M && F && F->getIdentifier() && F->getName() == "release")
      Owner = M->getImplicitObjectArgument();
    else if (F && F->isInStdNamespace() && F->getIdentifier() && F->getName() == "move" &&
             Call->getNumArgs() == 1)
      Owner = Call->getArg(0);
    if (Owner && declRefVar(Owner->IgnoreParenImpCasts()) == V)
      return true;
  }
  return llvm::any_of(Body->children(),
                      [&](const Stmt *Child) { return handsOwnershipAway(V, Child); });
}

// ---------------------------------------------------------------------------
// Mutexes: who holds one decides whose check and writes come first.

/// The mutex Ex names: a variable, or a member of an object the engine
/// follows (`ch->mu`, `mu_`).
ObjectSet SummaryBuilder::mutexObjects(const Expr *Ex, const Env &Env) {
  Ex = ignoreWrappers(Ex)->IgnoreParenImpCasts();
  if (!isMutexType(Ex->getType()))
    return {};
  if (const auto *Ref = dyn_cast<DeclRefExpr>(Ex)) {
    const auto *V = dyn_cast<VarDecl>(Ref->getDecl());
    if (!V || V->getType()->isReferenceType())
      return {};
    return {V->hasGlobalStorage() ? Objects.global(V) : Objects.local(V)};
  }
  ObjectSet R;
  if (const auto *Member = dyn_cast<MemberExpr>(Ex))
    if (const auto *F = dyn_cast<FieldDecl>(Member->getMemberDecl()))
      for (ObjectId Base : eval(Member->getBase(), Env))
        R.push_back(Objects.field(Base, F));
  return R;
}

/// The mutexes a scoped lock variable holds; TakesNow: whether its
/// construction takes them (not std::defer_lock, std::adopt_lock, ...).
ObjectSet SummaryBuilder::lockedBy(const VarDecl *Lock, const Env &Env, bool *TakesNow) {
  const auto *Construct =
      dyn_cast_or_null<CXXConstructExpr>(Lock->getInit() ? ignoreWrappers(Lock->getInit()) : nullptr);
  ObjectSet R;
  if (TakesNow)
    *TakesNow = Construct != nullptr;
  if (!Construct)
    return R;
  for (const Expr *Arg : Construct->arguments()) {
    if (isMutexType(Arg->getType()))
      addAll(R, mutexObjects(Arg, Env));
    else if (TakesNow)
      *TakesNow = false; // a tag: deferred, adopted, tried
  }
  return R;
}

/// Takes or releases a mutex: a scoped lock made, `lk.unlock()`,
/// `mu.lock()`. Returns whether Ex was such a call.
bool SummaryBuilder::lockEvent(const Expr *Ex, const Env &Env) {
  const auto *Call = dyn_cast<CXXMemberCallExpr>(Ex);
  const CXXMethodDecl *M = Call ? Call->getMethodDecl() : nullptr;
  if (!M || !M->getIdentifier())
    return false;
  LockEffect Effect = lockEffect(M->getName());
  if (Effect == LockEffect::None)
    return false;
  const Expr *Obj = Call->getImplicitObjectArgument()->IgnoreParenImpCasts();
  ObjectSet Mutexes;
  if (isMutexType(Obj->getType()))
    Mutexes = mutexObjects(Obj, Env);
  else if (const VarDecl *Lock = declRefVar(Obj); Lock && isScopedLockVar(Lock))
    Mutexes = lockedBy(Lock, Env);
  else
    return false;
  if (!Mutexes.empty())
    emit(Effect == LockEffect::Acquires ? EventKind::Lock : EventKind::Unlock, Mutexes, Call);
  return true;
}

void SummaryBuilder::dtorEvent(const VarDecl *V, const CXXDestructorDecl *Dtor,
                               const Env &Env) {
  if (Index.workGuardForType(V->getType())) {
    if (!handsOwnershipAway(V, S.Body))
      countWork(EventKind::Arrive, eventLoops(lookup(V, Env)), nullptr);
    return;
  }
  if (isScopedLockVar(V)) {
    if (ObjectSet Mutexes = lockedBy(V, Env); !Mutexes.empty())
      emit(EventKind::Unlock, Mutexes, nullptr);
    return;
  }
  // A unique_ptr destroys what it owns, unless it handed it away.
  if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
          V->getType()->getAsCXXRecordDecl());
      Spec && Spec->isInStdNamespace() && Spec->getName() == "unique_ptr" &&
      Spec->getTemplateArgs().size() > 0 &&
      Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type) {
    const CXXRecordDecl *Owned = Spec->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
    if (Owned && Owned->hasDefinition() && Owned->getDestructor() &&
        !handsOwnershipAway(V, S.Body))
      destroyEvent(lookup(V, Env), Owned->getDestructor(), V->getInit());
    return;
  }
  destroyEvent(lookup(V, Env), Dtor, V->getInit());
}

/// What destroying Obj does; Site is where a stop request is reported.
void SummaryBuilder::destroyEvent(const ObjectSet &Obj, const CXXDestructorDecl *Dtor,
                                  const Stmt *Site, unsigned Depth) {
  if (Obj.empty())
    return;
  const AbstractObject &O = Objects[Obj.front()];
  // A jthread requests stop and joins; std::async's future waits.
  if (O.Handle && O.Handle->JoinsOnDestroy) {
    if (O.Handle->PassesStopToken) {
      emit(EventKind::RequestStop, Obj, Site);
      S.Events.back().IfJoinable = true;
    }
    emit(EventKind::Join, Obj, nullptr);
    S.Events.back().Site = nullptr;
    return;
  }
  if (O.Lifecycle) {
    if (O.Lifecycle->DestructorStops)
      emit(EventKind::Stop, Obj, nullptr);
    return;
  }
  if (!Dtor || Depth > 3)
    return;
  const CXXRecordDecl *RD = Dtor->getParent();
  // A container of joining handles (std::vector<std::jthread>): each one's
  // destructor.
  QualType Elem = elementType(RD);
  if (const SpawnerModel *H = Elem.isNull() ? nullptr : Index.spawnerForType(Elem);
      H && H->JoinsOnDestroy) {
    ObjectSet Elements;
    for (ObjectId C : Obj)
      Elements.push_back(Objects.elements(C, Elem));
    destroyEvent(Elements, nullptr, Site, Depth + 1);
    return;
  }
  if (isStandardLibrary(RD))
    return;
  // A user type's destructor: what its body does (a guard that closes),
  // members included; an implicit one destroys the members, last first.
  if (worthCalling(Dtor)) {
    const Summary &CS = E.summary(*Dtor->getDefinition());
    if (CS.Valid && CS.HasEvents) {
      Binding B;
      bindThis(B, Objects, RD, Obj);
      S.Bindings.push_back(std::move(B));
      emit(EventKind::Call, {}, nullptr);
      S.Events.back().Callee = E.summaryIndex(*Dtor->getDefinition());
      S.Events.back().Binding = S.Bindings.size() - 1;
    }
    return;
  }
  if (!Dtor->isImplicit() && !Dtor->isDefaulted())
    return;
  llvm::SmallVector<const FieldDecl *, 8> Fields(RD->fields());
  for (const FieldDecl *F : llvm::reverse(Fields))
    if (const CXXRecordDecl *FR = F->getType()->getAsCXXRecordDecl();
        FR && FR->hasDefinition() && FR->getDestructor() && tracked(F->getType())) {
      ObjectSet Members;
      for (ObjectId O : Obj)
        Members.push_back(Objects.field(O, F));
      destroyEvent(Members, FR->getDestructor(), Site, Depth + 1);
    }
}

/// The op whose outcome a branch condition reads, and whether the true
/// branch means the op succeeded.
std::optional<std::pair<ModelOp, bool>> SummaryBuilder::statusTest(const Expr *Cond) {
  if (!Cond)
    return std::nullopt;
  bool Positive = true;
  const Expr *Ex = Cond->IgnoreParenImpCasts();
  while (true) {
    if (const auto *U = dyn_cast<UnaryOperator>(Ex); U && U->getOpcode() == UO_LNot) {
      Positive = !Positive;
      Ex = U->getSubExpr()->IgnoreParenImpCasts();
      continue;
    }
    if (const auto *Bool = dyn_cast<CXXMemberCallExpr>(Ex)) // explicit operator bool
      if (isa_and_nonnull<CXXConversionDecl>(Bool->getMethodDecl())) {
        Ex = Bool->getImplicitObjectArgument()->IgnoreParenImpCasts();
        continue;
      }
    break;
  }
  auto OpOf = [&](const Expr *X) -> std::optional<ModelOp> {
    std::optional<ModelOp> M = Index.classifyCall(ignoreWrappers(X)->IgnoreParenImpCasts());
    if (M && hasOutcome(*M))
      return M;
    return std::nullopt;
  };
  const Expr *Compared = Ex, *Other = nullptr;
  bool Equal = true;
  if (const auto *B = dyn_cast<BinaryOperator>(Ex); B && B->isEqualityOp()) {
    Compared = B->getLHS();
    Other = B->getRHS();
    Equal = B->getOpcode() == BO_EQ;
  } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Ex);
             Op && (Op->getOperator() == OO_EqualEqual || Op->getOperator() == OO_ExclaimEqual)) {
    Compared = Op->getArg(0);
    Other = Op->getArg(1);
    Equal = Op->getOperator() == OO_EqualEqual;
  }
  std::optional<ModelOp> M = OpOf(Compared);
  if (!M && Other) {
    std::swap(Compared, Other);
    M = OpOf(Compared);
  }
  if (!M)
    return std::nullopt;
  bool TrueMeansSuccess = Positive;
  if (Other) {
    const auto *Ref = dyn_cast<DeclRefExpr>(Other->IgnoreParenImpCasts());
    const auto *Enum = Ref ? dyn_cast<EnumConstantDecl>(Ref->getDecl()) : nullptr;
    std::optional<bool> Success =
        Enum ? statusMeansSuccess(Enum->getName()) : std::optional<bool>();
    if (!Success) {
      if (std::optional<long long> V = evalInt(Other, Ctx))
        Success = *V != 0;
      else
        return std::nullopt;
    }
    TrueMeansSuccess = (*Success == Equal) == Positive;
  }
  return std::make_pair(*M, TrueMeansSuccess);
}

Chooser SummaryBuilder::chooserFor(const Expr *Cond) {
  if (!Cond)
    return Chooser::Benefit;
  bool Shared = false, ReadsReceived = false;
  std::function<void(const Stmt *)> Walk = [&](const Stmt *St) {
    if (!St || ReadsReceived)
      return;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(St)) {
      ReadsReceived |= Received.count(Ref->getDecl()) != 0;
      if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl()))
        Shared |= V->hasGlobalStorage() && !V->getType().isConstQualified();
    }
    // State of `this` is shared with the object's other threads; a member
    // of a local or a parameter is the code's own data.
    if (const auto *Member = dyn_cast<MemberExpr>(St))
      Shared |= isa<FieldDecl>(Member->getMemberDecl()) &&
                isa<CXXThisExpr>(Member->getBase()->IgnoreParenImpCasts());
    if (const auto *Call = dyn_cast<CallExpr>(St)) {
      std::optional<ModelOp> M = Index.classifyCall(Call);
      Shared |= M.has_value();
      if (const auto *RD = Call->getType()->getAsCXXRecordDecl())
        Shared |= RD->getName() == "atomic";
    }
    for (const Stmt *C : St->children())
      Walk(C);
  };
  Walk(Cond);
  // A value received is another thread's to decide (a poison pill).
  if (ReadsReceived)
    return Chooser::Benefit;
  return Shared ? Chooser::SharedState : Chooser::Adversary;
}

/// The awaitable operator (`||` or `&&`) S is an operand of, in the
/// expression it belongs to; OO_None when there is none.
OverloadedOperatorKind SummaryBuilder::awaitedWith(const Stmt *S) {
  for (const Stmt *P = Parents->getParent(S); P && isa<Expr>(P); P = Parents->getParent(P))
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P);
        Op && (Op->getOperator() == OO_PipePipe || Op->getOperator() == OO_AmpAmp))
      return Op->getOperator();
  return OO_None;
}

/// Who takes the exception edge out of block B: the adversary when the
/// call that throws is the code's own (or unknown code); the benefit of the
/// doubt for a channel op (it throws when the channel is closed, which the
/// explorer decides) and for the standard library (`std::cout <<` is not an
/// error path anyone writes for).
/// The call whose exception edge leaves a block: the block's last.
static const CallExpr *throwingCall(const CFGBlock &B) {
  for (auto It = B.rbegin(); It != B.rend(); ++It)
    if (auto CS = It->getAs<CFGStmt>())
      if (const auto *Call = dyn_cast<CallExpr>(CS->getStmt()))
        return Call;
  return nullptr;
}

Chooser SummaryBuilder::exceptionChooser(const CFGBlock &B) {
  const CallExpr *Call = throwingCall(B);
  if (!Call)
    return Chooser::Adversary;
  if (Index.classifyCall(Call))
    return Chooser::Benefit;
  const FunctionDecl *Callee = Call->getDirectCallee();
  const SourceManager &SM = Ctx.getSourceManager();
  bool Library = Callee && (isStandardLibrary(Callee) ||
                            SM.isInSystemHeader(SM.getExpansionLoc(Callee->getLocation())));
  return Library ? Chooser::Benefit : Chooser::Adversary;
}

/// Whether the call a block ends with sets a one-shot value.
bool SummaryBuilder::setsOnce(const CFGBlock &B) {
  const CallExpr *Call = throwingCall(B);
  std::optional<ModelOp> M = Call ? Index.classifyCall(Call) : std::nullopt;
  return M && M->Kind == OpKind::SetValue;
}

/// The return a block without one of its own finishes (a scope's cleanup
/// block after `return`): found through single predecessors.
static const Stmt *returnBefore(const CFGBlock *B) {
  for (unsigned Depth = 0; B && Depth < 4; ++Depth) {
    for (auto It = B->rbegin(); It != B->rend(); ++It)
      if (auto CS = It->getAs<CFGStmt>())
        if (isa<ReturnStmt>(CS->getStmt()) || isa<CoreturnStmt>(CS->getStmt()) ||
            isa<CXXThrowExpr>(CS->getStmt()))
          return CS->getStmt();
    if (B->pred_size() != 1)
      return nullptr;
    B = *B->pred_begin();
  }
  return nullptr;
}

bool SummaryBuilder::spawnsIn(const Stmt *St) {
  if (!St)
    return false;
  if (const auto *Ex = dyn_cast<Expr>(St))
    if (Index.classifySpawn(Ex))
      return true;
  if (isa<LambdaExpr>(St))
    return false;
  if (const auto *Call = dyn_cast<CallExpr>(St))
    if (worthCalling(Call->getDirectCallee())) {
      const Summary &CS = E.summary(*Call->getDirectCallee()->getDefinition());
      if (CS.Valid && !CS.Spawns.empty())
        return true;
    }
  return llvm::any_of(St->children(), [&](const Stmt *C) { return spawnsIn(C); });
}

/// Marks the nodes of polls: loops whose every step from the head back to
/// it only sleeps, branches on shared state or runs inner loops, and whose
/// only ways out are tests of the loop's own condition.
static void markPolls(Summary &S, const SourceManager &SM) {
  S.PollLoop.assign(S.Nodes.size(), -1);
  auto Inert = [&](const Edge &Ed) {
    if (Ed.Event == ~0u)
      return true;
    EventKind K = S.Events[Ed.Event].Kind;
    return K == EventKind::Sleep || K == EventKind::LoopEnter || K == EventKind::LoopIter ||
           K == EventKind::LoopExit || K == EventKind::Guard || K == EventKind::StopCheck;
  };
  // Predecessors, to find the nodes that lead back to a loop's head.
  std::vector<std::vector<unsigned>> Preds(S.Nodes.size());
  for (unsigned N = 0; N < S.Nodes.size(); ++N)
    for (const Edge &Ed : S.Nodes[N].Out)
      Preds[Ed.To].push_back(N);
  for (unsigned Head = 0; Head < S.Nodes.size(); ++Head)
    for (const Edge &Iter : S.Nodes[Head].Out) {
      if (Iter.Event == ~0u)
        continue;
      const Event &IterEv = S.Events[Iter.Event];
      if (IterEv.Kind != EventKind::LoopIter || IterEv.Predicate < 0 || IterEv.Private ||
          IterEv.Index >= S.Loops.size())
        continue;
      const Expr *Cond = loopCondition(S.Loops[IterEv.Index].Stmt);
      if (!Cond)
        continue;
      // The loop's nodes: reachable from its body and leading back to Head.
      std::vector<char> Forward(S.Nodes.size(), false), Back(S.Nodes.size(), false);
      std::vector<unsigned> Work{Iter.To};
      while (!Work.empty()) {
        unsigned N = Work.back();
        Work.pop_back();
        if (N == Head || Forward[N])
          continue;
        Forward[N] = true;
        for (const Edge &Ed : S.Nodes[N].Out)
          Work.push_back(Ed.To);
      }
      Work = {Head};
      while (!Work.empty()) {
        unsigned N = Work.back();
        Work.pop_back();
        for (unsigned P : Preds[N])
          if (Forward[P] && !Back[P]) {
            Back[P] = true;
            Work.push_back(P);
          }
      }
      Back[Head] = true;
      bool Polls = true;
      llvm::SmallVector<unsigned, 1> StopChecks;
      for (unsigned N = 0; N < S.Nodes.size() && Polls; ++N) {
        if (!Back[N])
          continue;
        for (const Edge &Ed : S.Nodes[N].Out) {
          if (Ed.Event != ~0u && S.Events[Ed.Event].Kind == EventKind::StopCheck)
            StopChecks.push_back(Ed.Event);
          if (Back[Ed.To]) {
            Polls &= Inert(Ed);
            continue;
          }
          // A way out: only a test of the loop's condition.
          const Event *Ev = Ed.Event == ~0u ? nullptr : &S.Events[Ed.Event];
          Polls &= Ev && ((Ev->Kind == EventKind::LoopExit && Ev->Index == IterEv.Index) ||
                          ((Ev->Kind == EventKind::Guard || Ev->Kind == EventKind::StopCheck) &&
                           Ev->Site &&
                           SM.isPointWithin(Ev->Site->getBeginLoc(), Cond->getBeginLoc(),
                                            Cond->getEndLoc())));
        }
      }
      LoopInfo &L = S.Loops[IterEv.Index];
      if (!Polls || L.Polls)
        continue;
      for (unsigned E = 0; E < S.Nodes[Head].Out.size(); ++E) {
        const Edge &Ed = S.Nodes[Head].Out[E];
        if (Ed.Event != ~0u && S.Events[Ed.Event].Kind == EventKind::LoopExit)
          // A stop check is read only when it runs: no formula tells when
          // the condition holds.
          L.Polls = LoopInfo::Poll{Head, E, StopChecks.empty() ? IterEv.Predicate : -1,
                                   StopChecks};
      }
      if (!L.Polls)
        continue;
      for (unsigned N = 0; N < S.Nodes.size(); ++N)
        if (Back[N] && S.PollLoop[N] < 0)
          S.PollLoop[N] = IterEv.Index;
    }
}

/// The loop a block tests: its terminator is the loop, or a short-circuit
/// operator of the loop's condition (`while (a && b)` tests in two blocks).
const Stmt *SummaryBuilder::testedLoop(const CFGBlock *Blk) {
  const Stmt *Term = Blk->getTerminatorStmt();
  if (!Term || isLoop(Term))
    return Term;
  const Stmt *Child = Term;
  for (const Stmt *P = Parents->getParent(Term); isa_and_nonnull<Expr>(Child);
       Child = P, P = Parents->getParent(P))
    if (P && isLoop(P))
      return loopCondition(P) == Child ? P : nullptr;
  return nullptr;
}

/// Whether a block is part of a loop (its condition, body or increment, not
/// a for's initializer): an edge from it to the loop's test goes round
/// again, it does not enter the loop.
bool SummaryBuilder::inLoop(const CFGBlock *Blk, const Stmt *Loop) {
  const Stmt *St = Blk->getTerminatorStmt();
  for (auto I = Blk->rbegin(); I != Blk->rend() && !St; ++I)
    if (std::optional<CFGStmt> CS = I->getAs<CFGStmt>())
      St = CS->getStmt();
  if (!St)
    return false;
  if (St == Loop)
    return true;
  const auto *For = dyn_cast<ForStmt>(Loop);
  for (const Stmt *Child = St, *P = Parents->getParent(St); P;
       Child = P, P = Parents->getParent(P))
    if (P == Loop)
      return !(For && Child == For->getInit());
  return false;
}

void SummaryBuilder::build() {
  S.Function = &FD;
  S.Body = FD.getBody();
  if (!S.Body)
    return;
  CFG::BuildOptions Options;
  Options.PruneTriviallyFalseEdges = true;
  Options.AddImplicitDtors = true;
  Options.AddInitializers = true;
  Options.AddCXXDefaultInitExprInCtors = true;
  Options.setAllAlwaysAdd();
  // A call that may throw is a way out only where a handler here catches it.
  std::function<bool(const Stmt *)> HasTry = [&](const Stmt *St) {
    return St && (isa<CXXTryStmt>(St) || llvm::any_of(St->children(), HasTry));
  };
  Options.AddEHEdges = HasTry(FD.getBody());
  std::unique_ptr<CFG> Cfg =
      CFG::buildCFG(&FD, const_cast<Stmt *>(S.Body), &Ctx, Options);
  if (!Cfg)
    return;
  Parents = std::make_unique<ParentMap>(const_cast<Stmt *>(S.Body));

  // Lambdas spawned or called here, status variables, received values and
  // member handles: read once before the walk.
  std::function<void(const Stmt *)> Scan = [&](const Stmt *St) {
    if (!St)
      return;
    if (const auto *Ex = dyn_cast<Expr>(St)) {
      if (std::optional<ModelSpawn> Sp = Index.classifySpawn(Ex)) {
        if (auto C = resolveCallable(Sp->Callable, Sp->ForwardedArgs); C && C->Lambda)
          Consumed.insert(C->Lambda);
        // The handle's role is known before its destructor is met.
        if (const VarDecl *V = handleVarOf(Sp->Site); V && !Objects[Objects.local(V)].Handle)
          Objects[Objects.local(V)].Handle = Sp->Spawner;
        // co_spawn(ex, worker(ch), token): the call makes the coroutine the
        // spawn runs; it does not run it here.
        if (const auto *Call = dyn_cast_or_null<CallExpr>(ignoreWrappers(Sp->Callable)))
          NotRun.insert(Call);
        if (const VarDecl *V = declRefVar(ignoreWrappers(Sp->Callable)))
          if (const auto *L = dyn_cast_or_null<LambdaExpr>(
                  V->getInit() ? ignoreWrappers(V->getInit()) : nullptr))
            Consumed.insert(L);
      }
      if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Ex);
          Op && Op->getOperator() == OO_Call)
        if (const auto *L = dyn_cast<LambdaExpr>(ignoreWrappers(Op->getArg(0))))
          Consumed.insert(L);
      // A wait's predicate runs inside the wait, and only reads.
      if (const auto *Call = dyn_cast<CallExpr>(Ex))
        if (const auto *L = dyn_cast_or_null<LambdaExpr>(waitPredicate(Index, Call)))
          Consumed.insert(L);
      if (std::optional<ModelOp> M = Index.classifyCall(Ex)) {
        // An op read as part of a larger condition keeps its status for it.
        if (hasOutcome(*M) && operandOfLogic(Ex))
          keepStatus(static_cast<const void *>(ignoreWrappers(Ex)->IgnoreParenImpCasts()), M->Call,
                     true);
        if (opIsRecv(M->Kind) || M->Kind == OpKind::Wait)
          for (const Expr *Arg : cast<CallExpr>(Ex)->arguments())
            if (const VarDecl *V = declRefVar(ignoreWrappers(Arg)))
              Received.insert(V);
      }
    }
    if (const auto *B = dyn_cast<BinaryOperator>(St); B && B->getOpcode() == BO_Assign)
      if (const auto *Ref = dyn_cast<DeclRefExpr>(B->getLHS()->IgnoreParenImpCasts()))
        keepStatusOf(Ref->getDecl(), B->getRHS());
    // `auto job = q.pop()`: a branch on job reads what pop returned.
    if (const auto *DS = dyn_cast<DeclStmt>(St))
      for (const Decl *D : DS->decls())
        if (const auto *V = dyn_cast<VarDecl>(D); V && V->getInit())
          if (const CallExpr *Call = testedResult(V->getInit()))
            keepStatus(V, Call, true);
    if (const auto *DS = dyn_cast<DeclStmt>(St))
      for (const Decl *D : DS->decls())
        if (const auto *V = dyn_cast<VarDecl>(D); V && V->getInit()) {
          const Expr *Init = ignoreWrappers(V->getInit());
          if (const auto *Await = dyn_cast<CoroutineSuspendExpr>(Init))
            Init = ignoreWrappers(Await->getOperand());
          // `auto winner = co_await (ch.async_receive() || timer.async_wait())`:
          // winner.index() is 0 when the receive won.
          if (const auto *Either = dyn_cast<CXXOperatorCallExpr>(Init);
              Either && Either->getOperator() == OO_PipePipe)
            if (std::optional<ModelOp> M = Index.classifyCall(ignoreWrappers(Either->getArg(0))))
              keepStatus(V, M->Call, /*OnSuccess=*/false);
          std::optional<ModelOp> M = Index.classifyCall(Init);
          // `Row row = rows.Take()`: what a queue's own receive method
          // returns is what another thread sent.
          if (!M && returnsReceived(Init))
            Received.insert(V);
          if (!keepStatusOf(V, Init) && M && (opIsRecv(M->Kind) || M->Kind == OpKind::Wait)) {
            Received.insert(V);
            // auto [ec, value] = co_await ch.async_receive(as_tuple(...)):
            // ec says whether the receive failed (closed or cancelled).
            if (const auto *DD = dyn_cast<DecompositionDecl>(V))
              for (const BindingDecl *B : DD->bindings()) {
                if (Index.isErrorCode(B->getType()) && B == DD->bindings().front()) {
                  keepStatus(B, M->Call, /*OnSuccess=*/false);
                } else {
                  Received.insert(B);
                }
              }
          }
        }
    if (const auto *Range = dyn_cast<CXXForRangeStmt>(St))
      if (Index.channelForType(Range->getRangeInit()->getType())) {
        Received.insert(Range->getLoopVariable());
        // The range's begin(), operator++ and operator* are the receive
        // the model already knows, not helpers to follow.
        std::function<void(const Stmt *)> Mark = [&](const Stmt *X) {
          if (!X)
            return;
          if (const auto *Call = dyn_cast<CallExpr>(X))
            NotRun.insert(Call);
          for (const Stmt *C : X->children())
            Mark(C);
        };
        for (const Stmt *Part : std::initializer_list<const Stmt *>{
                 Range->getBeginStmt(), Range->getEndStmt(), Range->getInc(), Range->getCond(),
                 Range->getLoopVarStmt()})
          Mark(Part);
      }
    for (const Stmt *C : St->children())
      Scan(C);
  };
  Scan(S.Body);
  // A completion handler's error code is the status of the op that ran it
  // (empty when the op succeeded), whoever that was.
  for (const ParmVarDecl *P : FD.parameters())
    if (Index.isErrorCode(P->getType()) && S.ErrorSlot < 0)
      if (std::optional<unsigned> Slot = statusSlot(P))
        S.ErrorSlot = *Slot;
  // A variable computed from a received value is one too (`done = v == 0`),
  // and so is one read from state other threads write (`v = q.front()`).
  std::function<bool(const Stmt *)> ReadsReceived = [&](const Stmt *St) {
    if (!St)
      return false;
    if (const VarDecl *V = declRefVar(dyn_cast<Expr>(St)))
      if (Received.count(V) || E.isSharedState(V))
        return true;
    if (const auto *Member = dyn_cast<MemberExpr>(St))
      if (E.isSharedState(Member->getMemberDecl()))
        return true;
    return llvm::any_of(St->children(), ReadsReceived);
  };
  std::function<void(const Stmt *)> Propagate = [&](const Stmt *St) {
    if (!St)
      return;
    if (const auto *B = dyn_cast<BinaryOperator>(St); B && B->isAssignmentOp())
      if (const VarDecl *V = declRefVar(B->getLHS()); V && ReadsReceived(B->getRHS()))
        Received.insert(V);
    if (const auto *DS = dyn_cast<DeclStmt>(St))
      for (const Decl *D : DS->decls())
        if (const auto *V = dyn_cast<VarDecl>(D); V && ReadsReceived(V->getInit()))
          Received.insert(V);
    for (const Stmt *C : St->children())
      Propagate(C);
  };
  for (int Round = 0; Round < 2; ++Round)
    Propagate(S.Body);
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(&FD))
    for (const CXXCtorInitializer *Init : Ctor->inits())
      if (const Expr *IE = Init->getInit(); IE && Init->getMember()) {
        const Expr *Inner = IE;
        if (const auto *Default = dyn_cast<CXXDefaultInitExpr>(Inner))
          Inner = Default->getExpr();
        if (Index.classifySpawn(ignoreWrappers(Inner)))
          MemberHandles[ignoreWrappers(Inner)] = Init->getMember();
        Scan(Inner);
      }
  // Which calls a branch reads the outcome of: a modelled op's, or what a
  // function of the program returns (`while (q.pop(v))`).
  for (const CFGBlock *B : *Cfg)
    if (B->getTerminatorStmt()) {
      const auto *Cond = dyn_cast_or_null<Expr>(B->getTerminatorCondition());
      if (auto Test = statusTest(Cond))
        Tested[Test->first.Call] = Test->first;
      for (const Expr *X = Cond ? Cond->IgnoreParenImpCasts() : nullptr; X;) {
        if (const CallExpr *Call = testedResult(X)) {
          keepStatus(static_cast<const void *>(ignoreWrappers(X)->IgnoreParenCasts()), Call, true);
          break;
        }
        const auto *Not = dyn_cast<UnaryOperator>(X);
        X = Not && Not->getOpcode() == UO_LNot ? Not->getSubExpr()->IgnoreParenImpCasts() : nullptr;
      }
    }

  // Initial handles: parameters and captures are placeholders.
  Env Initial;
  for (const ParmVarDecl *P : FD.parameters())
    if (tracked(P->getType()) || sharedByReference(P))
      Initial[P] = {Objects.placeholder(ObjectKind::Parameter, P, P->getType(), P->getName())};
  if (const auto *M = dyn_cast<CXXMethodDecl>(&FD); M && M->getParent()->isLambda())
    for (const LambdaCapture &C : M->getParent()->captures())
      if (C.capturesVariable())
        if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar());
            V && (tracked(V->getType()) ||
                  (C.getCaptureKind() == LCK_ByRef && E.isSharedState(V))))
          Initial[V] = {Objects.placeholder(ObjectKind::Capture, V, V->getType(), V->getName())};

  // Handles at each block's entry: union over predecessors, to a fixpoint.
  unsigned NumBlocks = Cfg->getNumBlockIDs();
  std::vector<Env> In(NumBlocks);
  std::vector<bool> Seen(NumBlocks, false);
  In[Cfg->getEntry().getBlockID()] = Initial;
  Seen[Cfg->getEntry().getBlockID()] = true;
  llvm::SmallVector<const CFGBlock *, 16> Work{&Cfg->getEntry()};
  unsigned Steps = 0;
  while (!Work.empty() && ++Steps < 20000) {
    const CFGBlock *B = Work.pop_back_val();
    Env Out = In[B->getBlockID()];
    for (const CFGElement &El : *B)
      if (auto CS = El.getAs<CFGStmt>())
        transfer(CS->getStmt(), Out, false);
    for (const CFGBlock *Succ : B->succs()) {
      if (!Succ)
        continue;
      unsigned Id = Succ->getBlockID();
      if (!Seen[Id] || mergeInto(In[Id], Out)) {
        if (!Seen[Id])
          In[Id] = Out;
        Seen[Id] = true;
        Work.push_back(Succ);
      }
    }
  }

  // The automaton: a node at each block's entry, a chain of event edges
  // through its elements, and edges to its successors.
  std::vector<unsigned> Entry(NumBlocks);
  for (unsigned I = 0; I < NumBlocks; ++I) {
    Entry[I] = S.Nodes.size();
    S.Nodes.emplace_back();
  }
  S.Entry = Entry[Cfg->getEntry().getBlockID()];
  const CFGBlock &Exit = Cfg->getExit();
  llvm::DenseMap<const Stmt *, unsigned> LoopIndex;
  for (const CFGBlock *B : *Cfg) {
    if (!Seen[B->getBlockID()])
      continue;
    Env Handles = In[B->getBlockID()];
    Cur = Entry[B->getBlockID()];
    const Stmt *Returned = nullptr;
    for (const CFGElement &El : *B) {
      if (auto Dtor = El.getAs<CFGAutomaticObjDtor>()) {
        dtorEvent(Dtor->getVarDecl(), Dtor->getDestructorDecl(Ctx), Handles);
        continue;
      }
      if (auto Member = El.getAs<CFGMemberDtor>()) {
        const FieldDecl *F = Member->getFieldDecl();
        if (const auto *M = dyn_cast<CXXMethodDecl>(&FD))
          destroyEvent({Objects.field(Objects.placeholder(ObjectKind::This, M->getParent(),
                                                          QualType(), "this"),
                                      F)},
                       Member->getDestructorDecl(Ctx), nullptr);
        continue;
      }
      if (auto Init = El.getAs<CFGInitializer>()) {
        initializerWrite(Init->getInitializer());
        continue;
      }
      auto CS = El.getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *St = CS->getStmt();
      writeEvent(St, Handles);
      guardEvent(St, Handles);
      if (isa<ReturnStmt>(St) || isa<CoreturnStmt>(St) || isa<CXXThrowExpr>(St))
        Returned = St;
      if (const auto *DS = dyn_cast<DeclStmt>(St))
        for (const Decl *D : DS->decls())
          if (const auto *V = dyn_cast<VarDecl>(D); V && isScopedLockVar(V)) {
            bool TakesNow;
            if (ObjectSet Mutexes = lockedBy(V, Handles, &TakesNow); TakesNow && !Mutexes.empty())
              emit(EventKind::Lock, Mutexes, DS);
          }
      if (const auto *Ex = dyn_cast<Expr>(St); Ex && lockEvent(Ex, Handles))
        continue;
      if (const auto *Lambda = dyn_cast<LambdaExpr>(St)) {
        // A lambda nobody here runs may run at any time: what it captures
        // escapes.
        if (!Consumed.count(Lambda)) {
          for (const Expr *Init : Lambda->capture_inits())
            markEscape(eval(Init, Handles), Lambda);
          escapeActingCalls(Lambda->getBody(), Handles);
        }
      } else if (const auto *Ex = dyn_cast<Expr>(St)) {
        if (std::optional<ModelSpawn> Sp = Index.classifySpawn(Ex)) {
          spawnEvent(*Sp, Handles);
        } else if (std::optional<ModelOp> M = Index.classifyCall(Ex)) {
          if (!Tested.count(M->Call)) {
            ObjectSet Objs = M->Object ? eval(M->Object, Handles) : ObjectSet{};
            EventKind K = eventFor(M->Kind);
            // `co_await (ch.async_receive(...) || timer.async_wait(...))`
            if (awaitedWith(M->Call) == OO_PipePipe && K == EventKind::Recv)
              K = EventKind::TimedRecv;
            // A wait handed a stop token ends when its source requests stop;
            // a source this code does not know may do so at any time.
            ObjectSet Interrupts;
            if (M->StopToken && K == EventKind::Recv) {
              Interrupts = eval(M->StopToken, Handles);
              if (Interrupts.empty())
                K = EventKind::TimedRecv;
            }
            if (M->Kind == OpKind::Sleep || M->Kind == OpKind::StopCheck ||
                     M->Kind == OpKind::Start || M->Kind == OpKind::Stop ||
                     M->Kind == OpKind::Join || M->Kind == OpKind::RequestStop ||
                     M->Kind == OpKind::Detach ||
                     !Objs.empty()) {
              emit(K, Objs, M->Call);
              S.Events.back().Interrupts = std::move(Interrupts);
              if (auto Status = StatusOps.find(M->Call); Status != StatusOps.end()) {
                S.Events.back().StatusSlot = Status->second.first;
                S.Events.back().StatusOnSuccess = Status->second.second;
                // A receive whose failure the code checks, in a loop: the
                // loop runs until the channel is closed.
                if (K == EventKind::Recv && inLoop(M->Call))
                  S.Events.back().LoopsUntilClosed = true;
              }
              decorateOp(*M, Handles);
              if (M->Handler)
                S.Events.back().Handler = completionHandler(M->Handler);
              if (M->Kind == OpKind::ArriveAndWait) {
                emit(EventKind::Recv, Objs, M->Call);
                S.Events.back().LoopsUntilClosed = false;
              }
            }
          }
        } else if (const auto *Call = dyn_cast<CallExpr>(Ex);
                   Call && !NotRun.count(Call) && awaitedWith(Call) != OO_None &&
                   !isa<CXXOperatorCallExpr>(Call)) {
          // `co_await (produce(ch) && consume(ch))`: either coroutine may be
          // cancelled when the other ends, at any of its waits.
          escapeArgs(Call, Handles);
        } else if (const auto *Call = dyn_cast<CallExpr>(Ex); Call && !NotRun.count(Call)) {
          elementsPut(Call, Handles);
          // std::make_shared<T>(args): T's constructor runs on the new object.
          if (std::optional<Construction> C = constructionOf(Call); C && worthCalling(C->Ctor))
            constructorEvent(C->Ctor, C->Args, eval(Call, Handles), Call, Handles);
          const FunctionDecl *Callee = Call->getDirectCallee();
          if (!callEvent(Call, Callee, Handles) && !(Callee && isStandardLibrary(Callee))) {
            const SourceManager &SM = Ctx.getSourceManager();
            bool System = Callee && SM.isInSystemHeader(SM.getExpansionLoc(Callee->getLocation()));
            if (!System)
              escapeArgs(Call, Handles);
          }
        } else if (const auto *Delete = dyn_cast<CXXDeleteExpr>(Ex)) {
          const CXXRecordDecl *RD = Delete->getDestroyedType()->getAsCXXRecordDecl();
          if (RD && RD->hasDefinition())
            destroyEvent(eval(Delete->getArgument(), Handles), RD->getDestructor(), Delete);
        } else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Ex)) {
          // A user type constructed with a channel: its constructor's body.
          const CXXConstructorDecl *Ctor = Construct->getConstructor();
          if (worthCalling(Ctor)) {
            ObjectSet Self;
            if (const auto *New = dyn_cast_or_null<CXXNewExpr>(Parents->getParent(Construct)))
              Self = eval(New, Handles);
            else if (const VarDecl *V = handleVarOf(Construct))
              Self = lookup(V, Handles);
            constructorEvent(Ctor, llvm::SmallVector<const Expr *, 4>(Construct->arguments()),
                             Self, Construct, Handles);
          } else if (Ctor && !isStandardLibrary(Ctor) && !Ctor->hasBody()) {
            for (const Expr *Arg : Construct->arguments())
              markEscape(eval(Arg, Handles), Construct);
          }
        }
      }
      // An awaited operation the model does not know (a socket read, an
      // async_write) may fail, and its exception ends the coroutine: a way
      // out the benefit of the doubt may take. So may a library's (declared
      // outside this file), even one whose body is followed.
      if (const auto *Await = dyn_cast<CoawaitExpr>(St); Await && !Await->isImplicit()) {
        const auto *Op = dyn_cast<CallExpr>(ignoreWrappers(Await->getOperand()));
        const auto *Combined = dyn_cast_or_null<CXXOperatorCallExpr>(Op);
        bool Combination = Combined && (Combined->getOperator() == OO_PipePipe ||
                                        Combined->getOperator() == OO_AmpAmp);
        const FunctionDecl *Callee = Op ? Op->getDirectCallee() : nullptr;
        const SourceManager &SM = Ctx.getSourceManager();
        bool Library = !Callee || !SM.isInMainFile(SM.getExpansionLoc(Callee->getLocation()));
        if (Op && !Combination && !Index.classifyCall(Op) && !Index.classifySpawn(Op) &&
            (Library || !worthCalling(Callee))) {
          unsigned From = Cur;
          emit(EventKind::Return, {}, Await);
          S.Events.back().Throws = true;
          S.Nodes.emplace_back();
          Cur = S.Nodes.size() - 1;
          S.Nodes[From].Out.push_back({~0u, Cur});
          S.Nodes[From].Choice = Chooser::Benefit;
        }
      }
      transfer(St, Handles, true);
    }

    // The edges out of the block.
    const Stmt *Term = B->getTerminatorStmt();
    llvm::SmallVector<const CFGBlock *, 2> Succs;
    for (const CFGBlock *Succ : B->succs())
      Succs.push_back(Succ);
    std::optional<std::pair<ModelOp, bool>> Test =
        Term && Succs.size() == 2
            ? statusTest(dyn_cast_or_null<Expr>(B->getTerminatorCondition()))
            : std::nullopt;
    // The loop this block heads, and how long it runs.
    bool Loop = false;
    unsigned LoopIdx = ~0u;
    ObjectSet RangeChannel;
    if (Term && isLoop(Term) && Succs.size() == 2 && !Test) {
      if (const auto *Range = dyn_cast<CXXForRangeStmt>(Term);
          Range && Index.channelForType(Range->getRangeInit()->getType()))
        RangeChannel = eval(Range->getRangeInit(), Handles);
      if (RangeChannel.empty()) {
        LoopInfo Info;
        Info.Stmt = Term;
        Info.Count = constantTripCount(Term, Ctx);
        std::optional<SymbolicCount> Symbolic =
            Info.Count ? std::nullopt : symbolicTripCount(Term, Ctx);
        const Decl *Bound = Symbolic ? Symbolic->Var : nullptr;
        if (Bound) {
          Info.Symbol = E.symbolFor(Bound);
          Info.Scale = Symbolic->Scale;
          Info.Offset = Symbolic->Offset;
          LoopSymbol &Sym = E.Symbols[Info.Symbol];
          if (spawnsIn(Term)) {
            Sym.Spawns = true;
            if (const auto *P = dyn_cast<ParmVarDecl>(Bound);
                P && !testsEmptiness(P, S.Body)) {
              MaybeEmptyArgumentFinder Finder(P, Ctx);
              Finder.TraverseDecl(Ctx.getTranslationUnitDecl());
              Sym.MayBeZero = Finder.Found != nullptr;
              Sym.EmptyCaller = Finder.Found;
            }
          }
        }
        // Every other loop is kept as a loop too, unrolled a few times by
        // the explorer.
        auto [It, New] = LoopIndex.try_emplace(Term, S.Loops.size());
        if (New)
          S.Loops.push_back(Info);
        else
          S.Loops[It->second] = Info;
        LoopIdx = It->second;
        Loop = true;
        S.Nodes[Cur].OpenLoop = !Info.Count && Info.Symbol < 0;
      }
    }
    // A branch on a timed or try op's outcome is the adversary's: giving up
    // is the stranding choice. With no terminator, the other successor is an
    // exception's way out (exceptionChooser).
    // A loop on shared state runs as long as other threads let it.
    if (Succs.size() > 1)
      S.Nodes[Cur].Choice =
          Term && !Test ? chooserFor(dyn_cast_or_null<Expr>(B->getTerminatorCondition()))
          : !Term       ? exceptionChooser(*B)
                        : Chooser::Adversary;
    if (Loop && S.Nodes[Cur].Choice == Chooser::SharedState)
      S.Nodes[Cur].Choice = Chooser::Benefit;
    // A branch on shared state is taken as that state says, when it is
    // known.
    int Guard = -1;
    if (Term && Succs.size() == 2 && !Test && RangeChannel.empty())
      if (const auto *Cond = dyn_cast_or_null<Expr>(B->getTerminatorCondition())) {
        Guard = condition(Cond, Handles);
        if (!readsShared(Guard) && !readsStatus(Guard))
          Guard = -1;
      }
    unsigned From = Cur;
    for (unsigned I = 0; I < Succs.size(); ++I) {
      const CFGBlock *Succ = Succs[I];
      if (!Succ || !Seen[Succ->getBlockID()])
        continue;
      // A call's exception edge is the block's last. An exception no
      // handler here catches leaves every caller too: it is the callers'
      // business, not a path of this function. A `set_value` throws only
      // when the value was already set, which the explorer reports itself.
      bool ExceptionEdge = !Term && Succs.size() > 1 && I == Succs.size() - 1;
      if (ExceptionEdge && (Succ == &Exit || setsOnce(*B)))
        continue;
      Cur = From;
      // A loop's own condition rides on its iterate and exit events.
      if (Guard >= 0 && !Loop) {
        emit(EventKind::Guard, {}, B->getTerminatorCondition(),
             I == 0 ? Outcome::Success : Outcome::Fail);
        S.Events.back().Predicate = Guard;
        S.Events.back().Private = !readsShared(Guard);
      }
      if (Test) {
        bool Success = (I == 0) == Test->second;
        const ModelOp &M = Test->first;
        ObjectSet Objs = M.Object ? eval(M.Object, Handles) : ObjectSet{};
        emit(eventFor(M.Kind), Objs, M.Call, Success ? Outcome::Success : Outcome::Fail);
        decorateOp(M, Handles);
      } else if (!RangeChannel.empty()) {
        emit(EventKind::Recv, RangeChannel, cast<CXXForRangeStmt>(Term)->getRangeInit(),
             I == 0 ? Outcome::Success : Outcome::Fail);
      } else if (Loop) {
        emit(I == 0 ? EventKind::LoopIter : EventKind::LoopExit, {}, Term);
        S.Events.back().Index = LoopIdx;
        S.Events.back().Predicate = Guard;
        S.Events.back().Private = !readsShared(Guard);
      }
      // Entering a counted loop from outside resets its count.
      if (const Stmt *SuccTerm = testedLoop(Succ);
          SuccTerm && B->getLoopTarget() != SuccTerm && !inLoop(B, SuccTerm)) {
        std::optional<unsigned> Count = constantTripCount(SuccTerm, Ctx);
        std::optional<SymbolicCount> Symbolic =
            Count ? std::nullopt : symbolicTripCount(SuccTerm, Ctx);
        const auto *ChannelRange = dyn_cast<CXXForRangeStmt>(SuccTerm);
        bool Counted = !(ChannelRange && Index.channelForType(ChannelRange->getRangeInit()->getType())) &&
                       !statusTest(loopCondition(SuccTerm));
        if (Counted && !isa<DoStmt>(SuccTerm)) {
          auto [It, New] = LoopIndex.try_emplace(SuccTerm, S.Loops.size());
          if (New) {
            LoopInfo Info;
            Info.Stmt = SuccTerm;
            Info.Count = Count;
            if (Symbolic) {
              Info.Symbol = E.symbolFor(Symbolic->Var);
              Info.Scale = Symbolic->Scale;
              Info.Offset = Symbolic->Offset;
            }
            S.Loops.push_back(Info);
          }
          emit(EventKind::LoopEnter, {}, SuccTerm);
          S.Events.back().Index = It->second;
        }
      }
      if (Succ == &Exit) {
        const Stmt *Site = Returned ? Returned : returnBefore(B);
        bool Throws = false;
        if (Term && isa<CXXThrowExpr>(Term))
          Site = Term;
        Throws = Site && isa<CXXThrowExpr>(Site);
        // The CFG runs no destructor on the way out of a throw: the
        // objects alive there are destroyed first.
        if (Throws)
          unwindEvents(Site, Handles);
        emit(EventKind::Return, {}, Site, Throws ? Outcome::Any : returnOutcome(Site));
        S.Events.back().Throws = Throws;
      }
      // On the way to a handler here, the CFG runs no destructor: the
      // objects the try block made are destroyed first.
      if (Succ != &Exit && (ExceptionEdge || (Term && isa<CXXThrowExpr>(Term))))
        if (const Stmt *Thrower = ExceptionEdge ? throwingCall(*B) : Term)
          unwindEvents(Thrower, Handles);
      S.Nodes[Cur].Out.push_back({~0u, Entry[Succ->getBlockID()]});
    }
  }
  // Fixes up loop infos whose counts were recorded at entry (LoopEnter can
  // be emitted before the header block is walked).
  for (LoopInfo &L : S.Loops)
    if (L.Symbol >= 0 && spawnsIn(L.Stmt)) {
      LoopSymbol &Sym = E.Symbols[L.Symbol];
      Sym.Spawns = true;
      ++(roundsOwnTheirObjects(L.Stmt) ? Sym.RoundsOwnTheirObjects : Sym.RoundsShareObjects);
    }

  S.MayThrow = llvm::any_of(S.Events, [](const Event &Ev) {
    return Ev.Kind == EventKind::Return && Ev.Throws;
  });
  S.HasEvents = llvm::any_of(S.Events, [](const Event &Ev) {
    return Ev.Kind != EventKind::Return && Ev.Kind != EventKind::LoopEnter &&
           Ev.Kind != EventKind::LoopIter && Ev.Kind != EventKind::LoopExit;
  });
  // Which nodes can still reach a real event or the end.
  S.CanProgress.assign(S.Nodes.size(), false);
  bool Changed = true;
  while (Changed) {
    Changed = false;
    for (unsigned N = 0; N < S.Nodes.size(); ++N) {
      if (S.CanProgress[N])
        continue;
      for (const Edge &Ed : S.Nodes[N].Out) {
        bool Real = Ed.Event != ~0u && S.Events[Ed.Event].Kind != EventKind::Sleep &&
                    S.Events[Ed.Event].Kind != EventKind::LoopEnter &&
                    S.Events[Ed.Event].Kind != EventKind::LoopIter &&
                    S.Events[Ed.Event].Kind != EventKind::LoopExit;
        if (Real || S.CanProgress[Ed.To]) {
          S.CanProgress[N] = true;
          Changed = true;
          break;
        }
      }
    }
  }
  markPolls(S, Ctx.getSourceManager());
  S.Valid = true;
}

// ---------------------------------------------------------------------------

int LeakEngine::symbolFor(const Decl *Key) {
  auto [It, New] = SymbolOf.try_emplace(Key, Symbols.size());
  if (New) {
    LoopSymbol Sym;
    Sym.Key = Key;
    Symbols.push_back(Sym);
  }
  return It->second;
}

unsigned LeakEngine::summaryIndex(const FunctionDecl &FD) {
  auto [It, New] = SummaryOf.try_emplace(&FD, Summaries.size());
  if (New) {
    Summaries.push_back(std::make_unique<Summary>());
    Summaries.back()->Function = &FD;
  }
  return It->second;
}

const Summary &LeakEngine::summary(const FunctionDecl &FD) {
  bool New = !SummaryOf.count(&FD);
  unsigned I = summaryIndex(FD);
  Summary &S = *Summaries[I];
  if (New) {
    // Invalid while it is being built: a recursive call sees no summary.
    SummaryBuilder(*this, S, FD).build();
  }
  return S;
}

} // namespace chanleak
