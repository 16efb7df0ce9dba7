//! JSON text frames of TMQ on `/rest/tmq` (ws-stmt-sml-tmq.md §4). There is no `conn` on that
//! endpoint: credentials and consumer settings travel in `subscribe`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `subscribe` args (§4.2). String-valued settings are applied only when non-empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TmqSubscribeArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// User name.
    #[serde(default)]
    pub user: String,
    /// Password.
    #[serde(default)]
    pub password: String,
    /// Database (ignored by TDengine's consumer).
    #[serde(default)]
    pub db: String,
    /// `group.id`.
    #[serde(default)]
    pub group_id: String,
    /// `client.id` (`null` when unset).
    #[serde(default)]
    pub client_id: Option<String>,
    /// `auto.offset.reset` (the adapter's historical spelling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_rest: Option<String>,
    /// `auto.offset.reset` (wins over `offset_rest` when both are non-empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset_reset: Option<String>,
    /// Topic names.
    #[serde(default)]
    pub topics: Vec<String>,
    /// `enable.auto.commit` as a Go bool string (handled by the adapter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_commit: Option<String>,
    /// `auto.commit.interval.ms` as an integer string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_commit_interval_ms: Option<String>,
    /// `experimental.snapshot.enable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_enable: Option<String>,
    /// `msg.with.table.name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_table_name: Option<String>,
    /// `msg.enable.batchmeta`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_batch_meta: Option<String>,
    /// `msg.consume.excluded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_consume_excluded: Option<String>,
    /// `msg.consume.rawdata`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_consume_rawdata: Option<String>,
    /// `session.timeout.ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_timeout_ms: Option<String>,
    /// `max.poll.interval.ms`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_poll_interval_ms: Option<String>,
    /// Connection timezone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
    /// Application name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Client IP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Connector string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connector: Option<String>,
    /// Ask for the adapter instance list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_instances: Option<bool>,
    /// Extra native keys, merged last (connection keys ignored by the server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<BTreeMap<String, String>>,
}

/// `poll` args (§4.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TmqPollArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Milliseconds to wait.
    #[serde(default)]
    pub blocking_time: i64,
    /// Last message id received (lost-response protection, §4.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<u64>,
}

/// Args naming the cached message: `fetch`, `fetch_block`, `fetch_raw`, `fetch_raw_data`,
/// `fetch_json_meta`, `commit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TmqMessageArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Message id.
    #[serde(default)]
    pub message_id: u64,
}

/// `commit_offset` and `seek` args.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TmqOffsetArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Topic.
    #[serde(default)]
    pub topic: String,
    /// Vgroup id.
    #[serde(default)]
    pub vgroup_id: i32,
    /// Offset.
    #[serde(default)]
    pub offset: i64,
}

/// One (topic, vgroup) pair.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicVgroupId {
    /// Topic.
    #[serde(default)]
    pub topic: String,
    /// Vgroup id.
    #[serde(default)]
    pub vgroup_id: i32,
}

/// `committed` / `position` args.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TmqTopicVgroupArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Pairs to look up.
    #[serde(default)]
    pub topic_vgroup_ids: Vec<TopicVgroupId>,
}

/// `assignment` args.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TmqTopicArgs {
    /// Request id.
    #[serde(default)]
    pub req_id: u64,
    /// Topic.
    #[serde(default)]
    pub topic: String,
}

/// One entry of an `assignment` reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TmqAssignment {
    /// Vgroup id.
    #[serde(default)]
    pub vgroup_id: i32,
    /// Current position.
    #[serde(default)]
    pub offset: i64,
    /// Earliest available WAL version.
    #[serde(default)]
    pub begin: i64,
    /// Latest WAL version.
    #[serde(default)]
    pub end: i64,
}

/// Poll `message_type`: data.
pub const TMQ_MESSAGE_DATA: i32 = 1;
/// Poll `message_type`: table meta.
pub const TMQ_MESSAGE_META: i32 = 2;
/// Poll `message_type`: meta + data.
pub const TMQ_MESSAGE_METADATA: i32 = 3;
/// Poll `message_type`: raw data.
pub const TMQ_MESSAGE_RAWDATA: i32 = 4;

reply!(
    /// `subscribe` success reply.
    TmqSubscribeReply {
        /// Server version.
        version: String,
        /// Adapter instances, only when requested.
        #[serde(skip_serializing_if = "Option::is_none")]
        list_instances: Option<Vec<String>>,
    }
);

reply!(
    /// `poll` reply (all fields zero when `have_message` is false).
    TmqPollReply {
        /// Whether a message arrived.
        have_message: bool,
        /// Topic name.
        topic: String,
        /// Database name.
        database: String,
        /// Vgroup id.
        vgroup_id: i32,
        /// 1 data, 2 meta, 3 meta+data, 4 raw data.
        message_type: i32,
        /// Id of the cached message.
        message_id: u64,
        /// Offset of the message.
        offset: i64,
    }
);

reply!(
    /// A reply with `message_id` after the common fields: `commit` success, and errors of
    /// `fetch`, `fetch_block`, `fetch_raw`, `fetch_json_meta` (present even when 0).
    TmqMessageIdReply {
        /// Message id.
        message_id: u64,
    }
);

reply!(
    /// `fetch` reply (path A, §4.6.1).
    TmqFetchReply {
        /// Message id.
        message_id: u64,
        /// No more blocks.
        completed: bool,
        /// Table of this block.
        table_name: String,
        /// Rows in this block.
        rows: i64,
        /// Number of columns.
        fields_count: i64,
        /// Column names.
        fields_names: Option<Vec<String>>,
        /// Column type codes.
        fields_types: Option<Vec<u8>>,
        /// Column widths.
        fields_lengths: Option<Vec<i64>>,
        /// Timestamp precision.
        precision: i32,
    }
);

reply!(
    /// `commit_offset` reply (echo).
    TmqCommitOffsetReply {
        /// Topic.
        topic: String,
        /// Vgroup id.
        vgroup_id: i32,
        /// Offset.
        offset: i64,
    }
);

reply!(
    /// `committed` reply (−2147467247 = nothing committed).
    TmqCommittedReply {
        /// One offset per requested pair.
        committed: Vec<i64>,
    }
);

reply!(
    /// `position` reply.
    TmqPositionReply {
        /// One offset per requested pair.
        position: Vec<i64>,
    }
);

reply!(
    /// `assignment` reply.
    TmqAssignmentReply {
        /// Vgroup assignments.
        assignment: Vec<TmqAssignment>,
    }
);

reply!(
    /// `list_topics` reply.
    TmqListTopicsReply {
        /// Subscribed topics.
        topics: Vec<String>,
    }
);

reply!(
    /// `fetch_json_meta` reply.
    TmqFetchJsonMetaReply {
        /// Message id.
        message_id: u64,
        /// `tmq_get_json_meta` output embedded as JSON (may be `null`).
        data: serde_json::Value,
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse_reply, to_json, Envelope};

    #[test]
    fn subscribe_and_poll() {
        let text = r#"{"action":"subscribe","args":{"req_id":1,"user":"root","password":"taosdata","db":"","connector":"rust-ws-v0.12.4-ab8c319","group_id":"g1","client_id":"c1","offset_rest":"earliest","snapshot_enable":"false","with_table_name":"true","auto_commit":"false","offset_seek":null,"enable_batch_meta":"1","config":{"td.connect.ip":"127.0.0.1","td.connect.port":"6041","td.connect.user":"root","td.connect.pass":"taosdata"},"topics":["topic1"]}}"#;
        let req = crate::json::parse_request(text).unwrap();
        let a: TmqSubscribeArgs = req.decode_args().unwrap();
        assert_eq!((a.group_id.as_str(), a.topics.len()), ("g1", 1));
        assert_eq!(a.config.as_ref().unwrap()["td.connect.port"], "6041");
        let back = Envelope::new("subscribe", a.clone()).to_json();
        let again: TmqSubscribeArgs = crate::json::parse_request(&back)
            .unwrap()
            .decode_args()
            .unwrap();
        assert_eq!(again, a);

        let p = TmqPollReply {
            action: "poll".into(),
            req_id: 2,
            have_message: true,
            topic: "t".into(),
            database: "db".into(),
            vgroup_id: 3,
            message_type: TMQ_MESSAGE_DATA,
            message_id: 1,
            offset: 7,
            ..Default::default()
        };
        assert_eq!(
            to_json(&p),
            r#"{"code":0,"message":"","action":"poll","req_id":2,"timing":0,"have_message":true,"topic":"t","database":"db","vgroup_id":3,"message_type":1,"message_id":1,"offset":7}"#
        );
        assert_eq!(parse_reply::<TmqPollReply>(&to_json(&p)).unwrap(), p);
        let j = TmqFetchJsonMetaReply {
            data: serde_json::json!({"type":"drop"}),
            ..Default::default()
        };
        assert!(to_json(&j).ends_with(r#""data":{"type":"drop"}}"#));
    }
}
