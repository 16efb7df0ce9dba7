//! Execution: bound rows become `INSERT` text with escaped literals (run in chunks), query
//! parameters are substituted into the SQL; everything goes through `Engine::execute`.

use taos_wire::error::{codes, TaosError};

use super::cell::{render, Cell};
use super::prepare::{resolve, InsertShape, Prepared, Resolved, Role, Slot};
use super::TableRows;
use crate::engine::{Engine, Outcome, ResultSet, Session};

/// Rows per generated INSERT statement.
const CHUNK_ROWS: usize = 1000;

/// What an exec produced.
pub enum Executed {
    /// Rows written (insert, or a query-shaped statement without a result).
    Affected(i64),
    /// A result set (query).
    Rows(ResultSet),
}

fn api_error() -> TaosError {
    TaosError::new(codes::TSDB_CODE_TSC_STMT_API_ERROR, "Stmt API usage error")
}

/// A table name given at bind time, made safe to splice into SQL: plain names (optionally
/// `db.` qualified or back-quoted) pass as written, anything else is back-quoted.
pub fn table_ident(name: &str) -> Result<String, TaosError> {
    let n = name.trim();
    if n.is_empty() {
        return Err(TaosError::new(
            codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
            "Stmt table name not set",
        ));
    }
    let plain = |p: &str| {
        !p.is_empty()
            && (p
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
                || (p.len() >= 2
                    && p.starts_with('`')
                    && p.ends_with('`')
                    && !p[1..p.len() - 1].contains('`')))
    };
    if n.split('.').all(plain) && n.split('.').count() <= 2 {
        return Ok(n.to_string());
    }
    if n.contains('`') {
        return Err(TaosError::new(
            codes::TSDB_CODE_PAR_INVALID_TBNAME,
            format!("invalid table name {n:?}"),
        ));
    }
    Ok(format!("`{n}`"))
}

/// The SQL name of a table bound for `?` (`db.?` prefixes the database).
pub fn bound_table(shape: &InsertShape, name: &str) -> Result<String, TaosError> {
    let ident = table_ident(name)?;
    Ok(match &shape.table_db {
        Some(db) if !name.contains('.') => format!("{db}.{ident}"),
        _ => ident,
    })
}

/// Types of the placeholders for one bound table.
pub fn types_for(
    e: &Engine,
    s: &Session,
    p: &Prepared,
    table: Option<&str>,
) -> Result<Resolved, TaosError> {
    if let Some(r) = &p.resolved {
        return Ok(r.clone());
    }
    let shape = p.insert.as_ref().ok_or_else(api_error)?;
    let ident = table.map(|t| bound_table(shape, t)).transpose()?;
    resolve(e, s, shape, ident.as_deref())
}

fn render_slots(
    slots: &[Slot],
    values: &dyn Fn(usize) -> Option<(Cell, u8)>,
) -> Result<String, TaosError> {
    let mut out = String::from("(");
    for (i, slot) in slots.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match slot {
            Slot::Lit(t) => out.push_str(t),
            Slot::Param(k) => {
                let (c, ty) = values(*k).ok_or_else(api_error)?;
                out.push_str(&render(&c, Some(ty))?);
            }
        }
    }
    out.push(')');
    Ok(out)
}

/// Runs the insert batch; returns the rows written.
pub fn insert(
    e: &Engine,
    s: &mut Session,
    p: &Prepared,
    batch: &[TableRows],
) -> Result<i64, TaosError> {
    let shape = p.insert.as_ref().ok_or_else(api_error)?;
    let mut affected = 0;
    for t in batch {
        if shape.stb_mode {
            affected += insert_stb(e, s, p, shape, t)?;
            continue;
        }
        let table = match (&shape.table, &t.name) {
            (Some(fixed), _) => fixed.clone(),
            (None, Some(n)) => bound_table(shape, n)?,
            (None, None) => {
                return Err(TaosError::new(
                    codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
                    "Stmt table name not set",
                ))
            }
        };
        let types = types_for(e, s, p, t.name.as_deref())?;
        let mut head = format!("INSERT INTO {table}");
        // Without bound tags the child table must already exist: no USING clause.
        let tags_missing = t.tags.is_empty() && !types.tags.is_empty() && shape.using.is_some();
        if let Some(u) = shape.using.as_ref().filter(|_| !tags_missing) {
            head.push_str(" USING ");
            head.push_str(&u.stable);
            if let Some(names) = &u.tag_names {
                head.push_str(&format!(" ({})", names.join(", ")));
            }
            let tags = render_slots(&u.tags, &|k| {
                Some((t.tags.get(k)?.clone(), types.tags.get(k)?.ty))
            })?;
            head.push_str(" TAGS ");
            head.push_str(&tags);
        }
        if let Some(cols) = &shape.columns {
            head.push_str(&format!(" ({})", cols.join(", ")));
        }
        head.push_str(" VALUES ");
        let rows = t.rows();
        if rows == 0 {
            // An auto-create entry without rows still creates the table.
            if shape.using.is_some() && !tags_missing {
                let create = head.replacen("INSERT INTO", "CREATE TABLE IF NOT EXISTS", 1);
                let create = create.trim_end_matches(" VALUES ").to_string();
                e.execute(s, &create)?;
            }
            continue;
        }
        let mut start = 0;
        while start < rows {
            let end = (start + CHUNK_ROWS).min(rows);
            let mut sql = head.clone();
            for r in start..end {
                let row = render_slots(&shape.values, &|k| {
                    Some((t.cols.get(k)?.get(r)?.clone(), types.cols.get(k)?.ty))
                })?;
                sql.push_str(&row);
                sql.push(' ');
            }
            match e.execute(s, &sql)? {
                Outcome::Affected(n) => affected += n,
                Outcome::Rows(_) => {}
            }
            start = end;
        }
    }
    Ok(affected)
}

/// One table's rows of an `INSERT INTO stb (tbname, ...)` statement.
fn insert_stb(
    e: &Engine,
    s: &mut Session,
    p: &Prepared,
    shape: &InsertShape,
    t: &TableRows,
) -> Result<i64, TaosError> {
    let types = types_for(e, s, p, None)?;
    let Some((roles, _)) = &types.stb else {
        return Err(api_error());
    };
    let name = t.name.as_deref().ok_or_else(|| {
        TaosError::new(
            codes::TSDB_CODE_TSC_STMT_TBNAME_ERROR,
            "Stmt table name not set",
        )
    })?;
    let head = format!(
        "INSERT INTO {} ({}) VALUES ",
        shape.table.as_deref().unwrap_or_default(),
        shape.columns.as_deref().unwrap_or_default().join(", ")
    );
    let mut affected = 0;
    let rows = t.rows();
    let mut start = 0;
    while start < rows {
        let end = (start + CHUNK_ROWS).min(rows);
        let mut sql = head.clone();
        for r in start..end {
            sql.push('(');
            for (i, role) in roles.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                let text = match role {
                    Role::Tbname => super::cell::quote(name),
                    Role::Lit(l) => l.clone(),
                    Role::Tag(k) => {
                        let ty = types.tags.get(*k).map(|x| x.ty);
                        render(t.tags.get(*k).ok_or_else(api_error)?, ty)?
                    }
                    Role::Col(k) => {
                        let ty = types.cols.get(*k).map(|x| x.ty);
                        let c = t.cols.get(*k).and_then(|c| c.get(r));
                        render(c.ok_or_else(api_error)?, ty)?
                    }
                };
                sql.push_str(&text);
            }
            sql.push_str(") ");
        }
        if let Outcome::Affected(n) = e.execute(s, &sql)? {
            affected += n;
        }
        start = end;
    }
    Ok(affected)
}

/// Substitutes query parameters and runs the statement.
pub fn query(
    e: &Engine,
    s: &mut Session,
    p: &Prepared,
    params: &[Cell],
) -> Result<Executed, TaosError> {
    if params.len() != p.marks.len() {
        return Err(TaosError::new(
            codes::TSDB_CODE_TSC_STMT_BIND_NUMBER_ERROR,
            format!(
                "bind number out of range or not match: {} parameters for {} placeholders",
                params.len(),
                p.marks.len()
            ),
        ));
    }
    let mut sql = String::with_capacity(p.sql.len() + 16 * params.len());
    let mut at = 0;
    for ((from, to), c) in p.marks.iter().zip(params) {
        sql.push_str(&p.sql[at..*from]);
        sql.push_str(&render(c, None)?);
        at = *to;
    }
    sql.push_str(&p.sql[at..]);
    Ok(match e.execute(s, sql.trim())? {
        Outcome::Affected(n) => Executed::Affected(n),
        Outcome::Rows(rs) => Executed::Rows(rs),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_made_safe() {
        assert_eq!(table_ident("d1").unwrap(), "d1");
        assert_eq!(table_ident("db.d1").unwrap(), "db.d1");
        assert_eq!(table_ident("`D 1`").unwrap(), "`D 1`");
        assert_eq!(table_ident("d-1").unwrap(), "`d-1`");
        assert!(table_ident("a`b c").is_err());
        assert!(table_ident("").is_err());
    }
}
