//! HTTP(S) front: authentication, request log, fault injection and routing to discovery/read/write/watch.

mod delete;
mod discovery;
mod openapi;
mod protobuf;
mod read;
mod watch;
mod write;

use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::Value;

use crate::auth::User;
use crate::resources::ResourceDef;
use crate::status::ApiError;
use crate::store::Store;

/// One logged request, as seen by the sandbox (for assertions such as "one LIST per kind").
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub query: String,
    pub content_type: Option<String>,
    /// Authenticated user name, `None` if authentication failed.
    pub user: Option<String>,
    /// Kubernetes verb (get, list, watch, create, update, patch, delete, ...) for resource requests.
    pub verb: Option<String>,
    pub status: u16,
}

/// Injected faults, consumed by matching requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// The next `times` writes (PUT/PATCH/DELETE, incl. `/status`) to `resource`/`name` answer 409 Conflict.
    ConflictOnNextWrite {
        resource: String,
        name: String,
        times: u32,
    },
    /// The next `times` requests with `verb` on `resource` answer `code` (a generic `Status`).
    ErrorOnNext {
        verb: String,
        resource: String,
        code: u16,
        times: u32,
    },
}

pub(crate) struct AppState {
    pub store: Store,
    pub users: Vec<User>,
    pub log: Mutex<Vec<RequestRecord>>,
    pub faults: Mutex<Vec<Fault>>,
    pub shutdown: tokio::sync::watch::Receiver<bool>,
    /// Extra CA certificates (PEM) trusted for every webhook call, besides each webhook's `caBundle`.
    pub webhook_ca: Vec<String>,
    /// Simulated JobManagers behind the service proxy route.
    pub job_managers: Mutex<Vec<Arc<crate::simulator::JobManagers>>>,
}

/// A parsed resource request.
pub(crate) struct Target {
    pub def: ResourceDef,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub sub: Option<String>,
}

/// Query parameters (decoded).
pub(crate) struct Query(pub Vec<(String, String)>);

impl Query {
    pub fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
    pub fn flag(&self, k: &str) -> bool {
        matches!(self.get(k), Some("1" | "true" | "True"))
    }
    pub fn all(&self, k: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// Everything a handler needs about the request.
pub(crate) struct Req {
    pub method: Method,
    pub query: Query,
    /// The query string as sent (forwarded by the service proxy).
    pub raw_query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub user: User,
}

impl Req {
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    pub fn wants_table(&self) -> bool {
        self.headers
            .get("accept")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| {
                a.split(',')
                    .next()
                    .is_some_and(|first| first.contains("as=Table"))
            })
    }
}

/// JSON response with optional `Warning` headers.
pub(crate) fn json_response(code: u16, body: &Value, warnings: &[String]) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    for w in warnings {
        let text = format!("299 - \"{}\"", w.replace('"', "'"));
        if let Ok(v) = HeaderValue::from_str(&text) {
            resp.headers_mut().append("warning", v);
        }
    }
    resp
}

pub(crate) fn error_response(e: &ApiError) -> Response {
    json_response(e.code, &e.body, &[])
}

fn authenticate<'a>(users: &'a [User], headers: &HeaderMap) -> Option<&'a User> {
    let token = headers
        .get("authorization")?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?
        .trim();
    users.iter().find(|u| u.token == token)
}

/// Axum fallback handler: everything goes through here.
pub(crate) async fn handle(
    axum::extract::State(st): axum::extract::State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let query_str = uri.query().unwrap_or("").to_string();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let user = authenticate(&st.users, &headers).cloned();
    let query: Vec<(String, String)> = axum::extract::Query::try_from_uri(&uri)
        .map(|q| q.0)
        .unwrap_or_default();
    let (resp, verb) = match user.clone() {
        None => (error_response(&ApiError::unauthorized()), None),
        Some(user) => {
            let req = Req {
                method: method.clone(),
                query: Query(query),
                raw_query: query_str.clone(),
                headers,
                body,
                user,
            };
            route(&st, &path, req).await
        }
    };
    let record = RequestRecord {
        method: method.to_string(),
        path: path.clone(),
        query: query_str,
        content_type,
        user: user.map(|u| u.name),
        verb,
        status: resp.status().as_u16(),
    };
    tracing::debug!(method = %record.method, path = %record.path, status = record.status, "request");
    st.log
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(record);
    resp
}

async fn route(st: &Arc<AppState>, path: &str, req: Req) -> (Response, Option<String>) {
    let segs: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let defs = st.store.defs();
    let disc = |v: Option<Value>| match v {
        Some(v) => json_response(200, &v, &[]),
        None => error_response(&ApiError::unknown_resource()),
    };
    match segs.as_slice() {
        ["version"] => (json_response(200, &discovery::version(), &[]), None),
        ["healthz" | "readyz" | "livez"] => {
            let mut r = Response::new(Body::from("ok"));
            r.headers_mut()
                .insert("content-type", HeaderValue::from_static("text/plain"));
            (r, None)
        }
        ["api"] => (json_response(200, &discovery::core_versions(), &[]), None),
        ["api", "v1"] => (disc(discovery::resource_list(defs, "", "v1")), None),
        ["apis"] => (json_response(200, &discovery::group_list(defs), &[]), None),
        ["apis", g] => (disc(discovery::group(defs, g)), None),
        ["apis", g, v] => (disc(discovery::resource_list(defs, g, v)), None),
        ["openapi", "v3"] => (json_response(200, &openapi::root(defs), &[]), None),
        ["openapi", "v3", rest @ ..] => (disc(openapi::group_version(defs, &rest.join("/"))), None),
        [
            "api",
            "v1",
            "namespaces",
            ns,
            "services",
            service,
            "proxy",
            rest @ ..,
        ] => service_proxy(st, ns, service, rest, &req).await,
        ["api", "v1", rest @ ..] => resource(st, "", "v1", rest, req).await,
        ["apis", g, v, rest @ ..] => resource(st, g, v, rest, req).await,
        _ => (error_response(&ApiError::unknown_resource()), None),
    }
}

/// `GET /api/v1/namespaces/{ns}/services/{name}[:port]/proxy/<path>`, as kube-apiserver authorizes it
/// (`get` on `services/proxy`) and answers when nothing serves the Service (kube-apiserver 1.37: 503
/// `no endpoints available for service "x"`, also for a Service that does not exist). A Service whose
/// EndpointSlices resolve to a Pod's address (a live JobManager, [`crate::simulator::live`]) is
/// forwarded to, like kube-apiserver does; otherwise the answers come from the registered simulated
/// JobManagers (`<cluster>-rest`, port `rest`).
async fn service_proxy(
    st: &AppState,
    ns: &str,
    service: &str,
    rest: &[&str],
    req: &Req,
) -> (Response, Option<String>) {
    let verb = match req.method.as_str() {
        "GET" => "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => "delete",
        _ => return (error_response(&ApiError::method_not_allowed()), None),
    };
    if !req
        .user
        .permissions
        .allows(verb, "services/proxy", Some(ns))
    {
        let message = format!(
            "services \"{service}\" is forbidden: User \"{}\" cannot {verb} resource \"services/proxy\" in API group \"\" in the namespace \"{ns}\"",
            req.user.name
        );
        let err = ApiError::new(
            403,
            "Forbidden",
            message,
            Some(serde_json::json!({"name": service, "kind": "services"})),
        );
        return (error_response(&err), Some(verb.to_string()));
    }
    // `name`, `name:port` or `scheme:name:port`
    let parts: Vec<&str> = service.split(':').collect();
    let (name, port) = match parts.as_slice() {
        [name] => (*name, None),
        [name, port] => (*name, Some(*port)),
        [_, name, port] => (*name, Some(*port)),
        _ => ("", None),
    };
    if let Some(addr) = crate::simulator::live::resolve_service(&st.store, ns, name, port) {
        let answer = forward(addr, req, rest).await;
        return (answer, Some(verb.to_string()));
    }
    let cluster = name.strip_suffix("-rest");
    let not_found = || {
        ApiError::new(
            503,
            "ServiceUnavailable",
            format!("no endpoints available for service \"{name}\""),
            None,
        )
    };
    let (Some(cluster), true) = (cluster, port.is_none_or(|p| p == "rest" || p == "8081")) else {
        return (error_response(&not_found()), Some(verb.to_string()));
    };
    if verb != "get" {
        return (
            json_response(
                405,
                &serde_json::json!({"errors": ["Not allowed in the sandbox"]}),
                &[],
            ),
            Some(verb.to_string()),
        );
    }
    let path = format!("/{}", rest.join("/"));
    let managers = st
        .job_managers
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let answer = managers.iter().find_map(|jm| jm.answer(ns, cluster, &path));
    match answer {
        Some((code, body)) => (json_response(code, &body, &[]), Some(verb.to_string())),
        None => (error_response(&not_found()), Some(verb.to_string())),
    }
}

/// Forwards a proxied request to `addr` (plain HTTP, like kube-apiserver to a Pod without the `https:`
/// scheme prefix): the JobManager's status, content type and body, or 503 when it cannot be reached.
async fn forward(addr: std::net::SocketAddr, req: &Req, rest: &[&str]) -> Response {
    let mut url = format!("http://{addr}/{}", rest.join("/"));
    if !req.raw_query.is_empty() {
        url.push('?');
        url.push_str(&req.raw_query);
    }
    let client = reqwest::Client::new();
    let mut request = client
        .request(req.method.clone(), &url)
        .timeout(std::time::Duration::from_secs(30));
    if let Some(ct) = req.headers.get("content-type") {
        request = request.header("content-type", ct.clone());
    }
    if !req.body.is_empty() {
        request = request.body(req.body.clone());
    }
    let answer = async {
        let r = request.send().await?;
        let status = r.status();
        let content_type = r.headers().get("content-type").cloned();
        let body = r.bytes().await?;
        Ok::<_, reqwest::Error>((status, content_type, body))
    };
    match answer.await {
        Ok((status, content_type, body)) => {
            let mut resp = Response::new(Body::from(body));
            *resp.status_mut() = status;
            if let Some(ct) = content_type {
                resp.headers_mut().insert("content-type", ct);
            }
            resp
        }
        Err(e) => error_response(&ApiError::new(
            503,
            "ServiceUnavailable",
            format!("error trying to reach service: {e}"),
            None,
        )),
    }
}

fn parse_target(defs: &[ResourceDef], group: &str, version: &str, rest: &[&str]) -> Option<Target> {
    let find = |plural: &str| {
        defs.iter()
            .find(|d| d.group == group && d.version == version && d.plural == plural)
            .cloned()
    };
    let (namespace, rest): (Option<String>, Vec<&str>) = match rest {
        ["namespaces", ns, r, more @ ..]
            if !(group.is_empty() && matches!(*r, "status" | "finalize")) =>
        {
            (
                Some(ns.to_string()),
                std::iter::once(*r).chain(more.iter().copied()).collect(),
            )
        }
        _ => (None, rest.to_vec()),
    };
    let def = find(rest.first()?)?;
    if namespace.is_some() && !def.namespaced {
        return None;
    }
    let name = rest.get(1).map(|s| s.to_string());
    let sub = rest.get(2).map(|s| s.to_string());
    if rest.len() > 3
        || (sub.is_some() && !(sub.as_deref() == Some("status") && def.status_subresource))
    {
        return None;
    }
    Some(Target {
        def,
        namespace,
        name,
        sub,
    })
}

fn verb_of(method: &Method, target: &Target, query: &Query) -> Option<&'static str> {
    let item = target.name.is_some();
    Some(match (method.as_str(), item) {
        ("GET", false) if query.flag("watch") => "watch",
        ("GET", false) => "list",
        ("GET", true) => "get",
        ("POST", false) => "create",
        ("PUT", true) => "update",
        ("PATCH", true) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => return None,
    })
}

fn take_fault(st: &AppState, verb: &str, target: &Target) -> Option<ApiError> {
    let mut faults = st.faults.lock().unwrap_or_else(|p| p.into_inner());
    let write = matches!(verb, "update" | "patch" | "delete");
    for f in faults.iter_mut() {
        match f {
            Fault::ConflictOnNextWrite {
                resource,
                name,
                times,
            } if write
                && *times > 0
                && *resource == target.def.plural
                && Some(&*name) == target.name.as_ref() =>
            {
                *times -= 1;
                return Some(ApiError::conflict(&target.def, name));
            }
            Fault::ErrorOnNext {
                verb: v,
                resource,
                code,
                times,
            } if *times > 0 && v == verb && *resource == target.def.plural => {
                *times -= 1;
                return Some(ApiError::new(
                    *code,
                    "InternalError",
                    format!("injected fault: {code}"),
                    None,
                ));
            }
            _ => {}
        }
    }
    None
}

async fn resource(
    st: &Arc<AppState>,
    group: &str,
    version: &str,
    rest: &[&str],
    req: Req,
) -> (Response, Option<String>) {
    let Some(target) = parse_target(st.store.defs(), group, version, rest) else {
        return (error_response(&ApiError::unknown_resource()), None);
    };
    let Some(verb) = verb_of(&req.method, &target, &req.query) else {
        return (error_response(&ApiError::method_not_allowed()), None);
    };
    let resource_name = match &target.sub {
        Some(s) => format!("{}/{s}", target.def.plural),
        None => target.def.plural.clone(),
    };
    if !req
        .user
        .permissions
        .allows(verb, &resource_name, target.namespace.as_deref())
    {
        let err = ApiError::forbidden(
            &target.def,
            &req.user.name,
            verb,
            target.sub.as_deref(),
            target.namespace.as_deref(),
            target.name.as_deref(),
        );
        return (error_response(&err), Some(verb.to_string()));
    }
    if let Some(err) = take_fault(st, verb, &target) {
        return (error_response(&err), Some(verb.to_string()));
    }
    let resp = match verb {
        "get" => read::get(st, &target, &req),
        "list" => read::list(st, &target, &req),
        "watch" => watch::watch(st, &target, &req),
        "create" => write::create(st, &target, &req).await,
        "update" => write::update(st, &target, &req).await,
        "patch" => write::patch(st, &target, &req).await,
        "delete" => delete::delete(st, &target, &req).await,
        _ => error_response(&ApiError::method_not_allowed()),
    };
    (resp, Some(verb.to_string()))
}
