/* Error handlers of communicators, windows and MPI_FILE_NULL; reference counting of user
 * handlers; user error classes, codes and strings (MPI_LASTUSEDCODE moves, MPI-4.1
 * removals); handle and status conversion round trips; MPI_Pcontrol. Every bad argument's
 * error class under MPI_ERRORS_RETURN. Uses only <mpi.h>. Prints "errhan_test: OK (<n>
 * checks)" on rank 0. */
#include <string.h>

static const char kTestName[] = "errhan_test";
#include "object_check.h"

static int comm_calls, comm_last_code;
static MPI_Comm comm_last_handle;
static void comm_handler(MPI_Comm *comm, int *code, ...) {
  ++comm_calls;
  comm_last_code = *code;
  comm_last_handle = *comm;
}

static int win_calls, win_last_code;
static MPI_Win win_last_handle;
static void win_handler(MPI_Win *win, int *code, ...) {
  ++win_calls;
  win_last_code = *code;
  win_last_handle = *win;
}

static int file_calls;
static void file_handler(MPI_File *file, int *code, ...) {
  (void)code;
  if (*file == MPI_FILE_NULL) ++file_calls;
}

static void session_handler(MPI_Session *session, int *code, ...) { (void)session, (void)code; }

static void check_comm_handlers(void) {
  MPI_Errhandler eh, got;
  MPI_Comm dup;
  int size;
  CALL(MPI_Comm_create_errhandler(comm_handler, &eh));
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  CALL(MPI_Comm_set_errhandler(dup, eh));
  CALL(MPI_Comm_get_errhandler(dup, &got));
  CHECK(got == eh, "get_errhandler 0x%x, set 0x%x", got, eh);
  CALL(MPI_Errhandler_free(&got));
  /* freed by the user while the communicator still uses it: keeps working */
  CALL(MPI_Errhandler_free(&eh));
  CHECK(eh == MPI_ERRHANDLER_NULL, "freed handler not MPI_ERRHANDLER_NULL");
  comm_calls = 0;
  int rc = MPI_Send(NULL, -1, MPI_INT, 0, 0, dup); /* negative count */
  CHECK(comm_calls == 1 && comm_last_code == rc && comm_last_handle == dup,
        "user handler: %d calls, code %d (rc %d)", comm_calls, comm_last_code, rc);
  int cls = -1;
  MPI_Error_class(rc, &cls);
  CHECK(cls == MPI_ERR_COUNT, "class %d", cls);
  CALL(MPI_Comm_call_errhandler(dup, MPI_ERR_TAG));
  CHECK(comm_calls == 2 && comm_last_code == MPI_ERR_TAG, "call_errhandler did not run it");
  /* a handler is inherited by a duplicate */
  MPI_Comm dup2;
  CALL(MPI_Comm_dup(dup, &dup2));
  CALL(MPI_Comm_call_errhandler(dup2, MPI_ERR_ARG));
  CHECK(comm_calls == 3 && comm_last_handle == dup2, "dup did not inherit the handler");
  CALL(MPI_Comm_free(&dup2));
  CALL(MPI_Comm_size(dup, &size));
  CALL(MPI_Comm_free(&dup));
  /* MPI-1 names */
  CALL(MPI_Errhandler_create(comm_handler, &eh));
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  CALL(MPI_Errhandler_set(dup, eh));
  CALL(MPI_Errhandler_get(dup, &got));
  CHECK(got == eh, "Errhandler_get");
  CALL(MPI_Errhandler_free(&got));
  CALL(MPI_Errhandler_free(&eh));
  CALL(MPI_Comm_set_errhandler(dup, MPI_ERRORS_RETURN));
  CALL(MPI_Comm_call_errhandler(dup, MPI_ERR_OTHER)); /* MPI_ERRORS_RETURN: success */
  CALL(MPI_Comm_free(&dup));
  /* predefined handlers: get gives them, freeing the handle is fine */
  CALL(MPI_Comm_get_errhandler(MPI_COMM_WORLD, &got));
  CHECK(got == MPI_ERRORS_RETURN, "world's handler 0x%x", got);
  CALL(MPI_Errhandler_free(&got));
  /* errors */
  MPI_Errhandler weh, bad = MPI_ERRHANDLER_NULL;
  CALL(MPI_Win_create_errhandler(win_handler, &weh));
  EXPECT_CLASS(MPI_Comm_set_errhandler(MPI_COMM_WORLD, weh), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRHANDLER_NULL), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Comm_set_errhandler(MPI_COMM_NULL, MPI_ERRORS_RETURN), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_get_errhandler(MPI_COMM_NULL, &got), MPI_ERR_COMM);
  EXPECT_CLASS(MPI_Comm_create_errhandler(NULL, &got), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Errhandler_free(&bad), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Comm_call_errhandler(MPI_COMM_WORLD, -7), MPI_ERR_ARG);
  CALL(MPI_Errhandler_free(&weh));
}

static void check_win_and_file_handlers(void) {
  MPI_Errhandler eh, ceh, got;
  MPI_Win win;
  int buf[4];
  CALL(MPI_Win_create_errhandler(win_handler, &eh));
  CALL(MPI_Win_create(buf, sizeof(buf), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win));
  CALL(MPI_Win_get_errhandler(win, &got));
  CHECK(got == MPI_ERRORS_ARE_FATAL, "a new window's handler 0x%x", got);
  CALL(MPI_Win_set_errhandler(win, eh));
  CALL(MPI_Errhandler_free(&eh));
  win_calls = 0;
  CALL(MPI_Win_call_errhandler(win, MPI_ERR_RMA_SYNC));
  CHECK(win_calls == 1 && win_last_code == MPI_ERR_RMA_SYNC && win_last_handle == win,
        "window handler: %d calls, code %d", win_calls, win_last_code);
  int rc = MPI_Win_set_attr(win, MPI_KEYVAL_INVALID, NULL);
  CHECK(win_calls == 2 && win_last_code == rc, "window errors go to the window's handler");
  CALL(MPI_Comm_create_errhandler(comm_handler, &ceh));
  CALL(MPI_Win_set_errhandler(win, MPI_ERRORS_RETURN));
  EXPECT_CLASS(MPI_Win_set_errhandler(win, ceh), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Win_set_errhandler(MPI_WIN_NULL, MPI_ERRORS_RETURN), MPI_ERR_WIN);
  EXPECT_CLASS(MPI_Win_call_errhandler(MPI_WIN_NULL, MPI_ERR_OTHER), MPI_ERR_WIN);
  CALL(MPI_Errhandler_free(&ceh));
  CALL(MPI_Win_free(&win));
  /* MPI_FILE_NULL: the default handler of files, MPI_ERRORS_RETURN at first */
  CALL(MPI_File_get_errhandler(MPI_FILE_NULL, &got));
  CHECK(got == MPI_ERRORS_RETURN, "default file handler 0x%x", got);
  CALL(MPI_File_create_errhandler(file_handler, &eh));
  CALL(MPI_File_set_errhandler(MPI_FILE_NULL, eh));
  CALL(MPI_Errhandler_free(&eh));
  CALL(MPI_File_get_errhandler(MPI_FILE_NULL, &got));
  file_calls = 0;
  CALL(MPI_File_call_errhandler(MPI_FILE_NULL, MPI_ERR_IO));
  CHECK(file_calls == 1, "file handler ran %d times", file_calls);
  CALL(MPI_Errhandler_free(&got));
  CALL(MPI_File_set_errhandler(MPI_FILE_NULL, MPI_ERRORS_RETURN));
  EXPECT_CLASS(MPI_File_set_errhandler(MPI_FILE_NULL, MPI_ERRHANDLER_NULL), MPI_ERR_ARG);
  MPI_Errhandler seh;
  CALL(MPI_Session_create_errhandler(session_handler, &seh));
  EXPECT_CLASS(MPI_Comm_set_errhandler(MPI_COMM_WORLD, seh), MPI_ERR_ARG);
  CALL(MPI_Errhandler_free(&seh));
}

static void check_error_codes(void) {
  int cls, code, code2, *last, flag, got, len;
  char text[MPI_MAX_ERROR_STRING];
  CALL(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_LASTUSEDCODE, &last, &flag));
  int before = *last;
  CALL(MPI_Add_error_class(&cls));
  CHECK(cls > MPI_ERR_LASTCODE, "user class %d not above MPI_ERR_LASTCODE", cls);
  CALL(MPI_Add_error_code(cls, &code));
  CALL(MPI_Add_error_code(MPI_ERR_ARG, &code2));
  CALL(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_LASTUSEDCODE, &last, &flag));
  CHECK(flag && *last >= code2 && *last >= code && *last > before, "MPI_LASTUSEDCODE %d", *last);
  CALL(MPI_Error_class(code, &got));
  CHECK(got == cls, "class of user code %d", got);
  CALL(MPI_Error_class(code2, &got));
  CHECK(got == MPI_ERR_ARG, "class of a code in MPI_ERR_ARG: %d", got);
  CALL(MPI_Error_class(cls, &got));
  CHECK(got == cls, "a class is its own class");
  CALL(MPI_Add_error_string(code, "my error"));
  CALL(MPI_Error_string(code, text, &len));
  CHECK(strcmp(text, "my error") == 0 && len == 8, "user string '%s'", text);
  CALL(MPI_Add_error_string(code, "changed"));
  CALL(MPI_Error_string(code, text, &len));
  CHECK(strcmp(text, "changed") == 0, "replaced string '%s'", text);
  CALL(MPI_Error_string(MPI_ERR_TRUNCATE, text, &len));
  CHECK(len > 0 && strlen(text) == (size_t)len, "predefined string");
  /* a user code raised through a handler comes back as itself */
  MPI_Errhandler eh;
  MPI_Comm dup;
  CALL(MPI_Comm_create_errhandler(comm_handler, &eh));
  CALL(MPI_Comm_dup(MPI_COMM_SELF, &dup));
  CALL(MPI_Comm_set_errhandler(dup, eh));
  CALL(MPI_Comm_call_errhandler(dup, code));
  CHECK(comm_last_code == code, "handler saw %d for user code %d", comm_last_code, code);
  CALL(MPI_Comm_free(&dup));
  CALL(MPI_Errhandler_free(&eh));
  /* errors */
  EXPECT_CLASS(MPI_Error_class(-1, &got), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Error_class(MPI_ERR_LASTCODE, &got), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Error_string(-3, text, &len), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Add_error_code(MPI_ERR_LASTCODE, &got), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Add_error_code(code, &got), MPI_ERR_ARG); /* a code, not a class */
  EXPECT_CLASS(MPI_Add_error_string(MPI_ERR_ARG, "predefined"), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Add_error_string(123456, "unknown"), MPI_ERR_ARG);
  /* MPI-4.1 removals */
  EXPECT_CLASS(MPI_Remove_error_class(cls), MPI_ERR_ARG); /* still has a code */
  EXPECT_CLASS(MPI_Remove_error_class(MPI_ERR_ARG), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Remove_error_code(cls), MPI_ERR_ARG);
  CALL(MPI_Remove_error_string(code));
  CALL(MPI_Error_string(code, text, &len));
  CHECK(len == 0, "removed string '%s'", text);
  CALL(MPI_Remove_error_code(code));
  CALL(MPI_Remove_error_code(code2));
  CALL(MPI_Remove_error_class(cls));
  EXPECT_CLASS(MPI_Error_class(code, &got), MPI_ERR_ARG);
  CALL(MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_LASTUSEDCODE, &last, &flag));
  CHECK(*last == before, "MPI_LASTUSEDCODE %d after removals, %d before", *last, before);
}

static void check_conversion(void) {
  MPI_Comm dup;
  MPI_Info info;
  MPI_Errhandler eh;
  MPI_Request req;
  MPI_Win win;
  CALL(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  CALL(MPI_Info_create(&info));
  CALL(MPI_Comm_create_errhandler(comm_handler, &eh));
  CALL(MPI_Irecv(NULL, 0, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &req));
  CALL(MPI_Win_create(NULL, 0, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &win));
  /* the macros */
  CHECK(MPI_Comm_f2c(MPI_Comm_c2f(dup)) == dup, "Comm macro round trip");
  CHECK(MPI_Type_f2c(MPI_Type_c2f(MPI_DOUBLE)) == MPI_DOUBLE, "Type macro round trip");
  CHECK(MPI_Info_f2c(MPI_Info_c2f(info)) == info, "Info macro round trip");
  /* the exported functions (parenthesized names bypass the macros) */
  CHECK((MPI_Comm_f2c)((MPI_Comm_c2f)(dup)) == dup, "Comm round trip");
  CHECK((MPI_Comm_f2c)((MPI_Comm_c2f)(MPI_COMM_NULL)) == MPI_COMM_NULL, "MPI_COMM_NULL");
  CHECK((MPI_Type_f2c)((MPI_Type_c2f)(MPI_INT)) == MPI_INT, "Type round trip");
  CHECK((MPI_Group_f2c)((MPI_Group_c2f)(MPI_GROUP_EMPTY)) == MPI_GROUP_EMPTY, "Group");
  CHECK((MPI_Request_f2c)((MPI_Request_c2f)(req)) == req, "Request round trip");
  CHECK((MPI_Op_f2c)((MPI_Op_c2f)(MPI_SUM)) == MPI_SUM, "Op round trip");
  CHECK((MPI_Errhandler_f2c)((MPI_Errhandler_c2f)(eh)) == eh, "Errhandler round trip");
  CHECK((MPI_Info_f2c)((MPI_Info_c2f)(info)) == info, "Info round trip");
  CHECK((MPI_Win_f2c)((MPI_Win_c2f)(win)) == win, "Win round trip");
  CHECK((MPI_Message_f2c)((MPI_Message_c2f)(MPI_MESSAGE_NO_PROC)) == MPI_MESSAGE_NO_PROC,
        "Message round trip");
  CHECK((MPI_Session_f2c)((MPI_Session_c2f)(MPI_SESSION_NULL)) == MPI_SESSION_NULL,
        "Session round trip");
  CHECK(MPI_File_c2f(MPI_FILE_NULL) == 0 && MPI_File_f2c(0) == MPI_FILE_NULL, "MPI_FILE_NULL");
  CHECK(MPI_File_f2c(12345) == MPI_FILE_NULL, "an unknown file number");
  CHECK(PMPI_Comm_c2f(MPI_COMM_WORLD) == (MPI_Fint)MPI_COMM_WORLD, "PMPI macro");
  CALL(MPI_Wait(&req, MPI_STATUS_IGNORE));
  CALL(MPI_Win_free(&win));
  CALL(MPI_Errhandler_free(&eh));
  CALL(MPI_Info_free(&info));
  CALL(MPI_Comm_free(&dup));
  /* statuses */
  MPI_Status c = {0}, back;
  MPI_Fint f[MPI_F_STATUS_SIZE];
  MPI_F08_status f08;
  c.MPI_SOURCE = 3;
  c.MPI_TAG = 77;
  c.MPI_ERROR = MPI_ERR_TAG;
  CALL(MPI_Status_c2f(&c, f));
  CHECK(f[MPI_F_SOURCE] == 3 && f[MPI_F_TAG] == 77 && f[MPI_F_ERROR] == MPI_ERR_TAG,
        "Fortran status fields");
  memset(&back, 0, sizeof(back));
  CALL(MPI_Status_f2c(f, &back));
  CHECK(memcmp(&back, &c, sizeof(c)) == 0, "status round trip");
  CALL(MPI_Status_c2f08(&c, &f08));
  CHECK(f08.MPI_SOURCE == 3 && f08.MPI_TAG == 77, "f08 status");
  CALL(MPI_Status_f082f(&f08, f));
  CALL(MPI_Status_f2f08(f, &f08));
  CALL(MPI_Status_f082c(&f08, &back));
  CHECK(memcmp(&back, &c, sizeof(c)) == 0, "f08 round trip");
  EXPECT_CLASS(MPI_Status_c2f(MPI_STATUS_IGNORE, f), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Status_f2c(MPI_F_STATUS_IGNORE, &back), MPI_ERR_ARG);
  EXPECT_CLASS(MPI_Status_f2c(f, NULL), MPI_ERR_ARG);
  /* profiling control accepts any level */
  CALL(MPI_Pcontrol(0));
  CALL(MPI_Pcontrol(1));
  CALL(MPI_Pcontrol(2, "extra"));
}

int main(int argc, char **argv) {
  object_test_start(&argc, &argv);
  CALL(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  CALL(MPI_Comm_set_errhandler(MPI_COMM_SELF, MPI_ERRORS_RETURN));
  check_comm_handlers();
  check_win_and_file_handlers();
  check_error_codes();
  check_conversion();
  return finish_ok();
}
