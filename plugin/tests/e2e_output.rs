//! Output for scripts and people, through the real kubectl on the sandbox and on the real
//! kube-apiserver: `-o name` lines kubectl accepts, `-o jsonpath` / `-o custom-columns` /
//! `--sort-by` over the document `-o json` prints, kubectl's AGE, `--show-labels`, several
//! targets and `-l`, and `-o jsonpath` on every command that has `-o json`. Where kubectl has the
//! same output for the same objects, the test runs kubectl itself against the same server.

mod common;

use std::path::Path;

use common::env::*;
use kubectl_savepoint::render::human_age;
use serde_json::{Value, json};

on_both_backends!(
    name_output_is_what_kubectl_get_prints_and_kubectl_accepts_it,
    jsonpath_applies_to_the_json_document_and_agrees_with_kubectl,
    custom_columns_and_sort_by_print_the_chosen_fields_in_order,
    age_is_kubectls_and_wide_adds_exact_timestamps,
    show_labels_prints_the_labels_kubectl_shows,
    several_targets_and_label_selectors,
    jsonpath_works_on_every_command_with_json_output,
    bad_formats_and_templates_are_usage_errors_before_any_request,
    the_template_engine_prints_what_kubectl_prints_for_the_same_document,
    custom_columns_print_what_kubectl_prints_for_the_same_document,
);

/// `kubectl ARGS` (plain kubectl), for comparisons: the runner of the other e2e tests.
async fn plain_kubectl(kubeconfig: &Path, args: &[&str]) -> Out {
    common::e2e::run_kubectl(kubeconfig, args, &common::e2e::plugin_dir()).await
}

/// kubectl's own `kubectl get flinkstatesnapshots -n NS -o OUTPUT`.
async fn kubectl_get_snapshots(env: &Env, output: &str) -> Out {
    let args = ["get", "flinkstatesnapshots", "-n", env.ns(), "-o", output];
    plain_kubectl(env.kubeconfig(), &args).await
}

/// [`populate`], then the `-o json` document kubectl prints of the snapshots.
async fn populated_snapshot_document(env: &Env) -> Value {
    populate(env).await;
    let json_out = kubectl_get_snapshots(env, "json").await;
    json_out.expect(0);
    serde_json::from_str(&json_out.stdout).unwrap()
}

fn sorted_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines.sort();
    lines
}

/// `orders` with a legacy history entry (no object) and two snapshots: one completed, one failed.
async fn populate(env: &Env) {
    let ns = env.ns();
    put_app(env, "orders").await;
    let legacy = json!({
        "lastSavepoint": { "timeStamp": 1_767_225_600_000_i64, "location": "s3://b/periodic-1", "triggerType": "PERIODIC", "formatType": "CANONICAL" },
        "savepointHistory": [{ "timeStamp": 1_767_225_600_000_i64, "location": "s3://b/periodic-1", "triggerType": "PERIODIC", "formatType": "CANONICAL" }]
    });
    env.set_status("flinkdeployments", ns, "orders", running_status(5, legacy))
        .await;
    put_snapshot(
        env,
        ns,
        "orders-sp-9",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "COMPLETED", "path": "s3://b/sp-9", "triggerTimestamp": "2026-01-02T00:00:00Z",
                "resultTimestamp": "2026-01-02T00:00:07.250Z" }),
    )
    .await;
    put_snapshot(
        env,
        ns,
        "orders-sp-10",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "FAILED", "error": "boom", "failures": 4, "triggerTimestamp": "2026-01-03T00:00:00Z" }),
    )
    .await;
}

/// `-o name` prints one `flinkstatesnapshot.flink.apache.org/NAME` per snapshot, as `kubectl get
/// flinkstatesnapshots -o name` does, nothing for the legacy record, and kubectl takes the lines.
async fn name_output_is_what_kubectl_get_prints_and_kubectl_accepts_it(env: Env) {
    populate(&env).await;
    let ns = env.ns();
    let ours = kubectl(
        env.kubeconfig(),
        &["list", "app/orders", "-n", ns, "-o", "name"],
    )
    .await;
    ours.expect(0);
    assert_eq!(
        ours.stdout,
        "flinkstatesnapshot.flink.apache.org/orders-sp-10\n\
         flinkstatesnapshot.flink.apache.org/orders-sp-9\n",
        "newest first, no line for legacy-1767225600000"
    );
    let theirs = plain_kubectl(
        env.kubeconfig(),
        &["get", "flinkstatesnapshots", "-n", ns, "-o", "name"],
    )
    .await;
    theirs.expect(0);
    assert_eq!(sorted_lines(&ours.stdout), sorted_lines(&theirs.stdout));
    // Every line is a name kubectl resolves.
    let mut args = vec!["get", "-n", ns, "-o", "jsonpath={.items[*].status.state}"];
    let lines: Vec<&str> = ours.stdout.lines().collect();
    args.extend(lines.iter().copied());
    let got = plain_kubectl(env.kubeconfig(), &args).await;
    got.expect(0);
    assert_eq!(got.stdout, "FAILED COMPLETED");
    // Only legacy records: no line, and kubectl's "No resources found" on stderr instead.
    put_app(&env, "legacy-only").await;
    let legacy = json!({ "lastSavepoint": { "timeStamp": 1_767_225_600_000_i64, "location": "s3://b/l-1",
                         "triggerType": "MANUAL", "formatType": "CANONICAL" } });
    env.set_status(
        "flinkdeployments",
        ns,
        "legacy-only",
        running_status(5, legacy),
    )
    .await;
    let none = kubectl(
        env.kubeconfig(),
        &["list", "app/legacy-only", "-n", ns, "-o", "name"],
    )
    .await;
    none.expect(0);
    assert_eq!(none.stdout, "");
    assert_eq!(
        none.stderr,
        format!("No savepoints found for app/legacy-only in namespace {ns}.\n")
    );
    // Upper-case format names work too.
    let upper = kubectl(
        env.kubeconfig(),
        &["list", "app/orders", "-n", ns, "-o", "NAME"],
    )
    .await;
    upper.expect(0);
    assert_eq!(upper.stdout, ours.stdout);
}

/// `-o jsonpath` walks the same document `-o json` prints; filtering it for snapshot entries
/// gives the names kubectl's own jsonpath finds for the FlinkStateSnapshots.
async fn jsonpath_applies_to_the_json_document_and_agrees_with_kubectl(env: Env) {
    populate(&env).await;
    let ns = env.ns();
    let json_out = kubectl(
        env.kubeconfig(),
        &["list", "app/orders", "-n", ns, "-o", "json"],
    )
    .await;
    json_out.expect(0);
    let doc: Value = serde_json::from_str(&json_out.stdout).unwrap();
    assert_eq!(doc["kind"], "List");
    let expected: String = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}\t{}\t{}\n",
                i["id"].as_str().unwrap(),
                i["state"].as_str().unwrap(),
                i["location"].as_str().unwrap_or("")
            )
        })
        .collect();
    let out = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "app/orders",
            "-n",
            ns,
            "-o",
            r#"jsonpath={range .items[*]}{.id}{"\t"}{.state}{"\t"}{.location}{"\n"}{end}"#,
        ],
    )
    .await;
    out.expect(0);
    assert_eq!(out.stdout, expected);
    assert_eq!(
        out.stdout,
        "orders-sp-10\tFAILED\t\n\
         orders-sp-9\tCOMPLETED\ts3://b/sp-9\n\
         legacy-1767225600000\tCOMPLETED\ts3://b/periodic-1\n"
    );
    let ours = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "app/orders",
            "-n",
            ns,
            "-o",
            r#"jsonpath={range .items[?(@.source=="SNAPSHOT")]}{.snapshotName}{"\n"}{end}"#,
        ],
    )
    .await;
    ours.expect(0);
    let theirs = plain_kubectl(
        env.kubeconfig(),
        &[
            "get",
            "flinkstatesnapshots",
            "-n",
            ns,
            "-o",
            r#"jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}"#,
        ],
    )
    .await;
    theirs.expect(0);
    assert_eq!(sorted_lines(&ours.stdout), sorted_lines(&theirs.stdout));
    // Space-separated results, as kubectl prints a wildcard.
    let ids = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "app/orders",
            "-n",
            ns,
            "-o",
            "jsonpath={.items[*].id}",
        ],
    )
    .await;
    ids.expect(0);
    assert_eq!(ids.stdout, "orders-sp-10 orders-sp-9 legacy-1767225600000");
    // A template file works like the inline template.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.jsonpath");
    std::fs::write(&file, "{.items[*].id}").unwrap();
    let from_file = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "app/orders",
            "-n",
            ns,
            "-o",
            &format!("jsonpath-file={}", file.display()),
        ],
    )
    .await;
    from_file.expect(0);
    assert_eq!(from_file.stdout, ids.stdout);
}

/// `-o custom-columns` prints the headers as given and `<none>` for missing fields;
/// `--sort-by` orders by a field of the JSON items, in natural order.
async fn custom_columns_and_sort_by_print_the_chosen_fields_in_order(env: Env) {
    populate(&env).await;
    let ns = env.ns();
    let out = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "app/orders",
            "-n",
            ns,
            "-o",
            "custom-columns=ID:.id,STATE:.state,Error:.error",
            "--sort-by",
            ".id",
        ],
    )
    .await;
    out.expect(0);
    assert_eq!(
        out.stdout,
        "ID                     STATE       Error\n\
         legacy-1767225600000   COMPLETED   <none>\n\
         orders-sp-9            COMPLETED   <none>\n\
         orders-sp-10           FAILED      boom\n"
    );
    let no_headers = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "app/orders",
            "-n",
            ns,
            "-o",
            "custom-columns=ID:{.id}",
            "--sort-by={.triggered}",
            "--no-headers",
        ],
    )
    .await;
    no_headers.expect(0);
    assert_eq!(
        no_headers.stdout,
        "legacy-1767225600000\norders-sp-9\norders-sp-10\n"
    );
    // --sort-by applies to -o json as well.
    let json_out = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "app/orders",
            "-n",
            ns,
            "-o",
            "json",
            "--sort-by",
            ".id",
        ],
    )
    .await;
    json_out.expect(0);
    let doc: Value = serde_json::from_str(&json_out.stdout).unwrap();
    let ids: Vec<&str> = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["legacy-1767225600000", "orders-sp-9", "orders-sp-10"]);
    // A path no item has is refused in kubectl's words.
    let missing = kubectl(
        env.kubeconfig(),
        &["list", "app/orders", "-n", ns, "--sort-by", ".nope"],
    )
    .await;
    missing.expect(2);
    assert!(
        missing
            .stderr
            .contains("couldn't find any field with path \"{.nope}\" in the list of objects"),
        "{}",
        missing.stderr
    );
}

/// AGE is kubectl's `HumanDuration` of the trigger time; `-o wide` keeps it and adds the exact
/// trigger and completion times as the objects carry them.
async fn age_is_kubectls_and_wide_adds_exact_timestamps(env: Env) {
    populate(&env).await;
    let ns = env.ns();
    // Triggered 3h4m30s ago: kubectl's age of that time when the listing ran (3h4m).
    let triggered =
        jiff::Timestamp::now() - jiff::SignedDuration::from_secs(3 * 3600 + 4 * 60 + 30);
    put_snapshot(
        &env,
        ns,
        "orders-sp-recent",
        "FlinkDeployment",
        "orders",
        "MANUAL",
        json!({ "state": "IN_PROGRESS", "triggerTimestamp": triggered.to_string() }),
    )
    .await;
    let age_now = || human_age(jiff::Timestamp::now().as_second() - triggered.as_second());
    let before = age_now();
    let out = kubectl(env.kubeconfig(), &["list", "app/orders", "-n", ns]).await;
    let ages = [before, age_now()];
    out.expect(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        ["TARGET", "SAVEPOINT", "TYPE", "STATE", "AGE", "LOCATION"]
    );
    let mut recent: Vec<&str> = lines[1].split_whitespace().collect();
    assert!(ages.contains(&recent[4].to_owned()), "{recent:?} {ages:?}");
    assert!(recent[4].starts_with("3h"), "{recent:?}");
    recent.remove(4);
    assert_eq!(
        recent,
        [
            "app/orders",
            "orders-sp-recent",
            "MANUAL",
            "IN_PROGRESS",
            "<none>"
        ]
    );
    let before = age_now();
    let wide = kubectl(
        env.kubeconfig(),
        &["list", "app/orders", "-n", ns, "-o", "wide"],
    )
    .await;
    let ages = [before, age_now()];
    wide.expect(0);
    let lines: Vec<&str> = wide.stdout.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "TARGET",
            "SAVEPOINT",
            "TYPE",
            "STATE",
            "AGE",
            "LOCATION",
            "SOURCE",
            "FORMAT",
            "NONCE",
            "TRIGGERED",
            "COMPLETED",
            "SIZE",
            "DURATION",
            "ERROR"
        ]
    );
    let completed = lines
        .iter()
        .find(|l| l.contains("orders-sp-9"))
        .expect("orders-sp-9 row");
    let cells: Vec<&str> = completed.split_whitespace().collect();
    assert_eq!(
        cells[9..],
        // SIZE and DURATION stay blank: no JobManager answers in this test.
        [
            "2026-01-02T00:00:00Z",
            "2026-01-02T00:00:07.25Z",
            "<none>",
            "<none>",
            "<none>"
        ],
        "{completed}"
    );
    let legacy = lines
        .iter()
        .find(|l| l.contains("legacy-"))
        .expect("legacy row");
    assert!(legacy.contains("2026-01-01T00:00:00Z"), "{legacy}");
    let recent: Vec<&str> = lines[1].split_whitespace().collect();
    assert!(
        ages.contains(&recent[4].to_owned()),
        "AGE stays in -o wide: {} {ages:?}",
        lines[1]
    );
    assert_eq!(recent[9], triggered.to_string());
}

/// `--show-labels` prints each snapshot's labels as `kubectl get --show-labels` prints them, and
/// `<none>` for the legacy record.
async fn show_labels_prints_the_labels_kubectl_shows(env: Env) {
    populate(&env).await;
    let ns = env.ns();
    let out = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "app/orders",
            "-n",
            ns,
            "--show-labels",
            "--no-headers",
        ],
    )
    .await;
    out.expect(0);
    let theirs = plain_kubectl(
        env.kubeconfig(),
        &[
            "get",
            "flinkstatesnapshot",
            "orders-sp-9",
            "-n",
            ns,
            "--show-labels",
            "--no-headers",
        ],
    )
    .await;
    theirs.expect(0);
    let their_labels = theirs.stdout.split_whitespace().last().unwrap().to_owned();
    assert_eq!(
        their_labels,
        "snapshot.trigger-type=MANUAL,snapshot.type=SAVEPOINT"
    );
    let row = |id: &str| {
        out.stdout
            .lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("{id} in {}", out.stdout))
            .split_whitespace()
            .last()
            .unwrap()
            .to_owned()
    };
    assert_eq!(row("orders-sp-9"), their_labels);
    assert_eq!(row("legacy-"), "<none>");
    // The labels are in -o json too.
    let json_out = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "app/orders",
            "-n",
            ns,
            "-o",
            "jsonpath={.items[0].labels.snapshot\\.type}",
        ],
    )
    .await;
    json_out.expect(0);
    assert_eq!(json_out.stdout, "SAVEPOINT");
}

/// `list app/a app/b` and `list app a b` list both; `-l` selects jobs by their labels; names and
/// a selector together are refused as kubectl refuses them.
async fn several_targets_and_label_selectors(env: Env) {
    populate(&env).await;
    let ns = env.ns();
    let mut billing = env.get("flinkdeployments", ns, "orders").await.unwrap();
    billing["metadata"] = json!({ "name": "billing", "namespace": ns });
    billing.as_object_mut().unwrap().remove("status");
    env.put(
        "flinkdeployments",
        ns,
        billing,
        running_status(5, json!({})),
    )
    .await;
    put_snapshot(
        &env,
        ns,
        "billing-sp-1",
        "FlinkDeployment",
        "billing",
        "MANUAL",
        json!({ "state": "COMPLETED", "path": "s3://b/billing-1", "triggerTimestamp": "2026-01-05T00:00:00Z" }),
    )
    .await;
    let ids = "jsonpath={.items[*].id}";
    let both = kubectl(
        env.kubeconfig(),
        &["list", "app/orders", "app/billing", "-n", ns, "-o", ids],
    )
    .await;
    both.expect(0);
    assert_eq!(
        both.stdout,
        "billing-sp-1 orders-sp-10 orders-sp-9 legacy-1767225600000"
    );
    let spaced = kubectl(
        env.kubeconfig(),
        &["list", "app", "orders", "billing", "-n", ns, "-o", ids],
    )
    .await;
    spaced.expect(0);
    assert_eq!(spaced.stdout, both.stdout);
    // `orders` has team=data, `billing` no labels.
    let selected = kubectl(
        env.kubeconfig(),
        &["list", "-n", ns, "-l", "team=data", "-o", ids],
    )
    .await;
    selected.expect(0);
    assert_eq!(
        selected.stdout,
        "orders-sp-10 orders-sp-9 legacy-1767225600000"
    );
    let negated = kubectl(
        env.kubeconfig(),
        &["list", "-n", ns, "-l", "!team", "-o", ids],
    )
    .await;
    negated.expect(0);
    assert_eq!(negated.stdout, "billing-sp-1");
    let refused = kubectl(
        env.kubeconfig(),
        &["list", "app/orders", "-n", ns, "-l", "team=data"],
    )
    .await;
    refused.expect(2);
    assert!(
        refused
            .stderr
            .contains("selectors and resource names exclude each other"),
        "{}",
        refused.stderr
    );
    // With session/NAME, -l selects among that cluster's session jobs.
    put_session(&env, "shared").await;
    for job in ["etl", "clicks"] {
        put_session_job(&env, job, "shared").await;
        put_snapshot(
            &env,
            ns,
            &format!("{job}-sp-1"),
            "FlinkSessionJob",
            job,
            "MANUAL",
            json!({ "state": "COMPLETED", "path": format!("s3://b/{job}-1"), "triggerTimestamp": "2026-01-06T00:00:00Z" }),
        )
        .await;
    }
    env.merge_patch(
        "flinksessionjobs",
        ns,
        "clicks",
        json!({ "metadata": { "labels": { "team": "web" } } }),
    )
    .await;
    let session = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "session/shared",
            "-n",
            ns,
            "-l",
            "team=web",
            "-o",
            ids,
        ],
    )
    .await;
    session.expect(0);
    assert_eq!(session.stdout, "clicks-sp-1");
    let refused_among_several = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "session/shared",
            "job/etl",
            "-n",
            ns,
            "-l",
            "team=web",
        ],
    )
    .await;
    refused_among_several.expect(2);
    let mixed = kubectl(
        env.kubeconfig(),
        &["list", "app/orders", "billing", "-n", ns],
    )
    .await;
    mixed.expect(2);
    assert!(
        mixed.stderr.contains("resource/name form"),
        "{}",
        mixed.stderr
    );
    let missing = kubectl(
        env.kubeconfig(),
        &["list", "app/orders", "app/nope", "-n", ns],
    )
    .await;
    missing.expect(1);
    assert!(missing.stderr.contains("nope"), "{}", missing.stderr);
}

/// Every command with `-o json` also takes `-o jsonpath=`, applied to the same document.
async fn jsonpath_works_on_every_command_with_json_output(env: Env) {
    populate(&env).await;
    let ns = env.ns();
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec!["describe", "app/orders"],
            "{.target} {.settings.savepointDir.value}",
            "app/orders s3://bucket/savepoints",
        ),
        (
            vec!["describe", "flinkstatesnapshot/orders-sp-9"],
            "{.path}",
            "s3://b/sp-9",
        ),
        (
            vec!["trigger", "app/orders", "--dry-run=client"],
            "{.method} {.previousNonce} {.savepointDirectory.key}",
            "nonce 5 state.savepoints.dir",
        ),
        (vec!["schedule", "app/orders"], "{.target}", "app/orders"),
        (
            vec!["prune", "app/orders", "--keep", "1", "--dry-run=client"],
            "{range .decisions[*]}{.name}={.delete} {end}",
            "orders-sp-10=true orders-sp-9=false ",
        ),
        (
            vec![
                "restore",
                "app/orders",
                "--from",
                "orders-sp-9",
                "--new-name",
                "orders-copy",
                "--dry-run=client",
            ],
            "{.metadata.name} {.spec.job.initialSavepointPath}",
            "orders-copy s3://b/sp-9",
        ),
        (
            vec!["version", "--client"],
            "{.clientVersion}",
            env!("CARGO_PKG_VERSION"),
        ),
    ];
    for (args, template, want) in cases {
        let mut full = args.clone();
        full.extend(["-n", ns]);
        let json_out = kubectl(env.kubeconfig(), &[&full[..], &["-o", "json"]].concat()).await;
        json_out.expect(0);
        serde_json::from_str::<Value>(&json_out.stdout)
            .unwrap_or_else(|e| panic!("{args:?} -o json: {e}: {}", json_out.stdout));
        let jsonpath = format!("jsonpath={template}");
        let out = kubectl(env.kubeconfig(), &[&full[..], &["-o", &jsonpath]].concat()).await;
        out.expect(0);
        assert_eq!(out.stdout, want, "{args:?} -o {jsonpath}");
    }
}

/// An unknown format or a template that does not parse is exit 2 in kubectl's words, before any
/// request (the sandbox's request log stays empty).
async fn bad_formats_and_templates_are_usage_errors_before_any_request(env: Env) {
    populate(&env).await;
    let ns = env.ns();
    if let Some(sb) = env.sandbox_ref() {
        sb.clear_requests();
    }
    for (args, message) in [
        (
            vec!["list", "-o", "xml"],
            "unable to match a printer suitable for the output format \"xml\", allowed formats are: \
             custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml",
        ),
        (
            vec!["list", "-o", "jsonpath={.items"],
            "error parsing jsonpath {.items, unclosed action",
        ),
        (
            vec!["list", "-o", "jsonpath"],
            "template format specified but no template given",
        ),
        (
            vec!["list", "-o", "custom-columns=ID"],
            "unexpected custom-columns spec: ID, expected <header>:<json-path-expr>",
        ),
        (
            vec!["list", "--sort-by", "{.a}{.b}"],
            "error parsing jsonpath {.a}{.b}",
        ),
        (
            vec!["describe", "app/orders", "-o", "wide"],
            "allowed formats are: json,jsonpath,jsonpath-file,yaml",
        ),
        (
            vec![
                "describe",
                "app/orders",
                "-o",
                "jsonpath={range .x}{end}{end}",
            ],
            "not in range, nothing to end",
        ),
    ] {
        let mut full = args.clone();
        full.extend(["-n", ns]);
        let out = kubectl(env.kubeconfig(), &full).await;
        out.expect(2);
        assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
    }
    if let Some(sb) = env.sandbox_ref() {
        assert_eq!(sb.requests().len(), 0, "{:?}", sb.requests());
    }
    // A template that parses but cannot be applied is kubectl's exit 1.
    let out = kubectl(
        env.kubeconfig(),
        &[
            "list",
            "app/orders",
            "-n",
            ns,
            "-o",
            "jsonpath={.items[7].id}",
        ],
    )
    .await;
    out.expect(1);
    assert!(
        out.stderr
            .contains("array index out of bounds: index 7, length 3"),
        "{}",
        out.stderr
    );
}

/// The JSONPath engine behind `-o jsonpath` against kubectl's own: the same templates over the
/// same `kubectl get flinkstatesnapshots -o json` document print the same text.
async fn the_template_engine_prints_what_kubectl_prints_for_the_same_document(env: Env) {
    let doc = populated_snapshot_document(&env).await;
    let ns = env.ns();
    for template in [
        "{.kind}",
        "{.items[*].metadata.name}",
        r#"{range .items[*]}{.metadata.name}{"\t"}{.status.state}{"\n"}{end}"#,
        r#"{.items[?(@.status.state=="COMPLETED")].metadata.name}"#,
        r#"{.items[?(@.status.state!='COMPLETED')].status.error}"#,
        "{.items[?(@.status.failures>1)].metadata.name}",
        "{.items[?(@.status.path)].status.path}",
        "{.items[0].metadata.labels}",
        "{.items[0].spec.jobReference}",
        "{.items[-1:].spec.jobReference.name}",
        "{.items[0:2].spec.backoffLimit}",
        "{.items[*].spec.savepoint.disposeOnDelete}",
        r"{.items[0].metadata.labels.snapshot\.type}",
        "{.items[0]['kind','apiVersion']}",
        "{.items[1].metadata['name']}",
        "{.items[*].status.missing}",
        "names: {.items[*].metadata.name} kind: {.kind}",
        "{range .items[*]}[{.metadata.name}]{end}",
        "{range .items[*]}{range .status.*}{end}{.metadata.name};{end}",
    ] {
        let theirs = kubectl_get_snapshots(&env, &format!("jsonpath={template}")).await;
        theirs.expect(0);
        let ours = flink_savepoint::jsonpath::Template::parse(template)
            .unwrap_or_else(|e| panic!("{template}: {e}"))
            .execute(&doc)
            .unwrap_or_else(|e| panic!("{template}: {e}"));
        assert_eq!(ours, theirs.stdout, "{template}");
    }
    // Templates kubectl cannot parse are refused in the same words.
    for template in [
        "{.items",
        "{.items[0}",
        "{.items[x]}",
        "{.a,.b}",
        "{..a....b}",
        r#"{.items[?(@.metadata.name=~"sp-1")].metadata.name}"#,
    ] {
        let theirs = kubectl_get_snapshots(&env, &format!("jsonpath={template}")).await;
        assert_ne!(theirs.code, 0, "{template}");
        let ours = kubectl(
            env.kubeconfig(),
            &["list", "-n", ns, "-o", &format!("jsonpath={template}")],
        )
        .await;
        ours.expect(2);
        let message = theirs
            .stderr
            .trim()
            .trim_start_matches("error: ")
            .to_owned();
        assert!(
            ours.stderr.contains(&message),
            "{template}: ours {} theirs {message}",
            ours.stderr
        );
    }
}

/// `-o custom-columns` cells and alignment against kubectl's, for the same document.
async fn custom_columns_print_what_kubectl_prints_for_the_same_document(env: Env) {
    let doc = populated_snapshot_document(&env).await;
    for spec in [
        "NAME:.metadata.name,STATE:.status.state",
        "B:.spec.backoffLimit,NAME:.metadata.name,E:.status.error",
        "name:{.metadata.name},LABELS:.metadata.labels,REF:.spec.jobReference.name",
        "X:.status.missing,Y:.kind",
    ] {
        let theirs = kubectl_get_snapshots(&env, &format!("custom-columns={spec}")).await;
        theirs.expect(0);
        let columns = flink_savepoint::jsonpath::parse_custom_columns(spec).unwrap();
        let mut table =
            kubectl_savepoint::render::Table::new(columns.iter().map(|c| c.header.clone()));
        for item in doc["items"].as_array().unwrap() {
            table.push(
                columns
                    .iter()
                    .map(|c| flink_savepoint::jsonpath::column_text(c, item).unwrap()),
            );
        }
        assert_eq!(table.render_verbatim(false), theirs.stdout, "{spec}");
    }
}
