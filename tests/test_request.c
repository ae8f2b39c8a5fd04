/*
 * test_request.c - simulate's light request reader (iamp_request_parse,
 * context.c) against the loader and iamp_request_from_value: a request in
 * the light form must come out field for field as the loader reads it;
 * anything else must be left to the loader (1), never read differently.
 */
#include <check.h>
#include <string.h>

#include "arena.h"
#include "context.h"
#include "diag.h"
#include "error.h"
#include "load.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define R(ctx) "{\"principal\":\"arn:aws:iam::111122223333:user/a\",\"action\":\"s3:GetObject\"," \
	       "\"resource\":\"arn:aws:s3:::b/k\"" ctx "}"

struct rcase {
	const char *text;
	bool light; /* read by the light reader (else left to the loader) */
};

static const struct rcase cases[] = {
	{ R(""), true },
	{ R(",\"context\":{}"), true },
	{ R(",\"context\":{\"aws:RequestedRegion\":\"us-east-1\",\"aws:SecureTransport\":true}"), true },
	{ R(",\"context\":{\"a:b\":false,\"a:n\":-12.5e+3,\"a:z\":0,\"a:l\":[\"x\",1,true],\"a:e\":[]}"), true },
	{ R(",\"context\":{\"a:null\":null,\"a:k\":\"v\"}"), true },
	{ R(",\"context\":{\"a:null\":null}"), true },
	{ " \t{ \"context\" : { \"a:k\" : [ \"v\" , \"w\" ] } , \"resource\" : \"r:x\" ,"
	  " \"action\" : \"s3:x\" , \"principal\" : \"*\" } \r ", true },
	{ "{\"action\":\"s3:x\",\"principal\":\"p\",\"resource\":\"r\",\"context\":{\"k\":1E2}}", true },
	/* left to the loader: what it reads differently or rejects */
	{ R(",\"context\":{\"a:k\":\"\\u0041\"}"), false },       /* an escape */
	{ R(",\"context\":{\"a:k\":\"caf\xc3\xa9\"}"), false },   /* non-ASCII */
	{ R(",\"context\":{\"a:k\":\"\xff\"}"), false },          /* invalid UTF-8 */
	{ R(",\"context\":{\"a:k\":\"v\",\"A:K\":\"w\"}"), false }, /* a key twice */
	{ R(",\"context\":{\"a:k\":null,\"a:k\":\"w\"}"), false },
	{ R(",\"context\":{\"a:k\":01}"), false },
	{ R(",\"context\":{\"a:k\":1.}"), false },
	{ R(",\"context\":{\"a:k\":-}"), false },
	{ R(",\"context\":{\"a:k\":truex}"), false },
	{ R(",\"context\":{\"a:k\":{\"x\":1}}"), false },
	{ R(",\"context\":{\"a:k\":[null]}"), false },
	{ R(",\"context\":{\"a:k\":[[1]]}"), false },
	{ R(",\"context\":[]"), false },
	{ R(",\"context\":{\"a:k\":\"v\",}"), false },            /* a trailing comma */
	{ R(",\"context\":{\"a:k\" \"v\"}"), false },
	{ R(",\"extra\":1"), false },
	{ R(",\"action\":\"s3:x\""), false },                      /* a field twice */
	{ R("") " x", false },
	{ R("") "{}", false },
	{ "{\"principal\":\"\",\"action\":\"s3:x\",\"resource\":\"r\"}", false },
	{ "{\"principal\":\"p\",\"action\":\"s3x\",\"resource\":\"r\"}", false },
	{ "{\"principal\":\"p\",\"action\":\"s3:x\"}", false },
	{ "{\"principal\":1,\"action\":\"s3:x\",\"resource\":\"r\"}", false },
	{ "[]", false },
	{ "", false },
	{ "{", false },
	{ "\xef\xbb\xbf{}", false },
	{ "{\"principal\":\"p\",\"action\":\"s3:x\",\"resource\":\"r\t\"}", false },
	{ "{\"principal\":\"p\",\"action\":\"s3:x\",\"resource\":\"r", false },
};

static void same_request(const struct iamp_request *a, const struct iamp_request *b, const char *text)
{
	ck_assert_msg(a->principal_len == b->principal_len &&
		      memcmp(a->principal, b->principal, a->principal_len) == 0, "principal: %s", text);
	ck_assert_msg(a->action_len == b->action_len &&
		      memcmp(a->action, b->action, a->action_len) == 0, "action: %s", text);
	ck_assert_msg(a->resource_len == b->resource_len &&
		      memcmp(a->resource, b->resource, a->resource_len) == 0, "resource: %s", text);
	ck_assert_msg(a->key_count == b->key_count, "key count %zu, loader %zu: %s", a->key_count,
		      b->key_count, text);
	for (size_t i = 0; i < a->key_count; i++) {
		const struct iamp_ctx_key *x = &a->keys[i], *y = &b->keys[i];

		ck_assert_msg(x->name_len == y->name_len && memcmp(x->name, y->name, x->name_len) == 0,
			      "key %zu: %s", i, text);
		ck_assert_msg(x->count == y->count && x->multi == y->multi, "key %zu: %s", i, text);
		for (size_t j = 0; j < x->count; j++)
			ck_assert_msg(x->values[j].len == y->values[j].len &&
				      memcmp(x->values[j].text, y->values[j].text, x->values[j].len) == 0,
				      "key %zu value %zu: %s", i, j, text);
	}
}

START_TEST(light_as_loader)
{
	const struct rcase *c = &cases[_i];
	struct iamp_limits limits;
	struct iamp_arena *a = iamp_arena_new(), *b = iamp_arena_new();
	struct iamp_request light, full;
	struct iamp_diags diags;
	struct iamp_document *doc = NULL;
	int rc;

	iamp_limits_default(&limits);
	iamp_diags_init(&diags);
	rc = iamp_request_parse(&light, a, c->text, strlen(c->text), &limits);
	ck_assert_msg(rc == (c->light ? 0 : 1), "light reader gave %d: %s", rc, c->text);
	ck_assert_int_eq(iamp_load_buffer(&doc, "r", c->text, strlen(c->text), IAMP_FORMAT_JSON, &limits,
					  &diags), 0);
	if (c->light) {
		ck_assert_msg(diags.count == 0, "the loader rejects %s", c->text);
		ck_assert_int_eq(iamp_request_from_value(&full, b, doc->root), 0);
		same_request(&light, &full, c->text);
	}
	iamp_document_free(doc);
	iamp_diags_clear(&diags);
	iamp_arena_free(a);
	iamp_arena_free(b);
}
END_TEST

/* The loader's caps hold on the light path: a string over the string cap,
 * a text over the size cap are the loader's to refuse. */
START_TEST(light_caps)
{
	const char *text = R(",\"context\":{\"a:k\":\"0123456789\"}");
	struct iamp_limits limits;
	struct iamp_arena *a = iamp_arena_new();
	struct iamp_request req;

	iamp_limits_default(&limits);
	ck_assert_int_eq(iamp_request_parse(&req, a, text, strlen(text), &limits), 0);
	limits.max_string_bytes = 9;
	ck_assert_int_eq(iamp_request_parse(&req, a, text, strlen(text), &limits), 1);
	iamp_limits_default(&limits);
	limits.max_file_bytes = strlen(text) - 1;
	ck_assert_int_eq(iamp_request_parse(&req, a, text, strlen(text), &limits), 1);
	iamp_arena_free(a);
}
END_TEST

/* One arena, reset per request, as simulate reuses it: what was read
 * before is gone, and the next request reads as it would alone. */
START_TEST(arena_reused)
{
	const char *one = R(",\"context\":{\"a:k\":[\"x\",\"y\"]}");
	const char *two = R(",\"context\":{\"b:k\":\"z\"}");
	struct iamp_limits limits;
	struct iamp_arena *a = iamp_arena_new();
	struct iamp_request req;

	iamp_limits_default(&limits);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(iamp_request_parse(&req, a, one, strlen(one), &limits), 0);
		ck_assert_uint_eq(req.key_count, 1);
		ck_assert_uint_eq(req.keys[0].count, 2);
		ck_assert_uint_gt(iamp_arena_used(a), 0);
		iamp_arena_reset(a);
		ck_assert_uint_eq(iamp_arena_used(a), 0);
		ck_assert_int_eq(iamp_request_parse(&req, a, two, strlen(two), &limits), 0);
		ck_assert_uint_eq(req.keys[0].count, 1);
		ck_assert_int_eq(memcmp(req.keys[0].values[0].text, "z", 1), 0);
		/* a block bigger than a chunk, then a reset */
		ck_assert_ptr_nonnull(iamp_arena_alloc(a, 1 << 20));
		iamp_arena_reset(a);
	}
	iamp_arena_free(a);
}
END_TEST

Suite *suite_request(void)
{
	Suite *s = suite_create("request");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, light_as_loader, 0, N(cases));
	tcase_add_test(tc, light_caps);
	tcase_add_test(tc, arena_reused);
	suite_add_tcase(s, tc);
	return s;
}
