/* Attributes and keyvals: copy callbacks on MPI_Comm_dup, delete callbacks on MPI_Comm_free,
 * MPI_Comm_delete_attr and overwrite (each counted), MPI_COMM_DUP_FN / MPI_NULL_COPY_FN,
 * a keyval freed while attributes use it, the MPI-1 names, datatype attributes on a
 * predefined type, the predefined attributes of MPI_COMM_WORLD, MPI_COMM_SELF's attributes
 * deleted first at MPI_Finalize (last set first), and every bad argument's error class.
 * Where a program is erroneous, zmpi's answer is checked: a failing delete callback fails
 * MPI_Comm_free and keeps the communicator (MPICH 4.0.2 frees it). Uses only <mpi.h>.
 * Prints "attr_test: OK (<n> checks)" on rank 0. */
#include <string.h>

static const char kTestName[] = "attr_test";
#include "object_check.h"

static int copies, deletes, last_deleted_value;
static int extra_seen_ok = 1;
static int kExtra;

static int count_copy(MPI_Comm comm, int keyval, void *extra, void *in, void *out, int *flag) {
  (void)comm;
  (void)keyval;
  if (extra != &kExtra) extra_seen_ok = 0;
  ++copies;
  *(void **)out = (void *)((char *)in + 1); /* the copy's value is one more */
  *flag = 1;
  return MPI_SUCCESS;
}

static int count_delete(MPI_Comm comm, int keyval, void *value, void *extra) {
  (void)comm;
  (void)keyval;
  if (extra != &kExtra) extra_seen_ok = 0;
  ++deletes;
  last_deleted_value = (int)(long)value;
  return MPI_SUCCESS;
}

static int no_copy(MPI_Comm comm, int keyval, void *extra, void *in, void *out, int *flag) {
  (void)comm, (void)keyval, (void)extra, (void)in, (void)out;
  *flag = 0;
  return MPI_SUCCESS;
}

static int failing_delete(MPI_Comm comm, int keyval, void *value, void *extra) {
  (void)comm, (void)keyval, (void)value, (void)extra;
  return MPI_ERR_OTHER;
}

static int failing_copy(MPI_Comm comm, int keyval, void *extra, void *in, void *out, int *flag) {
  (void)comm, (void)keyval, (void)extra, (void)in, (void)out, (void)flag;
  return MPI_ERR_OTHER;
}

/* Records the order MPI_Finalize deletes MPI_COMM_SELF's attributes in. */
static int finalize_order[3], finalize_deleted;
static int finalize_still_initialized = 1;
static int record_delete(MPI_Comm comm, int keyval, void *value, void *extra) {
  (void)keyval, (void)extra;
  int finalized = 1;
  MPI_Finalized(&finalized);
  if (finalized || comm != MPI_COMM_SELF) finalize_still_initialized = 0;
  if (finalize_deleted < 3) finalize_order[finalize_deleted] = (int)(long)value;
  ++finalize_deleted;
  return MPI_SUCCESS;
}

static void *get(MPI_Comm comm, int keyval, int *flag) {
  void *v = NULL;
  CALL(MPI_Comm_get_attr(comm, keyval, &v, flag));
  return v;
}

static void check_comm_callbacks(void) {
  int key, flag;
  MPI_Comm dup, dup2;
  CALL(MPI_Comm_create_keyval(count_copy, count_delete, &key, &kExtra));
  CALL(MPI_Comm_set_attr(MPI_COMM_WORLD, key, (void *)100));
  void *v = get(MPI_COMM_WORLD, key, &flag);
  CHECK(flag && v == (void *)100, "get after set: flag %d value %p", flag, v);
  copies = deletes = 0;
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  CHECK(copies == 1, "copy callback ran %d times on dup", copies);
  v = get(dup, key, &flag);
  CHECK(flag && v == (void *)101, "dup's attribute %p (flag %d)", v, flag);
  CALL(MPI_Comm_dup(dup, &dup2));
  v = get(dup2, key, &flag);
  CHECK(copies == 2 && flag && v == (void *)102, "dup of dup: %p, %d copies", v, copies);
  /* overwrite runs the delete callback on the old value */
  CALL(MPI_Comm_set_attr(dup, key, (void *)500));
  CHECK(deletes == 1 && last_deleted_value == 101, "overwrite: %d deletes, last %d", deletes,
        last_deleted_value);
  v = get(dup, key, &flag);
  CHECK(flag && v == (void *)500, "after overwrite %p", v);
  /* free runs it for the attribute still there */
  CALL(MPI_Comm_free(&dup));
  CHECK(deletes == 2 && last_deleted_value == 500, "free: %d deletes, last %d", deletes,
        last_deleted_value);
  CHECK(dup == MPI_COMM_NULL, "freed communicator not MPI_COMM_NULL");
  /* delete_attr runs it and removes the attribute; deleting again is fine */
  CALL(MPI_Comm_delete_attr(dup2, key));
  CHECK(deletes == 3 && last_deleted_value == 102, "delete_attr: %d deletes", deletes);
  get(dup2, key, &flag);
  CHECK(!flag, "attribute still there after delete_attr");
  CALL(MPI_Comm_delete_attr(dup2, key));
  CHECK(deletes == 3, "deleting a missing attribute ran a callback");
  /* a keyval freed while an attribute uses it keeps working for that attribute */
  CALL(MPI_Comm_set_attr(dup2, key, (void *)7));
  int freed_key = key;
  CALL(MPI_Comm_free_keyval(&key));
  CHECK(key == MPI_KEYVAL_INVALID, "freed keyval not MPI_KEYVAL_INVALID");
  /* (as in MPICH, its old handle still works while attributes keep it alive) */
  CALL(MPI_Comm_set_attr(dup2, freed_key, (void *)8));
  CHECK(deletes == 4 && last_deleted_value == 7, "overwrite through a freed keyval");
  CALL(MPI_Comm_free(&dup2));
  CHECK(deletes == 5 && last_deleted_value == 8,
        "delete callback of a freed keyval: %d deletes, last %d", deletes, last_deleted_value);
  /* WORLD still has its attribute (value 100) with the freed keyval: deleted at finalize */
  CHECK(extra_seen_ok, "callbacks did not get their extra_state");
}

static void check_predefined_copy_fns(void) {
  int dupkey, nullkey, nocopykey, flag;
  MPI_Comm dup;
  CALL(MPI_Comm_create_keyval(MPI_COMM_DUP_FN, MPI_COMM_NULL_DELETE_FN, &dupkey, NULL));
  CALL(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, &nullkey, NULL));
  CALL(MPI_Comm_create_keyval(no_copy, MPI_COMM_NULL_DELETE_FN, &nocopykey, NULL));
  CALL(MPI_Comm_set_attr(MPI_COMM_SELF, dupkey, &g_checks));
  CALL(MPI_Comm_set_attr(MPI_COMM_SELF, nullkey, &g_checks));
  CALL(MPI_Comm_set_attr(MPI_COMM_SELF, nocopykey, &g_checks));
  CALL(MPI_Comm_dup(MPI_COMM_SELF, &dup));
  void *v = get(dup, dupkey, &flag);
  CHECK(flag && v == &g_checks, "MPI_COMM_DUP_FN did not copy");
  get(dup, nullkey, &flag);
  CHECK(!flag, "MPI_COMM_NULL_COPY_FN copied");
  get(dup, nocopykey, &flag);
  CHECK(!flag, "a copy callback returning flag 0 copied");
  CALL(MPI_Comm_free(&dup));
  CALL(MPI_Comm_delete_attr(MPI_COMM_SELF, dupkey));
  CALL(MPI_Comm_delete_attr(MPI_COMM_SELF, nullkey));
  CALL(MPI_Comm_delete_attr(MPI_COMM_SELF, nocopykey));
  CALL(MPI_Comm_free_keyval(&dupkey));
  CALL(MPI_Comm_free_keyval(&nullkey));
  CALL(MPI_Comm_free_keyval(&nocopykey));
  /* the MPI-1 names */
  int oldkey;
  CALL(MPI_Keyval_create(MPI_DUP_FN, MPI_NULL_DELETE_FN, &oldkey, NULL));
  CALL(MPI_Attr_put(MPI_COMM_WORLD, oldkey, (void *)33));
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  CALL(MPI_Attr_get(dup, oldkey, &v, &flag));
  CHECK(flag && v == (void *)33, "MPI_DUP_FN via Keyval_create: %p", v);
  CALL(MPI_Attr_delete(dup, oldkey));
  CALL(MPI_Attr_get(dup, oldkey, &v, &flag));
  CHECK(!flag, "Attr_delete left the attribute");
  CALL(MPI_Comm_free(&dup));
  CALL(MPI_Attr_delete(MPI_COMM_WORLD, oldkey));
  CALL(MPI_Keyval_free(&oldkey));
}

static void check_callback_errors(void) {
  int key, flag;
  MPI_Comm dup;
  CALL(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, failing_delete, &key, NULL));
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  CALL(MPI_Comm_set_errhandler(dup, MPI_ERRORS_RETURN));
  CALL(MPI_Comm_set_attr(dup, key, (void *)1));
  /* a failing delete callback fails the call and leaves the attribute */
  EXPECT_CLASS(MPI_Comm_delete_attr(dup, key), MPI_ERR_OTHER);
  get(dup, key, &flag);
  CHECK(flag, "attribute gone after its delete callback failed");
  EXPECT_CLASS(MPI_Comm_set_attr(dup, key, (void *)2), MPI_ERR_OTHER);
  EXPECT_CLASS(MPI_Comm_free(&dup), MPI_ERR_OTHER);
  CHECK(dup != MPI_COMM_NULL, "communicator freed though a delete callback failed");
  CALL(MPI_Comm_free_keyval(&key));
  /* `dup` cannot be freed while its delete callback fails; it stays until the end. A failing
   * copy callback fails MPI_Comm_dup: */
  int ckey;
  MPI_Comm dup2 = MPI_COMM_NULL;
  CALL(MPI_Comm_create_keyval(failing_copy, MPI_COMM_NULL_DELETE_FN, &ckey, NULL));
  CALL(MPI_Comm_set_attr(MPI_COMM_SELF, ckey, (void *)1));
  EXPECT_CLASS(MPI_Comm_dup(MPI_COMM_SELF, &dup2), MPI_ERR_OTHER);
  CALL(MPI_Comm_delete_attr(MPI_COMM_SELF, ckey));
  CALL(MPI_Comm_free_keyval(&ckey));
}

static int g_type_copies, g_type_deletes, g_type_copy_fails;
static int type_copy(MPI_Datatype t, int key, void *extra, void *in, void *out, int *flag) {
  (void)t, (void)key, (void)extra;
  ++g_type_copies;
  if (g_type_copy_fails) return MPI_ERR_OTHER;
  *(void **)out = in;
  *flag = 1;
  return MPI_SUCCESS;
}
static int type_delete(MPI_Datatype t, int key, void *value, void *extra) {
  (void)t, (void)key, (void)value, (void)extra;
  ++g_type_deletes;
  return MPI_SUCCESS;
}

/* MPI_Type_dup copies a type's attributes through their copy callbacks (a failing one fails
 * the dup); MPI_Type_free deletes them through their delete callbacks. */
static void check_type_attr_callbacks(void) {
  int key, flag;
  void *v;
  MPI_Datatype pair, dup, dup2 = MPI_DATATYPE_NULL;
  CALL(MPI_Type_create_keyval(type_copy, type_delete, &key, NULL));
  CALL(MPI_Type_contiguous(2, MPI_INT, &pair));
  CALL(MPI_Type_set_attr(pair, key, (void *)11));
  CALL(MPI_Type_dup(pair, &dup));
  CHECK(g_type_copies == 1, "Type_dup ran the copy callback %d times", g_type_copies);
  CALL(MPI_Type_get_attr(dup, key, &v, &flag));
  CHECK(flag && v == (void *)11, "the duplicate's attribute %p", v);
  CALL(MPI_Type_free(&dup));
  CHECK(g_type_deletes == 1, "Type_free ran the delete callback %d times", g_type_deletes);
  g_type_copy_fails = 1;
  int rc = MPI_Type_dup(pair, &dup2), cls = MPI_SUCCESS;
  MPI_Error_class(rc, &cls);
  CHECK(cls == MPI_ERR_OTHER, "Type_dup with a failing copy callback gave class %d", cls);
  g_type_copy_fails = 0;
  CALL(MPI_Type_free(&pair));
  CHECK(g_type_deletes == 2, "Type_free of the original: %d deletes", g_type_deletes);
  CALL(MPI_Type_free_keyval(&key));
}

static void check_type_attrs(void) {
  int key, flag;
  void *v;
  CALL(MPI_Type_create_keyval(MPI_TYPE_DUP_FN, MPI_TYPE_NULL_DELETE_FN, &key, NULL));
  CALL(MPI_Type_set_attr(MPI_INT, key, (void *)42));
  CALL(MPI_Type_get_attr(MPI_INT, key, &v, &flag));
  CHECK(flag && v == (void *)42, "MPI_INT attribute %p", v);
  CALL(MPI_Type_get_attr(MPI_DOUBLE, key, &v, &flag));
  CHECK(!flag, "attribute leaked to MPI_DOUBLE");
  CALL(MPI_Type_delete_attr(MPI_INT, key));
  CALL(MPI_Type_get_attr(MPI_INT, key, &v, &flag));
  CHECK(!flag, "type attribute not deleted");
  EXPECT_CLASS(MPI_Comm_set_attr(MPI_COMM_WORLD, key, NULL), MPI_ERR_KEYVAL);
  EXPECT_CLASS(MPI_Type_set_attr(MPI_DATATYPE_NULL, key, NULL), MPI_ERR_TYPE);
  /* A derived type need not be committed to carry attributes. */
  MPI_Datatype pair;
  CALL(MPI_Type_contiguous(2, MPI_INT, &pair));
  CALL(MPI_Type_set_attr(pair, key, (void *)7));
  CALL(MPI_Type_get_attr(pair, key, &v, &flag));
  CHECK(flag && v == (void *)7, "uncommitted type's attribute %p", v);
  CALL(MPI_Type_delete_attr(pair, key));
  CALL(MPI_Type_free(&pair));
  CALL(MPI_Type_free_keyval(&key));
}

static void check_predefined(void) {
  int *v, flag, size;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  CALL(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, &v, &flag));
  CHECK(flag && *v >= 32767, "MPI_TAG_UB %d", flag ? *v : -1);
  CALL(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_HOST, &v, &flag));
  CHECK(flag && *v == MPI_PROC_NULL, "MPI_HOST");
  CALL(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_IO, &v, &flag));
  CHECK(flag && *v == MPI_ANY_SOURCE, "MPI_IO %d", *v);
  CALL(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_WTIME_IS_GLOBAL, &v, &flag));
  CHECK(flag && (*v == 0 || *v == 1), "MPI_WTIME_IS_GLOBAL");
  CALL(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_APPNUM, &v, &flag));
  CHECK(flag && *v == 0, "MPI_APPNUM");
  CALL(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_UNIVERSE_SIZE, &v, &flag));
  CHECK(flag && *v >= size, "MPI_UNIVERSE_SIZE %d", *v);
  CALL(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_LASTUSEDCODE, &v, &flag));
  CHECK(flag && *v >= MPI_ERR_LASTCODE, "MPI_LASTUSEDCODE");
  CALL(MPI_Attr_get(MPI_COMM_WORLD, MPI_TAG_UB, &v, &flag));
  CHECK(flag && *v >= 32767, "MPI_TAG_UB via Attr_get");
  MPI_Comm dup;
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  CALL(MPI_Comm_get_attr(dup, MPI_TAG_UB, &v, &flag));
  CHECK(flag && *v >= 32767, "MPI_TAG_UB on a duplicate");
  CALL(MPI_Comm_free(&dup));
  EXPECT_CLASS(MPI_Comm_set_attr(MPI_COMM_WORLD, MPI_TAG_UB, NULL), MPI_ERR_KEYVAL);
  EXPECT_CLASS(MPI_Comm_delete_attr(MPI_COMM_WORLD, MPI_TAG_UB), MPI_ERR_KEYVAL);
  int k = MPI_TAG_UB;
  EXPECT_CLASS(MPI_Comm_free_keyval(&k), MPI_ERR_KEYVAL);
  EXPECT_CLASS(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_WIN_BASE, &v, &flag), MPI_ERR_KEYVAL);
}

static void check_errors(void) {
  int key, flag, bad = MPI_KEYVAL_INVALID;
  void *v;
  CALL(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, &key, NULL));
  EXPECT_CLASS(MPI_Comm_set_attr(MPI_COMM_NULL, key, NULL), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_get_attr(MPI_COMM_NULL, key, &v, &flag), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_delete_attr(MPI_COMM_NULL, key), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_set_attr(MPI_COMM_WORLD, MPI_KEYVAL_INVALID, NULL), MPI_ERR_KEYVAL);
  EXPECT_CLASS(MPI_Comm_get_attr(MPI_COMM_WORLD, 12345, &v, &flag), MPI_ERR_KEYVAL);
  EXPECT_CLASS(MPI_Comm_get_attr(MPI_COMM_WORLD, key, NULL, &flag), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Comm_get_attr(MPI_COMM_WORLD, key, &v, NULL), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Comm_free_keyval(&bad), MPI_ERR_KEYVAL);
  EXPECT_CLASS(MPI_Comm_create_keyval(NULL, NULL, NULL, NULL), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Type_free_keyval(&key), MPI_ERR_KEYVAL); /* a communicator keyval */
  EXPECT_CLASS(MPI_Win_free_keyval(&key), MPI_ERR_KEYVAL);
  int again = key;
  CALL(MPI_Comm_free_keyval(&key));
  EXPECT_CLASS(MPI_Comm_free_keyval(&again), MPI_ERR_KEYVAL); /* twice */
}

int main(int argc, char **argv) {
  object_test_start(&argc, &argv);
  CALL(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  CALL(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
  check_comm_callbacks();
  check_predefined_copy_fns();
  check_callback_errors();
  check_type_attrs();
  check_type_attr_callbacks();
  check_predefined();
  check_errors();
  /* Three attributes on MPI_COMM_SELF: MPI_Finalize deletes them first, last set first. */
  int k[3];
  for (int i = 0; i < 3; ++i) {
    CALL(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, record_delete, &k[i], NULL));
    CALL(MPI_Comm_set_attr(MPI_COMM_SELF, k[i], (void *)(long)(i + 1)));
  }
  CALL(MPI_Comm_set_attr(MPI_COMM_SELF, k[0], (void *)(long)1)); /* overwrite keeps place */
  CHECK(finalize_deleted == 1, "overwrite ran %d delete callbacks", finalize_deleted);
  finalize_deleted = 0;
  for (int i = 0; i < 3; ++i) CALL(MPI_Comm_free_keyval(&k[i]));
  int total = 0;
  CALL(MPI_Reduce(&g_checks, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD));
  CALL(MPI_Finalize());
  if (finalize_deleted != 3 || finalize_order[0] != 3 || finalize_order[1] != 2 ||
      finalize_order[2] != 1 || !finalize_still_initialized) {
    fprintf(stderr,
            "attr_test: FAILED: MPI_COMM_SELF attributes at finalize: %d deleted, order %d %d "
            "%d, during MPI_Finalize %d\n",
            finalize_deleted, finalize_order[0], finalize_order[1], finalize_order[2],
            finalize_still_initialized);
    return 1;
  }
  if (g_world_rank == 0) printf("attr_test: OK (%d checks)\n", total + 1);
  return 0;
}
