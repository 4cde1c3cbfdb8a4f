/* hp: see LICENSE. */
/* map.c: a hash table of strings (names, NAME=VALUE): found in one step. */

#include <stdlib.h>
#include <string.h>

#include "hp.h"

/*
 * Open addressing, linear probing, at most half full; a deletion moves
 * back the entries that follow it, so that no tombstone is left. The map
 * owns no key: each points into what its caller keeps (a process's
 * name, an environment string), and the caller points it elsewhere when
 * that moves (hp_map_put gives the slot).
 */

static size_t
hash(const char *k, size_t n)
{
	size_t h = 2166136261u;

	while (n-- > 0)
		h = (h ^ (unsigned char)*k++) * 16777619u;
	return h;
}

static struct hp_slot *
probe(struct hp_slot *slot, size_t cap, const char *k, size_t n)
{
	size_t i = hash(k, n) & (cap - 1);

	while (slot[i].key != NULL && (slot[i].len != n ||
	    memcmp(slot[i].key, k, n) != 0))
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

static void
grow(struct hp_map *m)
{
	struct hp_slot *old = m->slot, *s;
	size_t i, cap = m->cap;

	m->cap = cap ? cap * 2 : 16;
	m->slot = hp_xcalloc(m->cap, sizeof *m->slot);
	for (i = 0; i < cap; i++)
		if (old[i].key != NULL) {
			s = probe(m->slot, m->cap, old[i].key, old[i].len);
			*s = old[i];
		}
	free(old);
}

void
hp_map_init(struct hp_map *m)
{
	memset(m, 0, sizeof *m);
}

struct hp_slot *
hp_map_get(const struct hp_map *m, const char *k, size_t n)
{
	struct hp_slot *s;

	if (m->cap == 0)
		return NULL;
	s = probe(m->slot, m->cap, k, n);
	return s->key != NULL ? s : NULL;
}

struct hp_slot *
hp_map_put(struct hp_map *m, const char *k, size_t n)
{
	struct hp_slot *s;

	if ((m->n + 1) * 2 > m->cap)
		grow(m);
	s = probe(m->slot, m->cap, k, n);
	if (s->key == NULL) {
		s->key = k;
		s->len = n;
		s->v.p = NULL;
		m->n++;
	}
	return s;
}

void
hp_map_del(struct hp_map *m, const char *k, size_t n)
{
	struct hp_slot *s;
	size_t i, j, want, mask = m->cap - 1;

	if ((s = hp_map_get(m, k, n)) == NULL)
		return;
	i = (size_t)(s - m->slot);
	m->slot[i].key = NULL;
	m->n--;
	/* Move back what would no longer be found past the hole. */
	for (j = (i + 1) & mask; m->slot[j].key != NULL; j = (j + 1) & mask) {
		want = hash(m->slot[j].key, m->slot[j].len) & mask;
		if ((j > i && (want <= i || want > j)) ||
		    (j < i && want <= i && want > j)) {
			m->slot[i] = m->slot[j];
			m->slot[j].key = NULL;
			i = j;
		}
	}
}

void
hp_map_free(struct hp_map *m)
{
	free(m->slot);
	memset(m, 0, sizeof *m);
}
