# One library target per module (src/medfed/<module>/), one test binary per module.
#
#   medfed_module(NAME table SOURCES a.cc b.cc DEPS medfed_core Eigen3::Eigen)
#   medfed_test(NAME table SOURCES a_test.cc DEPS medfed_table)
#
# Tests are registered with ctest through gtest_discover_tests, and run from the source
# directory so they can find tests/golden/ and examples/.

function(medfed_module)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(medfed_${ARG_NAME} STATIC ${ARG_SOURCES})
  target_include_directories(medfed_${ARG_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src ${PROJECT_BINARY_DIR}/src)
  target_link_libraries(medfed_${ARG_NAME} PUBLIC ${ARG_DEPS})
endfunction()

function(medfed_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  if(NOT MEDFED_BUILD_TESTS)
    return()
  endif()
  add_executable(${ARG_NAME}_test ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME}_test PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${ARG_NAME}_test PRIVATE MEDFED_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                                      MEDFED_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # The suppressions (c-ares, inside gRPC's resolver) also apply when ctest runs without the preset.
  gtest_discover_tests(${ARG_NAME}_test WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                       DISCOVERY_TIMEOUT 60
                       PROPERTIES TIMEOUT 600 ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/cmake/lsan.supp")
endfunction()
