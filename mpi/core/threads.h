// Thread support (MPI-4.1 §11.6): the thread levels the library grants and the one lock that
// makes MPI_THREAD_MULTIPLE safe.
//
// Design: one global critical section. Every entry point takes the lock (EntryLock, from
// ZMPI_ENTER) only once some initialization (MPI_Init_thread, a session's "thread_level")
// was granted MPI_THREAD_MULTIPLE; until then an entry point pays one well-predicted branch
// and no atomic. Entry points MPI lets a program call at any time (info, error handlers,
// error codes, sessions, init and finalize) always lock (AnytimeLock): they are thread-safe
// whatever the level, and none of them is on a hot path.
//
// The lock is recursive (a user callback run inside a locked call may call MPI: error
// handlers, attribute copy/delete functions, user reduction ops, generalized-request
// callbacks). Every loop that waits for progress calls Yield (through ProgressLoop::Pace)
// between passes: when another thread waits for the lock the waiter gets it, so a thread
// blocked in MPI_Recv never stops another thread's calls. A thread that handed the lock over
// while waiting for one request then waits outside the lock, watching that request's
// `complete` flag (set by whichever thread's progress completed it) until it completes or
// nobody holds the lock; it re-locks before it looks at anything else. Only the outermost
// level of a recursive hold is released: a wait nested in a callback keeps the lock (and
// progresses on its own), since the outer call may rely on state the callback sees. A loop
// that gives up its CPU (a yield or nap after its spins) lets the outermost hold go meanwhile
// (YieldCpu), and a thread spinning for the lock yields at once when the holder was last seen
// on its own CPU: with more busy threads than cores, the core must go to a thread that can
// use it, not to one that can only spin on the lock.
//
// Enabling is one-way for the life of the process: threads may be running in MPI when a
// later session or world model asks for less. It happens only while no thread can be inside
// an entry point that did not lock: when the library does not run (no world model, no open
// session) or when it is already on. Once the library runs without the lock, a thread may be
// in the middle of an unlocked call at any moment (a FUNNELED world's main thread, a SINGLE
// session's thread); a later MPI_Init_thread, MPI_Session_init or MPI_T_init_thread asking
// for MULTIPLE from another thread then gets SERIALIZED (its calls must not overlap other
// threads' calls), since locking from then on would leave that call racing the locked ones.
#ifndef ZMPI_MPI_CORE_THREADS_H_
#define ZMPI_MPI_CORE_THREADS_H_

#include <atomic>

namespace zmpi::core {

class Threads {
 public:
  // Whether entry points lock (MULTIPLE was granted to someone in this process). A plain
  // bool: one compare with memory on every entry point (an atomic load costs two more
  // instructions there). It is written once, under the lock, by MPI_Init_thread,
  // MPI_Session_init or MPI_T_init_thread, and only while the library does not run (Grant),
  // so no thread reads it in an entry point without having synchronized with that write
  // (it was started later, or went through the lock, or through the user's own ordering of
  // the initialization before its calls).
  static bool enabled() { return enabled_; }
  // The level granted for `required` (clamped to SINGLE..MULTIPLE). MULTIPLE turns the lock
  // on when `running` is false (no world model and no session runs: no thread can be in an
  // unlocked call) or the lock is already on; otherwise the grant is SERIALIZED (see the top
  // of this file). Callers hold the lock (AnytimeLock) and read `running` before they start
  // the library for their own model.
  static int Grant(int required, bool running);
  // MPI_Init / MPI_Init_thread: the world model's level and its main thread (the caller).
  static void SetWorld(int provided);
  static int world_level() { return world_level_; }
  // Whether the caller is the thread that initialized the world model (true before that).
  static bool IsMainThread();

  // The lock itself. Lock is recursive; Unlock undoes one Lock.
  static void Lock();
  static void Unlock();
  // Unlock if this thread holds the lock (EntryLock's way out).
  static void UnlockIfHeld();
  static bool HeldByMe();
  // Between two progress passes of a waiting loop (caller holds the lock once): if another
  // thread waits for the lock, hands it over and locks again; with `done` (the waited-for
  // request's `complete`), waits outside the lock until *done or the lock is free first.
  static void Yield(const bool* done = nullptr);

  // For a waiting loop that gives up the CPU (ProgressLoop::Pace after its spins): a yield, or
  // with `nap` a 50 us sleep. The outermost hold of the lock is let go meanwhile and taken
  // again after: a thread that yields while holding it would hand its core to a thread that
  // can only spin on the lock.
  static void YieldCpu(bool nap);

 private:
  static bool enabled_;
  static int world_level_;
};

// Taken by every entry point (ZMPI_ENTER): locks only when Threads::enabled(). The destructor
// reads the flag again rather than remembering it: a remembered flag, tested at every return,
// let the compiler clone the whole entry point per value and move the unlocked clone (the
// hot path) out of line. The flag only turns on inside an AnytimeLock call (MPI_Init_thread,
// MPI_Session_init), so it cannot change between these two reads unless such a call runs in
// a callback of this one; Unlock then finds the lock not held and ignores it
// (Threads::UnlockIfHeld).
class EntryLock {
 public:
  EntryLock() {
    if (Threads::enabled()) [[unlikely]]
      Threads::Lock();
  }
  ~EntryLock() {
    if (Threads::enabled()) [[unlikely]]
      Threads::UnlockIfHeld();
  }
  EntryLock(const EntryLock&) = delete;
  EntryLock& operator=(const EntryLock&) = delete;
};

// Taken by the entry points MPI allows at any time (see the top of this file): always locks.
class AnytimeLock {
 public:
  AnytimeLock() { Threads::Lock(); }
  ~AnytimeLock() { Threads::Unlock(); }
  AnytimeLock(const AnytimeLock&) = delete;
  AnytimeLock& operator=(const AnytimeLock&) = delete;
};

// A request's completion flag as other threads read it outside the lock.
inline void MarkComplete(bool* complete) { __atomic_store_n(complete, true, __ATOMIC_RELEASE); }

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_THREADS_H_
