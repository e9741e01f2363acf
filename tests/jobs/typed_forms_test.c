/* Derived datatypes through every point-to-point form that is not a plain send or receive
 * (Sendrecv, Sendrecv_replace, Isendrecv, Bsend, Ibsend, Mprobe/Mrecv, Improbe/Imrecv), the
 * persistent requests with a non-contiguous type (to itself), and the hooks between families:
 * Type_dup copies a type's attributes, Type_free deletes them, Win_get_group.
 * Ring over all ranks (one rank talks to itself). Sizes below and above the eager limit.
 * Prints "typed_forms_test: OK (<n> checks)" on rank 0. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_rank, g_size, g_checks;

#define CHECK(cond, ...)                                                                  \
  do {                                                                                    \
    ++g_checks;                                                                           \
    if (!(cond)) {                                                                        \
      fprintf(stderr, "typed_forms_test: rank %d: FAILED at line %d: %s: ", g_rank, __LINE__, \
              #cond);                                                                     \
      fprintf(stderr, __VA_ARGS__);                                                       \
      fprintf(stderr, "\n");                                                              \
      MPI_Abort(MPI_COMM_WORLD, 1);                                                       \
    }                                                                                     \
  } while (0)

/* A column of an n x 3 matrix of doubles: n blocks of one double, stride 3. */
static MPI_Datatype column(int n) {
  MPI_Datatype t;
  MPI_Type_vector(n, 1, 3, MPI_DOUBLE, &t);
  MPI_Type_commit(&t);
  return t;
}

static double value(int rank, int i) { return rank * 100000.0 + i; }

static void fill(double* m, int n, int rank) {
  for (int i = 0; i < 3 * n; ++i) m[i] = -1.0;
  for (int i = 0; i < n; ++i) m[3 * i] = value(rank, i);
}

/* The column of `m` holds rank's values and the other entries are untouched (-1). */
static void check_column(const double* m, int n, int rank, const char* what) {
  for (int i = 0; i < n; ++i) {
    CHECK(m[3 * i] == value(rank, i), "%s n=%d: [%d] = %g, want %g", what, n, i, m[3 * i],
          value(rank, i));
    CHECK(m[3 * i + 1] == -1.0 && m[3 * i + 2] == -1.0, "%s n=%d: gap %d overwritten", what, n,
          i);
  }
}

static void test_sendrecv(int n) {
  int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  MPI_Datatype t = column(n);
  double* out = malloc(sizeof(double) * 3 * n);
  double* in = malloc(sizeof(double) * 3 * n);
  fill(out, n, g_rank);
  for (int i = 0; i < 3 * n; ++i) in[i] = -1.0;
  MPI_Status st;
  CHECK(MPI_Sendrecv(out, 1, t, next, 1, in, 1, t, prev, 1, MPI_COMM_WORLD, &st) == MPI_SUCCESS,
        "sendrecv");
  check_column(in, n, prev, "Sendrecv");
  int elements = -1;
  MPI_Get_elements(&st, MPI_DOUBLE, &elements);
  CHECK(elements == n, "Get_elements %d want %d", elements, n);

  /* Replace in place: the column travels, the gaps stay. */
  fill(out, n, g_rank);
  MPI_Sendrecv_replace(out, 1, t, next, 2, prev, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  check_column(out, n, prev, "Sendrecv_replace");

  /* Isendrecv and Isendrecv_replace. */
  MPI_Request r;
  fill(out, n, g_rank);
  for (int i = 0; i < 3 * n; ++i) in[i] = -1.0;
  MPI_Isendrecv(out, 1, t, next, 3, in, 1, t, prev, 3, MPI_COMM_WORLD, &r);
  MPI_Wait(&r, MPI_STATUS_IGNORE);
  check_column(in, n, prev, "Isendrecv");
  MPI_Isendrecv_replace(out, 1, t, next, 4, prev, 4, MPI_COMM_WORLD, &r);
  MPI_Wait(&r, MPI_STATUS_IGNORE);
  check_column(out, n, prev, "Isendrecv_replace");

  /* A column sent as a vector arrives as contiguous doubles (same type signature). */
  double* flat = malloc(sizeof(double) * n);
  MPI_Sendrecv(out, 1, t, next, 5, flat, n, MPI_DOUBLE, prev, 5, MPI_COMM_WORLD,
               MPI_STATUS_IGNORE);
  for (int i = 0; i < n; ++i) CHECK(flat[i] == value((prev + g_size - 1) % g_size, i), "flat");
  free(flat);
  MPI_Type_free(&t);
  free(out);
  free(in);
}

static void test_bsend(int n) {
  int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  MPI_Datatype t = column(n);
  int packed = 0;
  MPI_Pack_size(1, t, MPI_COMM_WORLD, &packed);
  int room = 2 * (packed + MPI_BSEND_OVERHEAD);
  char* buffer = malloc(room);
  MPI_Buffer_attach(buffer, room);
  double* out = malloc(sizeof(double) * 3 * n);
  double* in = malloc(sizeof(double) * 3 * n);
  fill(out, n, g_rank);
  for (int i = 0; i < 3 * n; ++i) in[i] = -1.0;
  MPI_Request r;
  MPI_Irecv(in, 1, t, prev, 6, MPI_COMM_WORLD, &r);
  CHECK(MPI_Bsend(out, 1, t, next, 6, MPI_COMM_WORLD) == MPI_SUCCESS, "Bsend");
  /* The buffered copy was taken: the user buffer may change at once. */
  for (int i = 0; i < 3 * n; ++i) out[i] = -7.0;
  MPI_Wait(&r, MPI_STATUS_IGNORE);
  check_column(in, n, prev, "Bsend");
  MPI_Request b;
  fill(out, n, g_rank);
  MPI_Irecv(in, 1, t, prev, 7, MPI_COMM_WORLD, &r);
  MPI_Ibsend(out, 1, t, next, 7, MPI_COMM_WORLD, &b);
  MPI_Wait(&b, MPI_STATUS_IGNORE);
  MPI_Wait(&r, MPI_STATUS_IGNORE);
  check_column(in, n, prev, "Ibsend");
  void* detached;
  int size;
  MPI_Buffer_detach(&detached, &size);
  CHECK(detached == buffer && size == room, "detach");
  free(buffer);
  MPI_Type_free(&t);
  free(out);
  free(in);
}

static void test_mprobe(int n) {
  int next = (g_rank + 1) % g_size, prev = (g_rank + g_size - 1) % g_size;
  MPI_Datatype t = column(n);
  double* out = malloc(sizeof(double) * 3 * n);
  double* in = malloc(sizeof(double) * 3 * n);
  fill(out, n, g_rank);
  MPI_Request s;
  MPI_Isend(out, 1, t, next, 8, MPI_COMM_WORLD, &s);
  MPI_Message m;
  MPI_Status st;
  MPI_Mprobe(prev, 8, MPI_COMM_WORLD, &m, &st);
  int count = -1;
  MPI_Get_count(&st, t, &count);
  CHECK(count == 1, "Mprobe count %d", count);
  for (int i = 0; i < 3 * n; ++i) in[i] = -1.0;
  MPI_Mrecv(in, 1, t, &m, MPI_STATUS_IGNORE);
  CHECK(m == MPI_MESSAGE_NULL, "message handle reset");
  check_column(in, n, prev, "Mrecv");
  MPI_Wait(&s, MPI_STATUS_IGNORE);

  MPI_Isend(out, 1, t, next, 9, MPI_COMM_WORLD, &s);
  int flag = 0;
  while (!flag) MPI_Improbe(prev, 9, MPI_COMM_WORLD, &flag, &m, MPI_STATUS_IGNORE);
  for (int i = 0; i < 3 * n; ++i) in[i] = -1.0;
  MPI_Request r;
  MPI_Imrecv(in, 1, t, &m, &r);
  MPI_Wait(&r, MPI_STATUS_IGNORE);
  MPI_Wait(&s, MPI_STATUS_IGNORE);
  check_column(in, n, prev, "Imrecv");
  MPI_Type_free(&t);
  free(out);
  free(in);
}

/* Persistent requests with a vector type: a column of a 4x3 matrix to itself, twice. */
static void test_persistent_typed(void) {
  MPI_Datatype t = column(4);
  double m[12], out[12];
  MPI_Request r[2];
  CHECK(MPI_Recv_init(out, 1, t, g_rank, 10, MPI_COMM_WORLD, &r[0]) == MPI_SUCCESS, "Recv_init");
  CHECK(MPI_Send_init(m, 1, t, g_rank, 10, MPI_COMM_WORLD, &r[1]) == MPI_SUCCESS, "Send_init");
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 12; ++i) m[i] = round * 100 + i, out[i] = -1;
    MPI_Startall(2, r);
    MPI_Waitall(2, r, MPI_STATUSES_IGNORE);
    for (int i = 0; i < 12; ++i) {
      double want = i % 3 == 0 ? round * 100 + i : -1;
      CHECK(out[i] == want, "persistent column round %d: [%d] = %g, want %g", round, i, out[i],
            want);
    }
  }
  MPI_Request_free(&r[0]);
  MPI_Request_free(&r[1]);
  MPI_Type_free(&t);
}

static int g_copies, g_deletes;

static int copy_fn(MPI_Datatype t, int key, void* extra, void* in, void* out, int* flag) {
  (void)t, (void)key, (void)extra;
  ++g_copies;
  *(void**)out = in;
  *flag = 1;
  return MPI_SUCCESS;
}

static int delete_fn(MPI_Datatype t, int key, void* value, void* extra) {
  (void)t, (void)key, (void)value, (void)extra;
  ++g_deletes;
  return MPI_SUCCESS;
}

static void test_type_attributes(void) {
  int key;
  MPI_Type_create_keyval(copy_fn, delete_fn, &key, NULL);
  MPI_Datatype t = column(2), d;
  static int payload = 42;
  MPI_Type_set_attr(t, key, &payload);
  MPI_Type_dup(t, &d);
  CHECK(g_copies == 1, "Type_dup ran %d copy callbacks", g_copies);
  void* got = NULL;
  int flag = 0;
  MPI_Type_get_attr(d, key, &got, &flag);
  CHECK(flag && got == &payload, "duplicate's attribute");
  MPI_Type_free(&d);
  CHECK(g_deletes == 1, "Type_free of the duplicate ran %d delete callbacks", g_deletes);
  MPI_Type_free(&t);
  CHECK(g_deletes == 2, "Type_free ran %d delete callbacks", g_deletes);
  MPI_Type_free_keyval(&key);
}

static void test_win_group(void) {
  MPI_Win win;
  int local = 0;
  MPI_Win_create(&local, sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win);
  MPI_Group wg, cg;
  MPI_Win_get_group(win, &wg);
  MPI_Comm_group(MPI_COMM_WORLD, &cg);
  int result = -1;
  MPI_Group_compare(wg, cg, &result);
  CHECK(result == MPI_IDENT, "Win_get_group compares %d with the communicator's group", result);
  MPI_Group_free(&wg);
  MPI_Group_free(&cg);
  MPI_Win_free(&win);
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  const int sizes[] = {1, 100, 5000, 40000};  /* 8 B to 320 KB of data */
  for (int i = 0; i < 4; ++i) {
    test_sendrecv(sizes[i]);
    test_bsend(sizes[i]);
    test_mprobe(sizes[i]);
  }
  test_persistent_typed();
  test_type_attributes();
  test_win_group();
  int total = 0;
  MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  if (g_rank == 0) printf("typed_forms_test: OK (%d checks)\n", total);
  MPI_Finalize();
  return 0;
}
