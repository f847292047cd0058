/* A fixed-seed xorshift64 for the tests that pick bytes at random: runs
 * repeat exactly, so a finding reproduces. */
#ifndef ZDX_TEST_XORSHIFT_H
#define ZDX_TEST_XORSHIFT_H

#include <stdint.h>

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static inline uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

#endif
