// A multithreaded workload for the box64 measurement (scripts/arm64-vm/measure-box64.mjs): four
// pthreads take blocks from a shared counter under a mutex, hash each (a 64-bit mixing hash over a
// buffer made from a fixed seed, several rounds) and store the digest by block number; main joins
// them and prints a digest of the digests in block order, so the output never depends on which
// thread did what. Built with gcc -O2 -pthread on the x86_64 host, dynamically linked.
//
//   mt-hash [blocks] [rounds]      (defaults 256 24)
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define THREADS 4
#define BLOCK_WORDS 4096

static uint64_t *data;
static uint64_t *digests;
static unsigned blocks, rounds, taken;
static unsigned done_by[THREADS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ull;
  return h ^ (h >> 29);
}

static void *work(void *arg) {
  unsigned self = (unsigned)(uintptr_t)arg;
  for (;;) {
    pthread_mutex_lock(&lock);
    unsigned block = taken < blocks ? taken++ : blocks;
    pthread_mutex_unlock(&lock);
    if (block == blocks) return NULL;
    uint64_t h = block;
    const uint64_t *words = data + (size_t)block * BLOCK_WORDS;
    for (unsigned r = 0; r < rounds; r++)
      for (unsigned i = 0; i < BLOCK_WORDS; i++) h = mix(h, words[i] ^ r);
    digests[block] = h;
    __atomic_add_fetch(&done_by[self], 1, __ATOMIC_RELAXED);
  }
}

int main(int argc, char **argv) {
  blocks = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 256;
  rounds = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 24;
  data = malloc(sizeof(uint64_t) * BLOCK_WORDS * blocks);
  digests = calloc(blocks, sizeof(uint64_t));
  if (!data || !digests) return 2;
  uint64_t s = 0x2545f4914f6cdd1dull;
  for (size_t i = 0; i < (size_t)BLOCK_WORDS * blocks; i++) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    data[i] = s;
  }
  pthread_t threads[THREADS];
  for (unsigned t = 0; t < THREADS; t++)
    if (pthread_create(&threads[t], NULL, work, (void *)(uintptr_t)t) != 0) return 3;
  for (unsigned t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
  unsigned total = 0;
  for (unsigned t = 0; t < THREADS; t++) total += done_by[t];
  uint64_t h = 0;
  for (unsigned b = 0; b < blocks; b++) h = mix(h, digests[b]);
  printf("threads %d blocks %u rounds %u hashed %u digest %016llx\n", THREADS, blocks, rounds, total, (unsigned long long)h);
  printf("first %016llx last %016llx\n", (unsigned long long)digests[0], (unsigned long long)digests[blocks - 1]);
  return 0;
}
