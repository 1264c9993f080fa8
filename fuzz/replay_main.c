/*
 * replay_main.c — runs a libFuzzer harness over every file of a corpus
 * directory (or the files given), so `make test` replays every seed and
 * every past finding without clang.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t size = 0, cap = 0, n;
	uint8_t chunk[65536];

	if (f == NULL) {
		perror(path);
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (size + n > cap) {
			cap = (size + n) * 2;
			data = realloc(data, cap);
			if (data == NULL) {
				fclose(f);
				return -1;
			}
		}
		memcpy(data + size, chunk, n);
		size += n;
	}
	fclose(f);
	/* An exact-size copy, so ASan catches a read one byte past the input. */
	uint8_t *exact = malloc(size ? size : 1);
	if (exact == NULL) {
		free(data);
		return -1;
	}
	if (size > 0)
		memcpy(exact, data, size);
	free(data);
	LLVMFuzzerTestOneInput(exact, size);
	free(exact);
	return 0;
}

int
main(int argc, char **argv)
{
	int n_files = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *dir;
		struct dirent *de;

		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (replay_file(argv[i]) != 0)
				return 1;
			n_files++;
			continue;
		}
		if ((dir = opendir(argv[i])) == NULL) {
			perror(argv[i]);
			return 1;
		}
		while ((de = readdir(dir)) != NULL) {
			char path[4096];
			if (de->d_name[0] == '.')
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name) >=
			    (int)sizeof(path))
				continue;
			if (replay_file(path) != 0) {
				closedir(dir);
				return 1;
			}
			n_files++;
		}
		closedir(dir);
	}
	printf("replayed %d inputs\n", n_files);
	return n_files > 0 ? 0 : 1;
}
