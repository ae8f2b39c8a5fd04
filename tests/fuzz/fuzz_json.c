/*
 * fuzz_json.c - the JSON loader (load_json.c).
 *
 * Input: any bytes, read as a JSON document. Checks the tree (tree.h) and
 * compares it with json-c's reading: a document our strict reader takes
 * without a diagnostic is valid JSON, so json-c must read it too, to the
 * same tree (kinds, array lengths, member names and strings; numbers by
 * kind only, since json-c keeps no text).
 */
#include <json-c/json.h>
#include <string.h>

#include "diag.h"
#include "error.h"
#include "load.h"
#include "fuzz.h"
#include "tree.h"

static void same_tree(const struct iamp_value *v, struct json_object *j)
{
	size_t i;

	switch (v->kind) {
	case IAMP_VALUE_NULL:
		FUZZ_ASSERT(j == NULL);
		break;
	case IAMP_VALUE_BOOL:
		FUZZ_ASSERT(json_object_is_type(j, json_type_boolean));
		FUZZ_ASSERT(json_object_get_boolean(j) == v->u.boolean);
		break;
	case IAMP_VALUE_NUMBER:
		FUZZ_ASSERT(json_object_is_type(j, json_type_int) ||
			    json_object_is_type(j, json_type_double));
		break;
	case IAMP_VALUE_STRING:
		FUZZ_ASSERT(json_object_is_type(j, json_type_string));
		FUZZ_ASSERT((size_t)json_object_get_string_len(j) == v->u.str.len);
		FUZZ_ASSERT(memcmp(json_object_get_string(j), v->u.str.text, v->u.str.len) == 0);
		break;
	case IAMP_VALUE_ARRAY:
		FUZZ_ASSERT(json_object_is_type(j, json_type_array));
		FUZZ_ASSERT(json_object_array_length(j) == v->u.array.count);
		for (i = 0; i < v->u.array.count; i++)
			same_tree(v->u.array.items[i], json_object_array_get_idx(j, i));
		break;
	case IAMP_VALUE_OBJECT:
		FUZZ_ASSERT(json_object_is_type(j, json_type_object));
		FUZZ_ASSERT((size_t)json_object_object_length(j) == v->u.object.count);
		for (i = 0; i < v->u.object.count; i++) {
			struct json_object *m = NULL;

			FUZZ_ASSERT(json_object_object_get_ex(j, v->u.object.members[i].key, &m));
			same_tree(v->u.object.members[i].value, m);
		}
		break;
	}
}

static void against_jsonc(const struct iamp_document *doc)
{
	struct json_tokener *tok = json_tokener_new_ex(128);
	struct json_object *j;

	if (!tok)
		return;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	/* with the NUL: json-c waits for more after a number otherwise */
	j = json_tokener_parse_ex(tok, doc->text, (int)doc->len + 1);
	FUZZ_ASSERT(json_tokener_get_error(tok) == json_tokener_success);
	FUZZ_ASSERT(tok->char_offset == (int)doc->len || doc->text[tok->char_offset] == ' ' ||
		    doc->text[tok->char_offset] == '\n' || doc->text[tok->char_offset] == '\t' ||
		    doc->text[tok->char_offset] == '\r');
	same_tree(doc->root, j);
	json_object_put(j);
	json_tokener_free(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iamp_diags diags;
	struct iamp_document *doc = NULL;
	int rc;

	iamp_diags_init(&diags);
	rc = iamp_load_buffer(&doc, "fuzz.json", (const char *)data, size, IAMP_FORMAT_JSON, NULL,
			      &diags);
	FUZZ_OK(rc);
	if (rc == 0) {
		fuzz_check_document(doc, &diags, true);
		FUZZ_ASSERT(doc->root || diags.count);
		/* no BOM (json-c reads none), small enough for json-c's int */
		if (doc->root && diags.count == 0 && !diags.oom && doc->len < (1u << 20) &&
		    !(doc->len >= 3 && memcmp(doc->text, "\xEF\xBB\xBF", 3) == 0))
			against_jsonc(doc);
	}
	iamp_document_free(doc);
	iamp_diags_clear(&diags);
	return 0;
}
