# cmake -P script behind the ctest test chanleak-install.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${cmd}")
  endif()
endfunction()

run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

set(expected
  lib/libchanleak-tidy.so
  lib/libchanleak-analyzer.so
  include/chanleak/annotations.h
  share/doc/chanleak
  lib/cmake/chanleak/chanleakConfig.cmake
  lib/cmake/chanleak/chanleakConfigVersion.cmake
  lib/cmake/chanleak/chanleakTargets.cmake)
if(EXPECT_IMPL)
  list(APPEND expected lib/libchanleak-tidy-impl.so lib/libchanleak-analyzer-impl.so)
endif()
foreach(f IN LISTS expected)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${prefix}/${f}")
  endif()
  message(STATUS "installed: ${f}")
endforeach()

run(${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/consumer -G ${GENERATOR}
  -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
  -DCMAKE_PREFIX_PATH=${prefix}
  -DEXPECT_PREFIX=${prefix}
  -DEXPECT_LLVM=${EXPECT_LLVM}
  -DEXPECT_IMPL=${EXPECT_IMPL})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
run(${WORK_DIR}/consumer/consumer)
message(STATUS "chanleak-install: OK")
