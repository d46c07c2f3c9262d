/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The BPDU layout both spanning tree engines read and write (802.1D-2004 clause 9; stp.c for
 * configuration and TCN BPDUs, rstp.c for those and RST BPDUs): big-endian fields at fixed
 * octets. Private to src/stp.
 */
#ifndef TRESTLE_BPDU_WIRE_H
#define TRESTLE_BPDU_WIRE_H

#include <stdint.h>

/*
 * Octets after protocol identifier (0-1), version (2) and type (3): a configuration BPDU
 * (9.3.1) ends after the forward delay, an RST BPDU (9.3.3) has the version 1 length too; a
 * TCN BPDU (9.3.2) is the first four alone.
 */
enum {
	OFF_FLAGS = 4,
	OFF_ROOT_ID = 5,
	OFF_ROOT_PATH_COST = 13,
	OFF_BRIDGE_ID = 17,
	OFF_PORT_ID = 25,
	OFF_MESSAGE_AGE = 27,
	OFF_MAX_AGE = 29,
	OFF_HELLO_TIME = 31,
	OFF_FORWARD_DELAY = 33,
	OFF_VERSION1_LENGTH = 35,
};

static inline void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static inline void
put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, v);
}

static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static inline uint64_t
get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

#endif
