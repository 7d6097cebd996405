//! Just enough Kubernetes protobuf decoding for what kubectl sends as protobuf to built-in kinds the
//! sandbox serves: `kubectl create namespace` (a `k8s\0`-enveloped `runtime.Unknown` holding a `Namespace`).
//! Only `metadata` (name, generateName, labels, annotations) is decoded.

use serde_json::{Map, Value, json};

fn varint(buf: &[u8], pos: &mut usize) -> Option<u64> {
    let mut out = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf.get(*pos)?;
        *pos += 1;
        out |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(out);
        }
    }
    None
}

/// Length-delimited fields of a message, as (field number, bytes); other wire types are skipped.
fn fields(buf: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut pos = 0;
    let mut out = Vec::new();
    while pos < buf.len() {
        let key = varint(buf, &mut pos)?;
        match key & 7 {
            0 => {
                varint(buf, &mut pos)?;
            }
            1 => pos += 8,
            5 => pos += 4,
            2 => {
                let len = usize::try_from(varint(buf, &mut pos)?).ok()?;
                let end = pos.checked_add(len)?;
                out.push((key >> 3, buf.get(pos..end)?));
                pos = end;
            }
            _ => return None,
        }
    }
    Some(out)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn string_map(entries: &[&[u8]]) -> Option<Value> {
    let mut m = Map::new();
    for e in entries {
        let f = fields(e)?;
        let k = f
            .iter()
            .find(|(n, _)| *n == 1)
            .map(|(_, v)| text(v))
            .unwrap_or_default();
        let v = f
            .iter()
            .find(|(n, _)| *n == 2)
            .map(|(_, v)| text(v))
            .unwrap_or_default();
        m.insert(k, json!(v));
    }
    Some(Value::Object(m))
}

fn object_meta(buf: &[u8]) -> Option<Value> {
    let f = fields(buf)?;
    let mut meta = Map::new();
    for (n, v) in &f {
        match n {
            1 => {
                meta.insert("name".into(), json!(text(v)));
            }
            2 => {
                meta.insert("generateName".into(), json!(text(v)));
            }
            _ => {}
        }
    }
    let labels: Vec<&[u8]> = f
        .iter()
        .filter(|(n, _)| *n == 11)
        .map(|(_, v)| *v)
        .collect();
    if !labels.is_empty() {
        meta.insert("labels".into(), string_map(&labels)?);
    }
    let annotations: Vec<&[u8]> = f
        .iter()
        .filter(|(n, _)| *n == 12)
        .map(|(_, v)| *v)
        .collect();
    if !annotations.is_empty() {
        meta.insert("annotations".into(), string_map(&annotations)?);
    }
    Some(Value::Object(meta))
}

/// Decode a protobuf-encoded built-in object of `kind`; `None` if unsupported or malformed.
pub fn decode(body: &[u8], kind: &str) -> Option<Value> {
    if kind != "Namespace" {
        return None;
    }
    let unknown = fields(body.strip_prefix(b"k8s\0")?)?;
    let raw = unknown.iter().find(|(n, _)| *n == 2)?.1;
    let obj = fields(raw)?;
    let meta = obj
        .iter()
        .find(|(n, _)| *n == 1)
        .map(|(_, m)| object_meta(m))
        .unwrap_or(Some(json!({})))?;
    Some(json!({"apiVersion": "v1", "kind": kind, "metadata": meta}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_namespace_envelope() {
        // k8s\0 + Unknown{typeMeta{apiVersion:"v1",kind:"Namespace"}, raw: Namespace{metadata{name:"team-a", labels{a:b}}}}
        let label = [&[0x0a, 1][..], b"a", &[0x12, 1], b"b"].concat();
        let meta = [
            &[0x0a, 6][..],
            b"team-a",
            &[0x5a, label.len() as u8],
            &label,
        ]
        .concat();
        let ns = [&[0x0a, meta.len() as u8][..], &meta].concat();
        let tm = [&[0x0a, 2][..], b"v1", &[0x12, 9], b"Namespace"].concat();
        let body = [
            &b"k8s\0"[..],
            &[0x0a, tm.len() as u8],
            &tm,
            &[0x12, ns.len() as u8],
            &ns,
        ]
        .concat();
        let v = decode(&body, "Namespace").unwrap();
        assert_eq!(v["metadata"]["name"], "team-a");
        assert_eq!(v["metadata"]["labels"]["a"], "b");
        assert!(decode(&body, "Event").is_none());
    }
}
