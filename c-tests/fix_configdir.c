/*
 * fix_configdir: taos_options(TSDB_OPTION_CONFIGDIR) is read once, like native libtaos
 * (taos_init / the first connect). Before that the last call wins; afterwards a call
 * returns 0, changes nothing (host-less connects keep going to the first config's
 * adapterList) and leaves a debug line in the log.
 */
#include <errno.h>
#include <sys/stat.h>

#include "testutil.h"

/* Makes a fresh directory holding taos.cfg with `body`; returns 0 on success. */
static int make_cfg_dir(char *dir, size_t cap, const char *tag, const char *body) {
  snprintf(dir, cap, "%s/fix_configdir_%s_%ld", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", tag, (long)getpid());
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) return -1;
  char path[512];
  snprintf(path, sizeof path, "%s/taos.cfg", dir);
  FILE *f = fopen(path, "w");
  if (f == NULL) return -1;
  fputs(body, f);
  fclose(f);
  return 0;
}

static void remove_cfg_dir(const char *dir) {
  char path[512];
  snprintf(path, sizeof path, "%s/taos.cfg", dir);
  unlink(path);
  snprintf(path, sizeof path, "%s/taoslog", dir);
  unlink(path);
  rmdir(dir);
}

/* Connects without host or port: the target comes from the configuration. */
static TAOS *connect_from_config(void) { return taos_connect(NULL, "root", "taosdata", NULL, 0); }

/* True when `file` contains `needle`. */
static int file_contains(const char *file, const char *needle) {
  FILE *f = fopen(file, "r");
  if (f == NULL) return 0;
  char line[1024];
  int found = 0;
  while (!found && fgets(line, sizeof line, f) != NULL) found = strstr(line, needle) != NULL;
  fclose(f);
  return found;
}

int main(void) {
  /* The runner's environment must not decide where the config comes from. */
  unsetenv("TAOS_CONFIG_DIR");
  unsetenv("TAOS_ADAPTER_LIST");
  unsetenv("TAOS_FIRST_EP");
  unsetenv("TAOS_DEBUG_FLAG");
  unsetenv("TAOS_LOG_DIR");

  char good[256], bad[256], body[512];
  snprintf(body, sizeof body, "adapterList %s:%u\n", test_host(), test_port());
  CHECK_INT_EQ(make_cfg_dir(good, sizeof good, "good", body), 0);
  /* The good directory also turns on debug logging into itself. */
  snprintf(body, sizeof body, "adapterList %s:%u\ndebugFlag 135\nlogDir %s\n", test_host(), test_port(), good);
  CHECK_INT_EQ(make_cfg_dir(good, sizeof good, "good", body), 0);
  /* Port 1 on loopback: nothing listens there, a connect through it fails. */
  CHECK_INT_EQ(make_cfg_dir(bad, sizeof bad, "bad", "adapterList 127.0.0.1:1\n"), 0);

  /* Before the first use the last call wins: bad, then good. */
  CHECK_INT_EQ(taos_options(TSDB_OPTION_CONFIGDIR, bad), 0);
  CHECK_INT_EQ(taos_options(TSDB_OPTION_CONFIGDIR, good), 0);
  TAOS *t1 = connect_from_config();
  CHECK_MSG(t1 != NULL, "host-less connect through %s failed: 0x%08x %s", good, (unsigned)taos_errno(NULL),
            taos_errstr(NULL));

  /* After it: accepted, but later host-less connects still use the first config. */
  CHECK_INT_EQ(taos_options(TSDB_OPTION_CONFIGDIR, bad), 0);
  TAOS *t2 = connect_from_config();
  CHECK_MSG(t2 != NULL, "connect after a late CONFIGDIR change failed: 0x%08x %s", (unsigned)taos_errno(NULL),
            taos_errstr(NULL));
  if (t2 != NULL) {
    TAOS_RES *res = taos_query(t2, "SELECT server_version()");
    CHECK_INT_EQ(taos_errno(res), 0);
    taos_free_result(res);
  }
  /* Also a directory that does not exist: still 0, still no effect. */
  CHECK_INT_EQ(taos_options(TSDB_OPTION_CONFIGDIR, "/nonexistent/fix_configdir"), 0);
  TAOS *t3 = connect_from_config();
  CHECK_NOT_NULL(t3);

  /* The ignored change is logged (debugFlag 135 = debug, logDir = the good directory). */
  char log[512];
  snprintf(log, sizeof log, "%s/taoslog", good);
  CHECK_MSG(file_contains(log, "ignored"), "no 'ignored' line in %s", log);

  taos_close(t1);
  taos_close(t2);
  taos_close(t3);
  remove_cfg_dir(good);
  remove_cfg_dir(bad);
  return test_finish("fix_configdir");
}
