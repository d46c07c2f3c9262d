/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Memory for the tables the PMDs grow and walk (megaflows, MAC entries): DPDK's hugepages,
 * where the first touch costs one page fault per 2 MiB rather than one per 4 KiB (measured
 * here: about 12 million cycles to fault in 1.6 MiB of fresh C-heap memory, 0.3 million
 * for a 2 MiB hugepage), and a TLB entry covers the whole table.
 */
#ifndef TRESTLE_DP_MEM_H
#define TRESTLE_DP_MEM_H

#include <stddef.h>

/* A socket for dp_mem_zalloc() that means the C heap only (no EAL: the unit tests). */
#define DP_MEM_HEAP (-2)

/*
 * size zeroed bytes, cache-line aligned, from hugepages on socket (SOCKET_ID_ANY: any), else
 * on any socket, else (no hugepages left, or the tables' 256 MiB budget of them used) from the
 * C heap, logged once; socket DP_MEM_HEAP asks for the C heap only. NULL when all fail.
 */
void *dp_mem_zalloc(int socket, size_t size);
/* Frees p (NULL is fine) from dp_mem_zalloc() with the same socket. */
void dp_mem_free(int socket, void *p);

#endif
