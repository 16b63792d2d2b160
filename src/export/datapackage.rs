//! `datapackage.json`: a Frictionless Tabular Data Package (v1) describing every CSV of a
//! municipality — its dialect, size, SHA-256 hash and Table Schema: column names, types (string,
//! integer, number, date, year), Japanese titles, units, the fixed values of the 〜の種類 columns.
//! Paths are relative to the package, which sits at `/{muni}/datapackage.json`.
//!
//! Files of the same shape share one schema file, `schemas/{kind}.json`, referenced by path (the
//! spec allows a schema to be a path): hundreds of sheet files would otherwise repeat the same
//! sixty field descriptions and make the descriptor megabytes long.
//!
//! The only missing-value marker is the empty cell (`missingValues: [""]`). 「－」 (not
//! applicable) is deliberately not a missing value: a loader would turn it into the same null as
//! a blank. It is the value 該当なし of the 〜の種類 column beside each value, so 0, blank, 「－」
//! and words stay four different things after a Frictionless load.

use super::table::Column;
use crate::model::Municipality;
use serde_json::{Value as Json, json};
use sha2::{Digest, Sha256};

/// A CSV the package describes.
#[derive(Debug, Clone)]
pub struct Resource<'a> {
    /// Path relative to the package: `2024/kpi.csv`.
    pub path: &'a str,
    /// A title: 「令和6年度（2024年度）の指標一覧」.
    pub title: &'a str,
    /// Path of its Table Schema file, relative to the package: `schemas/kpi.json`.
    pub schema: &'a str,
    /// The file's bytes (for its size).
    pub bytes: &'a [u8],
    /// The SHA-256 of `bytes`, in hex.
    pub sha256: &'a str,
}

/// A resource name as Frictionless requires (`^[-a-z0-9._/]+$`) from a path: ASCII letters are
/// lowered, `/` becomes `-`, other characters become the hex of their UTF-8 bytes; the extension
/// is dropped. `plan/広域/indicators.csv` → `plan-e5ba83e59f9f-indicators`.
pub fn resource_name(path: &str) -> String {
    let stem = path.strip_suffix(".csv").unwrap_or(path);
    let mut out = String::with_capacity(stem.len());
    for c in stem.chars() {
        match c {
            'a'..='z' | '0'..='9' | '-' | '.' | '_' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            '/' => out.push('-'),
            _ => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("{b:02x}"));
                }
            }
        }
    }
    out
}

/// The Table Schema field of a column.
fn field(c: &Column) -> Json {
    let mut f = json!({
        "name": c.name,
        "type": c.kind.schema_name(),
        "title": c.title,
        "description": c.description,
    });
    if let Some(u) = &c.unit {
        f["unit"] = json!(u);
    }
    if let Some(values) = c.values {
        f["constraints"] = json!({ "enum": values });
    }
    f
}

/// The CSV dialect every file uses.
pub fn dialect() -> Json {
    json!({
        "delimiter": ",",
        "lineTerminator": "\r\n",
        "quoteChar": "\"",
        "doubleQuote": true,
        "header": true,
        "skipInitialSpace": false,
    })
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes).into())
}

/// A SHA-256 in lower-case hex.
pub fn hex(sha256: &[u8; 32]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in sha256 {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Pretty JSON ending in a newline.
fn pretty(json: &Json) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(json).unwrap_or_default();
    out.push(b'\n');
    out
}

/// A Table Schema file for tables with these columns: the only missing value is the empty cell.
pub fn schema(columns: &[Column]) -> Vec<u8> {
    pretty(&json!({
        "fields": columns.iter().map(field).collect::<Vec<_>>(),
        "missingValues": [""],
    }))
}

/// The package descriptor as pretty JSON, ending in a newline.
pub fn descriptor(m: &Municipality, site_title: &str, resources: &[Resource<'_>]) -> Vec<u8> {
    let mut names: Vec<String> = Vec::new();
    let resources: Vec<Json> = resources
        .iter()
        .map(|r| {
            let base = resource_name(r.path);
            let mut name = base.clone();
            let mut n = 2;
            while names.contains(&name) {
                name = format!("{base}-{n}");
                n += 1;
            }
            names.push(name.clone());
            json!({
                "name": name,
                "path": r.path,
                "profile": "tabular-data-resource",
                "title": r.title,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": r.bytes.len(),
                "hash": format!("sha256:{}", r.sha256),
                "dialect": dialect(),
                "schema": r.schema,
            })
        })
        .collect();
    let package = json!({
        "profile": "tabular-data-package",
        "name": resource_name(&format!("kohyo-{}", m.slug)),
        "title": format!("{}の事務事業評価・行政改革・計画の指標データ", m.name),
        "description": format!(
            "{}（全国地方公共団体コード {}）が公表した評価シートの指標・事務事業・アクション項目を、{}がCSVにしたもの。文字コードはUTF-8（BOM付き）、改行はCRLF。空欄だけが欠損値で、「－」（該当なし）・空欄（未記入）・0・文言は各値の「〜の種類」列で区別する。列の説明はREADME.txtにある。",
            m.name, m.code, site_title
        ),
        "keywords": ["行政評価", "事務事業評価", "KPI", m.name, m.prefecture],
        "resources": resources,
    });
    pretty(&package)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::table::ColumnType;

    #[test]
    fn resource_names_are_frictionless_safe_and_readable() {
        assert_eq!(resource_name("2024/kpi.csv"), "2024-kpi");
        assert_eq!(
            resource_name("2025/projects/koiki-gyosei/indicators.csv"),
            "2025-projects-koiki-gyosei-indicators"
        );
        assert_eq!(
            resource_name("plan/広域/indicators.csv"),
            "plan-e5ba83e59f9f-indicators"
        );
        assert_eq!(resource_name("plan/VII/x.csv"), "plan-vii-x");
    }

    #[test]
    fn hashes_are_sha256_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn fields_carry_type_title_unit_and_fixed_values() {
        let c = Column::new("予算額（円）", ColumnType::Integer, "予算額").unit("円");
        let f = field(&c);
        assert_eq!(f["type"], "integer");
        assert_eq!(f["unit"], "円");
        let k = Column::text("予算額の種類", "").one_of(&["数値", "該当なし"]);
        assert_eq!(field(&k)["constraints"]["enum"][1], "該当なし");
        let s: Json = serde_json::from_slice(&schema(&[c, k])).unwrap();
        assert_eq!(s["missingValues"], json!([""]));
        assert_eq!(s["fields"][1]["name"], "予算額の種類");
    }
}
