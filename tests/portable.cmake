# The tests that cannot apply to the portable profile (-DZMPI_PORTABLE=ON: no libfabric, no
# PMIx, no single copy; docs/haiku.md), each with the reason, in this one table. A folder or a
# test group asks zmpi_portable_excluded(<id> <var>) and leaves itself out when <var> is true;
# configuring prints every exclusion, so none goes unnoticed. Everything else runs in both
# profiles (the jobs' ofi runs become tcp runs in the portable one: tests/jobs).
set(ZMPI_PORTABLE_EXCLUSIONS
  "transport.ofi=the libfabric transport is not in the portable build"
  "launcher.pmix_client=zrun_process_test, zrun_output_* and agent_job_test drive zrun with a PMIx client program. The portable zrun serves PMI-1 (its jobs run in tests/jobs instead)"
  "launcher.libpmix=zrund_job_test, pmix_stall_test and stop_pmix_thread run PMIx clients under zrund and stop libpmix's thread, and the portable build has no libpmix"
  "bootstrap.pmix=srun --mpi=pmix starts ranks over PMIx, which the portable library refuses (the test portable_refuses_pmix checks that it says so)"
  "job.shm_leftovers=it SIGKILLs zrun and needs the job's ranks to die with it (the parent-death signal) so that the next zrun finds their segments ownerless. Portable ranks have no parent-death signal and live on until they next write output (docs/haiku.md), so the next zrun rightly keeps the segments of their live ranks"
  "job.shared_read=it checks that the sending rank helps to copy single-copy reads (MPI_T zmpi_shared_reads), and the portable build has no single copy"
  "cluster=the rest of tests/cluster runs the normal build's zrund and zrun on every host and runs in the normal profile. Here cluster_portable_mix runs the portable zrund beside a normal one in one job"
)

function(zmpi_portable_excluded id out)
  set(${out} FALSE PARENT_SCOPE)
  if(NOT ZMPI_PORTABLE)
    return()
  endif()
  foreach(row IN LISTS ZMPI_PORTABLE_EXCLUSIONS)
    string(FIND "${row}" "=" eq)
    string(SUBSTRING "${row}" 0 ${eq} key)
    if(key STREQUAL id)
      math(EXPR start "${eq} + 1")
      string(SUBSTRING "${row}" ${start} -1 reason)
      message(STATUS "zmpi portable: not testing ${id}: ${reason}")
      set(${out} TRUE PARENT_SCOPE)
      return()
    endif()
  endforeach()
endfunction()
