/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memory.h>

#include "dp_mem.h"

/*
 * Hugepages all the tables may hold together: beyond it they grow in the C heap, so that a
 * flood of new flows or source MACs cannot take the hugepages that a new port or vhost device
 * needs. A soft limit: PMDs racing past it overshoot by an allocation each.
 */
#define HUGEPAGE_BUDGET ((size_t)256 << 20)

static size_t hugepage_used; /* Bytes, as rte_malloc_validate() counts them. */

static void *
hugepage_zalloc(int socket, size_t size)
{
	size_t got;

	if (__atomic_load_n(&hugepage_used, __ATOMIC_RELAXED) + size > HUGEPAGE_BUDGET)
		return NULL;
	void *p = rte_zmalloc_socket("trestle", size, RTE_CACHE_LINE_SIZE, socket);
	if (p != NULL && rte_malloc_validate(p, &got) == 0)
		__atomic_add_fetch(&hugepage_used, got, __ATOMIC_RELAXED);
	return p;
}

void *
dp_mem_zalloc(int socket, size_t size)
{
	void *p = NULL;

	if (socket != DP_MEM_HEAP) {
		p = hugepage_zalloc(socket, size);
		/* Another socket's hugepages still beat fresh 4 KiB pages. */
		if (p == NULL && socket != SOCKET_ID_ANY)
			p = hugepage_zalloc(SOCKET_ID_ANY, size);
	}
	if (p == NULL) {
		static bool warned;
		if (socket != DP_MEM_HEAP && !__atomic_exchange_n(&warned, true, __ATOMIC_RELAXED))
			RTE_LOG(WARNING, USER1,
				"TRESTLE: flow and MAC tables grow in ordinary memory from now on "
				"(slower flow setup): their %zu MiB of hugepages are used, or no "
				"socket has any left\n",
				HUGEPAGE_BUDGET >> 20);
		if (posix_memalign(&p, RTE_CACHE_LINE_SIZE, size) != 0)
			return NULL;
		memset(p, 0, size);
	}
	return p;
}

void
dp_mem_free(int socket, void *p)
{
	size_t got;

	/* A fallback allocation is C heap: it lies in no DPDK memory segment. */
	if (p != NULL && socket != DP_MEM_HEAP && rte_mem_virt2memseg(p, NULL) != NULL) {
		if (rte_malloc_validate(p, &got) == 0)
			__atomic_sub_fetch(&hugepage_used, got, __ATOMIC_RELAXED);
		rte_free(p);
	} else {
		free(p);
	}
}
