/* Window objects: MPI_Win_create and MPI_Win_allocate (zero and odd sizes), the predefined
 * attributes (base, size, displacement unit, flavor, model), user attributes with copy and
 * delete callbacks (deleted at MPI_Win_free), names, info, and every bad argument's error
 * class. Uses only <mpi.h>. Prints "win_test: OK (<n> checks)" on rank 0. */
#include <string.h>

static const char kTestName[] = "win_test";
#include "object_check.h"

static int win_deletes;
static int count_delete(MPI_Win win, int keyval, void *value, void *extra) {
  (void)win, (void)keyval, (void)value, (void)extra;
  ++win_deletes;
  return MPI_SUCCESS;
}

static void check_attrs(MPI_Win win, void *base, MPI_Aint size, int disp_unit, int flavor) {
  void *v;
  int flag;
  CALL(MPI_Win_get_attr(win, MPI_WIN_BASE, &v, &flag));
  CHECK(flag && v == base, "MPI_WIN_BASE %p, expected %p", v, base);
  CALL(MPI_Win_get_attr(win, MPI_WIN_SIZE, &v, &flag));
  CHECK(flag && *(MPI_Aint *)v == size, "MPI_WIN_SIZE %ld, expected %ld", *(MPI_Aint *)v, size);
  CALL(MPI_Win_get_attr(win, MPI_WIN_DISP_UNIT, &v, &flag));
  CHECK(flag && *(int *)v == disp_unit, "MPI_WIN_DISP_UNIT %d", *(int *)v);
  CALL(MPI_Win_get_attr(win, MPI_WIN_CREATE_FLAVOR, &v, &flag));
  CHECK(flag && *(int *)v == flavor, "MPI_WIN_CREATE_FLAVOR %d", *(int *)v);
  CALL(MPI_Win_get_attr(win, MPI_WIN_MODEL, &v, &flag));
  CHECK(flag && (*(int *)v == MPI_WIN_UNIFIED || *(int *)v == MPI_WIN_SEPARATE), "MPI_WIN_MODEL %d",
        *(int *)v);
}

static void check_create(void) {
  double buf[7];
  MPI_Win win;
  CALL(MPI_Win_create(buf, sizeof(buf), sizeof(double), MPI_INFO_NULL, MPI_COMM_WORLD, &win));
  check_attrs(win, buf, (MPI_Aint)sizeof(buf), (int)sizeof(double), MPI_WIN_FLAVOR_CREATE);
  /* a zero-size window on every other rank */
  MPI_Win zero;
  int odd = g_me % 2;
  CALL(MPI_Win_create(odd ? NULL : buf, odd ? 0 : 3, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &zero));
  check_attrs(zero, odd ? NULL : buf, odd ? 0 : 3, 1, MPI_WIN_FLAVOR_CREATE);
  CALL(MPI_Win_free(&zero));
  CHECK(zero == MPI_WIN_NULL, "freed window not MPI_WIN_NULL");
  /* names */
  char name[MPI_MAX_OBJECT_NAME];
  int len = -1;
  CALL(MPI_Win_get_name(win, name, &len));
  CHECK(len == 0 && name[0] == '\0', "new window's name '%s'", name);
  CALL(MPI_Win_set_name(win, "halo window"));
  CALL(MPI_Win_get_name(win, name, &len));
  CHECK(len == 11 && strcmp(name, "halo window") == 0, "name '%s'", name);
  char longname[MPI_MAX_OBJECT_NAME + 10];
  memset(longname, 'n', sizeof(longname) - 1);
  longname[sizeof(longname) - 1] = '\0';
  CALL(MPI_Win_set_name(win, longname));
  CALL(MPI_Win_get_name(win, name, &len));
  CHECK(len == MPI_MAX_OBJECT_NAME - 1, "a long name is truncated to %d, not %d",
        MPI_MAX_OBJECT_NAME - 1, len);
  /* info */
  MPI_Info info, used;
  int flag, nkeys;
  char value[16];
  CALL(MPI_Info_create(&info));
  CALL(MPI_Info_set(info, "no_locks", "true"));
  CALL(MPI_Win_set_info(win, info));
  CALL(MPI_Info_free(&info));
  CALL(MPI_Win_get_info(win, &used));
  CALL(MPI_Info_get(used, "no_locks", 15, value, &flag));
  CHECK(flag && strcmp(value, "true") == 0, "window info lost no_locks");
  CALL(MPI_Info_get_nkeys(used, &nkeys));
  CHECK(nkeys >= 1, "window info has %d keys", nkeys);
  CALL(MPI_Info_free(&used));
  CALL(MPI_Win_free(&win));
}

static void check_allocate(void) {
  MPI_Aint sizes[] = {0, 1, 13, 4096};
  for (int i = 0; i < 4; ++i) {
    MPI_Win win;
    char *base = NULL;
    CALL(MPI_Win_allocate(sizes[i], 1, MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win));
    if (sizes[i] > 0) {
      CHECK(base != NULL, "no memory for %ld bytes", sizes[i]);
      memset(base, 0x5a, (size_t)sizes[i]); /* the memory is ours to write */
    }
    check_attrs(win, base, sizes[i], 1, MPI_WIN_FLAVOR_ALLOCATE);
    CALL(MPI_Win_free(&win));
  }
  MPI_Win win;
  double *d = NULL;
  MPI_Comm dup;
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  CALL(MPI_Win_allocate(5 * sizeof(double), sizeof(double), MPI_INFO_NULL, dup, &d, &win));
  CALL(MPI_Comm_free(&dup)); /* the window keeps a communicator of its own */
  CHECK(((unsigned long)d % sizeof(double)) == 0, "allocated memory misaligned");
  d[4] = 1.5;
  check_attrs(win, d, 5 * sizeof(double), sizeof(double), MPI_WIN_FLAVOR_ALLOCATE);
  CALL(MPI_Win_free(&win));
}

static void check_keyvals(void) {
  int key, flag;
  void *v;
  MPI_Win win;
  int buf[2];
  CALL(MPI_Win_create_keyval(MPI_WIN_NULL_COPY_FN, count_delete, &key, NULL));
  CALL(MPI_Win_create(buf, sizeof(buf), 1, MPI_INFO_NULL, MPI_COMM_WORLD, &win));
  CALL(MPI_Win_set_attr(win, key, (void *)9));
  CALL(MPI_Win_get_attr(win, key, &v, &flag));
  CHECK(flag && v == (void *)9, "window attribute %p", v);
  win_deletes = 0;
  CALL(MPI_Win_set_attr(win, key, (void *)10));
  CHECK(win_deletes == 1, "overwrite ran %d delete callbacks", win_deletes);
  CALL(MPI_Win_delete_attr(win, key));
  CHECK(win_deletes == 2, "delete_attr ran %d", win_deletes);
  CALL(MPI_Win_get_attr(win, key, &v, &flag));
  CHECK(!flag, "deleted window attribute still there");
  CALL(MPI_Win_set_attr(win, key, (void *)11));
  CALL(MPI_Win_free(&win));
  CHECK(win_deletes == 3, "MPI_Win_free ran %d delete callbacks", win_deletes);
  /* errors */
  int ckey;
  CALL(MPI_Win_create(buf, sizeof(buf), 1, MPI_INFO_NULL, MPI_COMM_WORLD, &win));
  CALL(MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN));
  CALL(MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, MPI_COMM_NULL_DELETE_FN, &ckey, NULL));
  EXPECT_CLASS(MPI_Win_set_attr(win, ckey, NULL), MPI_ERR_KEYVAL);
  EXPECT_CLASS(MPI_Win_get_attr(win, ckey, &v, &flag), MPI_ERR_KEYVAL);
  EXPECT_CLASS(MPI_Win_get_attr(win, MPI_TAG_UB, &v, &flag), MPI_ERR_KEYVAL);
  EXPECT_CLASS(MPI_Win_set_attr(win, MPI_WIN_BASE, NULL), MPI_ERR_KEYVAL);
  EXPECT_CLASS(MPI_Win_delete_attr(win, MPI_WIN_SIZE), MPI_ERR_KEYVAL);
  EXPECT_CLASS(MPI_Win_set_attr(MPI_WIN_NULL, key, NULL), MPI_ERR_WIN);
  EXPECT_CLASS(MPI_Win_get_attr(MPI_WIN_NULL, MPI_WIN_BASE, &v, &flag), MPI_ERR_WIN);
  EXPECT_CLASS(MPI_Win_set_name(MPI_WIN_NULL, "x"), MPI_ERR_WIN);
  EXPECT_CLASS(MPI_Win_get_info(MPI_WIN_NULL, NULL), MPI_ERR_WIN);
  EXPECT_CLASS(MPI_Win_set_info(win, (MPI_Info)0x9c000007), MPI_ERR_INFO);
  CALL(MPI_Comm_free_keyval(&ckey));
  CALL(MPI_Win_free(&win));
  CALL(MPI_Win_free_keyval(&key));
  MPI_Win none = MPI_WIN_NULL;
  EXPECT_CLASS(MPI_Win_free(&none), MPI_ERR_WIN);
}

static void check_create_errors(void) {
  int buf[2];
  MPI_Win win;
  void *base;
  EXPECT_CLASS(MPI_Win_create(buf, -1, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &win), MPI_ERR_SIZE);
  EXPECT_CLASS(MPI_Win_create(buf, 8, 0, MPI_INFO_NULL, MPI_COMM_WORLD, &win), MPI_ERR_DISP);
  EXPECT_CLASS(MPI_Win_create(buf, 8, 1, (MPI_Info)0x9c000007, MPI_COMM_WORLD, &win), MPI_ERR_INFO);
  EXPECT_CLASS(MPI_Win_create(buf, 8, 1, MPI_INFO_NULL, MPI_COMM_NULL, &win), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Win_allocate(-5, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win), MPI_ERR_SIZE);
  EXPECT_CLASS(MPI_Win_allocate(8, -1, MPI_INFO_NULL, MPI_COMM_WORLD, &base, &win), MPI_ERR_DISP);
  EXPECT_CLASS(MPI_Win_allocate(8, 1, MPI_INFO_NULL, MPI_COMM_WORLD, NULL, &win), MPI_ERR_ARG);
}

/* Dynamic windows: attach/detach bookkeeping, its errors, and its predefined attributes. */
static void check_dynamic(void) {
  MPI_Win win;
  CALL(MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &win));
  CALL(MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN));
  check_attrs(win, MPI_BOTTOM, 0, 1, MPI_WIN_FLAVOR_DYNAMIC);
  double a[8], b[8];
  CALL(MPI_Win_attach(win, a, sizeof(a)));
  CALL(MPI_Win_attach(win, b, sizeof(b)));
  int cls = -1;
  MPI_Error_class(MPI_Win_attach(win, a + 4, sizeof(double)), &cls);
  CHECK(cls == MPI_ERR_RMA_ATTACH, "overlapping attach gave class %d", cls);
  CALL(MPI_Win_detach(win, a));
  MPI_Error_class(MPI_Win_detach(win, a), &cls);
  CHECK(cls == MPI_ERR_RMA_ATTACH, "detaching twice gave class %d", cls);
  CALL(MPI_Win_attach(win, a + 4, sizeof(double))); /* free again once detached */
  CALL(MPI_Win_detach(win, a + 4));
  CALL(MPI_Win_detach(win, b));
  CALL(MPI_Win_free(&win));
  MPI_Win plain;
  int x = 0;
  CALL(MPI_Win_create(&x, sizeof(x), sizeof(x), MPI_INFO_NULL, MPI_COMM_WORLD, &plain));
  CALL(MPI_Win_set_errhandler(plain, MPI_ERRORS_RETURN));
  MPI_Error_class(MPI_Win_attach(plain, a, sizeof(a)), &cls);
  CHECK(cls == MPI_ERR_RMA_FLAVOR, "attach to a created window gave class %d", cls);
  CALL(MPI_Win_free(&plain));
}

int main(int argc, char **argv) {
  object_test_start(&argc, &argv);
  CALL(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  check_create();
  check_allocate();
  check_keyvals();
  check_create_errors();
  check_dynamic();
  return finish_ok();
}
