//===- ThreadPaths.h - Path queries over one thread's CFG -------*- C++ -*-===//
//
// The path questions the leak checks ask of one thread's body, answered on
// clang's CFG: can the thread get from a point to its exit without passing
// an op that would rescue a stranded peer; how many ops of a kind can one
// path perform; can the body end at all.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_ANALYSIS_THREADPATHS_H
#define CHANLEAK_ANALYSIS_THREADPATHS_H

#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include <memory>
#include <optional>

namespace clang {
class ASTContext;
class FunctionDecl;
class ParentMap;
} // namespace clang

namespace chanleak {

/// How a path left the function.
struct PathExit {
  /// The return statement or throw expression that ends the path; null when
  /// the path falls off the end of the body.
  const clang::Stmt *Event = nullptr;
  /// The first element on the path that matched `Flag` (a timed wait that
  /// may give up), or null.
  const clang::Stmt *Flagged = nullptr;
};

class ThreadPaths {
public:
  ThreadPaths(const clang::FunctionDecl *FD, const clang::Stmt *Body,
              clang::ASTContext &Ctx);
  ~ThreadPaths();

  /// False when clang could not build a CFG; every query then answers
  /// conservatively (no path, exit reachable).
  bool valid() const { return Cfg != nullptr; }

  /// Finds a path from just after `From` (from the entry when null) to the
  /// exit of the body on which no element satisfies `Blocks`. Prefers paths
  /// through an element that satisfies `Flag`. A flagged call that
  /// `RescuesOnSuccess` (a timed receive of the awaited value) only lets the
  /// path on along the branch where its result says it gave up. Exceptional
  /// edges count only when a handler in this body catches them.
  std::optional<PathExit> pathToExitAvoiding(
      const clang::Stmt *From,
      llvm::function_ref<bool(const clang::Stmt *)> Blocks,
      llvm::function_ref<bool(const clang::Stmt *)> Flag,
      llvm::function_ref<bool(const clang::Stmt *)> RescuesOnSuccess =
          [](const clang::Stmt *) { return false; }) const;

  /// The largest number of elements satisfying `Counts` on one path from the
  /// entry to the exit, not going around loops.
  unsigned maxOnOnePath(llvm::function_ref<bool(const clang::Stmt *)> Counts) const;

  /// Whether the body can finish at all (return, fall off, or throw).
  bool exitReachable() const;

  /// Whether a path leads from just after `From` to `To`.
  bool reaches(const clang::Stmt *From, const clang::Stmt *To) const;

  /// The statement of this body's CFG that contains S (S itself when the CFG
  /// lists it), so that ops found in sub-expressions can be located.
  const clang::Stmt *elementFor(const clang::Stmt *S) const;

private:
  struct Position {
    const clang::CFGBlock *Block;
    unsigned Index;
  };
  std::optional<Position> positionOf(const clang::Stmt *S) const;

  std::unique_ptr<clang::CFG> Cfg;
  std::unique_ptr<clang::ParentMap> Parents;
  llvm::DenseMap<const clang::Stmt *, Position> Positions;
};

} // namespace chanleak

#endif
