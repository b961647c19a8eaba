# The HTML report in a real browser: html_report_tool writes the fixture's
# report (normal, hostile and sparse variants) and chromium_check.py opens each
# in headless Chromium, checks the plots are laid out and painted, that no
# console error or script ran, and that the screenshot is not blank. Fails,
# never skips, without Chromium: scripts/setup.sh installs Debian's chromium.
add_executable(html_report_tool ${CMAKE_CURRENT_LIST_DIR}/../../tools/html_report_tool.cpp
                                ${CMAKE_CURRENT_LIST_DIR}/report_fixture.cpp)
target_link_libraries(html_report_tool PRIVATE styledna_gap styledna_profile styledna_warnings)
target_include_directories(html_report_tool PRIVATE ${PROJECT_SOURCE_DIR}/tests)
add_test(NAME report.html_chromium
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/chromium_check.py
                 --tool $<TARGET_FILE:html_report_tool>
                 --workdir ${CMAKE_BINARY_DIR}/test-tmp/html_report_chromium)
set_tests_properties(report.html_chromium PROPERTIES
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1"
    LABELS report
    TIMEOUT 120)
