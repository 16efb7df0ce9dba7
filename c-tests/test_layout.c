/*
 * Layout and constant check of include/taos.h and include/taoserror.h against the numbers of
 * TDengine's C ABI (shared/abi.md §2, §3; x86_64 Linux). No server and no library needed.
 *
 *   gcc -std=c11 -Wall -Wextra -Werror -Iinclude c-tests/test_layout.c -o test_layout && ./test_layout
 *   g++ -x c++ -Wall -Iinclude c-tests/test_layout.c -o test_layout_cpp && ./test_layout_cpp
 *
 * Prints every mismatch and exits 1 if there was one.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "taos.h"
#include "taoserror.h"
#include "taos.h" /* the include guard makes a second inclusion harmless */

static int failures = 0;
static int checks = 0;

static void check(const char *what, long long got, long long want) {
  checks++;
  if (got != want) {
    failures++;
    printf("FAIL %s = %lld, expected %lld\n", what, got, want);
  }
}

#define SIZE(T, n) check("sizeof(" #T ")", (long long)sizeof(T), n)
#define OFF(T, f, n) check("offsetof(" #T ", " #f ")", (long long)offsetof(T, f), n)
#define VAL(c, n) check(#c, (long long)(c), n)

/* Tags and typedef shapes cgo code names (abi.md Checklist 14). */
static struct taosField *tag_field;
static struct TAOS_FIELD_E *tag_field_e;
static struct TAOS_FIELD_ALL *tag_field_all;
static struct setConfRet *tag_conf_ret;
static struct tmq_raw_data *tag_raw;
static struct tmq_conf_t *tag_conf;
static tmq_commit_cb *commit_cb_ptr; /* a function type: pointers to it are declared this way */

static void on_commit(tmq_t *tmq, int32_t code, void *param) {
  (void)tmq;
  (void)code;
  (void)param;
}

/* Function pointer types with the exact callback signatures. */
static void on_async(void *param, TAOS_RES *res, int code) {
  (void)param;
  (void)res;
  (void)code;
}

int main(void) {
  /* ---- structs (abi.md §2.3) ---- */
  SIZE(TAOS_FIELD, 72);
  OFF(TAOS_FIELD, name, 0);
  OFF(TAOS_FIELD, type, 65);
  OFF(TAOS_FIELD, bytes, 68);

  SIZE(TAOS_FIELD_E, 72);
  OFF(TAOS_FIELD_E, type, 65);
  OFF(TAOS_FIELD_E, precision, 66);
  OFF(TAOS_FIELD_E, scale, 67);
  OFF(TAOS_FIELD_E, bytes, 68);

  SIZE(TAOS_FIELD_ALL, 76);
  OFF(TAOS_FIELD_ALL, type, 65);
  OFF(TAOS_FIELD_ALL, precision, 66);
  OFF(TAOS_FIELD_ALL, scale, 67);
  OFF(TAOS_FIELD_ALL, bytes, 68);
  OFF(TAOS_FIELD_ALL, field_type, 72);
  SIZE(((TAOS_FIELD_ALL *)0)->field_type, 1);

  SIZE(TAOS_MULTI_BIND, 48);
  OFF(TAOS_MULTI_BIND, buffer_type, 0);
  OFF(TAOS_MULTI_BIND, buffer, 8);
  OFF(TAOS_MULTI_BIND, buffer_length, 16);
  OFF(TAOS_MULTI_BIND, length, 24);
  OFF(TAOS_MULTI_BIND, is_null, 32);
  OFF(TAOS_MULTI_BIND, num, 40);

  SIZE(TAOS_STMT_OPTIONS, 16);
  OFF(TAOS_STMT_OPTIONS, reqId, 0);
  OFF(TAOS_STMT_OPTIONS, singleStbInsert, 8);
  OFF(TAOS_STMT_OPTIONS, singleTableBindOnce, 9);

  SIZE(TAOS_STMT2_OPTION, 32);
  OFF(TAOS_STMT2_OPTION, reqid, 0);
  OFF(TAOS_STMT2_OPTION, singleStbInsert, 8);
  OFF(TAOS_STMT2_OPTION, singleTableBindOnce, 9);
  OFF(TAOS_STMT2_OPTION, asyncExecFn, 16);
  OFF(TAOS_STMT2_OPTION, userdata, 24);

  SIZE(TAOS_STMT2_BIND, 40);
  OFF(TAOS_STMT2_BIND, buffer_type, 0);
  OFF(TAOS_STMT2_BIND, buffer, 8);
  OFF(TAOS_STMT2_BIND, length, 16);
  OFF(TAOS_STMT2_BIND, is_null, 24);
  OFF(TAOS_STMT2_BIND, num, 32);

  SIZE(TAOS_STMT2_BINDV, 32);
  OFF(TAOS_STMT2_BINDV, count, 0);
  OFF(TAOS_STMT2_BINDV, tbnames, 8);
  OFF(TAOS_STMT2_BINDV, tags, 16);
  OFF(TAOS_STMT2_BINDV, bind_cols, 24);

  SIZE(setConfRet, 1028);
  OFF(setConfRet, retCode, 0);
  OFF(setConfRet, retMsg, 4);

  SIZE(TAOS_VGROUP_HASH_INFO, 12);
  OFF(TAOS_VGROUP_HASH_INFO, hashBegin, 4);
  OFF(TAOS_VGROUP_HASH_INFO, hashEnd, 8);

  SIZE(TAOS_DB_ROUTE_INFO, 24);
  OFF(TAOS_DB_ROUTE_INFO, hashPrefix, 4);
  OFF(TAOS_DB_ROUTE_INFO, hashSuffix, 6);
  OFF(TAOS_DB_ROUTE_INFO, hashMethod, 8);
  OFF(TAOS_DB_ROUTE_INFO, vgNum, 12);
  OFF(TAOS_DB_ROUTE_INFO, vgHash, 16);

  SIZE(tmq_topic_assignment, 32);
  OFF(tmq_topic_assignment, vgId, 0);
  OFF(tmq_topic_assignment, currentOffset, 8);
  OFF(tmq_topic_assignment, begin, 16);
  OFF(tmq_topic_assignment, end, 24);

  SIZE(tmq_raw_data, 16);
  OFF(tmq_raw_data, raw, 0);
  OFF(tmq_raw_data, raw_len, 8);
  OFF(tmq_raw_data, raw_type, 12);

  SIZE(OPTIONS, 4104);
  OFF(OPTIONS, keys, 0);
  OFF(OPTIONS, values, 2048);
  OFF(OPTIONS, count, 4096);

  /* ---- enum typedefs are int-sized (abi.md §2.4) ---- */
  SIZE(TSDB_OPTION, 4);
  SIZE(TSDB_OPTION_CONNECTION, 4);
  SIZE(TSDB_CONNECTION_INFO, 4);
  SIZE(TSDB_SML_PROTOCOL_TYPE, 4);
  SIZE(TSDB_SML_TIMESTAMP_TYPE, 4);
  SIZE(TAOS_FIELD_T, 4);
  SIZE(SET_CONF_RET_CODE, 4);
  SIZE(TAOS_NOTIFY_TYPE, 4);
  SIZE(TAOS_CONN_MODE, 4);
  SIZE(tmq_conf_res_t, 4);
  SIZE(tmq_res_t, 4);
  SIZE(TSDB_SERVER_STATUS, 4);
  SIZE(TAOS_ROW, 8);
  SIZE(__taos_async_fn_t, 8);

  /* ---- data types (abi.md §3.1) ---- */
  VAL(TSDB_DATA_TYPE_NULL, 0);
  VAL(TSDB_DATA_TYPE_BOOL, 1);
  VAL(TSDB_DATA_TYPE_TINYINT, 2);
  VAL(TSDB_DATA_TYPE_SMALLINT, 3);
  VAL(TSDB_DATA_TYPE_INT, 4);
  VAL(TSDB_DATA_TYPE_BIGINT, 5);
  VAL(TSDB_DATA_TYPE_FLOAT, 6);
  VAL(TSDB_DATA_TYPE_DOUBLE, 7);
  VAL(TSDB_DATA_TYPE_VARCHAR, 8);
  VAL(TSDB_DATA_TYPE_BINARY, 8);
  VAL(TSDB_DATA_TYPE_TIMESTAMP, 9);
  VAL(TSDB_DATA_TYPE_NCHAR, 10);
  VAL(TSDB_DATA_TYPE_UTINYINT, 11);
  VAL(TSDB_DATA_TYPE_USMALLINT, 12);
  VAL(TSDB_DATA_TYPE_UINT, 13);
  VAL(TSDB_DATA_TYPE_UBIGINT, 14);
  VAL(TSDB_DATA_TYPE_JSON, 15);
  VAL(TSDB_DATA_TYPE_VARBINARY, 16);
  VAL(TSDB_DATA_TYPE_DECIMAL, 17);
  VAL(TSDB_DATA_TYPE_BLOB, 18);
  VAL(TSDB_DATA_TYPE_MEDIUMBLOB, 19);
  VAL(TSDB_DATA_TYPE_GEOMETRY, 20);
  VAL(TSDB_DATA_TYPE_DECIMAL64, 21);
  VAL(TSDB_DATA_TYPE_MAX, 22);
  VAL(TSDB_TIME_PRECISION_MILLI, 0);
  VAL(TSDB_TIME_PRECISION_MICRO, 1);
  VAL(TSDB_TIME_PRECISION_NANO, 2);
  VAL(RET_MSG_LENGTH, 1024);

  /* ---- enums (abi.md §2.4, newest values) ---- */
  VAL(TSDB_OPTION_LOCALE, 0);
  VAL(TSDB_OPTION_CHARSET, 1);
  VAL(TSDB_OPTION_TIMEZONE, 2);
  VAL(TSDB_OPTION_CONFIGDIR, 3);
  VAL(TSDB_OPTION_SHELL_ACTIVITY_TIMER, 4);
  VAL(TSDB_OPTION_USE_ADAPTER, 5);
  VAL(TSDB_OPTION_DRIVER, 6);
  VAL(TSDB_MAX_OPTIONS, 7);
  VAL(TSDB_OPTION_CONNECTION_CLEAR, -1);
  VAL(TSDB_OPTION_CONNECTION_CHARSET, 0);
  VAL(TSDB_OPTION_CONNECTION_TIMEZONE, 1);
  VAL(TSDB_OPTION_CONNECTION_USER_IP, 2);
  VAL(TSDB_OPTION_CONNECTION_USER_APP, 3);
  VAL(TSDB_OPTION_CONNECTION_CONNECTOR_INFO, 4);
  VAL(TSDB_MAX_OPTIONS_CONNECTION, 5);
  VAL(TSDB_CONNECTION_INFO_USER, 0);
  VAL(TSDB_CONNECTION_INFO_TOKEN, 1);
  VAL(TSDB_MAX_CONNECTION_INFO, 2);
  VAL(TSDB_SML_UNKNOWN_PROTOCOL, 0);
  VAL(TSDB_SML_LINE_PROTOCOL, 1);
  VAL(TSDB_SML_TELNET_PROTOCOL, 2);
  VAL(TSDB_SML_JSON_PROTOCOL, 3);
  VAL(TSDB_SML_TIMESTAMP_NOT_CONFIGURED, 0);
  VAL(TSDB_SML_TIMESTAMP_HOURS, 1);
  VAL(TSDB_SML_TIMESTAMP_MINUTES, 2);
  VAL(TSDB_SML_TIMESTAMP_SECONDS, 3);
  VAL(TSDB_SML_TIMESTAMP_MILLI_SECONDS, 4);
  VAL(TSDB_SML_TIMESTAMP_MICRO_SECONDS, 5);
  VAL(TSDB_SML_TIMESTAMP_NANO_SECONDS, 6);
  VAL(TAOS_FIELD_COL, 1);
  VAL(TAOS_FIELD_TAG, 2);
  VAL(TAOS_FIELD_QUERY, 3);
  VAL(TAOS_FIELD_TBNAME, 4);
  VAL(SET_CONF_RET_SUCC, 0);
  VAL(SET_CONF_RET_ERR_PART, -1);
  VAL(SET_CONF_RET_ERR_INNER, -2);
  VAL(SET_CONF_RET_ERR_JSON_INVALID, -3);
  VAL(SET_CONF_RET_ERR_JSON_PARSE, -4);
  VAL(SET_CONF_RET_ERR_ONLY_ONCE, -5);
  VAL(SET_CONF_RET_ERR_TOO_LONG, -6);
  VAL(TAOS_NOTIFY_PASSVER, 0);
  VAL(TAOS_NOTIFY_WHITELIST_VER, 1);
  VAL(TAOS_NOTIFY_USER_DROPPED, 2);
  VAL(TAOS_CONN_MODE_BI, 0);
  VAL(TMQ_CONF_UNKNOWN, -2);
  VAL(TMQ_CONF_INVALID, -1);
  VAL(TMQ_CONF_OK, 0);
  VAL(TMQ_RES_INVALID, -1);
  VAL(TMQ_RES_DATA, 1);
  VAL(TMQ_RES_TABLE_META, 2);
  VAL(TMQ_RES_METADATA, 3);
  VAL(TMQ_RES_RAWDATA, 4);
  VAL(TSDB_SRV_STATUS_UNAVAILABLE, 0);
  VAL(TSDB_SRV_STATUS_NETWORK_OK, 1);
  VAL(TSDB_SRV_STATUS_SERVICE_OK, 2);
  VAL(TSDB_SRV_STATUS_SERVICE_DEGRADED, 3);
  VAL(TSDB_SRV_STATUS_EXTING, 4);

  /* ---- error codes (abi.md §3.3): negative int32 0x8000xxxx ---- */
  VAL(TSDB_CODE_SUCCESS, 0);
  VAL(TSDB_CODE_FAILED, -1);
  VAL(TSDB_CODE_OPS_NOT_SUPPORT, (int32_t)0x80000100u);
  VAL(TSDB_CODE_INVALID_PARA, (int32_t)0x80000118u);
  VAL(TSDB_CODE_RPC_NETWORK_UNAVAIL, (int32_t)0x8000000Bu);
  VAL(TSDB_CODE_OUT_OF_MEMORY, (int32_t)0x80000102u);
  VAL(TSDB_CODE_DLL_NOT_LOAD, (int32_t)0x8000010Bu);
  VAL(TSDB_CODE_REPEAT_INIT, (int32_t)0x80000123u);
  VAL(TSDB_CODE_TSC_INVALID_OPERATION, (int32_t)0x80000200u);
  VAL(TSDB_CODE_TSC_INVALID_CONNECTION, (int32_t)0x8000020Bu);
  VAL(TSDB_CODE_TSC_SQL_SYNTAX_ERROR, (int32_t)0x80000216u);
  VAL(TSDB_CODE_MND_AUTH_FAILURE, (int32_t)0x80000357u);
  VAL(TSDB_CODE_MND_DB_NOT_EXIST, (int32_t)0x80000388u);
  VAL(TSDB_CODE_PAR_SYNTAX_ERROR, (int32_t)0x80002600u);
  VAL(TSDB_CODE_PAR_TABLE_NOT_EXIST, (int32_t)0x80002603u);
  VAL(TSDB_CODE_SML_INVALID_DATA, (int32_t)0x80003002u);
  VAL(TSDB_CODE_TMQ_INVALID_MSG, (int32_t)0x80004000u);
  VAL(TSDB_CODE_TMQ_CONSUMER_CLOSED, (int32_t)0x80004002u);
  VAL(TAOS_DEF_ERROR_CODE(0, 0x0100), (int32_t)0x80000100u);
  VAL(TAOS_SUCCEEDED(TSDB_CODE_OPS_NOT_SUPPORT), 0);
  VAL(TAOS_SUCCEEDED(TSDB_CODE_SUCCESS), 1);
  /* error codes are constant expressions usable in switch labels */
  switch ((int32_t)0x80000100u) {
    case TSDB_CODE_OPS_NOT_SUPPORT:
      break;
    default:
      check("switch on TSDB_CODE_OPS_NOT_SUPPORT", 0, 1);
  }

  /* ---- typedef shapes ---- */
  commit_cb_ptr = on_commit;
  {
    __taos_async_fn_t fn = on_async;
    TAOS_STMT2_OPTION opt = {0, false, false, fn, NULL}; /* positional init as driver-go does */
    check("TAOS_STMT2_OPTION positional init", opt.asyncExecFn == on_async, 1);
  }
  (void)tag_field;
  (void)tag_field_e;
  (void)tag_field_all;
  (void)tag_conf_ret;
  (void)tag_raw;
  (void)tag_conf;

  printf("test_layout: %d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
