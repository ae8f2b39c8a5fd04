/*
 * catalog_index.h - the hash tables over the catalog, made at build time.
 *
 * Services, actions and condition keys are found by name, in any case,
 * through open-addressing hash tables that scripts/gen-catalog-index.c
 * computes from the tables of catalog_data.c when the library is built
 * ($(BUILD)/catalog_index.c): constant data like the catalog itself,
 * nothing built at startup, no allocation, shared by threads as it is.
 * Built at startup instead (pthread_once), the action table alone was
 * 8.3 million instructions, 45% of a one-file `check` (docs/bench.md).
 *
 * Every table is a power of two of slots, at least twice its entries;
 * a slot holds an index + 1 (0: empty), entries inserted in index order
 * with linear probing, so that of equal names the lowest index is met
 * first. The key of a slot is iamp_catalog_hash() of the folded name:
 *
 *   services   "s3"                  -> iamp_catalog_services index
 *   actions    "s3:getobject"        -> iamp_catalog_actions index
 *   keys       "aws:requesttag/${tagkey}" -> iamp_catalog_keys index
 *   templates  the literal prefix of each template key, "aws:requesttag/"
 *              -> position in iamp_catalog_template_keys; with
 *              iamp_catalog_template_lengths, a bit per prefix length
 *              in use, a name is hashed once, left to right, and probed
 *              at each length where some template's prefix could end.
 *
 * The resource types' ARN formats are split here too (by arn.c's
 * iamp_arn_split, linked into the generator), so that no run splits them.
 *
 * Each action's whole hash is kept too (iamp_catalog_action_hashes), so
 * that a probe passes over the other entries of its cluster without
 * comparing their names.
 *
 * The hash is FNV-1a (32 bits) over ASCII-folded bytes: defined here
 * once, for the generator and for the lookups. Actions, whose names
 * are long ("ec2:DescribeInstanceAttribute") and looked up for every
 * literal Action item of every policy, are hashed 8 bytes at a time
 * (iamp_catalog_name_hash): byte by byte, the hash was half the cost of
 * a lookup.
 */
#ifndef IAMP_CATALOG_INDEX_H
#define IAMP_CATALOG_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "catalog.h"

#define IAMP_CATALOG_HASH_START 2166136261u

/* Each byte, A-Z lower-cased. */
static const unsigned char iamp_catalog_fold_table[256] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
	32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
	48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63,
	64, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 91, 92, 93, 94, 95,
	96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111,
	112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
	128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143,
	144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159,
	160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175,
	176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191,
	192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207,
	208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223,
	224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239,
	240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255,
};

/* c, a byte (0 to 255), with A-Z lower-cased: one table read, where a
 * comparison's branch cost 3 to 4 instructions more a byte (issue 13). */
static inline int iamp_catalog_fold(int c)
{
	return iamp_catalog_fold_table[(unsigned char)c];
}

/* One more byte into a hash. */
static inline uint32_t iamp_catalog_hash_step(uint32_t h, char c)
{
	return (h ^ (uint32_t)iamp_catalog_fold((unsigned char)c)) * 16777619u;
}

/* FNV-1a over p[0..n), folded, continued from h. */
static inline uint32_t iamp_catalog_hash(uint32_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = iamp_catalog_hash_step(h, p[i]);
	return h;
}

/*
 * iamp_catalog_fold on each byte of a word at once. For a byte b below
 * 0x80, b + 0x3f reaches 0x80 exactly when b >= 'A' (0x41), and b + 0x25
 * when b > 'Z' (0x5a); neither sum passes 0xff, so no byte carries into
 * the next. A byte with its own high bit set (not ASCII) is left as is.
 * Where the three say "upper case", 0x80 >> 2 sets the byte's 0x20.
 */
static inline uint64_t iamp_catalog_fold8(uint64_t w)
{
	const uint64_t low7 = w & 0x7f7f7f7f7f7f7f7full;
	const uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3full;
	const uint64_t gt_z = low7 + 0x2525252525252525ull;

	return w | ((ge_a & ~gt_z & ~w & 0x8080808080808080ull) >> 2);
}

/* 8 bytes of p as a little-endian word, so that the generator and the
 * lookups agree whatever the host (one load where it is little-endian). */
static inline uint64_t iamp_catalog_word(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/* MurmurHash3's finalizer, to 32 bits. */
static inline uint32_t iamp_catalog_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h;
}

/*
 * The hash of an action's name, "service:Action", folded: FNV's
 * multiply over folded 64-bit words (the last one zero-padded, the
 * length first so that padding cannot make two names alike), then
 * MurmurHash3's finalizer, since a multiply moves a word's high bytes
 * only upward and the tables index by the low bits.
 */
static inline uint32_t iamp_catalog_name_hash(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull ^ n, w = 0;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8)
		h = (h ^ iamp_catalog_fold8(iamp_catalog_word(p + i))) * 0x100000001b3ull;
	if (i == n)
		return iamp_catalog_mix(h);
	if (n >= 8) {
		/* the last 8 bytes, shifted to keep the n - i not yet read */
		w = iamp_catalog_word(p + n - 8) >> (8 * (8 - (n - i)));
	} else {
		for (size_t k = 0; k < n; k++)
			w |= (uint64_t)(unsigned char)p[k] << (8 * k);
	}
	return iamp_catalog_mix((h ^ iamp_catalog_fold8(w)) * 0x100000001b3ull);
}

/* The generated tables; each *_mask is its slot count - 1. */
extern const uint32_t iamp_catalog_action_slots[];
extern const uint32_t iamp_catalog_action_mask;
extern const uint16_t iamp_catalog_service_slots[];
extern const uint32_t iamp_catalog_service_mask;
extern const uint16_t iamp_catalog_key_slots[];
extern const uint32_t iamp_catalog_key_mask;
extern const uint16_t iamp_catalog_template_slots[];
extern const uint32_t iamp_catalog_template_mask;
/* bit L of word L / 64: some template's literal prefix is L bytes long */
extern const uint64_t iamp_catalog_template_lengths[4];
/* Per resource type (index order), its ARN format split by
 * iamp_arn_split() (struct iamp_catalog_arn_split, catalog.h). */
extern const struct iamp_catalog_arn_split iamp_catalog_arn_splits[];
/* Per action (index order), the hash of its "service:name": a probe
 * compares the hashes first, and the names only when they agree. */
extern const uint32_t iamp_catalog_action_hashes[];

#endif
