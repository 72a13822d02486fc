/*
 * A checksum over deterministic data, built on the host for one x86-64 level (-march=x86-64-v3 or
 * -v4) and run in the arm64 VM under the action's QEMU; its output must equal the native run's.
 * The vector paths are taken for real: explicit AVX2 (and, built for v4, AVX-512) intrinsics, FMA
 * (a fused multiply-add rounds once, so a wrong emulation shows in the low bits), loops GCC
 * vectorises at -O3, and glibc's string functions, which pick their AVX2/EVEX variants at start.
 * What the emulated CPU lacks (AVX-512 under QEMU 7.2) must stop the program, not change its answer.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS (1u << 18)

static uint32_t state = 2463534242u;

static uint32_t next(void) {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

/* FNV-1a over bytes, folded into a running 64-bit value */
static uint64_t fold(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

/* explicit AVX2: lane-wise multiply-add and xor over the words, 8 lanes at a time */
static uint64_t avx2_mix(const uint32_t *a, const uint32_t *b, size_t n) {
  __m256i acc = _mm256_set1_epi32(0x9e3779b9);
  /* each lane's bytes reversed */
  const __m256i swap = _mm256_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
  for (size_t i = 0; i + 8 <= n; i += 8) {
    __m256i x = _mm256_loadu_si256((const __m256i *)(a + i));
    __m256i y = _mm256_loadu_si256((const __m256i *)(b + i));
    acc = _mm256_add_epi32(_mm256_mullo_epi32(acc, _mm256_set1_epi32(16777619)), _mm256_xor_si256(x, _mm256_srli_epi32(y, 3)));
    acc = _mm256_shuffle_epi8(acc, swap);
  }
  uint32_t lanes[8];
  _mm256_storeu_si256((__m256i *)lanes, acc);
  return fold(14695981039346656037ull, lanes, sizeof lanes);
}

/* FMA in double precision: a dot product with one rounding per step */
static double fma_dot(const double *x, const double *y, size_t n) {
  __m256d acc = _mm256_setzero_pd();
  for (size_t i = 0; i + 4 <= n; i += 4) acc = _mm256_fmadd_pd(_mm256_loadu_pd(x + i), _mm256_loadu_pd(y + i), acc);
  double lanes[4];
  _mm256_storeu_pd(lanes, acc);
  return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

#ifdef __AVX512F__
/* explicit AVX-512 (the v4 build only): 16 lanes, a mask register */
static uint64_t avx512_mix(const uint32_t *a, size_t n) {
  __m512i acc = _mm512_set1_epi32(7);
  for (size_t i = 0; i + 16 <= n; i += 16) {
    __m512i x = _mm512_loadu_si512(a + i);
    __mmask16 odd = _mm512_test_epi32_mask(x, _mm512_set1_epi32(1));
    acc = _mm512_mask_add_epi32(_mm512_rol_epi32(acc, 5), odd, acc, x);
  }
  uint32_t lanes[16];
  _mm512_storeu_si512(lanes, acc);
  return fold(14695981039346656037ull, lanes, sizeof lanes);
}
#endif

int main(void) {
  uint32_t *a = malloc(WORDS * sizeof *a), *b = malloc(WORDS * sizeof *b);
  double *x = malloc(WORDS * sizeof *x), *y = malloc(WORDS * sizeof *y);
  char *text = malloc(WORDS + 1), *copy = malloc(WORDS + 1);
  if (!a || !b || !x || !y || !text || !copy) return 2;
  for (size_t i = 0; i < WORDS; i++) {
    a[i] = next();
    b[i] = next();
    x[i] = (double)(int32_t)next() / 65536.0;
    y[i] = (double)(int32_t)next() / 1048576.0;
    text[i] = (char)('a' + next() % 26);
  }
  text[WORDS] = '\0';

  /* a loop GCC vectorises at -O3 with the level's widest vectors */
  uint32_t plain = 0;
  for (size_t i = 0; i < WORDS; i++) plain += (a[i] >> (b[i] & 15)) ^ (b[i] * 3u);

  /* glibc's string functions: their AVX2 (or EVEX) variants, picked by the CPU the program sees */
  memcpy(copy, text, WORDS + 1);
  size_t length = strlen(copy);
  const char *q = memchr(copy, 'q', length);
  const char *zz = strstr(copy, "zz");
  int order = memcmp(copy, text + 1, WORDS - 1);

  printf("cpu avx2=%d fma=%d bmi2=%d\n", __builtin_cpu_supports("avx2") > 0, __builtin_cpu_supports("fma") > 0,
         __builtin_cpu_supports("bmi2") > 0);
  printf("avx2-mix %016llx\n", (unsigned long long)avx2_mix(a, b, WORDS));
  double dot = fma_dot(x, y, WORDS);
  uint64_t bits;
  memcpy(&bits, &dot, sizeof bits);
  printf("fma-dot %.17g %016llx\n", dot, (unsigned long long)bits);
  printf("vectorised-loop %08x\n", plain);
  printf("strings length=%zu q@%td zz@%td order=%d\n", length, q ? q - copy : -1, zz ? zz - copy : -1, order > 0 ? 1 : order < 0 ? -1 : 0);
#ifdef __AVX512F__
  printf("avx512-mix %016llx\n", (unsigned long long)avx512_mix(a, WORDS));
#endif
  printf("checksum %016llx\n", (unsigned long long)fold(fold(14695981039346656037ull, a, WORDS * sizeof *a), x, WORDS * sizeof *x));
  return 0;
}
