/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A hash table of fixed-size entries, each starting with its key (compared
 * bytewise, so keys must be zeroed before they are filled).  Open addressing
 * with linear probing; it grows as needed, and shrinks when asked to
 * (table_shrink).  Insertions and removals may move entries:
 * pointers into the table are valid until the next insertion or removal.
 */
#ifndef SYNSCOPE_TABLE_H
#define SYNSCOPE_TABLE_H

#include <stdbool.h>
#include <stddef.h>

struct table {
	size_t key_size;
	size_t entry_size;
	size_t capacity; /* a power of two */
	size_t len;
	unsigned char *used;
	unsigned char *entries;
};

int table_init(struct table *t, size_t key_size, size_t entry_size);
void table_free(struct table *t);

void *table_find(const struct table *t, const void *key);

/* The entry for key, created zeroed (but for its key) if missing; NULL if out of memory. */
void *table_upsert(struct table *t, const void *key, bool *created);

/* Removal never shrinks the table: a table that swings around a size would be rehashed each time. */
void table_remove(struct table *t, void *entry);

/* After a burst: under a load of 1/8, give the memory back, to a load of 1/8 to 1/4 (one rehash). */
void table_shrink(struct table *t);

/* Iterate: for (void *e = table_next(t, NULL); e; e = table_next(t, e)); no removals meanwhile. */
void *table_next(const struct table *t, const void *prev);

#endif
