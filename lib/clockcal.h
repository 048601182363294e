/*
 * lib/clockcal.h - the arithmetic of calibrating a clock against the PIT.
 *
 * The PIT's channel 2 counts down at PIT_INPUT_HZ (1.193182 MHz) through a
 * 16-bit register, so it wraps every 54.9 ms. A calibration reads it twice
 * (each reading bracketed by two TSC reads) along with the clock being
 * measured, and needs:
 *  - the PIT ticks between the two readings, wraps included: the 16-bit
 *    difference gives the ticks modulo 65536, and an estimate from a
 *    rough rate of the TSC picks how many whole wraps lie between;
 *  - the clock's rate: counts per PIT tick, in kHz;
 *  - how sure we are: a reading is known only to within its bracket (the
 *    TSC cycles its reads took) and the PIT's one-tick resolution; those
 *    slacks over the window give the uncertainty in parts per million.
 *
 * Pure functions, tested on the host (tests/host/test_clockcal.c).
 * Context: any.
 */
#ifndef LIB_CLOCKCAL_H
#define LIB_CLOCKCAL_H

#include <stdint.h>

#define PIT_INPUT_HZ 1193182u /* the 8254's input clock */

/* Ticks from reading `from` to reading `to` of a 16-bit down-counter:
 * (from - to) mod 65536 plus the whole wraps that bring it nearest to
 * estimate (pass 0 when the window is known to be under one wrap). */
uint64_t pit_ticks_between(uint16_t from, uint16_t to, uint64_t estimate);

/* PIT ticks in `cycles` of a clock running at khz (an estimate). */
uint64_t pit_ticks_in(uint64_t cycles, uint32_t khz);

/* The rate, in kHz, of a clock that advanced `counts` in `ticks` PIT
 * ticks (rounded to nearest); 0 if ticks is 0. */
uint32_t clock_khz(uint64_t counts, uint64_t ticks);

/* Parts per million that `slack` is of `total` (rounded up); a window
 * with no ticks is all uncertainty (1000000). */
uint32_t slack_ppm(uint64_t slack, uint64_t total);

#endif
