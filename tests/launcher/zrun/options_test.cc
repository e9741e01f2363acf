#include "launcher/zrun/options.h"

#include <gtest/gtest.h>

namespace zmpi::launcher::zrun {
namespace {

StatusOr<Options> Parse(std::vector<std::string> args) { return ParseOptions(args); }

TEST(Options, Defaults) {
  StatusOr<Options> o = Parse({"./prog"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->nranks, 1);
  EXPECT_FALSE(o->auto_ranks);
  EXPECT_EQ(o->bind, agent::BindPolicy::kCore);
  EXPECT_FALSE(o->report_bindings);
  EXPECT_EQ(o->timeout_seconds, 0);
  EXPECT_EQ(o->command, std::vector<std::string>({"./prog"}));
}

TEST(Options, FilesAcrossHostsAndDoctor) {
  StatusOr<Options> o = Parse({"--stage", "namelist.input", "--stage=input", "--collect",
                               "rsl.*", "--collect=out/*.nc", "model"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->stage, (std::vector<std::string>{"namelist.input", "input"}));
  EXPECT_EQ(o->collect, (std::vector<std::string>{"rsl.*", "out/*.nc"}));
  EXPECT_FALSE(o->shared_fs);
  o = Parse({"--shared-fs", "model"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->shared_fs);
  EXPECT_NE(Parse({"--shared-fs", "--collect", "x", "model"}).status().message().find(
                "--shared-fs"),
            std::string::npos);
  EXPECT_FALSE(Parse({"--stage", "", "model"}).ok());
  o = Parse({"--doctor"});  // no program needed
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->doctor);
  EXPECT_TRUE(o->command.empty());
}

TEST(Options, AllSpellingsOfRankCount) {
  for (const char* flag : {"-n", "-np", "--np", "--n"}) {
    StatusOr<Options> o = Parse({flag, "4", "prog"});
    ASSERT_TRUE(o.ok()) << flag;
    EXPECT_EQ(o->nranks, 4);
  }
  StatusOr<Options> o = Parse({"--np=3", "prog"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->nranks, 3);
  o = Parse({"-n", "auto", "prog"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->auto_ranks);
}

TEST(Options, BadRankCounts) {
  for (const char* bad : {"0", "-1", "x", "4x", ""}) {
    StatusOr<Options> o = Parse({"-n", bad, "prog"});
    EXPECT_FALSE(o.ok()) << bad;
    EXPECT_EQ(o.status().code(), Code::kArg);
  }
  EXPECT_TRUE(Parse({"prog", "-n"}).ok());  // "-n" after the program is its argument
  EXPECT_FALSE(Parse({"-n"}).ok());
}

TEST(Options, ProgramArgumentsAreNotOptions) {
  StatusOr<Options> o = Parse({"-n", "2", "prog", "-n", "5", "--bogus"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->nranks, 2);
  EXPECT_EQ(o->command, std::vector<std::string>({"prog", "-n", "5", "--bogus"}));
  o = Parse({"--", "-weird-name"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->command, std::vector<std::string>({"-weird-name"}));
}

TEST(Options, BindingAndReport) {
  StatusOr<Options> o = Parse({"--bind-to", "none", "--report-bindings", "prog"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->bind, agent::BindPolicy::kNone);
  EXPECT_TRUE(o->report_bindings);
  o = Parse({"-bind-to", "core", "-report-bindings", "prog"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->bind, agent::BindPolicy::kCore);
  EXPECT_FALSE(Parse({"--bind-to", "socket", "prog"}).ok());
}

TEST(Options, EnvironmentExports) {
  StatusOr<Options> o = Parse({"-x", "A=1", "-x", "B", "-genv", "C", "3", "prog"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->env_specs, std::vector<std::string>({"A=1", "B", "C=3"}));
  EXPECT_FALSE(Parse({"-x", "=1", "prog"}).ok());
  EXPECT_FALSE(Parse({"-x"}).ok());
}

TEST(Options, TagOutputSpellings) {
  for (const char* flag : {"--tag-output", "-tag-output", "-prepend-rank", "-l"}) {
    StatusOr<Options> o = Parse({flag, "prog"});
    ASSERT_TRUE(o.ok()) << flag;
    EXPECT_TRUE(o->tag_output);
  }
}

TEST(Options, Timeout) {
  StatusOr<Options> o = Parse({"--timeout", "30", "prog"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->timeout_seconds, 30);
  EXPECT_TRUE(o->timeout_given);
  EXPECT_FALSE(Parse({"--timeout", "0", "prog"}).ok());
  EXPECT_FALSE(Parse({"--timeout", "soon", "prog"}).ok());
}

TEST(Options, StartupTimeout) {
  EXPECT_EQ(Parse({"prog"})->startup_timeout_seconds, 60);
  StatusOr<Options> o = Parse({"--startup-timeout", "5", "prog"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->startup_timeout_seconds, 5);
  EXPECT_EQ(Parse({"--startup-timeout=0", "prog"})->startup_timeout_seconds, 0);  // no limit
  EXPECT_FALSE(Parse({"--startup-timeout", "-1", "prog"}).ok());
  EXPECT_FALSE(Parse({"--startup-timeout", "later", "prog"}).ok());
}

TEST(Options, HelpNeedsNoProgram) {
  StatusOr<Options> o = Parse({"--help"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->help);
  o = Parse({"--help-env"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->help_env);
  EXPECT_NE(UsageText().find("--report-bindings"), std::string::npos);
}

TEST(Options, UnknownOptionIsNamed) {
  StatusOr<Options> o = Parse({"--frobnicate", "prog"});
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("'--frobnicate'"), std::string::npos);
  EXPECT_FALSE(Parse({"--report-bindings=yes", "prog"}).ok());
}

TEST(Options, NoProgram) {
  StatusOr<Options> o = Parse({"-n", "2"});
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("no program"), std::string::npos);
}

TEST(Options, OpenMpiHabitsAreAccepted) {
  StatusOr<Options> o = Parse({"--oversubscribe", "--allow-run-as-root", "prog"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->oversubscribe);
  EXPECT_FALSE(Parse({"prog"})->oversubscribe);
}

TEST(Options, ManyHostOptions) {
  StatusOr<Options> o = Parse({"--host", "h1,h2", "-H", "10.0.0.3:7411:4", "--key-file", "k",
                               "--browse-ms", "300", "--iface", "eth0", "-n", "auto", "prog"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->hosts, std::vector<std::string>({"h1", "h2", "10.0.0.3:7411:4"}));
  EXPECT_EQ(o->key_file, "k");
  EXPECT_EQ(o->browse_ms, 300);
  EXPECT_EQ(o->iface, "eth0");
  EXPECT_TRUE(o->auto_ranks);
  EXPECT_EQ(o->map, agent::MapBy::kCore);
  EXPECT_EQ(Parse({"--map-by", "node", "prog"})->map, agent::MapBy::kNode);
  EXPECT_EQ(Parse({"--map-by=core", "prog"})->map, agent::MapBy::kCore);
  EXPECT_FALSE(Parse({"--map-by", "socket", "prog"}).ok());
  EXPECT_FALSE(Parse({"--host", "h1,,h2", "prog"}).ok());
  EXPECT_FALSE(Parse({"--browse-ms", "0", "prog"}).ok());
  EXPECT_FALSE(Parse({"--browse-ms", "70000", "prog"}).ok());
}

TEST(Options, KeyAndDiscoverNeedNoProgram) {
  StatusOr<Options> o = Parse({"--new-key", "/tmp/k"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->new_key, "/tmp/k");
  o = Parse({"--print-hosts"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->discover);
  o = Parse({"--discover", "--local"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->local);
  EXPECT_FALSE(Parse({"--local"}).ok());  // a job still needs its program
}

}  // namespace
}  // namespace zmpi::launcher::zrun

namespace zmpi::launcher::zrun {
namespace {

// The spellings mpiexec/mpirun (links to zrun) must take from Hydra and Open MPI users.
TEST(LauncherSpellings, HydraAndOpenMpiOptions) {
  StatusOr<Options> o =
      ParseOptions({"-f", "hosts.txt", "-hosts", "a,b", "-ppn", "2", "-wdir", "/tmp", "-genvlist",
                    "A,B", "-genvall", "-l", "--", "prog", "-n", "3"});
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->hostfile, "hosts.txt");
  EXPECT_EQ(o->hosts, std::vector<std::string>({"a", "b"}));
  EXPECT_EQ(o->ranks_per_host, 2);
  EXPECT_EQ(o->wdir, "/tmp");
  EXPECT_EQ(o->env_specs, std::vector<std::string>({"A", "B"}));
  EXPECT_TRUE(o->tag_output);
  EXPECT_FALSE(o->nranks_given);
  EXPECT_EQ(o->command, std::vector<std::string>({"prog", "-n", "3"}));
  for (const char* spelling : {"-npernode", "--npernode", "--ppn", "-N"}) {
    o = ParseOptions({spelling, "4", "prog"});
    ASSERT_TRUE(o.ok()) << spelling;
    EXPECT_EQ(o->ranks_per_host, 4);
  }
  for (const char* spelling : {"-wd", "--wd", "--wdir"}) {
    o = ParseOptions({spelling, "/x", "prog"});
    ASSERT_TRUE(o.ok()) << spelling;
    EXPECT_EQ(o->wdir, "/x");
  }
  o = ParseOptions({"-np", "2", "prog"});
  ASSERT_TRUE(o.ok());
  EXPECT_TRUE(o->nranks_given);
  o = ParseOptions({"-c", "5", "prog"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->nranks, 5);
}

TEST(LauncherSpellings, BadValuesAndUnknownOptions) {
  for (std::vector<std::string> bad :
       {std::vector<std::string>{"-ppn", "0", "prog"}, {"-genvlist", "A,,B", "prog"},
        {"-genvlist", "A=1", "prog"}, {"--stdin", "x", "prog"}, {"--stdin", "-3", "prog"},
        {"--mca", "btl", "self", "prog"}, {"-wdir", "", "prog"}}) {
    StatusOr<Options> o = ParseOptions(bad);
    EXPECT_FALSE(o.ok()) << bad[0] << " " << bad[1];
    EXPECT_EQ(o.status().code(), Code::kArg);
  }
  StatusOr<Options> o = ParseOptions({"--mca", "btl", "self", "prog"});
  EXPECT_NE(o.status().message().find("unknown option '--mca'"), std::string::npos);
}

TEST(LauncherSpellings, StdinVersionMpich) {
  StatusOr<Options> o = ParseOptions({"prog"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->stdin_rank, 0);
  EXPECT_FALSE(o->mpich_binaries);
  o = ParseOptions({"--stdin", "all", "prog"});
  EXPECT_EQ(o->stdin_rank, Options::kStdinAll);
  o = ParseOptions({"--stdin=none", "prog"});
  EXPECT_EQ(o->stdin_rank, Options::kStdinNone);
  o = ParseOptions({"-stdin", "3", "prog"});
  EXPECT_EQ(o->stdin_rank, 3);
  o = ParseOptions({"--mpich-binaries", "prog"});
  EXPECT_TRUE(o->mpich_binaries);
  EXPECT_EQ(o->rank_sessions, RankSessions::kAuto);
  o = ParseOptions({"--rank-sessions", "shared", "prog"});
  EXPECT_EQ(o->rank_sessions, RankSessions::kShared);
  EXPECT_FALSE(ParseOptions({"--rank-sessions", "some", "prog"}).ok());
  for (const char* spelling : {"--version", "-V"}) {
    o = ParseOptions({spelling});  // no program needed
    ASSERT_TRUE(o.ok()) << spelling;
    EXPECT_TRUE(o->version);
  }
}

}  // namespace
}  // namespace zmpi::launcher::zrun
