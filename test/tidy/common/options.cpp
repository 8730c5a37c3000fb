// The options shared by every chanleak check: ModelFile (global key or per
// check), ChannelTypes and SpawnerFunctions.
//
// Without options vendor:: and legacy:: types mean nothing: silent.
// RUN: %check_chanleak_tidy -check-suffix=NONE %s chanleak-early-return %t -- -- -I%S/../Inputs
//
// The model file, as the global key and as the check's own key.
// RUN: %check_chanleak_tidy -check-suffix=MODEL %s chanleak-early-return %t -config="{CheckOptions: {ModelFile: '%S/../Inputs/model-channel.yaml'}}" -- -- -I%S/../Inputs
// RUN: %check_chanleak_tidy -check-suffix=MODEL %s chanleak-early-return %t -config="{CheckOptions: {chanleak-early-return.ModelFile: '%S/../Inputs/model-channel.yaml'}}" -- -- -I%S/../Inputs
// Another check's key does not apply to this one.
// RUN: %check_chanleak_tidy -check-suffix=NONE %s chanleak-early-return %t -config="{CheckOptions: {chanleak-take-first.ModelFile: '%S/../Inputs/model-channel.yaml'}}" -- -- -I%S/../Inputs
//
// ChannelTypes and SpawnerFunctions.
// RUN: %check_chanleak_tidy -check-suffix=LISTS %s chanleak-early-return %t -config="{CheckOptions: {ChannelTypes: 'legacy::Mailbox;other::Queue', SpawnerFunctions: 'legacy::spawn'}}" -- -- -I%S/../Inputs

#include "mock-std.h"
#include "vendor.h"

bool bad();

void model_file() {
  vendor::Pipe<int> pipe;
  vendor::Go([&pipe] { pipe.Put(1); }); // #s1
  if (bad())
    return; // #r1
  int v;
  pipe.Take(v);
  // CHECK-NOTES-MODEL: :[[@LINE-5]]:24: warning: send on 'pipe' blocks forever: 'model_file' can leave without receiving from 'pipe' [chanleak-early-return]
  // CHECK-NOTES-MODEL: :[[@LINE-6]]:3: note: thread spawned here
  // CHECK-NOTES-MODEL: :[[@LINE-5]]:5: note: 'model_file' returns here without receiving from 'pipe'
}

// capacity-arg 0: Pipe(1) holds the one value.
void model_file_capacity() {
  vendor::Pipe<int> pipe{1};
  vendor::Go([&pipe] { pipe.Put(1); });
  if (bad())
    return;
  int v;
  pipe.Take(v);
}

void lists() {
  legacy::Mailbox box;
  legacy::spawn([&box] { box.push(1); }); // #s2
  if (bad())
    return; // #r2
  int v;
  box.pop(v);
  // CHECK-NOTES-LISTS: :[[@LINE-5]]:26: warning: send on 'box' blocks forever: 'lists' can leave without receiving from 'box' [chanleak-early-return]
  // CHECK-NOTES-LISTS: :[[@LINE-6]]:3: note: thread spawned here
  // CHECK-NOTES-LISTS: :[[@LINE-5]]:5: note: 'lists' returns here without receiving from 'box'
}

// A ChannelTypes channel spawned with std::thread needs no spawner option.
void lists_std_thread() {
  legacy::Mailbox box;
  std::thread([&box] { box.push(1); }).detach(); // #s3
  if (bad())
    return; // #r3
  int v;
  box.pop(v);
  // CHECK-NOTES-LISTS: :[[@LINE-5]]:24: warning: send on 'box' blocks forever: 'lists_std_thread' can leave without receiving from 'box' [chanleak-early-return]
  // CHECK-NOTES-LISTS: :[[@LINE-6]]:3: note: thread spawned here
  // CHECK-NOTES-LISTS: :[[@LINE-5]]:5: note: 'lists_std_thread' returns here without receiving from 'box'
}
