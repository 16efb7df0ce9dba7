//! JSON messages of ws-query.md §2: field names and order, u64 fidelity, error rules of §7.2.

use taos_wire::error::{codes, TaosError};
use taos_wire::json::*;

#[test]
fn query_reply_update_matches_spec_text() {
    let want = r#"{"code":0,"message":"","action":"query","req_id":5,"timing":4369543,"id":0,"is_update":true,"affected_rows":1,"fields_count":0,"fields_names":null,"fields_types":null,"fields_lengths":null,"precision":0,"fields_precisions":null,"fields_scales":null}"#;
    let r = QueryReply::update("query", 5, 4_369_543, 1);
    assert_eq!(to_json(&r), want);
    let back: QueryReply = parse_reply(want).unwrap();
    assert_eq!(back, r);
}

#[test]
fn query_reply_rows_matches_spec_text() {
    let want = r#"{"code":0,"message":"","action":"binary_query","req_id":2,"timing":812345,"id":1,"is_update":false,"affected_rows":0,"fields_count":4,"fields_names":["ts","i","s","n"],"fields_types":[9,4,8,10],"fields_lengths":[8,4,10,5],"precision":0,"fields_precisions":[0,0,0,0],"fields_scales":[0,0,0,0]}"#;
    let r = QueryReply {
        action: "binary_query".into(),
        req_id: 2,
        timing: 812_345,
        id: 1,
        fields_count: 4,
        fields_names: Some(vec!["ts".into(), "i".into(), "s".into(), "n".into()]),
        fields_types: Some(vec![9, 4, 8, 10]),
        fields_lengths: Some(vec![8, 4, 10, 5]),
        fields_precisions: Some(vec![0; 4]),
        fields_scales: Some(vec![0; 4]),
        ..Default::default()
    };
    assert_eq!(to_json(&r), want);
    assert_eq!(parse_reply::<QueryReply>(want).unwrap(), r);
}

#[test]
fn error_reply_matches_spec_text_and_parses_into_any_reply() {
    let want = r#"{"code":9731,"message":"Table does not exist","action":"query","req_id":6,"timing":901234}"#;
    let err = TaosError::new(codes::TSDB_CODE_PAR_TABLE_NOT_EXIST, "Table does not exist");
    assert_eq!(error_reply_json("query", 6, &err, 901_234), want);
    let q: QueryReply = parse_reply(want).unwrap();
    assert_eq!(q.code, 9731);
    assert_eq!(q.error().unwrap(), err);
    assert_eq!(q.fields_names, None);
    let c: ConnReply = parse_reply(r#"{"code":855,"message":"Authentication failure","action":"conn","req_id":1,"timing":1234567}"#).unwrap();
    assert_eq!(c.error().unwrap().code, codes::TSDB_CODE_MND_AUTH_FAILURE);
}

#[test]
fn conn_request_and_reply() {
    let args = ConnArgs {
        req_id: 1,
        user: "root".into(),
        password: "taosdata".into(),
        db: "test".into(),
        connector: Some("rust-ws-v0.12.4".into()),
        ..Default::default()
    };
    let text = Envelope::new("conn", args.clone()).to_json();
    assert_eq!(
        text,
        r#"{"action":"conn","args":{"req_id":1,"user":"root","password":"taosdata","db":"test","connector":"rust-ws-v0.12.4"}}"#
    );
    let req = parse_request(&text).unwrap();
    assert_eq!((req.action.as_str(), req.req_id), ("conn", 1));
    assert_eq!(req.decode_args::<ConnArgs>().unwrap(), args);

    let reply = ConnReply {
        action: "conn".into(),
        req_id: 1,
        timing: 2_310_554,
        version: "3.3.6.0".into(),
        ..Default::default()
    };
    let want = r#"{"code":0,"message":"","action":"conn","req_id":1,"timing":2310554,"version":"3.3.6.0"}"#;
    assert_eq!(to_json(&reply), want);
    assert!(parse_reply::<ConnReply>(want).unwrap().error().is_none());
}

#[test]
fn u64_ids_round_trip_exactly() {
    let big = u64::MAX - 1; // not representable in f64
    let text = Envelope::new(
        "fetch",
        FetchArgs {
            req_id: big,
            id: big - 7,
        },
    )
    .to_json();
    assert!(text.contains("18446744073709551614"));
    let req = parse_request(&text).unwrap();
    assert_eq!(req.req_id, big);
    assert_eq!(req.decode_args::<FetchArgs>().unwrap().id, big - 7);
    assert_eq!(extract_req_id(&text), big);
    let reply = FetchReply {
        req_id: big,
        id: big,
        completed: true,
        ..Default::default()
    };
    let back: FetchReply = parse_reply(&to_json(&reply)).unwrap();
    assert_eq!((back.req_id, back.id), (big, big));
}

#[test]
fn version_request_without_args() {
    let env: Envelope<ReqIdArgs> = Envelope {
        action: "version".into(),
        args: None,
    };
    assert_eq!(env.to_json(), r#"{"action":"version"}"#);
    let req = parse_request(r#"{"action":"version"}"#).unwrap();
    assert_eq!(
        (req.action.as_str(), req.req_id, req.args),
        ("version", 0, None)
    );
    let r = VersionReply {
        action: "version".into(),
        version: "3.3.6.0".into(),
        ..Default::default()
    };
    assert_eq!(
        to_json(&r),
        r#"{"code":0,"message":"","action":"version","req_id":0,"timing":0,"version":"3.3.6.0"}"#
    );
    // Legacy /rest/ws version reply: no req_id, no timing.
    let legacy: VersionReply =
        parse_reply(r#"{"code":0,"message":"","action":"version","version":"3.0.0.0"}"#).unwrap();
    assert_eq!(legacy.version, "3.0.0.0");
}

#[test]
fn predispatch_errors() {
    let e = parse_request("not json").unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str(), e.action.as_str(), e.req_id),
        (0xFFFF, "unmarshal request error", "", 0)
    );
    let e = parse_request("[1,2]").unwrap_err();
    assert_eq!(e.message, "unmarshal request error");
    let e = parse_request(r#"{"args":{"req_id":9}}"#).unwrap_err();
    assert_eq!((e.message.as_str(), e.req_id), ("request no action", 9));
    let e = parse_request(r#"{"action":"","args":{"req_id":3}}"#).unwrap_err();
    assert_eq!((e.message.as_str(), e.req_id), ("request no action", 3));

    let req = parse_request(r#"{"action":"query","args":{"req_id":4,"sql":5}}"#).unwrap();
    let err = req.decode_args::<QueryArgs>().unwrap_err();
    assert_eq!(err.message, "unmarshal query request error");
    assert_eq!(err.wire_code(), 0xFFFF);
    let req = parse_request(r#"{"action":"fetch_block"}"#).unwrap();
    assert_eq!(
        req.decode_args::<FetchArgs>().unwrap_err().message,
        "unmarshal fetch block request error"
    );
    let req = parse_request(r#"{"action":"free_result","args":[]}"#).unwrap();
    assert_eq!(
        req.decode_args::<FetchArgs>().unwrap_err().message,
        "unmarshal free result request error"
    );
    // Unknown keys in args are ignored.
    let req =
        parse_request(r#"{"action":"fetch","args":{"req_id":1,"id":2,"extra":true}}"#).unwrap();
    assert_eq!(
        req.decode_args::<FetchArgs>().unwrap(),
        FetchArgs { req_id: 1, id: 2 }
    );
}

#[test]
fn lenient_req_id() {
    assert_eq!(
        extract_req_id(r#"{"action":"query","args":{"req_id":77,"sql":1}}"#),
        77
    );
    assert_eq!(
        extract_req_id(r#"{"action":"query","args":{"req_id":"77"}}"#),
        0
    );
    assert_eq!(extract_req_id(r#"{"action":"query"}"#), 0);
    assert_eq!(extract_req_id("garbage"), 0);
    assert_eq!(extract_req_id(r#"{"args":{"req_id":-1}}"#), 0);
    assert_eq!(extract_action(r#"{"action":"conn"}"#), "conn");
    assert_eq!(extract_action("{"), "");
}

#[test]
fn other_replies_and_args() {
    let r = FetchReply {
        action: "fetch".into(),
        req_id: 3,
        id: 1,
        lengths: Some(vec![8, 4, 12, 22]),
        rows: 2,
        ..Default::default()
    };
    assert_eq!(
        to_json(&r),
        r#"{"code":0,"message":"","action":"fetch","req_id":3,"timing":0,"id":1,"completed":false,"lengths":[8,4,12,22],"rows":2}"#
    );
    let v = ValidateSqlReply {
        action: "validate_sql".into(),
        result_code: -2_147_473_920,
        ..Default::default()
    };
    assert!(to_json(&v).ends_with(r#""result_code":-2147473920}"#));
    let s = CheckServerStatusReply {
        status: 2,
        details: "".into(),
        ..Default::default()
    };
    assert!(to_json(&s).ends_with(r#""status":2,"details":""}"#));
    let o: OptionsConnectionArgs = serde_json::from_str(
        r#"{"req_id":1,"options":[{"option":1,"value":"Asia/Shanghai"},{"option":3,"value":null}]}"#,
    )
    .unwrap();
    assert_eq!(
        o.options[1],
        ConnectionOption {
            option: 3,
            value: None
        }
    );
    let n: NumFieldsArgs = serde_json::from_str(r#"{"req_id":1,"result_id":5}"#).unwrap();
    assert_eq!(n.result_id, 5);
    let html = ErrorReply::new("query", 1, &TaosError::adapter("a<b>&c"), 0);
    assert!(to_json(&html).contains("a<b>&c"));
}

#[test]
fn go_like_zero_values() {
    // Missing fields and nulls decode to zero values, as in the adapter's Go decoder.
    let req = parse_request(r#"{"action":"query","args":{"req_id":1}}"#).unwrap();
    assert_eq!(req.decode_args::<QueryArgs>().unwrap().sql, "");
    let req =
        parse_request(r#"{"action":"conn","args":{"user":"root","password":null,"db":null}}"#)
            .unwrap();
    let c: ConnArgs = req.decode_args().unwrap();
    assert_eq!(
        (c.user.as_str(), c.password.as_str(), c.db.as_str()),
        ("root", "", "")
    );
    // Wrong types are still errors.
    let req = parse_request(r#"{"action":"conn","args":{"user":5}}"#).unwrap();
    assert_eq!(
        req.decode_args::<ConnArgs>().unwrap_err().message,
        "unmarshal connect request error"
    );
}
