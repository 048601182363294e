/*
 * rename.h - give lib/'s public functions k_ names in host test builds.
 *
 * lib/ uses the standard names (memcpy, snprintf...), which would clash
 * with the host C library that the test programs also link. The lib
 * sources are compiled with `-include tests/host/rename.h`; test files
 * include their system headers first, then this file, then lib headers,
 * so every call below the include reaches our implementation.
 */
#ifndef TESTS_HOST_RENAME_H
#define TESTS_HOST_RENAME_H

#define memcpy		   k_memcpy
#define memmove		   k_memmove
#define memset		   k_memset
#define memcmp		   k_memcmp
#define strlen		   k_strlen
#define strnlen		   k_strnlen
#define strcmp		   k_strcmp
#define strncmp		   k_strncmp
#define strchr		   k_strchr
#define strrchr		   k_strrchr
#define strlcpy		   k_strlcpy
#define strstr		   k_strstr
#define crc32_update	   k_crc32_update
#define sort_u64	   k_sort_u64
#define median_u64	   k_median_u64
#define pit_ticks_between  k_pit_ticks_between
#define pit_ticks_in	   k_pit_ticks_in
#define clock_khz	   k_clock_khz
#define slack_ppm	   k_slack_ppm
#define bitmap_set_range   k_bitmap_set_range
#define bitmap_clear_range k_bitmap_clear_range
#define bitmap_weight	   k_bitmap_weight
#define scancode_decode	   k_scancode_decode
#define key_name	   k_key_name
#define kstrtoul	   k_kstrtoul
#define kstrtol		   k_kstrtol
#define vsnprintf	   k_vsnprintf
#define snprintf	   k_snprintf

#endif /* TESTS_HOST_RENAME_H */
