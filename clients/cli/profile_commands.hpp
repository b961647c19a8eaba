#pragma once
// The Style DNA commands of the CLI: profile build / list / show / export /
// import / rm, and similar. Each prints text for people or, with --json, the
// response message as JSON with the proto's field names. Ctrl-C during a
// build or a query cancels the call; the daemon then leaves the profile as it
// was.

#include <string>

#include "client.hpp"

namespace styledna::cli {

int cmdProfileBuild(const GlobalOptions& g, const v1::BuildProfileRequest& request);
int cmdProfileList(const GlobalOptions& g);
int cmdProfileShow(const GlobalOptions& g, const std::string& name, bool full);
int cmdProfileExport(const GlobalOptions& g, const std::string& name, const std::string& out,
                     bool include_head);
int cmdProfileImport(const GlobalOptions& g, const std::string& file, const std::string& name,
                     bool replace);
int cmdProfileRemove(const GlobalOptions& g, const std::string& name);
int cmdSimilar(const GlobalOptions& g, const std::string& file, const std::string& profile, int k);

} // namespace styledna::cli
