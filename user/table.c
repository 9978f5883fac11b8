// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "table.h"

#define TABLE_MIN_CAPACITY 64

#define MIX_1		   0xbf58476d1ce4e5b9ULL
#define MIX_2		   0x94d049bb133111ebULL

/* One word into the hash: multiplying carries low bits up, the shift brings high bits down. */
static uint64_t mix_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * MIX_1;
	return h ^ (h >> 31);
}

/*
 * Eight bytes at a time, finished with splitmix64's finalizer, so that
 * keys differing only in their high bits (socket addresses, aligned
 * alike) still spread over the low bits the table uses.  Keys are small
 * and this is not exposed to chosen collisions that matter.
 */
static size_t key_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = len, w;

	for (; len >= sizeof(w); len -= sizeof(w), p += sizeof(w)) {
		memcpy(&w, p, sizeof(w));
		h = mix_word(h, w);
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		h = mix_word(h, w);
	}
	h = (h ^ (h >> 30)) * MIX_1;
	h = (h ^ (h >> 27)) * MIX_2;
	return (size_t)(h ^ (h >> 31));
}

static void *slot(const struct table *t, size_t i)
{
	return t->entries + i * t->entry_size;
}

static size_t index_of(const struct table *t, const void *entry)
{
	return ((const unsigned char *)entry - t->entries) / t->entry_size;
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

/* Move every entry into a table of capacity slots. */
static int table_rehash(struct table *t, size_t capacity)
{
	struct table old = *t;
	size_t i;

	if (table_alloc(t, capacity)) {
		*t = old;
		return -ENOMEM;
	}
	for (i = 0; i < old.capacity; i++) {
		size_t j;

		if (!old.used[i])
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
		if (table_rehash(t, t->capacity * 2))
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

void table_shrink(struct table *t)
{
	size_t capacity = t->capacity;

	/* Under a load of 1/8: halved until it is between 1/8 and 1/4, room to fill again. */
	while (capacity > TABLE_MIN_CAPACITY && t->len * 8 < capacity)
		capacity /= 2;
	if (capacity < t->capacity)
		table_rehash(t, capacity); /* on failure it stays as it is */
}

/* Backward-shift deletion keeps every probe sequence unbroken. */
void table_remove(struct table *t, void *entry)
{
	size_t mask = t->capacity - 1, i = index_of(t, entry), j = i;

	t->used[i] = 0;
	t->len--;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!t->used[j])
			return;
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
	size_t i = prev ? index_of(t, prev) + 1 : 0;

	for (; i < t->capacity; i++)
		if (t->used[i])
			return slot(t, i);
	return NULL;
}
