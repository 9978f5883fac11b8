// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "table.h"

#define TABLE_MIN_CAPACITY 64

/* FNV-1a: keys are small and this is not exposed to chosen collisions that matter. */
static size_t key_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 1469598103934665603ULL;

	while (len--) {
		h ^= *p++;
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 32));
}

static void *slot(const struct table *t, size_t i)
{
	return t->entries + i * t->entry_size;
}

static int table_alloc(struct table *t, size_t capacity)
{
	t->used = calloc(capacity, 1);
	t->entries = calloc(capacity, t->entry_size);
	if (!t->used || !t->entries) {
		free(t->used);
		free(t->entries);
		return -ENOMEM;
	}
	t->capacity = capacity;
	t->len = 0;
	return 0;
}

int table_init(struct table *t, size_t key_size, size_t entry_size)
{
	memset(t, 0, sizeof(*t));
	t->key_size = key_size;
	t->entry_size = entry_size;
	return table_alloc(t, TABLE_MIN_CAPACITY);
}

void table_free(struct table *t)
{
	free(t->used);
	free(t->entries);
	t->used = NULL;
	t->entries = NULL;
	t->capacity = t->len = 0;
}

/* Index of key's entry, or of the free slot where it would go. */
static size_t probe(const struct table *t, const void *key)
{
	size_t mask = t->capacity - 1, i = key_hash(key, t->key_size) & mask;

	while (t->used[i] && memcmp(slot(t, i), key, t->key_size))
		i = (i + 1) & mask;
	return i;
}

void *table_find(const struct table *t, const void *key)
{
	size_t i;

	/* Empty (a DNS cache with no answers yet): no key to hash. */
	if (!t->len)
		return NULL;
	i = probe(t, key);
	return t->used[i] ? slot(t, i) : NULL;
}

/* Move every entry that keep() accepts (all if keep is NULL) into a table of capacity slots. */
static int table_rehash(struct table *t, size_t capacity, bool (*keep)(void *, void *), void *arg)
{
	struct table old = *t;
	size_t i;

	if (table_alloc(t, capacity)) {
		*t = old;
		return -ENOMEM;
	}
	for (i = 0; i < old.capacity; i++) {
		size_t j;

		if (!old.used[i] || (keep && !keep(slot(&old, i), arg)))
			continue;
		j = probe(t, slot(&old, i));
		memcpy(slot(t, j), slot(&old, i), t->entry_size);
		t->used[j] = 1;
		t->len++;
	}
	table_free(&old);
	return 0;
}

void *table_upsert(struct table *t, const void *key, bool *created)
{
	size_t i;

	*created = false;
	i = probe(t, key);
	if (t->used[i])
		return slot(t, i);
	/* Keep the load factor at or below 1/2. */
	if ((t->len + 1) * 2 > t->capacity) {
		if (table_rehash(t, t->capacity * 2, NULL, NULL))
			return NULL;
		i = probe(t, key);
	}
	memset(slot(t, i), 0, t->entry_size);
	memcpy(slot(t, i), key, t->key_size);
	t->used[i] = 1;
	t->len++;
	*created = true;
	return slot(t, i);
}

/* After a burst, give the memory back: a quarter of the capacity per halving. */
static void table_shrink(struct table *t)
{
	if (t->capacity > TABLE_MIN_CAPACITY && t->len * 8 < t->capacity)
		table_rehash(t, t->capacity / 2, NULL, NULL); /* on failure it stays as it is */
}

/* Backward-shift deletion keeps every probe sequence unbroken. */
void table_remove(struct table *t, void *entry)
{
	size_t mask = t->capacity - 1;
	size_t i = ((unsigned char *)entry - t->entries) / t->entry_size, j = i;

	t->used[i] = 0;
	t->len--;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!t->used[j]) {
			table_shrink(t);
			return;
		}
		home = key_hash(slot(t, j), t->key_size) & mask;
		/* Entry j may move to i unless its home lies cyclically in (i, j]. */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		memcpy(slot(t, i), slot(t, j), t->entry_size);
		t->used[i] = 1;
		t->used[j] = 0;
		i = j;
	}
}

void *table_next(const struct table *t, const void *prev)
{
	size_t i = prev ? ((const unsigned char *)prev - t->entries) / t->entry_size + 1 : 0;

	for (; i < t->capacity; i++)
		if (t->used[i])
			return slot(t, i);
	return NULL;
}

int table_sweep(struct table *t, bool (*keep)(void *entry, void *arg), void *arg)
{
	return table_rehash(t, t->capacity, keep, arg);
}
