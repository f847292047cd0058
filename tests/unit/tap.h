/* Minimal TAP helpers for zdx's unit tests: each check prints one
 * "ok N - what" or "not ok N - what" line; tests/run.sh counts them. */
#ifndef ZDX_TAP_H
#define ZDX_TAP_H
#include <stdio.h>

static int tap_n, tap_failed;

#define ok(cond, ...) do {                                              \
	int ok_c_ = !!(cond);                                           \
	printf("%sok %d - ", ok_c_ ? "" : "not ", ++tap_n);            \
	printf(__VA_ARGS__);                                            \
	printf("\n");                                                   \
	if (!ok_c_) {                                                   \
		tap_failed++;                                           \
		printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	}                                                               \
} while (0)

#define is_u64(got, want, ...) do {                                     \
	unsigned long long g_ = (got), w_ = (want);                     \
	ok(g_ == w_, __VA_ARGS__);                                      \
	if (g_ != w_)                                                   \
		printf("#   got 0x%llx, want 0x%llx\n", g_, w_);        \
} while (0)

static inline int tap_done(void) { printf("1..%d\n", tap_n); return tap_failed != 0; }
#endif
