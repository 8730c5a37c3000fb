//===- Explain.h - A witness worded for users -------------------*- C++ -*-===//
//
// The engine's third step, shared by every front end: a Witness becomes the
// message, notes and fix-its the user reads, so the clang-tidy checks and the
// analyzer checkers say the same thing about the same leak. Each note says
// what role it plays, so a path-sensitive front end can put the spawn and
// the stranding exit on the path it reports and the rest beside it.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_ANALYSIS_EXPLAIN_H
#define CHANLEAK_ANALYSIS_EXPLAIN_H

#include "chanleak/Analysis/Engine.h"
#include "clang/Basic/Diagnostic.h"
#include <string>
#include <vector>

namespace chanleak {

enum class NoteRole : unsigned char {
  Spawn,   ///< where the blocked thread was started
  Exit,    ///< the return, throw or end of body that strands it
  Context, ///< anything else: the first send, the declaration never closed
};

struct FindingNote {
  NoteRole Role;
  clang::SourceLocation Loc;
  /// The statement the note is at, when it is one (spawns, exits, events).
  const clang::Stmt *At = nullptr;
  std::string Message;
};

/// One leak as the user reads it: "<operation> blocks forever: <why>" at the
/// blocked operation, then the notes in reading order.
struct Finding {
  LeakLabel Label;
  std::string Message;
  const clang::Stmt *Blocked = nullptr;
  const clang::FunctionDecl *BlockedIn = nullptr;
  std::vector<FindingNote> Notes;
  std::vector<clang::FixItHint> Fixes;
};

Finding explain(const Witness &W, LeakEngine &E);

/// "'name'" for a declaration, for messages.
std::string quoted(const clang::NamedDecl *D);

/// A short name for a function, for messages: "lambda" for a lambda.
std::string functionName(const clang::FunctionDecl *FD);

} // namespace chanleak

#endif
