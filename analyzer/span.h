/*
 * span.h - source positions.
 *
 * Every value, AST node and diagnostic carries a span. Lines and columns
 * count from 1; a column counts Unicode code points (a tab is one column,
 * as is a multi-byte UTF-8 character), matching SARIF's
 * "unicodeCodePoints" column kind. `offset` is a byte offset from the
 * start of the file. `end` is exclusive: it is the position just after the
 * last character of the node.
 */
#ifndef IAMP_SPAN_H
#define IAMP_SPAN_H

#include <stdint.h>

struct iamp_pos {
	uint32_t line;
	uint32_t col;
	uint32_t offset;
};

struct iamp_span {
	struct iamp_pos start;
	struct iamp_pos end;
};

#endif
