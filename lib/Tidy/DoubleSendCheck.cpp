//===- DoubleSendCheck.cpp - chanleak-double-send -------------------------===//

#include "DoubleSendCheck.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace chanleak::tidy {

/// `return;` after the first send, when that send ends an `if` branch of a
/// function returning void: the mechanical fix of the forgotten return.
static std::optional<FixItHint> missingReturnFix(const Stmt *First,
                                                 const FunctionDecl *Fn,
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

void DoubleSendCheck::reportWitness(const Witness &W, LeakEngine &E) {
  std::string Chan = witnessObjectName(E, W);
  const AbstractObject &O = E.objects()[W.Object];
  std::string Message;
  if (O.Channel && O.Channel->OneShot)
    Message = "second set_value on " + Chan + " throws std::future_error (promise_already_satisfied)";
  else
    Message = "second send on " + Chan + " blocks forever: the receiver takes only " +
              std::to_string(W.Received) + (W.Received == 1 ? " value" : " values");
  llvm::SmallVector<FixItHint, 1> Fixes;
  if (auto Fix = missingReturnFix(W.FirstSend, W.BlockedIn, context()))
    Fixes.push_back(*Fix);
  if (!report(W.Blocked, W.BlockedIn, Message, Fixes))
    return;
  note(W.FirstSend, "first send here; this branch goes on without returning");
  noteSpawn(W);
}

} // namespace chanleak::tidy
