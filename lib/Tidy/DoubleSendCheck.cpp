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
static std::optional<FixItHint> missingReturnFix(const Op &First,
                                                 const Thread &T,
                                                 ASTContext &Ctx) {
  if (!T.Function || !T.Function->getReturnType()->isVoidType() ||
      isa<CoroutineBodyStmt>(T.Body) || First.Anchor != First.Call)
    return std::nullopt;
  // The statement holding the send, and the branch it ends.
  ParentMap Parents(const_cast<Stmt *>(T.Body));
  const Stmt *Statement = First.Call;
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

void DoubleSendCheck::analyze(const ConcurrencyFacts &Facts,
                              AnalysisSession &Session) {
  for (const Thread &T : Facts.threads()) {
    if (!T.Origin)
      continue;
    const ThreadPaths &P = Session.paths(T);
    llvm::SmallVector<const Op *, 4> Sends;
    for (const Op *O : Facts.opsIn(T))
      if ((O->Kind == OpKind::Send || O->Kind == OpKind::SetValue) && O->Channel &&
          !O->Loop)
        Sends.push_back(O);
    // The first pair of sends on one channel where one can follow the other.
    for (const Op *First : Sends)
      for (const Op *Second : Sends) {
        if (First == Second || First->Channel != Second->Channel ||
            !P.reaches(P.elementFor(First->Anchor), P.elementFor(Second->Anchor)))
          continue;
        const Channel *C = Facts.channel(First->Channel);
        if (!C || C->Escapes)
          continue;
        std::string Chan = quoted(C->Id);
        std::string Message;
        if (C->Model->OneShot) {
          Message = "second " + std::string(First->Kind == OpKind::SetValue ? "set_value" : "send") +
                    " on " + Chan + " throws std::future_error (promise_already_satisfied)";
        } else {
          if (C->Capacity.Kind != ChannelCapacity::Known)
            continue;
          // Receivers in any thread we analysed: the parent, or a sibling.
          std::optional<unsigned long long> Received =
              totalReceives(Facts, Session, C->Id);
          std::optional<unsigned long long> Sent = spawnedSends(Facts, Session, C->Id);
          if (!Received || !Sent || *Sent <= *Received + C->Capacity.Values)
            continue;
          Message = "second send on " + Chan + " blocks forever: the receiver takes only " +
                    std::to_string(*Received) + (*Received == 1 ? " value" : " values");
        }
        llvm::SmallVector<FixItHint, 1> Fixes;
        if (auto Fix = missingReturnFix(*First, T, context()))
          Fixes.push_back(*Fix);
        if (!report(Second->Call, Second->Function, Message, Fixes))
          continue;
        note(First->Call, "first send here; this branch goes on without returning");
        noteSpawn(T);
      }
  }
}

} // namespace chanleak::tidy
