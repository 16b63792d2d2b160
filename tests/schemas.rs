//! The JSON Schemas in `schemas/` (which content files point at with `#:schema`) are generated
//! from the format types; this test fails when they drift. Regenerate with
//! `cargo run -- schema --output schemas`.

use std::path::Path;

#[test]
fn committed_schemas_match_the_format_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    for (name, json) in kohyo::schema::all() {
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert!(
            committed == json,
            "schemas/{name} is out of date: run `cargo run -- schema --output schemas`"
        );
    }
}

#[test]
fn schemas_reject_unknown_fields_like_the_loader() {
    for (name, json) in kohyo::schema::all() {
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v["additionalProperties"],
            serde_json::Value::Bool(false),
            "{name}"
        );
        assert!(
            v["properties"].as_object().is_some_and(|p| !p.is_empty()),
            "{name}"
        );
    }
}
