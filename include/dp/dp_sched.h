/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How a PMD shares itself between its receive queues (pmd_main()), as pure functions the unit
 * tests can drive.
 *
 * How many frames to ask of a queue next: a burst that was mostly new flows costs the slow
 * path a couple of thousand cycles a frame, which the other queues of this PMD (established
 * flows) wait out. While another of its queues is receiving, such a queue is asked for half
 * as many next time, down to one frame, and back up as its frames hit megaflows again. Such
 * a queue (a storm queue: asked for less than a whole burst) is also skipped while storm
 * queues have had more of the PMD's cycles than the established ones (the storm debt), so
 * that during a storm of new flows the established queues keep at least half of the core; the
 * storm still gets its turn, in order. Alone, a queue keeps whole bursts and every turn:
 * nothing waits, and smaller bursts would only add the per-call costs.
 */
#ifndef TRESTLE_DP_SCHED_H
#define TRESTLE_DP_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#define DP_BURST 32               /* Frames asked of a queue at most. */
#define DP_BURST_MIN 1            /* ...and at least. */
#define DP_STORM_DEBT_MAX_US 1000 /* A storm queue waits at most about this long. */

/* The burst to ask of a queue next, after it gave got frames of which missed were new flows. */
static inline uint16_t
dp_next_burst(uint16_t want, unsigned got, unsigned missed, bool others_busy)
{
	if (missed * 2 > got && others_busy)
		return want > DP_BURST_MIN * 2 ? want / 2 : DP_BURST_MIN;
	if ((missed == 0 || !others_busy) && want < DP_BURST)
		return want * 2 < DP_BURST ? want * 2 : DP_BURST;
	return want;
}

/*
 * The storm debt after an iteration of iter_cycles in which storm queues took storm_cycles:
 * it grows by what they took beyond the others' share, within [0, max]; it is cleared when
 * no established queue received (in this iteration or the last), so that a storm alone has
 * the whole core. Storm queues skip their turn while it is positive.
 */
static inline int64_t
dp_storm_debt(int64_t debt, uint64_t storm_cycles, uint64_t iter_cycles, bool established_busy,
	int64_t max)
{
	if (!established_busy)
		return 0;
	debt += 2 * (int64_t)storm_cycles - (int64_t)iter_cycles;
	return debt < 0 ? 0 : debt > max ? max : debt;
}

#endif
