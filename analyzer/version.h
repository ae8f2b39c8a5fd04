/* version.h - iamproof's version. */
#ifndef IAMP_VERSION_H
#define IAMP_VERSION_H

#define IAMP_VERSION_STRING "0.1.0"

#endif
