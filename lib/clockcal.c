/* lib/clockcal.c - see clockcal.h. */
#include "lib/clockcal.h"

#define WRAP 65536u

uint64_t pit_ticks_between(uint16_t from, uint16_t to, uint64_t estimate)
{
	uint64_t ticks = (uint16_t)(from - to);

	/* Add wraps while that brings the count nearer to the estimate. */
	while (ticks + WRAP / 2 <= estimate)
		ticks += WRAP;
	return ticks;
}

uint64_t pit_ticks_in(uint64_t cycles, uint32_t khz)
{
	if (!khz)
		return 0;
	/* cycles / (khz * 1000) seconds, times PIT_INPUT_HZ; split so that
	 * cycles * PIT_INPUT_HZ cannot overflow for any window under hours. */
	return cycles / khz * PIT_INPUT_HZ / 1000 +
	       cycles % khz * PIT_INPUT_HZ / khz / 1000;
}

uint32_t clock_khz(uint64_t counts, uint64_t ticks)
{
	uint64_t denominator = ticks * 1000;

	if (!ticks)
		return 0;
	return (uint32_t)((counts * PIT_INPUT_HZ + denominator / 2) /
			  denominator);
}

uint32_t slack_ppm(uint64_t slack, uint64_t total)
{
	if (!total)
		return 1000000;
	return (uint32_t)((slack * 1000000 + total - 1) / total);
}
