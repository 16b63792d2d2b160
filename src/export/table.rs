//! A typed table and how it becomes CSV bytes: the column list (which also feeds the Table Schema
//! and README.txt), typed fields, RFC 4180 writing with the `csv` crate, formula-injection
//! neutralisation of text cells, and the opt-in Shift_JIS (CP932) copy with its encoding check.
//!
//! Every cell is typed. A number column only ever receives [`Field::Number`], [`Field::Integer`]
//! or [`Field::Year`], written in plain form (`-12`, `97.91`, `255615000`) and never prefixed; a
//! text column receives [`Field::Text`], which is neutralised when it could be read as a formula.

pub use crate::cp932::{cp932_form, encodes_in_shift_jis};
use crate::fiscal_year::FiscalYear;
use crate::value::Number;
use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::rc::Rc;

/// A column's type, as Table Schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text.
    String,
    /// A whole number (money in 円, counts, ordinals).
    Integer,
    /// A decimal number, written without separators (`97.91`, `-12`).
    Number,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A 西暦 year (`2024`).
    Year,
}

impl ColumnType {
    /// The Table Schema type name.
    pub fn schema_name(self) -> &'static str {
        match self {
            ColumnType::String => "string",
            ColumnType::Integer => "integer",
            ColumnType::Number => "number",
            ColumnType::Date => "date",
            ColumnType::Year => "year",
        }
    }

    /// The type in Japanese, for README.txt.
    pub fn label(self) -> &'static str {
        match self {
            ColumnType::String => "文字列",
            ColumnType::Integer => "整数",
            ColumnType::Number => "数値",
            ColumnType::Date => "日付（YYYY-MM-DD）",
            ColumnType::Year => "西暦年",
        }
    }
}

/// A column: its header, type and description.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The header as written in the CSV (also the Table Schema field name): 「予算額（円）」.
    pub name: String,
    /// The type.
    pub kind: ColumnType,
    /// A Japanese title for the data package.
    pub title: String,
    /// What the column holds, for README.txt and the data package.
    pub description: String,
    /// The unit of a numeric column, when it has one: 「円」「%」「人工」.
    pub unit: Option<String>,
    /// The only values a text column may hold, when they are fixed (the 〜の種類 columns).
    pub values: Option<&'static [&'static str]>,
}

impl Column {
    /// A column whose title is its name.
    pub fn new(
        name: impl Into<String>,
        kind: ColumnType,
        description: impl Into<String>,
    ) -> Column {
        let name = name.into();
        Column {
            title: name.clone(),
            name,
            kind,
            description: description.into(),
            unit: None,
            values: None,
        }
    }

    /// A text column.
    pub fn text(name: impl Into<String>, description: impl Into<String>) -> Column {
        Column::new(name, ColumnType::String, description)
    }

    /// Sets the unit.
    pub fn unit(mut self, unit: impl Into<String>) -> Column {
        self.unit = Some(unit.into());
        self
    }

    /// Restricts a text column to fixed values.
    pub fn one_of(mut self, values: &'static [&'static str]) -> Column {
        self.values = Some(values);
        self
    }

    /// Sets the title (defaults to the name).
    pub fn titled(mut self, title: impl Into<String>) -> Column {
        self.title = title.into();
        self
    }
}

/// One typed cell. Text borrows from the model where it can: a table lives only until it is
/// written.
#[derive(Debug, Clone, PartialEq)]
pub enum Field<'a> {
    /// An empty cell (the only missing-value marker).
    Empty,
    /// Text, neutralised on writing when it could be read as a formula.
    Text(Cow<'a, str>),
    /// A decimal number.
    Number(Number),
    /// A whole number.
    Integer(i64),
    /// A 西暦 year.
    Year(FiscalYear),
    /// A date, `YYYY-MM-DD`.
    Date(String),
}

impl<'a> Field<'a> {
    /// Text, or empty when the text is empty.
    pub fn text(s: impl Into<Cow<'a, str>>) -> Field<'a> {
        let s = s.into();
        if s.is_empty() {
            Field::Empty
        } else {
            Field::Text(s)
        }
    }

    /// Optional text.
    pub fn opt_text(s: Option<&'a str>) -> Field<'a> {
        s.map_or(Field::Empty, Field::text)
    }

    /// An optional year.
    pub fn opt_year(y: Option<FiscalYear>) -> Field<'a> {
        y.map_or(Field::Empty, Field::Year)
    }

    /// The field with its text owned, for text that does not live as long as the table.
    pub fn into_owned(self) -> Field<'static> {
        match self {
            Field::Empty => Field::Empty,
            Field::Text(s) => Field::Text(Cow::Owned(s.into_owned())),
            Field::Number(n) => Field::Number(n),
            Field::Integer(i) => Field::Integer(i),
            Field::Year(y) => Field::Year(y),
            Field::Date(d) => Field::Date(d),
        }
    }

    /// Whether the field may stand in a column of type `kind`.
    fn fits(&self, kind: ColumnType) -> bool {
        matches!(
            (self, kind),
            (Field::Empty, _)
                | (Field::Text(_), ColumnType::String)
                | (Field::Number(_), ColumnType::Number)
                | (Field::Integer(_), ColumnType::Integer | ColumnType::Number)
                | (Field::Year(_), ColumnType::Year)
                | (Field::Date(_), ColumnType::Date)
        )
    }

    /// The cell as written.
    fn written(&self) -> String {
        let mut out = String::new();
        self.write_into(&mut out);
        out
    }

    /// Appends the cell as written to `out` (a buffer reused across cells).
    fn write_into(&self, out: &mut String) {
        // Writing into a `String` cannot fail.
        let _ = match self {
            Field::Empty => Ok(()),
            Field::Text(s) => {
                neutralise_into(out, s);
                Ok(())
            }
            Field::Number(n) => {
                out.push_str(&n.plain());
                Ok(())
            }
            Field::Integer(i) => write!(out, "{i}"),
            Field::Year(y) => write!(out, "{}", y.year()),
            Field::Date(d) => {
                out.push_str(d);
                Ok(())
            }
        };
    }
}

/// The first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection:
/// `=`, `+`, `-`, `@`, tab, carriage return, line feed), plus the apostrophe itself so that the
/// prefix can always be undone: strip one leading `'` from a text cell to get the original.
pub const FORMULA_TRIGGERS: [char; 8] = ['=', '+', '-', '@', '\t', '\r', '\n', '\''];

/// Prefixes a text cell with `'` when it starts with a formula trigger: `=HYPERLINK(…)` →
/// `'=HYPERLINK(…)`. Only text cells pass through here; numbers never do.
pub fn neutralise(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    neutralise_into(&mut out, text);
    out
}

/// Appends [`neutralise`]`(text)` to `out`.
fn neutralise_into(out: &mut String, text: &str) {
    if text.starts_with(FORMULA_TRIGGERS) {
        out.push('\'');
    }
    out.push_str(text);
}

/// Undoes [`neutralise`]: what a reader does to get the text as the sheet wrote it.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_TRIGGERS) => rest,
        _ => cell,
    }
}

/// A row with the sheet it came from, so that an encoding error can name the sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Row<'a> {
    /// The sheet or plan node the row was read from: 「content/joso/2024/projects/124.toml（…）」.
    /// Shared by the rows of one sheet.
    pub origin: Rc<str>,
    /// One field per column.
    pub fields: Vec<Field<'a>>,
}

/// A typed table, borrowing its text from the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Table<'a> {
    /// Columns, in order: the same for every table of a kind, so usually shared.
    pub columns: Cow<'static, [Column]>,
    /// Rows.
    pub rows: Vec<Row<'a>>,
}

/// Why a table could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableError {
    /// A field of the wrong type or a row of the wrong length: a bug in kohyo, not in the content.
    Shape(String),
    /// A character Shift_JIS (CP932) cannot hold.
    Unencodable {
        /// The sheet or plan node the row came from.
        origin: String,
        /// The column (field) holding the character.
        column: String,
        /// The character.
        character: char,
    },
    /// The `csv` writer failed.
    Csv(String),
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableError::Shape(s) => write!(f, "internal error while writing a CSV: {s}"),
            TableError::Unencodable {
                origin,
                column,
                character,
            } => write!(
                f,
                "{origin}: the field 「{column}」 holds 「{character}」 (U+{:04X}), which Shift_JIS (CP932) cannot encode; replace the character in the sheet, or turn off `shift_jis` under [csv] in kohyo.toml",
                *character as u32
            ),
            TableError::Csv(s) => write!(f, "cannot write a CSV: {s}"),
        }
    }
}

impl std::error::Error for TableError {}

/// The UTF-8 byte order mark: Japanese Excel reads UTF-8 without it as CP932.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

impl<'a> Table<'a> {
    /// An empty table with these columns.
    pub fn new(columns: impl Into<Cow<'static, [Column]>>) -> Table<'a> {
        Table {
            columns: columns.into(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn push(&mut self, origin: impl Into<Rc<str>>, fields: Vec<Field<'a>>) {
        self.rows.push(Row {
            origin: origin.into(),
            fields,
        });
    }

    /// Checks every row's length and every field's type against its column.
    fn check_shape(&self) -> Result<(), TableError> {
        for (i, row) in self.rows.iter().enumerate() {
            if row.fields.len() != self.columns.len() {
                return Err(TableError::Shape(format!(
                    "row {} has {} fields for {} columns",
                    i + 1,
                    row.fields.len(),
                    self.columns.len()
                )));
            }
            for (field, col) in row.fields.iter().zip(self.columns.iter()) {
                if !field.fits(col.kind) {
                    return Err(TableError::Shape(format!(
                        "row {}: {field:?} in the {} column 「{}」",
                        i + 1,
                        col.kind.schema_name(),
                        col.name
                    )));
                }
                let outside = match (col.values, field) {
                    (Some(values), Field::Text(t)) => !values.contains(&t.as_ref()),
                    _ => false,
                };
                if let (true, Field::Text(t)) = (outside, field) {
                    return Err(TableError::Shape(format!(
                        "row {}: 「{t}」 is not one of the values of 「{}」",
                        i + 1,
                        col.name
                    )));
                }
            }
        }
        Ok(())
    }

    /// The table as CSV text (RFC 4180, CRLF, header row first), without a BOM.
    pub fn to_csv_string(&self) -> Result<String, TableError> {
        let bytes = self.write_csv(Vec::new())?;
        String::from_utf8(bytes).map_err(|e| TableError::Csv(e.to_string()))
    }

    /// The UTF-8 file: BOM, then the CSV text.
    pub fn to_utf8(&self) -> Result<Vec<u8>, TableError> {
        let mut bytes = self.write_csv(BOM.to_vec())?;
        // A municipality's files are kept for its zip: no room to spare.
        bytes.shrink_to_fit();
        Ok(bytes)
    }

    /// Appends the CSV text to `out`: one buffer for every cell, no string per cell.
    fn write_csv(&self, out: Vec<u8>) -> Result<Vec<u8>, TableError> {
        self.check_shape()?;
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        let csv_err = |e: csv::Error| TableError::Csv(e.to_string());
        w.write_record(self.columns.iter().map(|c| c.name.as_str()))
            .map_err(csv_err)?;
        let mut cell = String::with_capacity(256);
        for row in &self.rows {
            for field in &row.fields {
                cell.clear();
                field.write_into(&mut cell);
                w.write_field(&cell).map_err(csv_err)?;
            }
            // An empty record ends the row.
            w.write_record(None::<&[u8]>).map_err(csv_err)?;
        }
        w.into_inner()
            .map_err(|e| TableError::Csv(e.error().to_string()))
    }

    /// The Shift_JIS (CP932) file, without a BOM. Fails naming the sheet and the field when a
    /// character cannot be encoded: `encoding_rs` would otherwise write an `&#…;` escape and only
    /// set a flag.
    pub fn to_shift_jis(&self) -> Result<Vec<u8>, TableError> {
        let text: String = self.to_csv_string()?.chars().map(cp932_form).collect();
        let (bytes, _, had_errors) = encoding_rs::SHIFT_JIS.encode(&text);
        if !had_errors {
            return Ok(bytes.into_owned());
        }
        Err(self.first_unencodable().unwrap_or_else(|| {
            TableError::Shape("Shift_JIS encoding failed outside any field".into())
        }))
    }

    /// The first cell (header included) holding a character Shift_JIS cannot encode.
    fn first_unencodable(&self) -> Option<TableError> {
        let bad = |s: &str| crate::cp932::unencodable(s).next().map(|(_, c)| c);
        for col in self.columns.iter() {
            if let Some(character) = bad(&col.name) {
                return Some(TableError::Unencodable {
                    origin: "the header row".into(),
                    column: col.name.clone(),
                    character,
                });
            }
        }
        for row in &self.rows {
            for (field, col) in row.fields.iter().zip(self.columns.iter()) {
                if let Some(character) = bad(&field.written()) {
                    return Some(TableError::Unencodable {
                        origin: row.origin.to_string(),
                        column: col.name.clone(),
                        character,
                    });
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        s.parse().unwrap()
    }

    fn table(fields: Vec<Field<'_>>) -> Table<'_> {
        let mut t = Table::new(vec![
            Column::text("名前", "名前"),
            Column::new("値", ColumnType::Number, "値"),
        ]);
        t.push("シートA", fields);
        t
    }

    #[test]
    fn writes_a_bom_crlf_and_plain_numbers() {
        let bytes = table(vec![Field::text("転出者数"), Field::Number(n("2,700"))])
            .to_utf8()
            .unwrap();
        assert_eq!(&bytes[..3], BOM);
        assert_eq!(
            std::str::from_utf8(&bytes[3..]).unwrap(),
            "名前,値\r\n転出者数,2700\r\n"
        );
    }

    #[test]
    fn quotes_commas_quotes_and_newlines() {
        let s = table(vec![Field::text("a,\"b\"\nc"), Field::Number(n("-1234.5"))])
            .to_csv_string()
            .unwrap();
        assert_eq!(s, "名前,値\r\n\"a,\"\"b\"\"\nc\",-1234.5\r\n");
    }

    #[test]
    fn formula_payloads_in_text_are_neutralised_and_numbers_are_not() {
        for (payload, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+81-3-1234-5678", "'+81-3-1234-5678"),
            ("-cmd", "'-cmd"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'quoted", "''quoted"),
            ("－", "－"),
            ("実施", "実施"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralise(payload), written, "{payload:?}");
            assert_eq!(restore(written), payload, "{payload:?}");
        }
        let s = table(vec![Field::text("-cmd"), Field::Number(n("-12"))])
            .to_csv_string()
            .unwrap();
        assert!(s.ends_with("'-cmd,-12\r\n"), "{s}");
    }

    #[test]
    fn a_field_of_the_wrong_type_is_refused() {
        let e = table(vec![Field::Number(n("1")), Field::text("1")])
            .to_csv_string()
            .unwrap_err();
        assert!(matches!(e, TableError::Shape(_)), "{e}");
        let e = table(vec![Field::Empty]).to_csv_string().unwrap_err();
        assert!(matches!(e, TableError::Shape(_)), "{e}");
        let mut t = Table::new(vec![Column::text("種類", "").one_of(&["数値", "未記入"])]);
        t.push("x", vec![Field::text("ゼロ")]);
        assert!(matches!(t.to_csv_string(), Err(TableError::Shape(_))));
    }

    #[test]
    fn empty_zero_and_text_stay_apart() {
        let mut t = Table::new(vec![
            Column::new("値", ColumnType::Number, ""),
            Column::text("種類", ""),
        ]);
        t.push("x", vec![Field::Number(n("0")), Field::text("数値")]);
        t.push("x", vec![Field::Empty, Field::text("未記入")]);
        assert_eq!(
            t.to_csv_string().unwrap(),
            "値,種類\r\n0,数値\r\n,未記入\r\n"
        );
    }

    #[test]
    fn shift_jis_copies_encode_or_name_the_field() {
        let ok = table(vec![Field::text("第Ⅶ章 ①～⑳ －"), Field::Number(n("1"))])
            .to_shift_jis()
            .unwrap();
        let (back, _, errors) = encoding_rs::SHIFT_JIS.decode(&ok);
        assert!(!errors);
        assert_eq!(back, "名前,値\r\n第Ⅶ章 ①～⑳ －,1\r\n");
        for bad in ["𠮷野家", "達成😀"] {
            let e = table(vec![Field::text(bad), Field::Number(n("1"))])
                .to_shift_jis()
                .unwrap_err();
            let msg = e.to_string();
            assert!(msg.contains("シートA") && msg.contains("「名前」"), "{msg}");
            assert!(matches!(e, TableError::Unencodable { .. }));
        }
        assert!(encodes_in_shift_jis('髙'));
        // The JIS/CP932 mapping variants are written as the same Shift_JIS character.
        let dashes = table(vec![Field::text("令和5〜9年度 —"), Field::Number(n("1"))])
            .to_shift_jis()
            .unwrap();
        let (back, _, _) = encoding_rs::SHIFT_JIS.decode(&dashes);
        assert!(back.contains("令和5～9年度 ―"), "{back}");
        assert!(!encodes_in_shift_jis('😀'));
    }
}
