/* Loads the library under the file name libtaosws.so (as TDengine's dispatcher libtaos.so does)
 * and resolves every name listed in the symbol file. usage: dlopen_taosws <lib path> <symbols> */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <libtaosws.so> <symbols.txt>\n", argv[0]);
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "dlopen %s: %s\n", argv[1], dlerror());
    return 1;
  }
  FILE *f = fopen(argv[2], "r");
  if (!f) {
    perror(argv[2]);
    return 2;
  }
  char line[256];
  int found = 0, missing = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, " \t\r\n#")] = 0;
    if (!line[0]) continue;
    if (dlsym(lib, line)) {
      found++;
    } else {
      printf("missing: %s\n", line);
      missing++;
    }
  }
  fclose(f);
  /* A call through the loaded copy: the client version is a 3.x string. */
  const char *(*info)(void) = (const char *(*)(void))dlsym(lib, "taos_get_client_info");
  const char *v = info ? info() : NULL;
  printf("resolved %d names, %d missing; client info %s\n", found, missing, v ? v : "(null)");
  return (missing == 0 && v && v[0] == '3') ? 0 : 1;
}
