//! The JSON contract of `--json` (docs/spec.md, "JSON output"): every object renn
//! prints carries `"schema": SCHEMA_VERSION`; every event of the `run-stage` stream is
//! one line, `{"event", "schema", "time", …payload}`, with the host's clock in `time`
//! (RFC 3339, UTC). The JSON Schemas of the outputs (`schema/*.json` in the repository)
//! are generated here from the Rust types.

use crate::drive::event;
use renn_core::run::RunId;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde::Serialize;
use serde_json::{Map, Value};
use std::time::{SystemTime, UNIX_EPOCH};

/// The version of the JSON shapes renn prints; it changes when a shape changes in a
/// way a reader could notice (a field removed, renamed or retyped).
pub const SCHEMA_VERSION: u32 = 1;

/// The key holding [`SCHEMA_VERSION`] in every object renn prints.
pub const SCHEMA_KEY: &str = "schema";

/// `value` with `"schema": 1` first (a value that is not an object is wrapped as
/// `{"schema": 1, "value": …}`; every output today is an object).
pub fn stamp(value: Value) -> Value {
    let mut out = Map::new();
    out.insert(SCHEMA_KEY.into(), SCHEMA_VERSION.into());
    match value {
        Value::Object(m) => out.extend(m),
        other => {
            out.insert("value".into(), other);
        }
    }
    Value::Object(out)
}

/// One event line (no newline): `{"event": name, "schema": 1, "time": …, …data}`.
pub fn event_line(name: &str, data: Value, time: &str) -> String {
    serde_json::to_string(&event_value(name, data, time)).unwrap_or_default()
}

/// One event as a value: what [`event_line`] prints, and what the bindings' `runStage`
/// hands to its callback.
pub fn event_value(name: &str, data: Value, time: &str) -> Value {
    let mut out = Map::new();
    out.insert("event".into(), name.into());
    out.insert(SCHEMA_KEY.into(), SCHEMA_VERSION.into());
    out.insert("time".into(), time.into());
    match data {
        Value::Object(m) => out.extend(m.into_iter().filter(|(k, _)| k != "event")),
        Value::Null => {}
        other => {
            out.insert("data".into(), other);
        }
    }
    Value::Object(out)
}

/// `{"schema": 1, "error": report}`: how every failure is printed with `--json`.
pub fn error_value(report: &renn_core::error::ErrorReport) -> Value {
    stamp(serde_json::json!({ "error": report }))
}

/// Now, as RFC 3339 in UTC with milliseconds: `2026-03-01T09:30:00.250Z`.
pub fn now_rfc3339() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(d.as_secs(), d.subsec_millis())
}

/// `secs` after the epoch (and `millis`), as RFC 3339 in UTC.
pub fn rfc3339(secs: u64, millis: u32) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// `renn branch --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BranchOutput {
    pub strategy: renn_core::config::BranchingStrategy,
    /// Null for branching strategy `none`.
    pub branch: Option<String>,
}

/// Which prompt `renn prompt` printed.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PromptKind {
    Runner,
    Continuation,
}

/// `renn prompt --json`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PromptOutput {
    pub run: RunId,
    pub prompt: PromptKind,
    pub text: String,
}

/// `{"error": …}`, on stderr, of every command that fails.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ErrorOutput {
    pub error: renn_core::error::ErrorReport,
}

/// The shipped schemas: file stem (`schema/<stem>.json`) and schema.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        ("plan", output::<renn_core::Plan>("renn plan --json")),
        (
            "validate",
            output::<renn_core::project::Validation>("renn validate --json"),
        ),
        (
            "proof",
            output::<renn_core::project::ProofView>("renn proof --json"),
        ),
        (
            "models",
            output::<renn_core::models::Models>("renn models --json"),
        ),
        ("next", output::<renn_core::next::Next>("renn next --json")),
        ("branch", output::<BranchOutput>("renn branch --json")),
        ("prompt", output::<PromptOutput>("renn prompt --json")),
        (
            "parse-return",
            output::<renn_core::returns::AgentReturn>("renn parse-return --json"),
        ),
        (
            "status",
            output::<renn_core::project::Status>("renn status --json"),
        ),
        (
            "init",
            output::<crate::lifecycle::InitReport>("renn init --json"),
        ),
        (
            "clean",
            output::<crate::lifecycle::CleanReport>("renn clean --json"),
        ),
        (
            "doctor",
            output::<crate::lifecycle::DoctorReport>("renn doctor --json"),
        ),
        (
            "logs",
            output::<crate::lifecycle::LogShown>("renn logs --json"),
        ),
        (
            "error",
            output::<ErrorOutput>("renn --json: any command's error (stderr)"),
        ),
        ("events", events_schema()),
        ("api", api_schema()),
    ]
}

/// The values of the bindings' API (docs/api.md), one `$defs` entry each, without the
/// `schema` key the CLI adds: what `bindings-node/types.d.ts` (json-schema-to-typescript)
/// and `renn/types.py` (scripts/bindings/typeddicts.py) are generated from. Results are
/// described as serialised; what a host hands in (`Event`, `StageOnDisk`, a saved
/// `StageRun`) as deserialised, so keys with a default are optional.
pub fn api_schema() -> Value {
    use renn_core::{execute, project};
    // Each type's definition (or, for a type schemars inlines, its schema) by name.
    macro_rules! roots {
        ($generator:expr; $($name:literal => $ty:ty),+ $(,)?) => {
            vec![$(($name, $generator.subschema_for::<$ty>().to_value())),+]
        };
    }
    let mut output = generator();
    let mut roots: Vec<(&str, Value)> = roots!(output;
        "Config" => renn_core::Config,
        "Models" => renn_core::models::Models,
        "StageDir" => renn_core::StageDir,
        "Inventory" => renn_core::inventory::Inventory,
        "Plan" => renn_core::Plan,
        "Validation" => project::Validation,
        "ProofView" => project::ProofView,
        "Next" => renn_core::next::Next,
        "Status" => project::Status,
        "AgentReturn" => renn_core::returns::AgentReturn,
        "Action" => execute::Action,
        "Progress" => execute::Progress,
        "StageRun" => execute::StageRun,
        "Diagnostic" => renn_core::Diagnostic,
        "ErrorReport" => renn_core::error::ErrorReport,
    );
    let mut input = SchemaSettings::draft2020_12()
        .for_deserialize()
        .into_generator();
    roots.extend(roots!(input;
        "Event" => execute::Event,
        "StageOnDisk" => execute::StageOnDisk,
    ));

    let mut defs = Map::new();
    merge_defs(&mut defs, &output);
    merge_defs(&mut defs, &input);
    for (name, schema) in roots {
        // A type schemars inlines (no `$ref`) gets its definition under its name.
        if schema.get("$ref").is_none() {
            defs.insert(name.into(), schema);
        }
    }
    // The run-stage stream as `runStage` hands it over: each line of `renn --json
    // run-stage` (`event`, `schema`, `time`, the payload), and `question` events.
    let events = events_schema();
    let branches: Vec<Value> = events["oneOf"]
        .as_array()
        .expect("events are a oneOf")
        .iter()
        .map(|branch| {
            let mut branch = branch.clone();
            // Untitled: generators inline each as `{event: "…", time} & Payload`.
            if let Value::Object(b) = &mut branch {
                b.remove("title");
            }
            branch
        })
        .collect();
    for (name, def) in events["$defs"].as_object().expect("event definitions") {
        insert_def(&mut defs, name, def);
    }
    defs.insert(
        "StageEvent".into(),
        serde_json::json!({
            "description": "One event of a stage's execution (`renn --json run-stage`), told apart by `event`.",
            "oneOf": branches
        }),
    );
    for (from, to) in RENAMED {
        if let Some(def) = defs.remove(from) {
            defs.insert(to.into(), def);
        }
    }
    defs.sort_keys();
    let mut defs = Value::Object(defs);
    ref_siblings_to_all_of(&mut defs);
    rename_refs(&mut defs);
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "RennApi",
        "description": "renn's API values (docs/api.md), for the bindings' type declarations.",
        "$defs": defs
    })
}

/// Types named otherwise in the bindings: the core's `StageRun` (an execution's saved
/// state, `StageExecution.state()`) is `ExecutionState`, since the napi class of a
/// running stage (`Project.runStage`) is `StageRun`.
const RENAMED: [(&str, &str); 1] = [("StageRun", "ExecutionState")];

fn rename_refs(schema: &mut Value) {
    match schema {
        Value::String(r) => {
            for (from, to) in RENAMED {
                if r.as_str() == format!("#/$defs/{from}") {
                    *r = format!("#/$defs/{to}");
                }
            }
        }
        Value::Object(obj) => obj.values_mut().for_each(rename_refs),
        Value::Array(items) => items.iter_mut().for_each(rename_refs),
        _ => {}
    }
}

/// `{"$ref": X, "properties": …}` (a newtype variant of a tagged enum) as the equivalent
/// `{"allOf": [{"$ref": X}, {"properties": …}]}`, which type generators read as an
/// intersection (some drop a `$ref`'s siblings).
fn ref_siblings_to_all_of(schema: &mut Value) {
    match schema {
        Value::Object(obj) => {
            const NOTES: [&str; 5] = ["description", "title", "default", "readOnly", "deprecated"];
            let extra = obj
                .keys()
                .any(|k| k != "$ref" && !NOTES.contains(&k.as_str()));
            if obj.contains_key("$ref") && extra {
                let r = obj.remove("$ref").expect("checked");
                let keep: Map<String, Value> = NOTES
                    .into_iter()
                    .filter_map(|k| obj.remove(k).map(|v| (k.to_string(), v)))
                    .collect();
                let rest = std::mem::replace(obj, keep);
                obj.insert(
                    "allOf".into(),
                    Value::Array(vec![serde_json::json!({ "$ref": r }), Value::Object(rest)]),
                );
            }
            obj.values_mut().for_each(ref_siblings_to_all_of);
        }
        Value::Array(items) => items.iter_mut().for_each(ref_siblings_to_all_of),
        _ => {}
    }
}

fn merge_defs(defs: &mut Map<String, Value>, generator: &SchemaGenerator) {
    for (name, def) in generator.definitions() {
        insert_def(defs, name, def);
    }
}

/// One definition per name. A type both generators describe keeps its serialised
/// shape: what a host hands back inside an event is what renn gave it.
fn insert_def(defs: &mut Map<String, Value>, name: &str, def: &Value) {
    if !defs.contains_key(name) {
        defs.insert(name.into(), def.clone());
    }
}

fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
}

/// The schema of `T` with the `schema` version key every output carries.
fn output<T: JsonSchema>(title: &str) -> Value {
    let mut generator = generator();
    let root = generator.root_schema_for::<T>();
    let mut value = root.to_value();
    let obj = value.as_object_mut().expect("a schema object");
    obj.insert("title".into(), title.into());
    add_version(obj);
    // A top-level field the types do not describe is an error: the schema is complete.
    obj.insert("unevaluatedProperties".into(), false.into());
    Value::Object(std::mem::take(obj))
}

fn version_schema() -> Value {
    serde_json::json!({
        "description": "The version of renn's JSON shapes (renn_host::json::SCHEMA_VERSION).",
        "const": SCHEMA_VERSION
    })
}

/// Adds the required `schema` property: to an object schema, or to every branch of a
/// `oneOf`/`anyOf` (an internally tagged enum); `allOf` parts can keep theirs.
fn add_version(schema: &mut Map<String, Value>) {
    let mut branched = false;
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = schema.get_mut(key) {
            branched = true;
            for b in branches {
                if let Value::Object(b) = b {
                    add_version(b);
                }
            }
        }
    }
    if branched {
        return;
    }
    if let Some(Value::String(r)) = schema.get("$ref") {
        // A transparent wrapper: the properties live in the referenced definition.
        let r = r.clone();
        schema.remove("$ref");
        schema.insert(
            "allOf".into(),
            serde_json::json!([{ "$ref": r }, { "properties": { "schema": version_schema() }, "required": ["schema"] }]),
        );
        return;
    }
    let props = schema
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(p) = props {
        p.insert(SCHEMA_KEY.into(), version_schema());
    }
    let req = schema
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(r) = req {
        r.push(SCHEMA_KEY.into());
    }
}

/// One line of the `run-stage --json` stream: `oneOf` an event per name, each with
/// `event` (its name), `schema`, `time` and its payload's fields.
pub fn events_schema() -> Value {
    let mut generator = generator();
    let mut branches: Vec<(String, Value)> = event::host_event_schemas(&mut generator)
        .into_iter()
        .map(|(name, s)| (name.to_string(), s.to_value()))
        .collect();
    // The core's notices: `{"notice": NAME, …}` becomes `{"event": NAME, …}`.
    let notice = generator
        .subschema_for::<renn_core::execute::Notice>()
        .to_value();
    let notice = resolve(&generator, &notice);
    for variant in notice["oneOf"].as_array().cloned().unwrap_or_default() {
        let mut variant = variant;
        let name = variant["properties"]["notice"]["const"]
            .as_str()
            .expect("notices are tagged")
            .to_string();
        let obj = variant.as_object_mut().expect("a variant object");
        if let Some(Value::Object(p)) = obj.get_mut("properties") {
            p.remove("notice");
        }
        if let Some(Value::Array(r)) = obj.get_mut("required") {
            r.retain(|k| k != "notice");
        }
        branches.push((name, variant));
    }
    branches.sort_by(|a, b| a.0.cmp(&b.0));
    let one_of: Vec<Value> = branches
        .into_iter()
        .map(|(name, payload)| {
            serde_json::json!({
                "title": name,
                // A field the types do not describe is an error: the schema is complete.
                "unevaluatedProperties": false,
                "allOf": [
                    {
                        "type": "object",
                        "properties": {
                            "event": { "const": name },
                            "schema": version_schema(),
                            "time": {
                                "description": "When the host emitted the event: RFC 3339, UTC.",
                                "type": "string",
                                "format": "date-time"
                            }
                        },
                        "required": ["event", "schema", "time"]
                    },
                    payload
                ]
            })
        })
        .collect();
    let mut defs = Map::new();
    for (k, v) in generator.definitions() {
        defs.insert(k.clone(), v.clone());
    }
    defs.remove("Notice");
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "renn --json run-stage: one event per line",
        "oneOf": one_of,
        "$defs": defs
    })
}

/// `schema` itself when it is not a `$ref` to a definition; the definition otherwise.
fn resolve(generator: &SchemaGenerator, schema: &Value) -> Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or_default();
            generator
                .definitions()
                .get(name)
                .cloned()
                .unwrap_or(Value::Null)
        }
        None => schema.clone(),
    }
}

/// `schema` as text, the way `schema/*.json` holds it.
pub fn schema_text(schema: &Value) -> String {
    serde_json::to_string_pretty(schema).expect("schemas serialise") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_of_known_instants() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(rfc3339(1_798_761_599, 999), "2026-12-31T23:59:59.999Z");
    }

    #[test]
    fn an_event_is_one_line_with_name_version_and_time() {
        let line = event_line(
            "run_completed",
            serde_json::json!({"run": "02-01", "text": "a\nb"}),
            "2026-01-01T00:00:00.000Z",
        );
        assert!(!line.contains('\n'));
        assert_eq!(
            line,
            r#"{"event":"run_completed","schema":1,"time":"2026-01-01T00:00:00.000Z","run":"02-01","text":"a\nb"}"#
        );
    }
}
