package flinkcapture;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Starts a Flink MiniCluster (REST on 127.0.0.1 only), runs a small stateful streaming job, takes
 * savepoints through the REST API the way the Flink Kubernetes operator does (POST
 * /jobs/:jobid/savepoints with target-directory + formatType, then polls the trigger) and writes
 * the JSON responses to {@code <fixtures-dir>/<flink-version>/<name>.json}.
 *
 * <p>Normalisation, so re-runs diff in values only: the temp directory is replaced by {@value
 * #PLACEHOLDER}, the job id is fixed, JSON is pretty-printed, and failure causes keep a short
 * stack trace and drop the base64 serialized throwable (see the fixtures README).
 */
public final class Capture {

    static final String PLACEHOLDER = "/tmp/flink-capture";
    static final JobID JOB_ID = JobID.fromHexString("f11c0000000000000000000000000001");
    /** The same job restored from the CANONICAL savepoint, for `latest.restored`. */
    static final JobID RESTORED_JOB_ID = JobID.fromHexString("f11c0000000000000000000000000002");
    /** One periodic checkpoint per second. */
    static final long CHECKPOINT_INTERVAL_MS = 1000;

    private static final ObjectMapper JSON = Rest.JSON;

    private static URI rest;
    private static Rest api;
    private static Path tmp;
    private static Path out;

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Capture <fixtures-dir>");
            System.exit(2);
        }
        String version = EnvironmentInformation.getVersion();
        out = Path.of(args[0]).toAbsolutePath().normalize().resolve(version);
        Files.createDirectories(out);
        tmp = Files.createTempDirectory("flink-capture-").toRealPath();
        try {
            run();
        } finally {
            deleteRecursively(tmp);
        }
        System.out.println("flink-capture: wrote fixtures for Flink " + version + " to " + out);
        System.exit(0);
    }

    private static void run() throws Exception {
        Configuration conf = KeyedCounterJob.clusterConfig("127.0.0.1", tmp.resolve("checkpoints"));
        try (MiniCluster cluster = new MiniCluster(KeyedCounterJob.miniCluster(conf))) {
            cluster.start();
            rest = cluster.getRestAddress().get();
            api = new Rest(rest);
            if (!"127.0.0.1".equals(rest.getHost()) && !"localhost".equals(rest.getHost())) {
                throw new IllegalStateException("REST endpoint is not on loopback: " + rest);
            }
            System.out.println("flink-capture: REST endpoint " + rest);

            cluster.submitJob(KeyedCounterJob.jobGraph(conf, JOB_ID, null, CHECKPOINT_INTERVAL_MS)).get();
            String job = "/jobs/" + JOB_ID;

            // Running, with a few completed periodic checkpoints.
            Rest.waitFor("job RUNNING", () -> "RUNNING".equals(api.get(job).path("state").asText()));
            Rest.waitFor(
                    "2 completed checkpoints",
                    () -> api.get(job + "/checkpoints").path("counts").path("completed").asLong() >= 2);

            save("overview", api.get("/overview"));
            save("jobs-overview", api.get("/jobs/overview"));
            save("job", api.get(job));
            save("checkpoints-config", api.get(job + "/checkpoints/config"));

            JsonNode stats = api.get(job + "/checkpoints");
            long checkpointId = stats.path("latest").path("completed").path("id").asLong();
            save("checkpoint-details-checkpoint", api.get(job + "/checkpoints/details/" + checkpointId));

            String savepoints = "file:" + tmp.resolve("savepoints");

            // 1. CANONICAL savepoint, slowed down so that it is seen IN_PROGRESS.
            KeyedCounterJob.SLOW_SNAPSHOT.set(true);
            JsonNode trigger = trigger(job, savepoints, "CANONICAL");
            save("savepoint-trigger", trigger);
            String canonical = trigger.path("request-id").asText();
            JsonNode status = api.get(job + "/savepoints/" + canonical);
            if ("IN_PROGRESS".equals(status.path("status").path("id").asText())) {
                save("savepoint-status-in-progress", status);
                JsonNode pending = pendingSavepoint(job);
                if (pending != null) {
                    save("checkpoints-savepoint-in-progress", api.get(job + "/checkpoints"));
                    save(
                            "checkpoint-details-in-progress",
                            api.get(job + "/checkpoints/details/" + pending.path("id").asLong()));
                } else {
                    System.err.println("flink-capture: savepoint not yet in the history");
                }
            } else {
                System.err.println("flink-capture: savepoint finished before it was observed");
            }
            KeyedCounterJob.SLOW_SNAPSHOT.set(false);
            JsonNode done = awaitTrigger(job, canonical);
            save("savepoint-status-completed", done);

            // 2. NATIVE savepoint.
            String nativeId = trigger(job, savepoints, "NATIVE").path("request-id").asText();
            save("savepoint-status-completed-native", awaitTrigger(job, nativeId));

            // 3. A savepoint that fails: the target directory lies under a regular file.
            Path blocker = tmp.resolve("not-a-directory");
            Files.writeString(blocker, "x");
            String bad = "file:" + blocker.resolve("savepoints");
            String failedId = trigger(job, bad, "CANONICAL").path("request-id").asText();
            save("savepoint-status-failed", awaitTrigger(job, failedId));

            // Statistics after all of the above, and the details of both savepoints.
            Thread.sleep(1500); // one more periodic checkpoint after the savepoints
            JsonNode after = api.get(job + "/checkpoints");
            save("checkpoints", after);
            String canonicalLocation = done.path("operation").path("location").asText();
            for (JsonNode entry : after.path("history")) {
                if (entry.path("is_savepoint").asBoolean()
                        && canonicalLocation.equals(entry.path("external_path").asText())) {
                    save(
                            "checkpoint-details-savepoint",
                            api.get(job + "/checkpoints/details/" + entry.path("id").asLong()));
                }
            }

            api.cancel(job);
            Rest.waitFor("job CANCELED", () -> "CANCELED".equals(api.get(job).path("state").asText()));

            // The same job restored from the CANONICAL savepoint: `latest.restored` is set.
            cluster.submitJob(KeyedCounterJob.jobGraph(conf, RESTORED_JOB_ID, canonicalLocation, CHECKPOINT_INTERVAL_MS)).get();
            String restored = "/jobs/" + RESTORED_JOB_ID;
            Rest.waitFor("restored job RUNNING", () -> "RUNNING".equals(api.get(restored).path("state").asText()));
            Rest.waitFor(
                    "a completed checkpoint after the restore",
                    () -> api.get(restored + "/checkpoints").path("counts").path("completed").asLong() >= 1);
            save("checkpoints-restored", api.get(restored + "/checkpoints"));
            api.cancel(restored);
        }
    }

    // ---- REST ------------------------------------------------------------------------------

    private static JsonNode trigger(String job, String dir, String format) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("target-directory", dir);
        body.put("cancel-job", false);
        body.put("formatType", format);
        return api.post(job + "/savepoints", body.toString());
    }

    private static JsonNode awaitTrigger(String job, String triggerId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = api.get(job + "/savepoints/" + triggerId);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                return status;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("savepoint " + triggerId + " did not complete");
    }

    private static JsonNode pendingSavepoint(String job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode entry : api.get(job + "/checkpoints").path("history")) {
                if (entry.path("is_savepoint").asBoolean()
                        && "IN_PROGRESS".equals(entry.path("status").asText())
                        && entry.path("num_acknowledged_subtasks").asLong() > 0) {
                    return entry;
                }
            }
            Thread.sleep(50);
        }
        return null;
    }

    // ---- output ----------------------------------------------------------------------------

    private static void save(String name, JsonNode node) throws IOException {
        trimFailureCauses(node);
        String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        text = text.replace(tmp.toString(), PLACEHOLDER);
        Files.writeString(out.resolve(name + ".json"), text + "\n", StandardCharsets.UTF_8);
        System.out.println("flink-capture: " + name + ".json");
    }

    /**
     * Keeps failure causes readable and stable across runs: the first line of the stack trace and
     * its "Caused by:" lines (frames vary with timing), no serialized throwable.
     */
    private static void trimFailureCauses(JsonNode node) {
        if (node instanceof ObjectNode) {
            ObjectNode object = (ObjectNode) node;
            if (object.has("serialized-throwable")) {
                object.put("serialized-throwable", "<elided by flink-capture>");
            }
            JsonNode trace = object.get("stack-trace");
            if (trace != null && trace.isTextual()) {
                String[] lines = trace.asText().split("\n");
                StringBuilder kept = new StringBuilder(lines[0]).append('\n');
                for (int i = 1; i < lines.length; i++) {
                    if (lines[i].startsWith("Caused by:")) {
                        kept.append(lines[i]).append('\n');
                    }
                }
                kept.append("\t... (frames trimmed by flink-capture)\n");
                object.put("stack-trace", kept.toString());
            }
        }
        node.forEach(Capture::trimFailureCauses);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
