/* fuzz_version_apk.c — apk version ordering: no crash, and a total order on any bytes. */
#include "fuzz_version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_version(KH_VERSION_APK, data, size);
}
