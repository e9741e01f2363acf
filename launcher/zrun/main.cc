// zrun: runs an MPI job. All the work is in Zrun (launcher/zrun/zrun.h).
#include <cstdio>
#include <string>
#include <vector>

#include "common/config.h"
#include "launcher/proto/key_file.h"
#include "launcher/zrun/cluster_run.h"
#include "launcher/zrun/options.h"
#include "launcher/zrun/zrun.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  zmpi::StatusOr<zmpi::launcher::zrun::Options> options =
      zmpi::launcher::zrun::ParseOptions(args);
  if (!options.ok()) {
    fprintf(stderr, "zrun: %s\n", options.status().message().c_str());
    return 2;
  }
  if (options->help) {
    fputs(zmpi::launcher::zrun::UsageText().c_str(), stdout);
    return 0;
  }
  if (options->help_env) {
    fputs(zmpi::FormatConfigHelp().c_str(), stdout);
    return 0;
  }
  zmpi::Config config = zmpi::Config::FromEnvironment();
  zmpi::SetLogLevel(config.log_level);
  zmpi::SetLogIdentity("zrun");
  for (const std::string& warning : config.warnings) fprintf(stderr, "zrun: %s\n", warning.c_str());
  if (!options->new_key.empty()) {
    zmpi::Status s = zmpi::launcher::proto::KeyFile::Create(options->new_key);
    if (!s.ok()) {
      fprintf(stderr, "zrun: %s\n", s.message().c_str());
      return 1;
    }
    printf("zrun: wrote a new cluster key to %s (copy it to every machine of the cluster)\n",
           options->new_key.c_str());
    return 0;
  }
  if (zmpi::launcher::zrun::ClusterRun::Wanted(options.value())) {
    zmpi::launcher::zrun::ClusterRun cluster(std::move(options.value()));
    return options->discover ? cluster.Discover() : cluster.Run();
  }
  zmpi::launcher::zrun::Zrun zrun(std::move(options.value()));
  return zrun.Run();
}
