//! CREATE / DROP / ALTER / SHOW statements and column definitions.

use taos_wire::error::{codes, TaosError};
use taos_wire::types::*;

use super::{unsupported, Parser};
use crate::sql::ast::*;
use crate::sql::lexer::{unescape, Tok};

impl Parser<'_> {
    pub(super) fn create(&mut self) -> Result<Statement, TaosError> {
        if self.eat_kw("database") {
            let if_not_exists = self.if_not_exists()?;
            let name = self.ident()?;
            let mut precision = None;
            let mut keep_days = None;
            let mut vgroups = None;
            while !self.at_end() {
                let opt = match self.bump() {
                    Tok::Ident(s) => s.to_ascii_lowercase(),
                    _ => {
                        self.i -= 1;
                        return Err(self.err());
                    }
                };
                if opt == "precision" {
                    match self.bump() {
                        Tok::Str(s) => precision = Some(unescape(&s).to_ascii_lowercase()),
                        _ => {
                            self.i -= 1;
                            return Err(self.err());
                        }
                    }
                } else if opt == "keep" {
                    let mut days = self.keep_value()?;
                    while self.eat_sym(",") {
                        days = days.max(self.keep_value()?);
                    }
                    keep_days = Some(days);
                } else if opt == "vgroups" {
                    vgroups = Some(self.int_option()?);
                } else {
                    // Other options (VGROUPS, DURATION, BUFFER, ...) take one value or a
                    // comma-separated list; they do not change the in-memory store.
                    self.option_value()?;
                    while self.eat_sym(",") {
                        self.option_value()?;
                    }
                }
            }
            return Ok(Statement::CreateDatabase {
                name,
                if_not_exists,
                precision,
                keep_days,
                vgroups,
            });
        }
        if self.eat_kw("stable") {
            let if_not_exists = self.if_not_exists()?;
            let name = self.table_name()?;
            let columns = self.column_defs()?;
            self.expect_kw("tags")?;
            let tags = self.column_defs()?;
            self.table_options()?;
            return Ok(Statement::CreateStable {
                name,
                if_not_exists,
                columns,
                tags,
            });
        }
        if self.eat_kw("table") {
            let if_not_exists = self.if_not_exists()?;
            let name = self.table_name()?;
            if self.is_kw("using") {
                let mut defs = vec![self.using_clause(if_not_exists, name)?];
                while !self.at_end() {
                    let ine = self.if_not_exists()?;
                    let n = self.table_name()?;
                    defs.push(self.using_clause(ine, n)?);
                }
                return Ok(Statement::CreateChildTables(defs));
            }
            if self.is_kw("as") {
                return Err(unsupported("CREATE TABLE AS SELECT"));
            }
            let columns = self.column_defs()?;
            if self.eat_kw("tags") {
                let tags = self.column_defs()?;
                self.table_options()?;
                return Ok(Statement::CreateStable {
                    name,
                    if_not_exists,
                    columns,
                    tags,
                });
            }
            self.table_options()?;
            return Ok(Statement::CreateTable {
                name,
                if_not_exists,
                columns,
            });
        }
        match self.peek() {
            Tok::Ident(s) => Err(unsupported(&format!("CREATE {}", s.to_ascii_uppercase()))),
            _ => Err(self.err()),
        }
    }

    /// One KEEP value in days: `3650`, `3650d`, `87600h`, `5256000m`.
    pub(super) fn keep_value(&mut self) -> Result<i64, TaosError> {
        let bad = |p: &Self| {
            TaosError::new(
                codes::TSDB_CODE_PAR_INVALID_DB_OPTION,
                format!(
                    "Invalid option keep: {}",
                    p.sql.get(p.pos()..).unwrap_or("")
                ),
            )
        };
        let days = match self.peek().clone() {
            Tok::Number(n) => n.parse::<i64>().map_err(|_| bad(self))?,
            Tok::Duration(n, u) => {
                let v = n.parse::<i64>().map_err(|_| bad(self))?;
                match u.to_ascii_lowercase().as_str() {
                    "d" => v,
                    "h" => v / 24,
                    "m" => v / 1440,
                    _ => return Err(bad(self)),
                }
            }
            _ => return Err(self.err()),
        };
        self.i += 1;
        if days < 1 {
            return Err(bad(self));
        }
        Ok(days)
    }

    /// An integer option value (`VGROUPS n`), sign allowed; range checks are the engine's.
    pub(super) fn int_option(&mut self) -> Result<i64, TaosError> {
        let neg = self.eat_sym("-");
        match self.bump() {
            Tok::Number(n) => match n.parse::<i64>() {
                Ok(v) => Ok(if neg { -v } else { v }),
                Err(_) => {
                    self.i -= 1;
                    Err(self.err())
                }
            },
            _ => {
                self.i -= 1;
                Err(self.err())
            }
        }
    }

    /// Skips one option value (number, duration, string or identifier).
    pub(super) fn option_value(&mut self) -> Result<(), TaosError> {
        self.eat_sym("-");
        match self.bump() {
            Tok::Number(_) | Tok::Duration(..) | Tok::Str(_) | Tok::Ident(_) => Ok(()),
            _ => {
                self.i -= 1;
                Err(self.err())
            }
        }
    }

    /// Accepts and ignores `COMMENT 'x'`, `TTL n`, `KEEP n` table options.
    pub(super) fn table_options(&mut self) -> Result<(), TaosError> {
        while !self.at_end() {
            if self.eat_kw("comment") {
                if !matches!(self.bump(), Tok::Str(_)) {
                    self.i -= 1;
                    return Err(self.err());
                }
            } else if self.eat_kw("ttl") || self.eat_kw("keep") {
                self.option_value()?;
            } else {
                return Err(self.err());
            }
        }
        Ok(())
    }

    /// `t USING st [(tag names)] TAGS (values)` after the child name was read.
    pub(super) fn using_clause(
        &mut self,
        if_not_exists: bool,
        name: TableName,
    ) -> Result<ChildTableDef, TaosError> {
        self.expect_kw("using")?;
        let stable = self.table_name()?;
        let tag_names = if self.is_sym("(") {
            Some(self.name_list()?)
        } else {
            None
        };
        self.expect_kw("tags")?;
        self.expect_sym("(")?;
        let mut tags = vec![self.literal()?];
        while self.eat_sym(",") {
            tags.push(self.literal()?);
        }
        self.expect_sym(")")?;
        while self.is_kw("ttl") || self.is_kw("comment") {
            self.i += 1;
            self.option_value()?;
        }
        Ok(ChildTableDef {
            if_not_exists,
            name,
            stable,
            tag_names,
            tags,
        })
    }

    pub(super) fn name_list(&mut self) -> Result<Vec<String>, TaosError> {
        self.expect_sym("(")?;
        let mut v = vec![self.ident()?];
        while self.eat_sym(",") {
            v.push(self.ident()?);
        }
        self.expect_sym(")")?;
        Ok(v)
    }

    pub(super) fn column_defs(&mut self) -> Result<Vec<ColumnDef>, TaosError> {
        self.expect_sym("(")?;
        let mut v = vec![self.column_def()?];
        while self.eat_sym(",") {
            v.push(self.column_def()?);
        }
        self.expect_sym(")")?;
        Ok(v)
    }

    pub(super) fn column_def(&mut self) -> Result<ColumnDef, TaosError> {
        let name = self.ident()?;
        let (ty, bytes, precision, scale) = self.data_type()?;
        // Per-column storage options are accepted and ignored.
        loop {
            if self.eat_kw("encode")
                || self.eat_kw("compress")
                || self.eat_kw("level")
                || self.eat_kw("comment")
            {
                if !matches!(self.bump(), Tok::Str(_)) {
                    self.i -= 1;
                    return Err(self.err());
                }
            } else if self.is_kw("primary") {
                return Err(unsupported("composite PRIMARY KEY"));
            } else {
                break;
            }
        }
        Ok(ColumnDef {
            name,
            ty,
            bytes,
            precision,
            scale,
        })
    }

    pub(super) fn paren_int(&mut self) -> Result<i64, TaosError> {
        self.expect_sym("(")?;
        let v = self.int_token()?;
        self.expect_sym(")")?;
        Ok(v)
    }

    pub(super) fn int_token(&mut self) -> Result<i64, TaosError> {
        match self.peek().clone() {
            Tok::Number(n) => match n.parse::<i64>() {
                Ok(v) => {
                    self.i += 1;
                    Ok(v)
                }
                Err(_) => Err(self.err()),
            },
            _ => Err(self.err()),
        }
    }

    /// A type name: returns (type code, user bytes, precision, scale).
    pub(super) fn data_type(&mut self) -> Result<(u8, i64, u8, u8), TaosError> {
        let word = match self.peek() {
            Tok::Ident(s) => s.to_ascii_lowercase(),
            _ => return Err(self.err()),
        };
        self.i += 1;
        let unsigned = |p: &mut Self, signed: u8, uns: u8| {
            if p.eat_kw("unsigned") {
                uns
            } else {
                signed
            }
        };
        let ty = match word.as_str() {
            "timestamp" => (TSDB_DATA_TYPE_TIMESTAMP, 8),
            "bool" => (TSDB_DATA_TYPE_BOOL, 1),
            "tinyint" => (
                unsigned(self, TSDB_DATA_TYPE_TINYINT, TSDB_DATA_TYPE_UTINYINT),
                1,
            ),
            "smallint" => (
                unsigned(self, TSDB_DATA_TYPE_SMALLINT, TSDB_DATA_TYPE_USMALLINT),
                2,
            ),
            "int" | "integer" => (unsigned(self, TSDB_DATA_TYPE_INT, TSDB_DATA_TYPE_UINT), 4),
            "bigint" => (
                unsigned(self, TSDB_DATA_TYPE_BIGINT, TSDB_DATA_TYPE_UBIGINT),
                8,
            ),
            "float" => (TSDB_DATA_TYPE_FLOAT, 4),
            "double" => (TSDB_DATA_TYPE_DOUBLE, 8),
            "binary" | "varchar" => (TSDB_DATA_TYPE_VARCHAR, self.paren_int()?),
            "nchar" => (TSDB_DATA_TYPE_NCHAR, self.paren_int()?),
            "varbinary" => (TSDB_DATA_TYPE_VARBINARY, self.paren_int()?),
            "geometry" => (TSDB_DATA_TYPE_GEOMETRY, self.paren_int()?),
            "json" => (TSDB_DATA_TYPE_JSON, 4095),
            "decimal" => {
                self.expect_sym("(")?;
                let p = self.int_token()?;
                let s = if self.eat_sym(",") {
                    self.int_token()?
                } else {
                    0
                };
                self.expect_sym(")")?;
                let (p8, s8) = (p.clamp(0, 255) as u8, s.clamp(0, 255) as u8);
                if p > 18 {
                    return Ok((TSDB_DATA_TYPE_DECIMAL, 16, p8, s8));
                }
                return Ok((TSDB_DATA_TYPE_DECIMAL64, 8, p8, s8));
            }
            "blob" | "mediumblob" => return Err(unsupported("BLOB type")),
            _ => {
                self.i -= 1;
                return Err(self.err());
            }
        };
        Ok((ty.0, ty.1, 0, 0))
    }

    /// ALTER TABLE|STABLE t ADD COLUMN|ADD TAG|SET TAG; other alterations are unsupported.
    pub(super) fn alter(&mut self) -> Result<Statement, TaosError> {
        let stable = if self.eat_kw("stable") {
            true
        } else if self.eat_kw("table") {
            false
        } else {
            return match self.peek() {
                Tok::Ident(s) => Err(unsupported(&format!("ALTER {}", s.to_ascii_uppercase()))),
                _ => Err(self.err()),
            };
        };
        let table = self.table_name()?;
        let action = if self.eat_kw("add") {
            if self.eat_kw("tag") {
                AlterAction::AddTag(self.column_def()?)
            } else {
                self.eat_kw("column");
                AlterAction::AddColumn(self.column_def()?)
            }
        } else if self.eat_kw("modify") {
            if self.eat_kw("tag") {
                AlterAction::ModifyTag(self.column_def()?)
            } else {
                self.expect_kw("column")?;
                AlterAction::ModifyColumn(self.column_def()?)
            }
        } else if self.is_kw("set") && self.is_kw_at(1, "tag") {
            self.i += 2;
            let name = self.ident()?;
            self.expect_sym("=")?;
            AlterAction::SetTag(name, self.literal()?)
        } else {
            return match self.peek() {
                Tok::Ident(s) => Err(unsupported(&format!(
                    "ALTER {} ... {}",
                    if stable { "STABLE" } else { "TABLE" },
                    s.to_ascii_uppercase()
                ))),
                _ => Err(self.err()),
            };
        };
        Ok(Statement::Alter {
            table,
            stable,
            action,
        })
    }

    pub(super) fn drop(&mut self) -> Result<Statement, TaosError> {
        if self.eat_kw("database") {
            let if_exists = self.if_exists()?;
            let name = self.ident()?;
            return Ok(Statement::DropDatabase { name, if_exists });
        }
        if self.eat_kw("stable") {
            let if_exists = self.if_exists()?;
            let name = self.table_name()?;
            return Ok(Statement::DropStable { if_exists, name });
        }
        if self.eat_kw("table") {
            let mut names = Vec::new();
            loop {
                let ie = self.if_exists()?;
                names.push((self.table_name()?, ie));
                if !self.eat_sym(",") {
                    break;
                }
            }
            return Ok(Statement::DropTables(names));
        }
        match self.peek() {
            Tok::Ident(s) => Err(unsupported(&format!("DROP {}", s.to_ascii_uppercase()))),
            _ => Err(self.err()),
        }
    }

    pub(super) fn show(&mut self) -> Result<Statement, TaosError> {
        if self.eat_kw("databases") {
            return Ok(Statement::ShowDatabases);
        }
        let mut db = None;
        if !(self.is_kw("tables") || self.is_kw("stables"))
            && matches!(self.peek_at(1), Tok::Sym("."))
        {
            db = Some(self.ident()?);
            self.expect_sym(".")?;
        }
        let stables = if self.eat_kw("tables") {
            false
        } else if self.eat_kw("stables") {
            true
        } else {
            return match self.peek() {
                Tok::Ident(s) => Err(unsupported(&format!("SHOW {}", s.to_ascii_uppercase()))),
                _ => Err(self.err()),
            };
        };
        let like = if self.eat_kw("like") {
            match self.bump() {
                Tok::Str(s) => Some(unescape(&s)),
                _ => {
                    self.i -= 1;
                    return Err(self.err());
                }
            }
        } else {
            None
        };
        Ok(Statement::ShowTables { db, stables, like })
    }
}
