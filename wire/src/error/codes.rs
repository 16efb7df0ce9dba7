//! `TSDB_CODE_*` constants: full negative libtaos codes, named and numbered as in TDengine's
//! `include/util/taoserror.h`, with their texts from `source/util/src/terror.c`. `WS_*` are the
//! codes of taosAdapter (0xFFFD..0xFFFF) and of the official WebSocket client (0xE000..), which
//! never come from taosd.

/// Success.
pub const TSDB_CODE_SUCCESS: i32 = 0;
/// Generic failure (-1).
pub const TSDB_CODE_FAILED: i32 = -1;
/// 0x80000003: Authentication failure
pub const TSDB_CODE_RPC_AUTH_FAILURE: i32 = 0x80000003_u32 as i32;
/// 0x8000000b: Unable to establish connection
pub const TSDB_CODE_RPC_NETWORK_UNAVAIL: i32 = 0x8000000B_u32 as i32;
/// 0x80000013: Client and server's time is not synchronized
pub const TSDB_CODE_TIME_UNSYNCED: i32 = 0x80000013_u32 as i32;
/// 0x80000015: Unable to resolve FQDN
pub const TSDB_CODE_RPC_FQDN_ERROR: i32 = 0x80000015_u32 as i32;
/// 0x80000017: Port already in use
pub const TSDB_CODE_RPC_PORT_EADDRINUSE: i32 = 0x80000017_u32 as i32;
/// 0x80000018: Conn is broken
pub const TSDB_CODE_RPC_BROKEN_LINK: i32 = 0x80000018_u32 as i32;
/// 0x80000019: Conn read timeout
pub const TSDB_CODE_RPC_TIMEOUT: i32 = 0x80000019_u32 as i32;
/// 0x80000020: some vnode/qnode/mnode(s) out of service
pub const TSDB_CODE_RPC_SOMENODE_NOT_CONNECTED: i32 = 0x80000020_u32 as i32;
/// 0x80000021: some vnode/qnode/mnode(s) conn is broken
pub const TSDB_CODE_RPC_SOMENODE_BROKEN_LINK: i32 = 0x80000021_u32 as i32;
/// 0x80000022: rpc open too many session
pub const TSDB_CODE_RPC_MAX_SESSIONS: i32 = 0x80000022_u32 as i32;
/// 0x80000023: rpc network error
pub const TSDB_CODE_RPC_NETWORK_ERROR: i32 = 0x80000023_u32 as i32;
/// 0x80000024: rpc network busy
pub const TSDB_CODE_RPC_NETWORK_BUSY: i32 = 0x80000024_u32 as i32;
/// 0x80000026: rpc module already quit
pub const TSDB_CODE_RPC_MODULE_QUIT: i32 = 0x80000026_u32 as i32;
/// 0x80000027: rpc async module already quit
pub const TSDB_CODE_RPC_ASYNC_MODULE_QUIT: i32 = 0x80000027_u32 as i32;
/// 0x8000002b: rpc message exceeds limit
pub const TSDB_CODE_RPC_MSG_EXCCED_LIMIT: i32 = 0x8000002B_u32 as i32;
/// 0x80000100: Operation not supported
pub const TSDB_CODE_OPS_NOT_SUPPORT: i32 = 0x80000100_u32 as i32;
/// 0x80000102: Out of Memory
pub const TSDB_CODE_OUT_OF_MEMORY: i32 = 0x80000102_u32 as i32;
/// 0x80000104: Data file corrupted
pub const TSDB_CODE_FILE_CORRUPTED: i32 = 0x80000104_u32 as i32;
/// 0x8000010b: Driver was not loaded
pub const TSDB_CODE_DLL_NOT_LOAD: i32 = 0x8000010B_u32 as i32;
/// 0x8000010c: Function was not loaded
pub const TSDB_CODE_DLL_FUNC_NOT_LOAD: i32 = 0x8000010C_u32 as i32;
/// 0x80000110: Unexpected generic error
pub const TSDB_CODE_APP_ERROR: i32 = 0x80000110_u32 as i32;
/// 0x80000111: Action in progress
pub const TSDB_CODE_ACTION_IN_PROGRESS: i32 = 0x80000111_u32 as i32;
/// 0x80000112: Out of range
pub const TSDB_CODE_OUT_OF_RANGE: i32 = 0x80000112_u32 as i32;
/// 0x80000115: Invalid message
pub const TSDB_CODE_INVALID_MSG: i32 = 0x80000115_u32 as i32;
/// 0x80000116: Invalid message len
pub const TSDB_CODE_INVALID_MSG_LEN: i32 = 0x80000116_u32 as i32;
/// 0x80000117: Invalid pointer
pub const TSDB_CODE_INVALID_PTR: i32 = 0x80000117_u32 as i32;
/// 0x80000118: Invalid parameters
pub const TSDB_CODE_INVALID_PARA: i32 = 0x80000118_u32 as i32;
/// 0x80000119: Invalid config option
pub const TSDB_CODE_INVALID_CFG: i32 = 0x80000119_u32 as i32;
/// 0x8000011a: Invalid option
pub const TSDB_CODE_INVALID_OPTION: i32 = 0x8000011A_u32 as i32;
/// 0x8000011b: Invalid json format
pub const TSDB_CODE_INVALID_JSON_FORMAT: i32 = 0x8000011B_u32 as i32;
/// 0x8000011e: Version not compatible
pub const TSDB_CODE_VERSION_NOT_COMPATIBLE: i32 = 0x8000011E_u32 as i32;
/// 0x80000122: Config not found
pub const TSDB_CODE_CFG_NOT_FOUND: i32 = 0x80000122_u32 as i32;
/// 0x80000123: Repeat initialization
pub const TSDB_CODE_REPEAT_INIT: i32 = 0x80000123_u32 as i32;
/// 0x80000125: Retry needed
pub const TSDB_CODE_NEED_RETRY: i32 = 0x80000125_u32 as i32;
/// 0x80000127: Invalid timestamp format
pub const TSDB_CODE_INVALID_TIMESTAMP: i32 = 0x80000127_u32 as i32;
/// 0x8000012a: Not found
pub const TSDB_CODE_NOT_FOUND: i32 = 0x8000012A_u32 as i32;
/// 0x8000012c: Operation timeout
pub const TSDB_CODE_TIMEOUT_ERROR: i32 = 0x8000012C_u32 as i32;
/// 0x80000130: Database is starting up
pub const TSDB_CODE_APP_IS_STARTING: i32 = 0x80000130_u32 as i32;
/// 0x80000131: Database is closing down
pub const TSDB_CODE_APP_IS_STOPPING: i32 = 0x80000131_u32 as i32;
/// 0x80000132: Invalid data format
pub const TSDB_CODE_INVALID_DATA_FMT: i32 = 0x80000132_u32 as i32;
/// 0x80000133: Invalid configuration value
pub const TSDB_CODE_INVALID_CFG_VALUE: i32 = 0x80000133_u32 as i32;
/// 0x80000134: Not allowed to connect
pub const TSDB_CODE_IP_NOT_IN_WHITE_LIST: i32 = 0x80000134_u32 as i32;
/// 0x80000137: Out of buffer
pub const TSDB_CODE_OUT_OF_BUFFER: i32 = 0x80000137_u32 as i32;
/// 0x80000138: Internal error
pub const TSDB_CODE_INTERNAL_ERROR: i32 = 0x80000138_u32 as i32;
/// 0x80000139: Socket error
pub const TSDB_CODE_SOCKET_ERROR: i32 = 0x80000139_u32 as i32;
/// 0x8000013d: Decimal value overflow
pub const TSDB_CODE_DECIMAL_OVERFLOW: i32 = 0x8000013D_u32 as i32;
/// 0x8000013e: Division by zero error
pub const TSDB_CODE_DIVISION_BY_ZERO: i32 = 0x8000013E_u32 as i32;
/// 0x80000200: Invalid operation
pub const TSDB_CODE_TSC_INVALID_OPERATION: i32 = 0x80000200_u32 as i32;
/// 0x80000201: Invalid qhandle
pub const TSDB_CODE_TSC_INVALID_QHANDLE: i32 = 0x80000201_u32 as i32;
/// 0x80000202: Invalid combination of client/service time
pub const TSDB_CODE_TSC_INVALID_TIME_STAMP: i32 = 0x80000202_u32 as i32;
/// 0x80000203: Invalid value in client
pub const TSDB_CODE_TSC_INVALID_VALUE: i32 = 0x80000203_u32 as i32;
/// 0x80000204: Invalid client version
pub const TSDB_CODE_TSC_INVALID_VERSION: i32 = 0x80000204_u32 as i32;
/// 0x80000205: Invalid client ie
pub const TSDB_CODE_TSC_INVALID_IE: i32 = 0x80000205_u32 as i32;
/// 0x80000206: Invalid host name
pub const TSDB_CODE_TSC_INVALID_FQDN: i32 = 0x80000206_u32 as i32;
/// 0x80000207: Invalid user name
pub const TSDB_CODE_TSC_INVALID_USER_LENGTH: i32 = 0x80000207_u32 as i32;
/// 0x80000208: Invalid password
pub const TSDB_CODE_TSC_INVALID_PASS_LENGTH: i32 = 0x80000208_u32 as i32;
/// 0x80000209: Database name too long
pub const TSDB_CODE_TSC_INVALID_DB_LENGTH: i32 = 0x80000209_u32 as i32;
/// 0x8000020a: Table name too long
pub const TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH: i32 = 0x8000020A_u32 as i32;
/// 0x8000020b: Invalid connection
pub const TSDB_CODE_TSC_INVALID_CONNECTION: i32 = 0x8000020B_u32 as i32;
/// 0x8000020e: Query cache erased
pub const TSDB_CODE_TSC_QUERY_CACHE_ERASED: i32 = 0x8000020E_u32 as i32;
/// 0x8000020f: Query terminated
pub const TSDB_CODE_TSC_QUERY_CANCELLED: i32 = 0x8000020F_u32 as i32;
/// 0x80000210: Result set too large to be sorted
pub const TSDB_CODE_TSC_SORTED_RES_TOO_MANY: i32 = 0x80000210_u32 as i32;
/// 0x80000212: Action in progress
pub const TSDB_CODE_TSC_ACTION_IN_PROGRESS: i32 = 0x80000212_u32 as i32;
/// 0x80000213: Disconnected from service
pub const TSDB_CODE_TSC_DISCONNECTED: i32 = 0x80000213_u32 as i32;
/// 0x80000214: No write permission
pub const TSDB_CODE_TSC_NO_WRITE_AUTH: i32 = 0x80000214_u32 as i32;
/// 0x80000215: Connection killed
pub const TSDB_CODE_TSC_CONN_KILLED: i32 = 0x80000215_u32 as i32;
/// 0x80000216: Syntax error in SQL
pub const TSDB_CODE_TSC_SQL_SYNTAX_ERROR: i32 = 0x80000216_u32 as i32;
/// 0x80000217: Database not specified or available
pub const TSDB_CODE_TSC_DB_NOT_SELECTED: i32 = 0x80000217_u32 as i32;
/// 0x80000219: SQL statement too long
pub const TSDB_CODE_TSC_EXCEED_SQL_LIMIT: i32 = 0x80000219_u32 as i32;
/// 0x8000021a: File is empty
pub const TSDB_CODE_TSC_FILE_EMPTY: i32 = 0x8000021A_u32 as i32;
/// 0x8000021b: Syntax error in Line
pub const TSDB_CODE_TSC_LINE_SYNTAX_ERROR: i32 = 0x8000021B_u32 as i32;
/// 0x8000021c: No table meta cached
pub const TSDB_CODE_TSC_NO_META_CACHED: i32 = 0x8000021C_u32 as i32;
/// 0x8000021d: duplicated column names
pub const TSDB_CODE_TSC_DUP_COL_NAMES: i32 = 0x8000021D_u32 as i32;
/// 0x8000021e: Invalid tag length
pub const TSDB_CODE_TSC_INVALID_TAG_LENGTH: i32 = 0x8000021E_u32 as i32;
/// 0x8000021f: Invalid column length
pub const TSDB_CODE_TSC_INVALID_COLUMN_LENGTH: i32 = 0x8000021F_u32 as i32;
/// 0x80000220: duplicated names
pub const TSDB_CODE_TSC_DUP_NAMES: i32 = 0x80000220_u32 as i32;
/// 0x80000221: Invalid JSON format
pub const TSDB_CODE_TSC_INVALID_JSON: i32 = 0x80000221_u32 as i32;
/// 0x80000222: Invalid JSON data type
pub const TSDB_CODE_TSC_INVALID_JSON_TYPE: i32 = 0x80000222_u32 as i32;
/// 0x80000224: Value out of range
pub const TSDB_CODE_TSC_VALUE_OUT_OF_RANGE: i32 = 0x80000224_u32 as i32;
/// 0x80000229: Invalid tsc input
pub const TSDB_CODE_TSC_INVALID_INPUT: i32 = 0x80000229_u32 as i32;
/// 0x8000022a: Stmt API usage error
pub const TSDB_CODE_TSC_STMT_API_ERROR: i32 = 0x8000022A_u32 as i32;
/// 0x8000022b: Stmt table name not set
pub const TSDB_CODE_TSC_STMT_TBNAME_ERROR: i32 = 0x8000022B_u32 as i32;
/// 0x8000022c: not supported stmt clause
pub const TSDB_CODE_TSC_STMT_CLAUSE_ERROR: i32 = 0x8000022C_u32 as i32;
/// 0x8000022d: Query killed
pub const TSDB_CODE_TSC_QUERY_KILLED: i32 = 0x8000022D_u32 as i32;
/// 0x8000022e: No available execution node in current query policy configuration
pub const TSDB_CODE_TSC_NO_EXEC_NODE: i32 = 0x8000022E_u32 as i32;
/// 0x8000022f: Table is not a super table
pub const TSDB_CODE_TSC_NOT_STABLE_ERROR: i32 = 0x8000022F_u32 as i32;
/// 0x80000230: Stmt cache error
pub const TSDB_CODE_TSC_STMT_CACHE_ERROR: i32 = 0x80000230_u32 as i32;
/// 0x80000231: Invalid encode param
pub const TSDB_CODE_TSC_ENCODE_PARAM_ERROR: i32 = 0x80000231_u32 as i32;
/// 0x80000232: Not found compress param
pub const TSDB_CODE_TSC_ENCODE_PARAM_NULL: i32 = 0x80000232_u32 as i32;
/// 0x80000233: Invalid compress param
pub const TSDB_CODE_TSC_COMPRESS_PARAM_ERROR: i32 = 0x80000233_u32 as i32;
/// 0x80000234: Invalid compress level param
pub const TSDB_CODE_TSC_COMPRESS_LEVEL_ERROR: i32 = 0x80000234_u32 as i32;
/// 0x80000235: failed to generate JSON
pub const TSDB_CODE_TSC_FAIL_GENERATE_JSON: i32 = 0x80000235_u32 as i32;
/// 0x80000236: bind number out of range or not match
pub const TSDB_CODE_TSC_STMT_BIND_NUMBER_ERROR: i32 = 0x80000236_u32 as i32;
/// 0x80000237: Operation not supported in windows
pub const TSDB_CODE_NOT_SUPPORTTED_IN_WINDOWS: i32 = 0x80000237_u32 as i32;
/// 0x800002ff: Internal error
pub const TSDB_CODE_TSC_INTERNAL_ERROR: i32 = 0x800002FF_u32 as i32;
/// 0x80000300: Request rejected
pub const TSDB_CODE_MND_REQ_REJECTED: i32 = 0x80000300_u32 as i32;
/// 0x80000303: Insufficient privilege for operation
pub const TSDB_CODE_MND_NO_RIGHTS: i32 = 0x80000303_u32 as i32;
/// 0x80000315: User is disabled
pub const TSDB_CODE_MND_USER_DISABLED: i32 = 0x80000315_u32 as i32;
/// 0x80000350: User already exists
pub const TSDB_CODE_MND_USER_ALREADY_EXIST: i32 = 0x80000350_u32 as i32;
/// 0x80000351: Invalid user
pub const TSDB_CODE_MND_USER_NOT_EXIST: i32 = 0x80000351_u32 as i32;
/// 0x80000352: Invalid user format
pub const TSDB_CODE_MND_INVALID_USER_FORMAT: i32 = 0x80000352_u32 as i32;
/// 0x80000353: Invalid password format
pub const TSDB_CODE_MND_INVALID_PASS_FORMAT: i32 = 0x80000353_u32 as i32;
/// 0x80000357: Authentication failure
pub const TSDB_CODE_MND_AUTH_FAILURE: i32 = 0x80000357_u32 as i32;
/// 0x80000358: User not available
pub const TSDB_CODE_MND_USER_NOT_AVAILABLE: i32 = 0x80000358_u32 as i32;
/// 0x80000360: STable already exists
pub const TSDB_CODE_MND_STB_ALREADY_EXIST: i32 = 0x80000360_u32 as i32;
/// 0x80000362: STable not exist
pub const TSDB_CODE_MND_STB_NOT_EXIST: i32 = 0x80000362_u32 as i32;
/// 0x80000364: Too many tags
pub const TSDB_CODE_MND_TOO_MANY_TAGS: i32 = 0x80000364_u32 as i32;
/// 0x80000365: Too many columns
pub const TSDB_CODE_MND_TOO_MANY_COLUMNS: i32 = 0x80000365_u32 as i32;
/// 0x80000369: Tag already exists
pub const TSDB_CODE_MND_TAG_ALREADY_EXIST: i32 = 0x80000369_u32 as i32;
/// 0x8000036a: Tag does not exist
pub const TSDB_CODE_MND_TAG_NOT_EXIST: i32 = 0x8000036A_u32 as i32;
/// 0x8000036b: Column already exists
pub const TSDB_CODE_MND_COLUMN_ALREADY_EXIST: i32 = 0x8000036B_u32 as i32;
/// 0x8000036c: Column does not exist
pub const TSDB_CODE_MND_COLUMN_NOT_EXIST: i32 = 0x8000036C_u32 as i32;
/// 0x80000380: Database not specified or available
pub const TSDB_CODE_MND_DB_NOT_SELECTED: i32 = 0x80000380_u32 as i32;
/// 0x80000381: Database already exists
pub const TSDB_CODE_MND_DB_ALREADY_EXIST: i32 = 0x80000381_u32 as i32;
/// 0x80000382: Invalid database options
pub const TSDB_CODE_MND_INVALID_DB_OPTION: i32 = 0x80000382_u32 as i32;
/// 0x80000383: Invalid database name
pub const TSDB_CODE_MND_INVALID_DB: i32 = 0x80000383_u32 as i32;
/// 0x80000385: Too many databases for account
pub const TSDB_CODE_MND_TOO_MANY_DATABASES: i32 = 0x80000385_u32 as i32;
/// 0x80000386: Database in dropping status
pub const TSDB_CODE_MND_DB_IN_DROPPING: i32 = 0x80000386_u32 as i32;
/// 0x80000388: Database not exist
pub const TSDB_CODE_MND_DB_NOT_EXIST: i32 = 0x80000388_u32 as i32;
/// 0x80000396: Database in creating status
pub const TSDB_CODE_MND_DB_IN_CREATING: i32 = 0x80000396_u32 as i32;
/// 0x800003e0: Topic already exists
pub const TSDB_CODE_MND_TOPIC_ALREADY_EXIST: i32 = 0x800003E0_u32 as i32;
/// 0x800003e1: Topic not exist
pub const TSDB_CODE_MND_TOPIC_NOT_EXIST: i32 = 0x800003E1_u32 as i32;
/// 0x800003e6: Consumer not exist
pub const TSDB_CODE_MND_CONSUMER_NOT_EXIST: i32 = 0x800003E6_u32 as i32;
/// 0x800003e8: Subcribe not exist
pub const TSDB_CODE_MND_SUBSCRIBE_NOT_EXIST: i32 = 0x800003E8_u32 as i32;
/// 0x800003e9: Offset not exist
pub const TSDB_CODE_MND_OFFSET_NOT_EXIST: i32 = 0x800003E9_u32 as i32;
/// 0x800003ea: Consumer not ready
pub const TSDB_CODE_MND_CONSUMER_NOT_READY: i32 = 0x800003EA_u32 as i32;
/// 0x800003eb: Topic subscribed cannot be dropped
pub const TSDB_CODE_MND_TOPIC_SUBSCRIBED: i32 = 0x800003EB_u32 as i32;
/// 0x800003ec: Consumer group being used by some consumer
pub const TSDB_CODE_MND_CGROUP_USED: i32 = 0x800003EC_u32 as i32;
/// 0x800003ef: Topic being rebalanced
pub const TSDB_CODE_MND_IN_REBALANCE: i32 = 0x800003EF_u32 as i32;
/// 0x80000503: Vnode is closed or removed
pub const TSDB_CODE_VND_INVALID_VGROUP_ID: i32 = 0x80000503_u32 as i32;
/// 0x80000512: Database write operation denied
pub const TSDB_CODE_VND_NO_WRITE_AUTH: i32 = 0x80000512_u32 as i32;
/// 0x80000522: Vnode hash mismatch
pub const TSDB_CODE_VND_HASH_MISMATCH: i32 = 0x80000522_u32 as i32;
/// 0x80000529: Vnode stopped
pub const TSDB_CODE_VND_STOPPED: i32 = 0x80000529_u32 as i32;
/// 0x80000600: Invalid table ID
pub const TSDB_CODE_TDB_INVALID_TABLE_ID: i32 = 0x80000600_u32 as i32;
/// 0x80000603: Table already exists
pub const TSDB_CODE_TDB_TABLE_ALREADY_EXIST: i32 = 0x80000603_u32 as i32;
/// 0x8000060b: Timestamp data out of range
pub const TSDB_CODE_TDB_TIMESTAMP_OUT_OF_RANGE: i32 = 0x8000060B_u32 as i32;
/// 0x80000618: Table not exists
pub const TSDB_CODE_TDB_TABLE_NOT_EXIST: i32 = 0x80000618_u32 as i32;
/// 0x8000061a: Stable not exists
pub const TSDB_CODE_TDB_STB_NOT_EXIST: i32 = 0x8000061A_u32 as i32;
/// 0x8000061b: Table schema is old
pub const TSDB_CODE_TDB_INVALID_TABLE_SCHEMA_VER: i32 = 0x8000061B_u32 as i32;
/// 0x80000700: Invalid handle
pub const TSDB_CODE_QRY_INVALID_QHANDLE: i32 = 0x80000700_u32 as i32;
/// 0x80000724: Task cancelled
pub const TSDB_CODE_QRY_TASK_CANCELLED: i32 = 0x80000724_u32 as i32;
/// 0x8000073a: Query memory exhausted
pub const TSDB_CODE_QRY_QUERY_MEM_EXHAUSTED: i32 = 0x8000073A_u32 as i32;
/// 0x80000800: License expired
pub const TSDB_CODE_GRANT_EXPIRED: i32 = 0x80000800_u32 as i32;
/// 0x8000090c: Sync leader is unreachable
pub const TSDB_CODE_SYN_NOT_LEADER: i32 = 0x8000090C_u32 as i32;
/// 0x80000914: Sync leader is restoring
pub const TSDB_CODE_SYN_RESTORING: i32 = 0x80000914_u32 as i32;
/// 0x80000a0d: TQ no committed offset
pub const TSDB_CODE_TQ_NO_COMMITTED_OFFSET: i32 = 0x80000A0D_u32 as i32;
/// 0x80002404: Database is dropped
pub const TSDB_CODE_CTG_DB_DROPPED: i32 = 0x80002404_u32 as i32;
/// 0x80002504: Task timeout
pub const TSDB_CODE_SCH_TIMEOUT_ERROR: i32 = 0x80002504_u32 as i32;
/// 0x80002600: syntax error near
pub const TSDB_CODE_PAR_SYNTAX_ERROR: i32 = 0x80002600_u32 as i32;
/// 0x80002601: Incomplete SQL statement
pub const TSDB_CODE_PAR_INCOMPLETE_SQL: i32 = 0x80002601_u32 as i32;
/// 0x80002602: Invalid column name
pub const TSDB_CODE_PAR_INVALID_COLUMN: i32 = 0x80002602_u32 as i32;
/// 0x80002603: Table does not exist
pub const TSDB_CODE_PAR_TABLE_NOT_EXIST: i32 = 0x80002603_u32 as i32;
/// 0x80002604: Column ambiguously defined
pub const TSDB_CODE_PAR_AMBIGUOUS_COLUMN: i32 = 0x80002604_u32 as i32;
/// 0x80002605: Invalid value type
pub const TSDB_CODE_PAR_WRONG_VALUE_TYPE: i32 = 0x80002605_u32 as i32;
/// 0x8000260c: Not a single-group group function
pub const TSDB_CODE_PAR_NOT_SINGLE_GROUP: i32 = 0x8000260C_u32 as i32;
/// 0x8000260d: Tags number not matched
pub const TSDB_CODE_PAR_TAGS_NOT_MATCHED: i32 = 0x8000260D_u32 as i32;
/// 0x8000260e: Invalid tag name
pub const TSDB_CODE_PAR_INVALID_TAG_NAME: i32 = 0x8000260E_u32 as i32;
/// 0x80002610: Name or password too long
pub const TSDB_CODE_PAR_NAME_OR_PASSWD_TOO_LONG: i32 = 0x80002610_u32 as i32;
/// 0x80002616: Database not specified
pub const TSDB_CODE_PAR_DB_NOT_SPECIFIED: i32 = 0x80002616_u32 as i32;
/// 0x80002617: Invalid identifier name
pub const TSDB_CODE_PAR_INVALID_IDENTIFIER_NAME: i32 = 0x80002617_u32 as i32;
/// 0x80002619: Invalid database option
pub const TSDB_CODE_PAR_INVALID_DB_OPTION: i32 = 0x80002619_u32 as i32;
/// 0x8000261a: Invalid table option
pub const TSDB_CODE_PAR_INVALID_TABLE_OPTION: i32 = 0x8000261A_u32 as i32;
/// 0x80002634: Query block has incorrect number of result columns
pub const TSDB_CODE_PAR_INCORRECT_NUM_OF_COL: i32 = 0x80002634_u32 as i32;
/// 0x80002635: Incorrect TIMESTAMP value
pub const TSDB_CODE_PAR_INCORRECT_TIMESTAMP_VAL: i32 = 0x80002635_u32 as i32;
/// 0x8000263c: Duplicated column names
pub const TSDB_CODE_PAR_DUPLICATED_COLUMN: i32 = 0x8000263C_u32 as i32;
/// 0x8000263d: Tags length exceeds max length
pub const TSDB_CODE_PAR_INVALID_TAGS_LENGTH: i32 = 0x8000263D_u32 as i32;
/// 0x8000263e: Row length exceeds max length
pub const TSDB_CODE_PAR_INVALID_ROW_LENGTH: i32 = 0x8000263E_u32 as i32;
/// 0x8000263f: Illegal number of columns
pub const TSDB_CODE_PAR_INVALID_COLUMNS_NUM: i32 = 0x8000263F_u32 as i32;
/// 0x80002640: Too many columns
pub const TSDB_CODE_PAR_TOO_MANY_COLUMNS: i32 = 0x80002640_u32 as i32;
/// 0x80002641: First column must be timestamp
pub const TSDB_CODE_PAR_INVALID_FIRST_COLUMN: i32 = 0x80002641_u32 as i32;
/// 0x80002642: Invalid varbinary/binary/nchar column/tag length
pub const TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN: i32 = 0x80002642_u32 as i32;
/// 0x80002643: Invalid number of tag columns
pub const TSDB_CODE_PAR_INVALID_TAGS_NUM: i32 = 0x80002643_u32 as i32;
/// 0x80002644: Permission denied or target object not exist
pub const TSDB_CODE_PAR_PERMISSION_DENIED: i32 = 0x80002644_u32 as i32;
/// 0x80002649: Invalid alter table statement
pub const TSDB_CODE_PAR_INVALID_ALTER_TABLE: i32 = 0x80002649_u32 as i32;
/// 0x8000264c: Invalid tbname pseudo column
pub const TSDB_CODE_PAR_INVALID_TBNAME: i32 = 0x8000264C_u32 as i32;
/// 0x8000264d: Invalid function name
pub const TSDB_CODE_PAR_INVALID_FUNCTION_NAME: i32 = 0x8000264D_u32 as i32;
/// 0x80002651: No columns can be dropped
pub const TSDB_CODE_PAR_INVALID_DROP_COL: i32 = 0x80002651_u32 as i32;
/// 0x80002653: Value too long for column/tag
pub const TSDB_CODE_PAR_VALUE_TOO_LONG: i32 = 0x80002653_u32 as i32;
/// 0x80002662: Fail to get table info
pub const TSDB_CODE_PAR_GET_META_ERROR: i32 = 0x80002662_u32 as i32;
/// 0x80002663: Not unique table/alias
pub const TSDB_CODE_PAR_NOT_UNIQUE_TABLE_ALIAS: i32 = 0x80002663_u32 as i32;
/// 0x8000267d: Pseudo tag tbname not set
pub const TSDB_CODE_PAR_TBNAME_ERROR: i32 = 0x8000267D_u32 as i32;
/// 0x8000267e: Table name duplicated
pub const TSDB_CODE_PAR_TBNAME_DUPLICATED: i32 = 0x8000267E_u32 as i32;
/// 0x800026ff: Parser internal error
pub const TSDB_CODE_PAR_INTERNAL_ERROR: i32 = 0x800026FF_u32 as i32;
/// 0x80002800: Function internal error
pub const TSDB_CODE_FUNC_FUNTION_ERROR: i32 = 0x80002800_u32 as i32;
/// 0x80002801: Invalid function para number
pub const TSDB_CODE_FUNC_FUNTION_PARA_NUM: i32 = 0x80002801_u32 as i32;
/// 0x80002802: Invalid function para type
pub const TSDB_CODE_FUNC_FUNTION_PARA_TYPE: i32 = 0x80002802_u32 as i32;
/// 0x80002803: Invalid function para value
pub const TSDB_CODE_FUNC_FUNTION_PARA_VALUE: i32 = 0x80002803_u32 as i32;
/// 0x80003000: Invalid line protocol type
pub const TSDB_CODE_SML_INVALID_PROTOCOL_TYPE: i32 = 0x80003000_u32 as i32;
/// 0x80003001: Invalid timestamp precision type
pub const TSDB_CODE_SML_INVALID_PRECISION_TYPE: i32 = 0x80003001_u32 as i32;
/// 0x80003002: Invalid data format
pub const TSDB_CODE_SML_INVALID_DATA: i32 = 0x80003002_u32 as i32;
/// 0x80003003: Invalid schemaless db config
pub const TSDB_CODE_SML_INVALID_DB_CONF: i32 = 0x80003003_u32 as i32;
/// 0x80003004: Not the same type like before
pub const TSDB_CODE_SML_NOT_SAME_TYPE: i32 = 0x80003004_u32 as i32;
/// 0x80003005: Internal error
pub const TSDB_CODE_SML_INTERNAL_ERROR: i32 = 0x80003005_u32 as i32;
/// 0x80003006: Can not insert data into table with primary key
pub const TSDB_CODE_SML_NOT_SUPPORT_PK: i32 = 0x80003006_u32 as i32;
/// 0x80003250: Cannot convert to specific type
pub const TSDB_CODE_SCALAR_CONVERT_ERROR: i32 = 0x80003250_u32 as i32;
/// 0x80004000: Invalid message
pub const TSDB_CODE_TMQ_INVALID_MSG: i32 = 0x80004000_u32 as i32;
/// 0x80004001: Consumer mismatch
pub const TSDB_CODE_TMQ_CONSUMER_MISMATCH: i32 = 0x80004001_u32 as i32;
/// 0x80004002: Consumer closed
pub const TSDB_CODE_TMQ_CONSUMER_CLOSED: i32 = 0x80004002_u32 as i32;
/// 0x80004003: Consumer error, to see log
pub const TSDB_CODE_TMQ_CONSUMER_ERROR: i32 = 0x80004003_u32 as i32;
/// 0x80004004: Topic num out of range
pub const TSDB_CODE_TMQ_TOPIC_OUT_OF_RANGE: i32 = 0x80004004_u32 as i32;
/// 0x80004005: Group num out of range 100
pub const TSDB_CODE_TMQ_GROUP_OUT_OF_RANGE: i32 = 0x80004005_u32 as i32;
/// 0x80004006: Can not operate in snapshot mode
pub const TSDB_CODE_TMQ_SNAPSHOT_ERROR: i32 = 0x80004006_u32 as i32;
/// 0x80004007: Offset out of range
pub const TSDB_CODE_TMQ_VERSION_OUT_OF_RANGE: i32 = 0x80004007_u32 as i32;
/// 0x80004008: VgId does not belong to this consumer
pub const TSDB_CODE_TMQ_INVALID_VGID: i32 = 0x80004008_u32 as i32;
/// 0x80004009: Topic does not belong to this consumer
pub const TSDB_CODE_TMQ_INVALID_TOPIC: i32 = 0x80004009_u32 as i32;
/// 0x80004010: Assignment or poll interface need to be called first
pub const TSDB_CODE_TMQ_NEED_INITIALIZED: i32 = 0x80004010_u32 as i32;
/// 0x80004011: No committed info
pub const TSDB_CODE_TMQ_NO_COMMITTED: i32 = 0x80004011_u32 as i32;
/// 0x80004012: Same committed value
pub const TSDB_CODE_TMQ_SAME_COMMITTED_VALUE: i32 = 0x80004012_u32 as i32;
/// 0x80004013: Replay need only one vgroup if subscribe super table
pub const TSDB_CODE_TMQ_REPLAY_NEED_ONE_VGROUP: i32 = 0x80004013_u32 as i32;
/// 0x80004014: Replay is disabled if subscribe db or stable
pub const TSDB_CODE_TMQ_REPLAY_NOT_SUPPORT: i32 = 0x80004014_u32 as i32;
/// 0x80004015: No table qualified for query
pub const TSDB_CODE_TMQ_NO_TABLE_QUALIFIED: i32 = 0x80004015_u32 as i32;
/// 0x80004016: No need rebalance
pub const TSDB_CODE_TMQ_NO_NEED_REBALANCE: i32 = 0x80004016_u32 as i32;
/// 0x80004017: Invalid status, please subscribe topic first
pub const TSDB_CODE_TMQ_INVALID_STATUS: i32 = 0x80004017_u32 as i32;
/// 0x80004018: Invalid data use here
pub const TSDB_CODE_TMQ_INVALID_DATA: i32 = 0x80004018_u32 as i32;
/// 0x80004019: Split submit data for rawdata
pub const TSDB_CODE_TMQ_RAW_DATA_SPLIT: i32 = 0x80004019_u32 as i32;
/// 0x8000e000: DSN error
pub const TSDB_CODE_WS_DSN_ERROR: i32 = 0x8000E000_u32 as i32;
/// 0x8000e001: WebSocket error
pub const TSDB_CODE_WS_WEBSOCKET_ERROR: i32 = 0x8000E001_u32 as i32;
/// 0x8000e002: connection closed
pub const TSDB_CODE_WS_CONN_CLOSED: i32 = 0x8000E002_u32 as i32;
/// 0x8000e003: send message timeout
pub const TSDB_CODE_WS_SEND_TIMEOUT: i32 = 0x8000E003_u32 as i32;
/// 0x8000e004: receive message timeout
pub const TSDB_CODE_WS_RECV_TIMEOUT: i32 = 0x8000E004_u32 as i32;
/// 0x8000e005: I/O error
pub const TSDB_CODE_WS_IO_ERROR: i32 = 0x8000E005_u32 as i32;
/// 0x8000e006: unauthorized
pub const TSDB_CODE_WS_UNAUTHORIZED: i32 = 0x8000E006_u32 as i32;
/// 0x8000e007: deserialization error
pub const TSDB_CODE_WS_DE_ERROR: i32 = 0x8000E007_u32 as i32;
/// 0x8000e008: WebSocket disconnected
pub const TSDB_CODE_WS_DISCONNECTED: i32 = 0x8000E008_u32 as i32;
/// 0x8000e009: TLS error
pub const TSDB_CODE_WS_TLS_ERROR: i32 = 0x8000E009_u32 as i32;
/// 0x8000e100: object is null
pub const TSDB_CODE_WS_OBJECT_IS_NULL: i32 = 0x8000E100_u32 as i32;
/// 0x8000e101: tmq topic append error
pub const TSDB_CODE_WS_TMQ_TOPIC_APPEND_ERR: i32 = 0x8000E101_u32 as i32;
/// 0x8000fffd: reject sql
pub const TSDB_CODE_WS_REJECT_SQL: i32 = 0x8000FFFD_u32 as i32;
/// 0x8000fffe: query limit reached
pub const TSDB_CODE_WS_LIMITER: i32 = 0x8000FFFE_u32 as i32;
/// 0x8000ffff: adapter error
pub const TSDB_CODE_WS_FAILED: i32 = 0x8000FFFF_u32 as i32;

/// TDengine's text for `code` (as `taos_errstr` shows it). Unknown codes give `"Unknown error"`
/// (native `tstrerror` gives `""`; a non-empty text is more useful in messages we build).
pub fn default_message(code: i32) -> &'static str {
    match code {
        TSDB_CODE_SUCCESS => "success",
        TSDB_CODE_FAILED => "Failed",
        TSDB_CODE_RPC_AUTH_FAILURE => "Authentication failure",
        TSDB_CODE_RPC_NETWORK_UNAVAIL => "Unable to establish connection",
        TSDB_CODE_TIME_UNSYNCED => "Client and server's time is not synchronized",
        TSDB_CODE_RPC_FQDN_ERROR => "Unable to resolve FQDN",
        TSDB_CODE_RPC_PORT_EADDRINUSE => "Port already in use",
        TSDB_CODE_RPC_BROKEN_LINK => "Conn is broken",
        TSDB_CODE_RPC_TIMEOUT => "Conn read timeout",
        TSDB_CODE_RPC_SOMENODE_NOT_CONNECTED => "some vnode/qnode/mnode(s) out of service",
        TSDB_CODE_RPC_SOMENODE_BROKEN_LINK => "some vnode/qnode/mnode(s) conn is broken",
        TSDB_CODE_RPC_MAX_SESSIONS => "rpc open too many session",
        TSDB_CODE_RPC_NETWORK_ERROR => "rpc network error",
        TSDB_CODE_RPC_NETWORK_BUSY => "rpc network busy",
        TSDB_CODE_RPC_MODULE_QUIT => "rpc module already quit",
        TSDB_CODE_RPC_ASYNC_MODULE_QUIT => "rpc async module already quit",
        TSDB_CODE_RPC_MSG_EXCCED_LIMIT => "rpc message exceeds limit",
        TSDB_CODE_OPS_NOT_SUPPORT => "Operation not supported",
        TSDB_CODE_OUT_OF_MEMORY => "Out of Memory",
        TSDB_CODE_FILE_CORRUPTED => "Data file corrupted",
        TSDB_CODE_DLL_NOT_LOAD => "Driver was not loaded",
        TSDB_CODE_DLL_FUNC_NOT_LOAD => "Function was not loaded",
        TSDB_CODE_APP_ERROR => "Unexpected generic error",
        TSDB_CODE_ACTION_IN_PROGRESS => "Action in progress",
        TSDB_CODE_OUT_OF_RANGE => "Out of range",
        TSDB_CODE_INVALID_MSG => "Invalid message",
        TSDB_CODE_INVALID_MSG_LEN => "Invalid message len",
        TSDB_CODE_INVALID_PTR => "Invalid pointer",
        TSDB_CODE_INVALID_PARA => "Invalid parameters",
        TSDB_CODE_INVALID_CFG => "Invalid config option",
        TSDB_CODE_INVALID_OPTION => "Invalid option",
        TSDB_CODE_INVALID_JSON_FORMAT => "Invalid json format",
        TSDB_CODE_VERSION_NOT_COMPATIBLE => "Version not compatible",
        TSDB_CODE_CFG_NOT_FOUND => "Config not found",
        TSDB_CODE_REPEAT_INIT => "Repeat initialization",
        TSDB_CODE_NEED_RETRY => "Retry needed",
        TSDB_CODE_INVALID_TIMESTAMP => "Invalid timestamp format",
        TSDB_CODE_NOT_FOUND => "Not found",
        TSDB_CODE_TIMEOUT_ERROR => "Operation timeout",
        TSDB_CODE_APP_IS_STARTING => "Database is starting up",
        TSDB_CODE_APP_IS_STOPPING => "Database is closing down",
        TSDB_CODE_INVALID_DATA_FMT => "Invalid data format",
        TSDB_CODE_INVALID_CFG_VALUE => "Invalid configuration value",
        TSDB_CODE_IP_NOT_IN_WHITE_LIST => "Not allowed to connect",
        TSDB_CODE_OUT_OF_BUFFER => "Out of buffer",
        TSDB_CODE_INTERNAL_ERROR => "Internal error",
        TSDB_CODE_SOCKET_ERROR => "Socket error",
        TSDB_CODE_DECIMAL_OVERFLOW => "Decimal value overflow",
        TSDB_CODE_DIVISION_BY_ZERO => "Division by zero error",
        TSDB_CODE_TSC_INVALID_OPERATION => "Invalid operation",
        TSDB_CODE_TSC_INVALID_QHANDLE => "Invalid qhandle",
        TSDB_CODE_TSC_INVALID_TIME_STAMP => "Invalid combination of client/service time",
        TSDB_CODE_TSC_INVALID_VALUE => "Invalid value in client",
        TSDB_CODE_TSC_INVALID_VERSION => "Invalid client version",
        TSDB_CODE_TSC_INVALID_IE => "Invalid client ie",
        TSDB_CODE_TSC_INVALID_FQDN => "Invalid host name",
        TSDB_CODE_TSC_INVALID_USER_LENGTH => "Invalid user name",
        TSDB_CODE_TSC_INVALID_PASS_LENGTH => "Invalid password",
        TSDB_CODE_TSC_INVALID_DB_LENGTH => "Database name too long",
        TSDB_CODE_TSC_INVALID_TABLE_ID_LENGTH => "Table name too long",
        TSDB_CODE_TSC_INVALID_CONNECTION => "Invalid connection",
        TSDB_CODE_TSC_QUERY_CACHE_ERASED => "Query cache erased",
        TSDB_CODE_TSC_QUERY_CANCELLED => "Query terminated",
        TSDB_CODE_TSC_SORTED_RES_TOO_MANY => "Result set too large to be sorted",
        TSDB_CODE_TSC_ACTION_IN_PROGRESS => "Action in progress",
        TSDB_CODE_TSC_DISCONNECTED => "Disconnected from service",
        TSDB_CODE_TSC_NO_WRITE_AUTH => "No write permission",
        TSDB_CODE_TSC_CONN_KILLED => "Connection killed",
        TSDB_CODE_TSC_SQL_SYNTAX_ERROR => "Syntax error in SQL",
        TSDB_CODE_TSC_DB_NOT_SELECTED => "Database not specified or available",
        TSDB_CODE_TSC_EXCEED_SQL_LIMIT => "SQL statement too long",
        TSDB_CODE_TSC_FILE_EMPTY => "File is empty",
        TSDB_CODE_TSC_LINE_SYNTAX_ERROR => "Syntax error in Line",
        TSDB_CODE_TSC_NO_META_CACHED => "No table meta cached",
        TSDB_CODE_TSC_DUP_COL_NAMES => "duplicated column names",
        TSDB_CODE_TSC_INVALID_TAG_LENGTH => "Invalid tag length",
        TSDB_CODE_TSC_INVALID_COLUMN_LENGTH => "Invalid column length",
        TSDB_CODE_TSC_DUP_NAMES => "duplicated names",
        TSDB_CODE_TSC_INVALID_JSON => "Invalid JSON format",
        TSDB_CODE_TSC_INVALID_JSON_TYPE => "Invalid JSON data type",
        TSDB_CODE_TSC_VALUE_OUT_OF_RANGE => "Value out of range",
        TSDB_CODE_TSC_INVALID_INPUT => "Invalid tsc input",
        TSDB_CODE_TSC_STMT_API_ERROR => "Stmt API usage error",
        TSDB_CODE_TSC_STMT_TBNAME_ERROR => "Stmt table name not set",
        TSDB_CODE_TSC_STMT_CLAUSE_ERROR => "not supported stmt clause",
        TSDB_CODE_TSC_QUERY_KILLED => "Query killed",
        TSDB_CODE_TSC_NO_EXEC_NODE => {
            "No available execution node in current query policy configuration"
        }
        TSDB_CODE_TSC_NOT_STABLE_ERROR => "Table is not a super table",
        TSDB_CODE_TSC_STMT_CACHE_ERROR => "Stmt cache error",
        TSDB_CODE_TSC_ENCODE_PARAM_ERROR => "Invalid encode param",
        TSDB_CODE_TSC_ENCODE_PARAM_NULL => "Not found compress param",
        TSDB_CODE_TSC_COMPRESS_PARAM_ERROR => "Invalid compress param",
        TSDB_CODE_TSC_COMPRESS_LEVEL_ERROR => "Invalid compress level param",
        TSDB_CODE_TSC_FAIL_GENERATE_JSON => "failed to generate JSON",
        TSDB_CODE_TSC_STMT_BIND_NUMBER_ERROR => "bind number out of range or not match",
        TSDB_CODE_NOT_SUPPORTTED_IN_WINDOWS => "Operation not supported in windows",
        TSDB_CODE_TSC_INTERNAL_ERROR => "Internal error",
        TSDB_CODE_MND_REQ_REJECTED => "Request rejected",
        TSDB_CODE_MND_NO_RIGHTS => "Insufficient privilege for operation",
        TSDB_CODE_MND_USER_DISABLED => "User is disabled",
        TSDB_CODE_MND_USER_ALREADY_EXIST => "User already exists",
        TSDB_CODE_MND_USER_NOT_EXIST => "Invalid user",
        TSDB_CODE_MND_INVALID_USER_FORMAT => "Invalid user format",
        TSDB_CODE_MND_INVALID_PASS_FORMAT => "Invalid password format",
        TSDB_CODE_MND_AUTH_FAILURE => "Authentication failure",
        TSDB_CODE_MND_USER_NOT_AVAILABLE => "User not available",
        TSDB_CODE_MND_STB_ALREADY_EXIST => "STable already exists",
        TSDB_CODE_MND_STB_NOT_EXIST => "STable not exist",
        TSDB_CODE_MND_TOO_MANY_TAGS => "Too many tags",
        TSDB_CODE_MND_TOO_MANY_COLUMNS => "Too many columns",
        TSDB_CODE_MND_TAG_ALREADY_EXIST => "Tag already exists",
        TSDB_CODE_MND_TAG_NOT_EXIST => "Tag does not exist",
        TSDB_CODE_MND_COLUMN_ALREADY_EXIST => "Column already exists",
        TSDB_CODE_MND_COLUMN_NOT_EXIST => "Column does not exist",
        TSDB_CODE_MND_DB_NOT_SELECTED => "Database not specified or available",
        TSDB_CODE_MND_DB_ALREADY_EXIST => "Database already exists",
        TSDB_CODE_MND_INVALID_DB_OPTION => "Invalid database options",
        TSDB_CODE_MND_INVALID_DB => "Invalid database name",
        TSDB_CODE_MND_TOO_MANY_DATABASES => "Too many databases for account",
        TSDB_CODE_MND_DB_IN_DROPPING => "Database in dropping status",
        TSDB_CODE_MND_DB_NOT_EXIST => "Database not exist",
        TSDB_CODE_MND_DB_IN_CREATING => "Database in creating status",
        TSDB_CODE_MND_TOPIC_ALREADY_EXIST => "Topic already exists",
        TSDB_CODE_MND_TOPIC_NOT_EXIST => "Topic not exist",
        TSDB_CODE_MND_CONSUMER_NOT_EXIST => "Consumer not exist",
        TSDB_CODE_MND_SUBSCRIBE_NOT_EXIST => "Subcribe not exist",
        TSDB_CODE_MND_OFFSET_NOT_EXIST => "Offset not exist",
        TSDB_CODE_MND_CONSUMER_NOT_READY => "Consumer not ready",
        TSDB_CODE_MND_TOPIC_SUBSCRIBED => "Topic subscribed cannot be dropped",
        TSDB_CODE_MND_CGROUP_USED => "Consumer group being used by some consumer",
        TSDB_CODE_MND_IN_REBALANCE => "Topic being rebalanced",
        TSDB_CODE_VND_INVALID_VGROUP_ID => "Vnode is closed or removed",
        TSDB_CODE_VND_NO_WRITE_AUTH => "Database write operation denied",
        TSDB_CODE_VND_HASH_MISMATCH => "Vnode hash mismatch",
        TSDB_CODE_VND_STOPPED => "Vnode stopped",
        TSDB_CODE_TDB_INVALID_TABLE_ID => "Invalid table ID",
        TSDB_CODE_TDB_TABLE_ALREADY_EXIST => "Table already exists",
        TSDB_CODE_TDB_TIMESTAMP_OUT_OF_RANGE => "Timestamp data out of range",
        TSDB_CODE_TDB_TABLE_NOT_EXIST => "Table not exists",
        TSDB_CODE_TDB_STB_NOT_EXIST => "Stable not exists",
        TSDB_CODE_TDB_INVALID_TABLE_SCHEMA_VER => "Table schema is old",
        TSDB_CODE_QRY_INVALID_QHANDLE => "Invalid handle",
        TSDB_CODE_QRY_TASK_CANCELLED => "Task cancelled",
        TSDB_CODE_QRY_QUERY_MEM_EXHAUSTED => "Query memory exhausted",
        TSDB_CODE_GRANT_EXPIRED => "License expired",
        TSDB_CODE_SYN_NOT_LEADER => "Sync leader is unreachable",
        TSDB_CODE_SYN_RESTORING => "Sync leader is restoring",
        TSDB_CODE_TQ_NO_COMMITTED_OFFSET => "TQ no committed offset",
        TSDB_CODE_CTG_DB_DROPPED => "Database is dropped",
        TSDB_CODE_SCH_TIMEOUT_ERROR => "Task timeout",
        TSDB_CODE_PAR_SYNTAX_ERROR => "syntax error near",
        TSDB_CODE_PAR_INCOMPLETE_SQL => "Incomplete SQL statement",
        TSDB_CODE_PAR_INVALID_COLUMN => "Invalid column name",
        TSDB_CODE_PAR_TABLE_NOT_EXIST => "Table does not exist",
        TSDB_CODE_PAR_AMBIGUOUS_COLUMN => "Column ambiguously defined",
        TSDB_CODE_PAR_WRONG_VALUE_TYPE => "Invalid value type",
        TSDB_CODE_PAR_NOT_SINGLE_GROUP => "Not a single-group group function",
        TSDB_CODE_PAR_TAGS_NOT_MATCHED => "Tags number not matched",
        TSDB_CODE_PAR_INVALID_TAG_NAME => "Invalid tag name",
        TSDB_CODE_PAR_NAME_OR_PASSWD_TOO_LONG => "Name or password too long",
        TSDB_CODE_PAR_DB_NOT_SPECIFIED => "Database not specified",
        TSDB_CODE_PAR_INVALID_IDENTIFIER_NAME => "Invalid identifier name",
        TSDB_CODE_PAR_INVALID_DB_OPTION => "Invalid database option",
        TSDB_CODE_PAR_INVALID_TABLE_OPTION => "Invalid table option",
        TSDB_CODE_PAR_INCORRECT_NUM_OF_COL => "Query block has incorrect number of result columns",
        TSDB_CODE_PAR_INCORRECT_TIMESTAMP_VAL => "Incorrect TIMESTAMP value",
        TSDB_CODE_PAR_DUPLICATED_COLUMN => "Duplicated column names",
        TSDB_CODE_PAR_INVALID_TAGS_LENGTH => "Tags length exceeds max length",
        TSDB_CODE_PAR_INVALID_ROW_LENGTH => "Row length exceeds max length",
        TSDB_CODE_PAR_INVALID_COLUMNS_NUM => "Illegal number of columns",
        TSDB_CODE_PAR_TOO_MANY_COLUMNS => "Too many columns",
        TSDB_CODE_PAR_INVALID_FIRST_COLUMN => "First column must be timestamp",
        TSDB_CODE_PAR_INVALID_VAR_COLUMN_LEN => "Invalid varbinary/binary/nchar column/tag length",
        TSDB_CODE_PAR_INVALID_TAGS_NUM => "Invalid number of tag columns",
        TSDB_CODE_PAR_PERMISSION_DENIED => "Permission denied or target object not exist",
        TSDB_CODE_PAR_INVALID_ALTER_TABLE => "Invalid alter table statement",
        TSDB_CODE_PAR_INVALID_TBNAME => "Invalid tbname pseudo column",
        TSDB_CODE_PAR_INVALID_FUNCTION_NAME => "Invalid function name",
        TSDB_CODE_PAR_INVALID_DROP_COL => "No columns can be dropped",
        TSDB_CODE_PAR_VALUE_TOO_LONG => "Value too long for column/tag",
        TSDB_CODE_PAR_GET_META_ERROR => "Fail to get table info",
        TSDB_CODE_PAR_NOT_UNIQUE_TABLE_ALIAS => "Not unique table/alias",
        TSDB_CODE_PAR_TBNAME_ERROR => "Pseudo tag tbname not set",
        TSDB_CODE_PAR_TBNAME_DUPLICATED => "Table name duplicated",
        TSDB_CODE_PAR_INTERNAL_ERROR => "Parser internal error",
        TSDB_CODE_FUNC_FUNTION_ERROR => "Function internal error",
        TSDB_CODE_FUNC_FUNTION_PARA_NUM => "Invalid function para number",
        TSDB_CODE_FUNC_FUNTION_PARA_TYPE => "Invalid function para type",
        TSDB_CODE_FUNC_FUNTION_PARA_VALUE => "Invalid function para value",
        TSDB_CODE_SML_INVALID_PROTOCOL_TYPE => "Invalid line protocol type",
        TSDB_CODE_SML_INVALID_PRECISION_TYPE => "Invalid timestamp precision type",
        TSDB_CODE_SML_INVALID_DATA => "Invalid data format",
        TSDB_CODE_SML_INVALID_DB_CONF => "Invalid schemaless db config",
        TSDB_CODE_SML_NOT_SAME_TYPE => "Not the same type like before",
        TSDB_CODE_SML_INTERNAL_ERROR => "Internal error",
        TSDB_CODE_SML_NOT_SUPPORT_PK => "Can not insert data into table with primary key",
        TSDB_CODE_SCALAR_CONVERT_ERROR => "Cannot convert to specific type",
        TSDB_CODE_TMQ_INVALID_MSG => "Invalid message",
        TSDB_CODE_TMQ_CONSUMER_MISMATCH => "Consumer mismatch",
        TSDB_CODE_TMQ_CONSUMER_CLOSED => "Consumer closed",
        TSDB_CODE_TMQ_CONSUMER_ERROR => "Consumer error, to see log",
        TSDB_CODE_TMQ_TOPIC_OUT_OF_RANGE => "Topic num out of range",
        TSDB_CODE_TMQ_GROUP_OUT_OF_RANGE => "Group num out of range 100",
        TSDB_CODE_TMQ_SNAPSHOT_ERROR => "Can not operate in snapshot mode",
        TSDB_CODE_TMQ_VERSION_OUT_OF_RANGE => "Offset out of range",
        TSDB_CODE_TMQ_INVALID_VGID => "VgId does not belong to this consumer",
        TSDB_CODE_TMQ_INVALID_TOPIC => "Topic does not belong to this consumer",
        TSDB_CODE_TMQ_NEED_INITIALIZED => "Assignment or poll interface need to be called first",
        TSDB_CODE_TMQ_NO_COMMITTED => "No committed info",
        TSDB_CODE_TMQ_SAME_COMMITTED_VALUE => "Same committed value",
        TSDB_CODE_TMQ_REPLAY_NEED_ONE_VGROUP => {
            "Replay need only one vgroup if subscribe super table"
        }
        TSDB_CODE_TMQ_REPLAY_NOT_SUPPORT => "Replay is disabled if subscribe db or stable",
        TSDB_CODE_TMQ_NO_TABLE_QUALIFIED => "No table qualified for query",
        TSDB_CODE_TMQ_NO_NEED_REBALANCE => "No need rebalance",
        TSDB_CODE_TMQ_INVALID_STATUS => "Invalid status, please subscribe topic first",
        TSDB_CODE_TMQ_INVALID_DATA => "Invalid data use here",
        TSDB_CODE_TMQ_RAW_DATA_SPLIT => "Split submit data for rawdata",
        TSDB_CODE_WS_DSN_ERROR => "DSN error",
        TSDB_CODE_WS_WEBSOCKET_ERROR => "WebSocket error",
        TSDB_CODE_WS_CONN_CLOSED => "connection closed",
        TSDB_CODE_WS_SEND_TIMEOUT => "send message timeout",
        TSDB_CODE_WS_RECV_TIMEOUT => "receive message timeout",
        TSDB_CODE_WS_IO_ERROR => "I/O error",
        TSDB_CODE_WS_UNAUTHORIZED => "unauthorized",
        TSDB_CODE_WS_DE_ERROR => "deserialization error",
        TSDB_CODE_WS_DISCONNECTED => "WebSocket disconnected",
        TSDB_CODE_WS_TLS_ERROR => "TLS error",
        TSDB_CODE_WS_OBJECT_IS_NULL => "object is null",
        TSDB_CODE_WS_TMQ_TOPIC_APPEND_ERR => "tmq topic append error",
        TSDB_CODE_WS_REJECT_SQL => "reject sql",
        TSDB_CODE_WS_LIMITER => "query limit reached",
        TSDB_CODE_WS_FAILED => "adapter error",
        _ => "Unknown error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_taoserror_h() {
        assert_eq!(TSDB_CODE_RPC_NETWORK_UNAVAIL as u32, 0x8000_000B);
        assert_eq!(TSDB_CODE_MND_AUTH_FAILURE as u32, 0x8000_0357);
        assert_eq!(TSDB_CODE_MND_DB_NOT_EXIST as u32, 0x8000_0388);
        assert_eq!(TSDB_CODE_PAR_SYNTAX_ERROR as u32, 0x8000_2600);
        assert_eq!(TSDB_CODE_PAR_TABLE_NOT_EXIST as u32, 0x8000_2603);
        assert_eq!(TSDB_CODE_PAR_DB_NOT_SPECIFIED as u32, 0x8000_2616);
        assert_eq!(TSDB_CODE_TDB_TABLE_ALREADY_EXIST as u32, 0x8000_0603);
        assert_eq!(TSDB_CODE_OPS_NOT_SUPPORT as u32, 0x8000_0100);
        assert_eq!(TSDB_CODE_WS_FAILED as u32, 0x8000_FFFF);
    }

    #[test]
    fn texts() {
        assert_eq!(
            default_message(TSDB_CODE_PAR_TABLE_NOT_EXIST),
            "Table does not exist"
        );
        assert_eq!(
            default_message(TSDB_CODE_MND_AUTH_FAILURE),
            "Authentication failure"
        );
        assert_eq!(
            default_message(TSDB_CODE_MND_DB_NOT_EXIST),
            "Database not exist"
        );
        assert_eq!(
            default_message(TSDB_CODE_RPC_NETWORK_UNAVAIL),
            "Unable to establish connection"
        );
        assert_eq!(default_message(0x8000_1234u32 as i32), "Unknown error");
    }
}
