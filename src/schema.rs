//! JSON Schemas of the file formats, generated from the [`format`](crate::format) types, for
//! editors (Taplo / Even Better TOML) to autocomplete and validate content while it is typed.

use crate::format::{ActionFile, MunicipalityFile, PlanNodeDef, ProjectFile, SiteFile};

/// Every schema kohyo publishes: file name and JSON text.
pub fn all() -> Vec<(&'static str, String)> {
    fn json<T: schemars::JsonSchema>() -> String {
        let schema = schemars::schema_for!(T);
        let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
        s.push('\n');
        s
    }
    vec![
        ("kohyo.schema.json", json::<SiteFile>()),
        ("municipality.schema.json", json::<MunicipalityFile>()),
        ("plan-node.schema.json", json::<PlanNodeDef>()),
        ("project.schema.json", json::<ProjectFile>()),
        ("action.schema.json", json::<ActionFile>()),
    ]
}
