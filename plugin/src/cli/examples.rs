//! The `Examples:` section of every subcommand's `--help`, in kubectl's layout (a `# comment`
//! line, then the command, indented by two spaces).

/// The examples of subcommand `name` (empty for an unknown name).
pub fn examples(name: &str) -> &'static str {
    match name {
        "trigger" => {
            "\
Examples:
  # Request a savepoint of an application (changes spec.job.savepointTriggerNonce)
  kubectl savepoint trigger app/orders

  # Create a FlinkStateSnapshot for a session job and wait until it completes
  kubectl savepoint trigger job/etl --method snapshot --wait --timeout 15m

  # Show the request that would be sent, without sending it
  kubectl savepoint trigger app/orders --dry-run

  # Print only the FlinkStateSnapshot's name
  kubectl savepoint trigger app/orders --method snapshot -o jsonpath='{.snapshot}'

  # Before an operator upgrade: a savepoint of every job labelled team=data in every
  # namespace, waiting for all of them (the exit code is the worst outcome)
  kubectl savepoint trigger -l team=data -A --wait"
        }
        "list" => {
            "\
Examples:
  # List the savepoints of every application and session job in the current namespace
  kubectl savepoint list

  # List the savepoints of two applications, with exact times
  kubectl savepoint list app/orders app/billing -o wide

  # List the completed manual savepoints in all namespaces
  kubectl savepoint list -A --type manual --state completed

  # List the savepoints of the jobs labelled team=data, oldest first
  kubectl savepoint list -l team=data --sort-by .triggered

  # Print the location of every completed savepoint, one per line
  kubectl savepoint list app/orders --state completed -o jsonpath='{range .items[*]}{.location}{\"\\n\"}{end}'

  # Choose the columns
  kubectl savepoint list -o custom-columns=NAME:.id,STATE:.state,PATH:.location

  # Delete the FlinkStateSnapshots the listing shows, with kubectl
  kubectl savepoint list app/orders --state failed -o name | xargs kubectl delete

  # Keep watching for new and changed savepoints
  kubectl savepoint list app/orders -w"
        }
        "wait" => {
            "\
Examples:
  # Wait for the latest savepoint of an application
  kubectl savepoint wait app/orders

  # Wait at most 5 minutes for a FlinkStateSnapshot
  kubectl savepoint wait flinkstatesnapshot/orders-sp-1767225600000 --timeout 5m

  # Wait for the latest savepoint of every job labelled team=data
  kubectl savepoint wait -l team=data"
        }
        "status" => {
            "\
Examples:
  # How recoverable is every job in the current namespace?
  kubectl savepoint status

  # Every namespace; exit 1 when any job is not OK (for cron jobs and CI)
  kubectl savepoint status -A --exit-code

  # One job, as JSON
  kubectl savepoint status app/orders -o json"
        }
        "schedule" => {
            "\
Examples:
  # Show the effective periodic savepoint and retention settings and where they come from
  kubectl savepoint schedule app/orders

  # Take a savepoint every 6 hours and keep at most 10 for 7 days
  kubectl savepoint schedule app/orders --interval 6h --max-count 10 --max-age 7d

  # Take a savepoint every day at 02:00 (Quartz cron)
  kubectl savepoint schedule app/orders --interval '0 0 2 * * ?'

  # Turn periodic savepoints off for every job of a session cluster
  kubectl savepoint schedule session/shared --disable"
        }
        "restore" => {
            "\
Examples:
  # Redeploy an application from its newest completed savepoint (asks first)
  kubectl savepoint restore app/orders --from latest

  # Restore from a FlinkStateSnapshot without asking
  kubectl savepoint restore app/orders --from orders-sp-1767225600000 --yes

  # Start a copy of the application from a savepoint path, leaving the original untouched
  kubectl savepoint restore app/orders --from s3://bucket/savepoints/savepoint-1a2b3c --new-name orders-replay"
        }
        "delete" => {
            "\
Examples:
  # Delete a savepoint FlinkStateSnapshot
  kubectl savepoint delete orders-sp-1767225600000

  # Show what would be deleted
  kubectl savepoint delete flinkstatesnapshot/orders-sp-1767225600000 --dry-run"
        }
        "prune" => {
            "\
Examples:
  # Keep the 5 newest completed savepoints of an application, remove older snapshots
  kubectl savepoint prune app/orders --keep 5

  # Show which snapshots older than 30 days would be removed
  kubectl savepoint prune job/etl --older-than 30d --dry-run"
        }
        "describe" => {
            "\
Examples:
  # Describe the savepoint setup of an application
  kubectl savepoint describe app/orders

  # Describe one savepoint
  kubectl savepoint describe flinkstatesnapshot/orders-sp-1767225600000

  # Print the effective savepoint directory only
  kubectl savepoint describe app/orders -o jsonpath='{.settings.savepointDir.value}'"
        }
        "version" => {
            "\
Examples:
  # Print the plugin and server versions and the Flink resources the server serves
  kubectl savepoint version

  # Print the plugin version only, as JSON
  kubectl savepoint version --client -o json"
        }
        "completion" => {
            "\
Examples:
  # Load completion for the kubectl-savepoint binary in the current bash shell
  source <(kubectl-savepoint completion bash)

  # Install zsh completion
  kubectl-savepoint completion zsh > \"${fpath[1]}/_kubectl-savepoint\""
        }
        _ => "",
    }
}
