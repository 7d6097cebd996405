//! Which key `schedule --savepoint-dir` adds the savepoint directory under, by `spec.flinkVersion`.

use crate::config::options::SAVEPOINT_DIR;

/// The key Flink < 1.20 reads for the savepoint directory (Flink 1.20 renamed it to
/// `execution.checkpointing.savepoint-dir`, FLINK-34482, keeping this one as a deprecated alias).
pub const PRE_1_20_SAVEPOINT_DIR_KEY: &str = "state.savepoints.dir";

/// `spec.flinkVersion` (`v1_19`, `v2_0`; also `1.19`) as (major, minor); `None` if unreadable.
pub fn parse_flink_version(text: &str) -> Option<(u32, u32)> {
    let text = text.trim();
    let bare = text
        .strip_prefix('v')
        .or_else(|| text.strip_prefix('V'))
        .unwrap_or(text);
    let (major, minor) = bare.split_once(['_', '.'])?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// The key to add a savepoint directory under, for a resource whose `spec.flinkVersion` is
/// `flink_version`: the pre-1.20 key `state.savepoints.dir` for Flink < 1.20 (the only spelling
/// its JobManager knows), the canonical `execution.checkpointing.savepoint-dir` for 1.20 and
/// later, and for an absent or unreadable version (the operator resolves both spellings and
/// passes the directory explicitly when it triggers).
pub fn savepoint_dir_key(flink_version: Option<&str>) -> &'static str {
    match flink_version.and_then(parse_flink_version) {
        Some(version) if version < (1, 20) => PRE_1_20_SAVEPOINT_DIR_KEY,
        _ => SAVEPOINT_DIR.key,
    }
}
