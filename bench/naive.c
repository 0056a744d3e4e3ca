/* SPDX-License-Identifier: MIT */
/*
 * pH-style lookahead pairs, written plainly on purpose: it is what
 * libselfseq is measured against. Rows of alphabet flag cells per current
 * call, allocated on demand; a window of the last `window` calls in a ring
 * indexed with %. The empty slots before the trace starts are skipped, so
 * pair and mismatch counts equal libselfseq's.
 */
#include "naive.h"

#include <stdlib.h>

#define NAIVE_EMPTY UINT32_MAX

struct naive_db {
	uint32_t window, alphabet, cell;	/* cell: bytes per flag cell, 1 or 2 */
	void **row;				/* alphabet row pointers, NULL = unseen */
	uint32_t rows;
};

struct naive_win {
	uint32_t data[32];
	uint32_t last, length;
};

static void win_start(struct naive_win *w, uint32_t length)
{
	for (uint32_t i = 0; i < length; i++)
		w->data[i] = NAIVE_EMPTY;
	w->length = length;
	w->last = length - 1;
}

static void win_append(struct naive_win *w, uint32_t call)
{
	w->last = (w->last + 1) % w->length;
	w->data[w->last] = call;
}

static uint32_t win_back(const struct naive_win *w, uint32_t d)
{
	return w->data[(w->last + w->length - d) % w->length];
}

struct naive_db *naive_new(uint32_t window, uint32_t alphabet)
{
	struct naive_db *db;

	if (window < 2 || window > 17)
		return NULL;
	db = calloc(1, sizeof(*db));
	if (!db)
		return NULL;
	db->window = window;
	db->alphabet = alphabet;
	db->cell = window <= 9 ? 1 : 2;
	db->row = calloc(alphabet, sizeof(*db->row));
	if (!db->row) {
		free(db);
		return NULL;
	}
	return db;
}

void naive_free(struct naive_db *db)
{
	if (!db)
		return;
	for (uint32_t i = 0; i < db->alphabet; i++)
		free(db->row[i]);
	free(db->row);
	free(db);
}

static uint32_t cell_get(const struct naive_db *db, const void *row, uint32_t prev)
{
	return db->cell == 1 ? ((const uint8_t *)row)[prev] : ((const uint16_t *)row)[prev];
}

int naive_train(struct naive_db *db, const uint32_t *calls, size_t n)
{
	struct naive_win w;

	win_start(&w, db->window);
	for (size_t i = 0; i < n; i++) {
		uint32_t cur = calls[i];

		win_append(&w, cur);
		if (!db->row[cur]) {
			db->row[cur] = calloc(db->alphabet, db->cell);
			if (!db->row[cur])
				return -1;
			db->rows++;
		}
		for (uint32_t d = 1; d < db->window; d++) {
			uint32_t prev = win_back(&w, d);

			if (prev == NAIVE_EMPTY)
				break;
			if (db->cell == 1)
				((uint8_t *)db->row[cur])[prev] |= (uint8_t)(1u << (d - 1));
			else
				((uint16_t *)db->row[cur])[prev] |= (uint16_t)(1u << (d - 1));
		}
	}
	return 0;
}

uint64_t naive_score(const struct naive_db *db, const uint32_t *calls, size_t n,
		     uint64_t *anomalous)
{
	struct naive_win w;
	uint64_t misses = 0, anom = 0;

	win_start(&w, db->window);
	for (size_t i = 0; i < n; i++) {
		uint32_t cur = calls[i], here = 0;

		win_append(&w, cur);
		for (uint32_t d = 1; d < db->window; d++) {
			uint32_t prev = win_back(&w, d);

			if (prev == NAIVE_EMPTY)
				break;
			if (!db->row[cur] || !(cell_get(db, db->row[cur], prev) & (1u << (d - 1))))
				here++;
		}
		misses += here;
		anom += here != 0;
	}
	*anomalous = anom;
	return misses;
}

uint64_t naive_pairs(const struct naive_db *db)
{
	uint64_t pairs = 0;

	for (uint32_t r = 0; r < db->alphabet; r++)
		for (uint32_t c = 0; db->row[r] && c < db->alphabet; c++)
			pairs += (uint64_t)__builtin_popcount(cell_get(db, db->row[r], c));
	return pairs;
}

size_t naive_memory(const struct naive_db *db)
{
	return sizeof(*db) + (size_t)db->alphabet * sizeof(*db->row) +
	       (size_t)db->rows * db->alphabet * db->cell;
}
