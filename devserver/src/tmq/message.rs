//! A polled TMQ message: the blocks one poll hands out, and their encodings for the three
//! fetch paths (block by block, `fetch_raw`, `fetch_raw_data`).

use taos_wire::tmq_raw::{
    encode_tmq_raw_data_span, encode_tmq_raw_metadata_span, TmqRawBlock, TmqRawColumn,
};

use crate::engine::ResultSet;

/// `raw_type` of a data message (RES_TYPE__TMQ).
pub const RAW_TYPE_DATA: u16 = 2;
/// `raw_type` of a meta+data message (RES_TYPE__TMQ_METADATA).
pub const RAW_TYPE_METADATA: u16 = 4;

/// One block of a message: the rows of one table.
#[derive(Debug)]
pub struct MsgBlock {
    /// Child/normal table name.
    pub table: String,
    /// The rows, in the topic's schema.
    pub rs: ResultSet,
}

/// A message taken from one (topic, vgroup).
#[derive(Debug)]
pub struct Message {
    /// Topic.
    pub topic: String,
    /// Database.
    pub db: String,
    /// Vgroup id.
    pub vgroup_id: i32,
    /// Request offset: the version the read started from.
    pub offset: i64,
    /// Response offset: the version right after the message, where the consumer's
    /// `position` stands once it is polled (TDengine's `rspOffset`).
    pub end: i64,
    /// Poll `message_type` (1 data).
    pub kind: i32,
    /// Data blocks.
    pub blocks: Vec<MsgBlock>,
    /// The JSON meta of a meta message.
    pub meta: Option<serde_json::Value>,
    /// Of a meta+data message: the `create` JSON document of each table its INSERTs created
    /// (`INSERT ... USING`), in order; they travel in the raw payload's create-table list.
    pub created: Vec<serde_json::Value>,
}

impl Message {
    /// `raw_type` of the message's raw payload.
    pub fn raw_type(&self) -> u16 {
        if self.kind == taos_wire::json::tmq::TMQ_MESSAGE_METADATA {
            RAW_TYPE_METADATA
        } else {
            RAW_TYPE_DATA
        }
    }

    /// The TMQ raw payload (§4.8) of the whole message; its offsets header carries the
    /// message's start and end (`offset`, `end`).
    pub fn raw_data(&self) -> Vec<u8> {
        let encoded: Vec<Vec<u8>> = self
            .blocks
            .iter()
            .map(|b| b.rs.encode_block(0, b.rs.num_rows()))
            .collect();
        let blocks: Vec<TmqRawBlock> = self
            .blocks
            .iter()
            .zip(&encoded)
            .map(|(b, bytes)| TmqRawBlock {
                block: bytes,
                precision: b.rs.precision(),
                sversion: 1,
                columns: b
                    .rs
                    .fields()
                    .iter()
                    .zip(b.rs.internal_widths())
                    .enumerate()
                    .map(|(i, (f, w))| TmqRawColumn {
                        ty: f.ty,
                        flags: 0,
                        bytes: w,
                        col_id: i as i32 + 1,
                        name: f.name.clone(),
                    })
                    .collect(),
                table_name: Some(b.table.clone()),
            })
            .collect();
        if self.raw_type() == RAW_TYPE_METADATA {
            // TDengine puts an encoded SVCreateTbReq per created table there; the dev server
            // puts the table's JSON create document (replayed by ws/tmq_write.rs).
            let creates: Vec<Vec<u8>> = self
                .created
                .iter()
                .map(|j| serde_json::to_vec(j).unwrap_or_default())
                .collect();
            return encode_tmq_raw_metadata_span(self.offset, self.end, &blocks, &creates);
        }
        encode_tmq_raw_data_span(self.offset, self.end, &blocks)
    }
}
