//===- ApiStates.h - Blocking functions and the states they name -*- C++
//-*-===//
//
// The runtime names what a leaked thread is blocked on ("chan send", "future
// wait", ...) by matching the functions of its stack against a table derived
// from the shared model. This is that derivation, used to generate
// lib/Runtime/ApiStates.inc and by `chanleak verify` to name states itself.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TOOLS_APISTATES_H
#define CHANLEAK_TOOLS_APISTATES_H

#include "chanleak/Model/ApiModel.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <string>

namespace chanleak {

/// Qualified blocking function name (no template arguments, no parameters)
/// -> API state, ordered by name.
using ApiStateTable = std::map<std::string, std::string>;

/// Every function of Model that can park a thread, with the state it names.
ApiStateTable buildApiStateTable(const ApiModel &Model);

/// Writes Table in the format of lib/Runtime/ApiStates.inc.
void printRuntimeTable(const ApiStateTable &Table, llvm::raw_ostream &OS);

/// The model name of a demangled function: "void ns::C<int>::f<X>(int) const"
/// becomes "ns::C::f"; inline namespaces (std::__1, __cxx11) and ABI tags are
/// dropped as the model's own names drop them.
std::string modelFunctionName(llvm::StringRef Demangled);

} // namespace chanleak

#endif
