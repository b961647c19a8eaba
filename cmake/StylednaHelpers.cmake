# styledna_glob_library(NAME DIR [DEPS ...]): a static library from every .cpp in DIR
# (not recursive), so each concept folder is its own library and a half-finished
# file in one folder never breaks the build of another.
function(styledna_glob_library name dir)
    cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
    file(GLOB srcs CONFIGURE_DEPENDS ${dir}/*.cpp)
    if(srcs)
        add_library(${name} STATIC ${srcs})
        target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE styledna_warnings)
    else()
        add_library(${name} INTERFACE)
        target_link_libraries(${name} INTERFACE ${ARG_DEPS})
    endif()
    set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# styledna_unit_tests(AREA LIBS ...): one Catch2 executable test_AREA from
# tests/unit/AREA/*.cpp, registered with CTest (label AREA).
function(styledna_unit_tests area)
    file(GLOB srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/unit/${area}/*.cpp)
    if(NOT srcs)
        return()
    endif()
    add_executable(test_${area} ${srcs} $<TARGET_OBJECTS:styledna_catch_main>)
    target_link_libraries(test_${area} PRIVATE ${ARGN} Catch2::Catch2 styledna_warnings)
    target_include_directories(test_${area} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
    add_test(NAME unit.${area} COMMAND test_${area} --order decl)
    set_tests_properties(unit.${area} PROPERTIES LABELS "unit;${area}"
        ENVIRONMENT "STYLEDNA_TEST_TMP=${CMAKE_BINARY_DIR}/test-tmp")
endfunction()
