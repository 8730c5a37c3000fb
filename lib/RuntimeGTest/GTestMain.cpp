//===- GTestMain.cpp - gtest_main with chanleak's leak check --------------===//
//
// Link chanleak-rt-gtest-main instead of GTest::gtest_main and every test
// that leaves a thread behind fails, naming it.
//
//===----------------------------------------------------------------------===//

#include "chanleak/gtest.h"

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  chanleak::testing::InstallLeakCheck();
  return RUN_ALL_TESTS();
}
