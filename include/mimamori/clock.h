/*
 * clock.h - monotonic time for the threads' waits: timeouts that a stepped
 * wall clock (NTP, an operator fixing the date) neither shortens nor stretches.
 */
#ifndef MIMAMORI_CLOCK_H
#define MIMAMORI_CLOCK_H

#include <pthread.h>
#include <time.h>

/* Initialise a condition variable whose timed waits run on CLOCK_MONOTONIC; 0 or an errno. */
int mm_cond_init_mono(pthread_cond_t *c);
/* CLOCK_MONOTONIC now plus ms: the absolute time pthread_cond_timedwait wants. */
struct timespec mm_mono_after_ms(int ms);

#endif
