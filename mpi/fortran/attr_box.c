/* Attribute values set from Fortran, as C sees them (see attr_box.h). A box is a malloc'd
 * MPI_Aint; the set of live boxes is an open-addressing hash set of their addresses
 * (linear probing, tombstones), under a mutex: attributes are off every hot path. */
#include "attr_box.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define TOMBSTONE ((MPI_Aint *)(uintptr_t)1)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static MPI_Aint **slots;      /* NULL: never used; TOMBSTONE: removed */
static size_t capacity, used; /* used counts live boxes and tombstones */

static size_t Hash(const void *p) {
  uintptr_t x = (uintptr_t)p >> 4;
  x ^= x >> 17;
  x *= 0x9e3779b97f4a7c15u;
  return (size_t)(x ^ (x >> 29));
}

/* The slot holding p, or NULL. Caller holds the lock. */
static MPI_Aint **Find(const void *p) {
  if (capacity == 0) return NULL;
  for (size_t i = Hash(p) & (capacity - 1), n = 0; n < capacity;
       i = (i + 1) & (capacity - 1), n++) {
    if (slots[i] == NULL) return NULL;
    if (slots[i] == p) return &slots[i];
  }
  return NULL;
}

/* Inserts p (not present). 0 when out of memory. Caller holds the lock. */
static int Insert(MPI_Aint *p) {
  if (2 * (used + 1) > capacity) {
    size_t grown = capacity ? 2 * capacity : 64;
    MPI_Aint **old = slots;
    size_t old_capacity = capacity;
    MPI_Aint **fresh = calloc(grown, sizeof *fresh);
    if (fresh == NULL) return 0;
    slots = fresh;
    capacity = grown;
    used = 0;
    for (size_t i = 0; i < old_capacity; i++) {
      if (old[i] != NULL && old[i] != TOMBSTONE) Insert(old[i]);
    }
    free(old);
  }
  size_t i = Hash(p) & (capacity - 1);
  while (slots[i] != NULL && slots[i] != TOMBSTONE) i = (i + 1) & (capacity - 1);
  if (slots[i] == NULL) used++;
  slots[i] = p;
  return 1;
}

void *ZfBoxNew(MPI_Aint value) {
  MPI_Aint *box = malloc(sizeof *box);
  if (box == NULL) return NULL;
  *box = value;
  pthread_mutex_lock(&lock);
  int ok = Insert(box);
  pthread_mutex_unlock(&lock);
  if (!ok) {
    free(box);
    return NULL;
  }
  return box;
}

MPI_Aint ZfAttrValue(void *p) {
  pthread_mutex_lock(&lock);
  int boxed = Find(p) != NULL;
  pthread_mutex_unlock(&lock);
  return boxed ? *(MPI_Aint *)p : (MPI_Aint)p;
}

void ZfBoxFree(void *p) {
  pthread_mutex_lock(&lock);
  MPI_Aint **slot = Find(p);
  if (slot != NULL) *slot = TOMBSTONE;
  pthread_mutex_unlock(&lock);
  if (slot != NULL) free(p);
}
