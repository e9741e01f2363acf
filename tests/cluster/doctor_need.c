/* A library that only some hosts have (tests/cluster/doctor_test.sh hides its folder from h3),
 * for `zrun --doctor`'s per-host library check. */
__attribute__((visibility("default"))) int zmpi_doctor_need(int x) { return x + 1; }
