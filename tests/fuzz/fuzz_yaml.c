/*
 * fuzz_yaml.c - the YAML loader (load_yaml.c, over libyaml's events).
 *
 * Input: any bytes, read as a YAML policy file is read (the
 * configuration's reading, IAMP_LOAD_EMPTY_OK, is fuzz_config.c's).
 * Checks the tree (tree.h) and that a document without a root said why.
 */
#include <string.h>

#include "diag.h"
#include "error.h"
#include "load.h"
#include "fuzz.h"
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iamp_diags diags;
	struct iamp_document *doc = NULL;
	int rc;

	iamp_diags_init(&diags);
	rc = iamp_load_buffer(&doc, "fuzz.yaml", (const char *)data, size, IAMP_FORMAT_YAML, NULL,
			      &diags);
	FUZZ_OK(rc);
	if (rc == 0) {
		/* block mappings: a key's span starts the mapping, and a
		 * value may end after a parent's last mark */
		fuzz_check_document(doc, &diags, false);
		FUZZ_ASSERT(doc->root || diags.count);
	}
	iamp_document_free(doc);
	iamp_diags_clear(&diags);
	return 0;
}
