//! Loader for the JSON conformance vectors in `spec-vectors/*.json` (SPEC.md, "Contract 1").
//!
//! [`load_all`] panics with a message naming the file (and the vector) on any malformed
//! content, so a broken vector file can never silently test less than it claims to.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// One conformance vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vector {
    /// File name the vector came from (e.g. `"data.json"`).
    pub file: String,
    /// Vector name, unique within its file.
    pub name: String,
    /// The raw input bytes (from `input` or `input_hex`).
    pub input: Vec<u8>,
    /// Expected dispatched events: (type, data, lastEventId).
    pub events: Vec<(String, String, String)>,
    /// Expected final reconnection time; `None` when the stream sets none.
    pub retry: Option<u64>,
    /// Expected final last event ID string, when the vector states it.
    pub last_event_id: Option<String>,
}

impl Vector {
    /// "file.json / vector-name", for failure messages.
    pub fn label(&self) -> String {
        format!("{} / {}", self.file, self.name)
    }
}

/// Keys a vector object may have.
const KNOWN_KEYS: &[&str] =
    &["name", "description", "input", "input_hex", "events", "retry", "last_event_id"];

/// The `spec-vectors/` directory of this crate.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("spec-vectors")
}

/// Loads every `spec-vectors/*.json`, in file-name order. Panics on any problem, with a
/// message naming the file (and the vector).
pub fn load_all() -> Vec<Vector> {
    match load_dir(&vectors_dir()) {
        Ok(all) => all,
        Err(msg) => panic!("{msg}"),
    }
}

/// Loads every `*.json` file of `dir`, in file-name order.
pub fn load_dir(dir: &Path) -> Result<Vec<Vector>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read vector directory {}: {e}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|ext| ext == "json") {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(format!("no spec-vectors/*.json files found in {}", dir.display()));
    }

    let mut all = Vec::new();
    for path in paths {
        let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("spec-vectors/{file}: cannot read: {e}"))?;
        all.extend(parse_file(&file, &text)?);
    }
    Ok(all)
}

/// Parses the text of one vector file. The error message names the file and, when it can,
/// the vector (by name, or by index when the name itself is the problem).
pub fn parse_file(file: &str, text: &str) -> Result<Vec<Vector>, String> {
    let root: Value = serde_json::from_str(text)
        .map_err(|e| format!("spec-vectors/{file}: invalid JSON: {e}"))?;
    let array = match root {
        Value::Array(array) => array,
        other => {
            return Err(format!(
                "spec-vectors/{file}: top level must be a JSON array, found {}",
                kind(&other)
            ))
        }
    };

    let mut names = HashSet::new();
    let mut vectors = Vec::with_capacity(array.len());
    for (index, value) in array.iter().enumerate() {
        let obj = value.as_object().ok_or_else(|| {
            format!("spec-vectors/{file}: vector #{index} must be an object, found {}", kind(value))
        })?;
        let name = match obj.get("name") {
            Some(Value::String(name)) if !name.is_empty() => name.clone(),
            Some(Value::String(_)) => {
                return Err(format!("spec-vectors/{file}: vector #{index}: \"name\" is empty"))
            }
            Some(other) => {
                return Err(format!(
                    "spec-vectors/{file}: vector #{index}: \"name\" must be a string, found {}",
                    kind(other)
                ))
            }
            None => return Err(format!("spec-vectors/{file}: vector #{index}: missing \"name\"")),
        };
        let vector = parse_vector(file, &name, obj)
            .map_err(|msg| format!("spec-vectors/{file}: vector \"{name}\" (#{index}): {msg}"))?;
        if !names.insert(name.clone()) {
            return Err(format!("spec-vectors/{file}: duplicate vector name \"{name}\""));
        }
        vectors.push(vector);
    }
    Ok(vectors)
}

fn parse_vector(file: &str, name: &str, obj: &Map<String, Value>) -> Result<Vector, String> {
    for key in obj.keys() {
        if !KNOWN_KEYS.contains(&key.as_str()) {
            return Err(format!("unknown key \"{key}\" (allowed: {})", KNOWN_KEYS.join(", ")));
        }
    }

    if let Some(description) = obj.get("description") {
        if !description.is_string() {
            return Err(format!("\"description\" must be a string, found {}", kind(description)));
        }
    }

    let input = match (obj.get("input"), obj.get("input_hex")) {
        (Some(_), Some(_)) => {
            return Err("has both \"input\" and \"input_hex\"; give exactly one".to_string())
        }
        (None, None) => return Err("has neither \"input\" nor \"input_hex\"".to_string()),
        (Some(Value::String(s)), None) => s.as_bytes().to_vec(),
        (Some(other), None) => {
            return Err(format!("\"input\" must be a string, found {}", kind(other)))
        }
        (None, Some(Value::String(hex))) => decode_hex(hex)?,
        (None, Some(other)) => {
            return Err(format!("\"input_hex\" must be a string, found {}", kind(other)))
        }
    };

    let events_value = obj.get("events").ok_or_else(|| "missing \"events\"".to_string())?;
    let events_array = events_value
        .as_array()
        .ok_or_else(|| format!("\"events\" must be an array, found {}", kind(events_value)))?;
    let mut events = Vec::with_capacity(events_array.len());
    for (i, event) in events_array.iter().enumerate() {
        let event = event
            .as_object()
            .ok_or_else(|| format!("event #{i} must be an object, found {}", kind(event)))?;
        for key in event.keys() {
            if !["type", "data", "id"].contains(&key.as_str()) {
                return Err(format!("event #{i}: unknown key \"{key}\" (allowed: type, data, id)"));
            }
        }
        let field = |key: &str| -> Result<String, String> {
            match event.get(key) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(other) => {
                    Err(format!("event #{i}: \"{key}\" must be a string, found {}", kind(other)))
                }
                None => Err(format!("event #{i}: missing \"{key}\"")),
            }
        };
        events.push((field("type")?, field("data")?, field("id")?));
    }

    let retry = match obj.get("retry") {
        None => None,
        Some(value) => Some(value.as_u64().ok_or_else(|| {
            format!("\"retry\" must be an integer in 0..=18446744073709551615, found {value}")
        })?),
    };

    let last_event_id = match obj.get("last_event_id") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(format!("\"last_event_id\" must be a string, found {}", kind(other)))
        }
    };

    Ok(Vector {
        file: file.to_string(),
        name: name.to_string(),
        input,
        events,
        retry,
        last_event_id,
    })
}

/// Decodes lowercase or uppercase hex (an even number of digits, no separators).
pub fn decode_hex(hex: &str) -> Result<Vec<u8>, String> {
    if hex.len() % 2 != 0 {
        return Err(format!("\"input_hex\" has an odd number of digits ({})", hex.len()));
    }
    let digit = |c: u8, pos: usize| -> Result<u8, String> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(format!(
                "\"input_hex\" has a non-hex character {:?} at position {pos}",
                char::from(c)
            )),
        }
    };
    let bytes = hex.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 2);
    for (i, pair) in bytes.chunks(2).enumerate() {
        out.push(digit(pair[0], 2 * i)? << 4 | digit(pair[1], 2 * i + 1)?);
    }
    Ok(out)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
