//! Minimal OpenAPI v3 documents (`/openapi/v3` and `/openapi/v3/<api|apis/group>/<version>`): enough for
//! kubectl to detect server-side field validation and to choose merge patch (not strategic) for custom
//! resources, exactly as it does against a real apiserver.

use serde_json::{Value, json};

use crate::resources::ResourceDef;

fn gv_path(def: &ResourceDef) -> String {
    if def.group.is_empty() {
        format!("api/{}", def.version)
    } else {
        format!("apis/{}/{}", def.group, def.version)
    }
}

/// `/openapi/v3` discovery of group-version documents.
pub fn root(defs: &[ResourceDef]) -> Value {
    let mut paths = serde_json::Map::new();
    for d in defs {
        let p = gv_path(d);
        let url = format!("/openapi/v3/{p}?hash=SANDBOX");
        paths.insert(p, json!({"serverRelativeURL": url}));
    }
    json!({"paths": paths})
}

fn param(name: &str, location: &str) -> Value {
    json!({"name": name, "in": location, "required": location == "path", "schema": {"type": "string", "uniqueItems": true}})
}

/// OpenAPI v3 document for one group version (`rest` = `api/v1` or `apis/<group>/<version>`).
pub fn group_version(defs: &[ResourceDef], rest: &str) -> Option<Value> {
    let served: Vec<&ResourceDef> = defs.iter().filter(|d| gv_path(d) == rest).collect();
    if served.is_empty() {
        return None;
    }
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    for d in served {
        let gvk = json!({"group": d.group, "version": d.version, "kind": d.kind});
        let schema_name = format!("{}.{}.{}", d.group, d.version, d.kind);
        let mut schema = d.schema.clone().unwrap_or_else(
            || json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true}),
        );
        schema["x-kubernetes-group-version-kind"] = json!([gvk.clone()]);
        schemas.insert(schema_name.clone(), schema);
        let body_ref = json!({"schema": {"$ref": format!("#/components/schemas/{schema_name}")}});
        let mut patch_types = serde_json::Map::new();
        for ct in [
            "application/json-patch+json",
            "application/merge-patch+json",
            "application/apply-patch+yaml",
        ] {
            patch_types.insert(ct.into(), json!({"schema": {"type": "object"}}));
        }
        // Strategic merge is deliberately not advertised: for built-in kinds kubectl then computes it from its
        // compiled-in types (as it does when a schema lookup fails), for custom resources it uses merge patch.
        let query: Vec<Value> = ["dryRun", "fieldManager", "fieldValidation", "force"]
            .iter()
            .map(|n| param(n, "query"))
            .collect();
        let mut item_params = vec![param("name", "path")];
        if d.namespaced {
            item_params.push(param("namespace", "path"));
        }
        item_params.extend(query.iter().cloned());
        let ok = json!({"200": {"description": "OK", "content": {"application/json": body_ref.clone()}}});
        let op = |action: &str, extra: Value| {
            let mut o = json!({"operationId": format!("{action}{}", d.kind), "responses": ok.clone(),
                "parameters": query.clone(), "x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk.clone()});
            if let (Some(m), Some(e)) = (o.as_object_mut(), extra.as_object()) {
                m.extend(e.clone());
            }
            o
        };
        let base = if d.namespaced {
            format!("/{rest}/namespaces/{{namespace}}/{}", d.plural)
        } else {
            format!("/{rest}/{}", d.plural)
        };
        paths.insert(
            format!("{base}/{{name}}"),
            json!({
                "get": op("get", json!({})),
                "put": op("put", json!({"requestBody": {"content": {"application/json": body_ref.clone()}}})),
                "delete": op("delete", json!({})),
                "patch": op("patch", json!({"requestBody": {"content": Value::Object(patch_types)}})),
                "parameters": item_params,
            }),
        );
        let mut coll_params = query.clone();
        if d.namespaced {
            coll_params.push(param("namespace", "path"));
        }
        paths.insert(
            base,
            json!({
                "get": op("list", json!({})),
                "post": op("post", json!({"requestBody": {"content": {"application/json": body_ref.clone()}}})),
                "parameters": coll_params,
            }),
        );
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.33.0-flink-sandbox"},
        "paths": paths,
        "components": {"schemas": schemas}
    }))
}
