/* fuzz_version_rpm.c — rpm version ordering: no crash, and a total order on any bytes. */
#include "fuzz_version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_version(KH_VERSION_RPM, data, size);
}
